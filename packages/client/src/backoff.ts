export interface BackoffOptions {
  /** Delay of the first attempt. */
  baseMs: number;
  /** Longest delay. */
  maxMs: number;
  /** Random spread, 0 to 1: the delay lands in `[d * (1 - jitter), d * (1 + jitter)]`. */
  jitter: number;
}

/**
 * Exponential backoff with jitter: `min(maxMs, baseMs * 2^attempt)`, spread by `jitter`.
 * `random` returns a number in [0, 1) (`Math.random` in production, fixed in tests).
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, jitter }: BackoffOptions,
  random: () => number,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const spread = Math.min(1, Math.max(0, jitter));
  return Math.round(exponential * (1 + spread * (2 * random() - 1)));
}
