import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/backoff.js';

describe('backoffDelay', () => {
  const options = { baseMs: 1_000, maxMs: 10_000, jitter: 0.5 };

  it('should double the delay on each attempt up to the maximum', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 50].map((attempt) => backoffDelay(attempt, options, middle))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('should spread the delay by the jitter both ways', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(1_000);
    expect(backoffDelay(1, options, () => 0.999_999)).toBe(3_000);
  });

  it('should not spread the delay without jitter', () => {
    expect(backoffDelay(2, { ...options, jitter: 0 }, () => 0)).toBe(4_000);
  });
});
