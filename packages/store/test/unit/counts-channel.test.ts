import { describe, expect, it } from 'vitest';
import { countsChannel, parseCountsMessage } from '../../src/counts-channel.js';
import { postKeys } from '../../src/keys.js';

const hashTag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1];

describe('counts channel format', () => {
  it("should give a post's channel the hash tag of the post's keys", () => {
    expect(hashTag(countsChannel(42, 'vp'))).toBe(hashTag(postKeys(42, 'vp').viewers));
  });

  it('should read back what a publisher writes', () => {
    expect(parseCountsMessage(countsChannel(42, 'x'), '7 1700000000123', 'x')).toEqual({
      postId: 42,
      count: 7,
      seq: 1700000000123,
    });
  });

  it.each([
    ['another prefix', countsChannel(42, 'y'), '7 1'],
    ['a channel of no post', 'x:counts:{pabc}', '7 1'],
    ['post id 0', 'x:counts:{p0}', '7 1'],
    ['a negative count', countsChannel(42, 'x'), '-7 1'],
    ['a missing seq', countsChannel(42, 'x'), '7'],
    ['JSON', countsChannel(42, 'x'), '[7,1]'],
    ['a count past safe integers', countsChannel(42, 'x'), '99999999999999999999 1'],
  ])('should ignore a message on %s', (_what, channel, message) => {
    expect(parseCountsMessage(channel, message, 'x')).toBeUndefined();
  });
});
