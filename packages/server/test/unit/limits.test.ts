import { describe, expect, it } from 'vitest';
import { assertLiveness, ConfigError, deadNodeBoundMs } from '../../src/index.js';
import { TokenBucket } from '../../src/rate-limiter.js';

describe('liveness rules', () => {
  it('should refuse a session TTL under twice the heartbeat', () => {
    expect(() => assertLiveness({ heartbeatIntervalMs: 5_000, sessionTtlMs: 9_999 })).toThrow(
      ConfigError,
    );
    expect(() =>
      assertLiveness({ heartbeatIntervalMs: 5_000, sessionTtlMs: 10_000 }),
    ).not.toThrow();
  });

  it('should bound the time a dead node stays counted within 30 s by default', () => {
    expect(
      deadNodeBoundMs({ heartbeatIntervalMs: 5_000, sessionTtlMs: 15_000 }),
    ).toBeLessThanOrEqual(30_000);
  });
});

describe('TokenBucket', () => {
  it('should allow a burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});
