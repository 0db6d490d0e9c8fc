import { describe, expect, it } from 'vitest';
import {
  assertLiveness,
  ConfigError,
  deadNodeBoundMs,
  DEFAULT_OPTIONS,
  MIN_TTL_TO_HEARTBEAT_RATIO,
} from '../../src/index.js';
import { TokenBucket } from '../../src/rate-limiter.js';

/** The product's promise (DESIGN.md, Freshness): a dead node's viewers are gone within 30 s. */
const DEAD_NODE_PROMISE_MS = 30_000;

describe('liveness rules', () => {
  it('should refuse a session TTL under twice the heartbeat', () => {
    const { heartbeatIntervalMs } = DEFAULT_OPTIONS;
    const shortest = MIN_TTL_TO_HEARTBEAT_RATIO * heartbeatIntervalMs;
    expect(() => assertLiveness({ heartbeatIntervalMs, sessionTtlMs: shortest - 1 })).toThrow(
      ConfigError,
    );
    expect(() => assertLiveness({ heartbeatIntervalMs, sessionTtlMs: shortest })).not.toThrow();
  });

  it('should hold its own rules by default', () => {
    expect(() => assertLiveness(DEFAULT_OPTIONS)).not.toThrow();
  });

  it('should bound the time a dead node stays counted within 30 s by default', () => {
    expect(deadNodeBoundMs(DEFAULT_OPTIONS)).toBeLessThanOrEqual(DEAD_NODE_PROMISE_MS);
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
