import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { allTopKeys, postKeys, TOP_SHARDS } from '../../src/keys.js';
import { siteKeyPrefix, sitesKey } from '../../src/sites.js';

const hashTag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1];

describe('redis keys', () => {
  it('should give every key of one post the same hash tag', () => {
    const keys = Object.values(postKeys(123));
    expect(new Set(keys.map(hashTag))).toEqual(new Set(['p123']));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('should give different posts different hash tags', () => {
    expect(hashTag(postKeys(1).viewers)).not.toBe(hashTag(postKeys(11).viewers));
  });

  it('should spread the top index over distinct shards', () => {
    const keys = allTopKeys('x');
    expect(keys).toHaveLength(TOP_SHARDS);
    expect(new Set(keys.map(hashTag)).size).toBe(TOP_SHARDS);
    expect(keys.every((key) => key.startsWith('x:'))).toBe(true);
  });

  it("should keep the default site's keys as they were, and put a named site's under its own", () => {
    expect(siteKeyPrefix('vp')).toBe('vp');
    expect(siteKeyPrefix('vp', 'site-a')).toBe('vp:site:site-a');
    expect(postKeys(7, siteKeyPrefix('vp', 'site-a')).viewers).toBe('vp:site:site-a:{p7}:viewers');
    // No site's prefix is a prefix of another site's keys, nor the default site's.
    const a = postKeys(7, siteKeyPrefix('vp', 'a')).viewers;
    expect(
      postKeys(7, siteKeyPrefix('vp', 'a-b')).viewers.startsWith(`${siteKeyPrefix('vp', 'a')}:`),
    ).toBe(false);
    expect(a.startsWith('vp:{')).toBe(false);
    expect(sitesKey('vp')).toBe('vp:sites');
  });

  it('should document in its README exactly the keys of a post', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Keys\n')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\| `([^`]+)` +\| (\w+) +\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.values(postKeys(42, 'vp')).sort());
  });
});
