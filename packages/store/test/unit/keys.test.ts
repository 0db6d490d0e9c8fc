import { describe, expect, it } from 'vitest';
import { allTopKeys, postKeys, TOP_SHARDS } from '../../src/keys.js';

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
});
