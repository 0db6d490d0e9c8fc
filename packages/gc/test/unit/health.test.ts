import { describe, expect, it } from 'vitest';
import { SweepHealth } from '../../src/index.js';

/** A health whose clock the test moves. */
function at(start = 1_000_000) {
  let now = start;
  const health = new SweepHealth({ unhealthyAfterMs: 30_000, now: () => now });
  return { health, advance: (ms: number) => (now += ms) };
}

describe('the gc health rule', () => {
  it('should give a gc that just started the whole threshold for its first good sweep', () => {
    const { health, advance } = at();
    expect(health.status()).toEqual({
      healthy: true,
      lastGoodSweepAgeMs: 0,
      sweptOnce: false,
      unhealthyAfterMs: 30_000,
    });
    advance(30_000);
    expect(health.status().healthy).toBe(true);
    advance(1);
    expect(health.status()).toMatchObject({ healthy: false, lastGoodSweepAgeMs: 30_001 });
  });

  it('should stay healthy while sweeps succeed, fail once the last good one is too old, and recover with the next', () => {
    const { health, advance } = at();
    advance(50_000);
    health.swept();
    expect(health.status()).toMatchObject({
      healthy: true,
      lastGoodSweepAgeMs: 0,
      sweptOnce: true,
    });
    advance(30_000);
    expect(health.status().healthy).toBe(true);
    advance(5_000);
    expect(health.status()).toMatchObject({ healthy: false, lastGoodSweepAgeMs: 35_000 });
    health.swept();
    expect(health.status()).toMatchObject({ healthy: true, lastGoodSweepAgeMs: 0 });
  });
});
