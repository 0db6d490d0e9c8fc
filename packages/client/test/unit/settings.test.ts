import { describe, expect, it } from 'vitest';
import { normalizeSettings, toPostId } from '../../src/settings.js';

describe('settings', () => {
  it('should take the url and tokens the plugin prints', () => {
    expect(
      normalizeSettings({ url: 'https://presence.example.com', tokens: { '123': 'v1.123.1.sig' } }),
    ).toEqual({
      options: { url: 'https://presence.example.com', tokens: { '123': 'v1.123.1.sig' } },
      ignored: [],
    });
  });

  it('should leave out a url that is not absolute and tokens that are not strings of post ids', () => {
    expect(
      normalizeSettings({ url: '/relative', tokens: { '12': 5, abc: 'x', '7': 'v1.7.1.sig' } }),
    ).toEqual({
      options: { tokens: { '7': 'v1.7.1.sig' } },
      ignored: ['url', 'tokens.12', 'tokens.abc'],
    });
  });

  it('should take an http(s) tokens URL and leave out any other', () => {
    const tokensUrl = 'https://blog.example.com/wp-json/vip-presence/v1/tokens';
    expect(normalizeSettings({ tokensUrl })).toEqual({
      options: { tokensUrl, tokens: {} },
      ignored: [],
    });
    for (const bad of ['/wp-json/vip-presence/v1/tokens', 'wss://blog.example.com/x', 42]) {
      expect(normalizeSettings({ tokensUrl: bad })).toEqual({
        options: { tokens: {} },
        ignored: ['tokensUrl'],
      });
    }
  });

  it('should read anything without throwing', () => {
    for (const raw of [undefined, null, 42, 'x', [], { tokens: 'x' }, { tokens: null }]) {
      expect(() => normalizeSettings(raw)).not.toThrow();
    }
  });

  it('should accept post ids as numbers or strings of digits', () => {
    expect(toPostId(12)).toBe(12);
    expect(toPostId('12')).toBe(12);
    for (const bad of [0, -1, 1.5, '', '1e3', ' 1', '12abc', NaN, null, {}]) {
      expect(toPostId(bad)).toBeUndefined();
    }
  });
});
