/** What `/healthz` answers. */
export interface HealthStatus {
  /** False once the last good sweep (before one: the start) is older than `unhealthyAfterMs`. */
  healthy: boolean;
  /** Time since the last good sweep; before the first one, since the gc started. */
  lastGoodSweepAgeMs: number;
  /** Whether any sweep has succeeded yet. */
  sweptOnce: boolean;
  unhealthyAfterMs: number;
}

export interface SweepHealthOptions {
  /** How old the last good sweep may get before the gc is unhealthy. */
  unhealthyAfterMs: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * The gc's liveness, in one rule: healthy while a sweep succeeded within `unhealthyAfterMs`.
 * A gc that has just started gets that long for its first good sweep, so a Redis that is not up
 * yet does not fail it at once, and one that never comes up does. A sweep that hangs (Redis
 * stopped answering) fails it as surely as sweeps that fail: only time since success counts.
 */
export class SweepHealth {
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastGoodAt: number | undefined;

  constructor(private readonly options: SweepHealthOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** A sweep just succeeded. */
  swept(): void {
    this.lastGoodAt = this.now();
  }

  status(): HealthStatus {
    const lastGoodSweepAgeMs = this.now() - (this.lastGoodAt ?? this.startedAt);
    const { unhealthyAfterMs } = this.options;
    return {
      healthy: lastGoodSweepAgeMs <= unhealthyAfterMs,
      lastGoodSweepAgeMs,
      sweptOnce: this.lastGoodAt !== undefined,
      unhealthyAfterMs,
    };
  }
}
