import { describe, expect, it } from 'vitest';
import { ErrorCodes, parseHandshakeAuth, parseJoin, parseLeave, parseWatch } from '../src/index.js';

const badPostIds: unknown[] = [
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 1,
  Infinity,
  NaN,
  '12',
  null,
  undefined,
  {},
  [1],
  true,
];

describe('payload validation', () => {
  it.each(badPostIds.map((postId) => [String(postId), postId]))(
    'should refuse join with postId %s',
    (_label, postId) => {
      const parsed = parseJoin({ postId });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe(ErrorCodes.InvalidPayload);
    },
  );

  it.each([null, undefined, 42, 'x', [], [{ postId: 1 }]])(
    'should refuse a join payload of %j',
    (payload) => {
      expect(parseJoin(payload).ok).toBe(false);
      expect(parseLeave(payload).ok).toBe(false);
    },
  );

  it('should accept a join with and without a token', () => {
    expect(parseJoin({ postId: 5 })).toEqual({ ok: true, value: { postId: 5 } });
    expect(parseJoin({ postId: 5, token: 't' })).toEqual({
      ok: true,
      value: { postId: 5, token: 't' },
    });
  });

  it('should refuse a join whose token is not a short string', () => {
    expect(parseJoin({ postId: 5, token: 12 }).ok).toBe(false);
    expect(parseJoin({ postId: 5, token: 'x'.repeat(257) }).ok).toBe(false);
  });

  it('should refuse a watch of more post ids than allowed with too_many_posts', () => {
    const parsed = parseWatch({ postIds: Array.from({ length: 5000 }, (_, i) => i + 1) }, 100);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe(ErrorCodes.TooManyPosts);
  });

  it('should refuse a watch with one bad id among good ones', () => {
    expect(parseWatch({ postIds: [1, 2, -3] }, 100).ok).toBe(false);
    expect(parseWatch({ postIds: [] }, 100).ok).toBe(false);
    expect(parseWatch({ postIds: '1,2' }, 100).ok).toBe(false);
  });

  it('should deduplicate watched post ids', () => {
    expect(parseWatch({ postIds: [3, 3, 4] }, 100)).toEqual({
      ok: true,
      value: { postIds: [3, 4] },
    });
  });

  it('should accept only visitor ids of 8-64 safe characters', () => {
    expect(parseHandshakeAuth({ visitorId: 'abcdEFGH_-12' }).ok).toBe(true);
    for (const visitorId of [
      'short',
      'x'.repeat(65),
      'has space ok',
      'ünïcode-id',
      42,
      undefined,
    ]) {
      const parsed = parseHandshakeAuth({ visitorId });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe(ErrorCodes.InvalidVisitorId);
    }
    expect(parseHandshakeAuth(null).ok).toBe(false);
  });

  it('should take auth.site as the site, and no site as the default one', () => {
    const visitorId = 'abcdEFGH_-12';
    expect(parseHandshakeAuth({ visitorId, site: 'news-example-com' })).toEqual({
      ok: true,
      value: { visitorId, site: 'news-example-com' },
    });
    expect(parseHandshakeAuth({ visitorId, site: 'x'.repeat(64) }).ok).toBe(true);
    expect(parseHandshakeAuth({ visitorId })).toEqual({ ok: true, value: { visitorId } });
    expect(parseHandshakeAuth({ visitorId, site: null })).toEqual({
      ok: true,
      value: { visitorId },
    });
  });

  it.each(['', 'x'.repeat(65), 'a.b', 'a:b', 'a{b}', 'ünï', ' a', 7, true, ['a'], {}])(
    'should refuse a connection with auth.site %j',
    (site) => {
      const parsed = parseHandshakeAuth({ visitorId: 'abcdEFGH_-12', site });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe(ErrorCodes.InvalidSite);
    },
  );
});
