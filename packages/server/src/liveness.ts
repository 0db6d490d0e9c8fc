import { ConfigError } from '@vip-presence/store';

/**
 * The liveness rules, written once.
 *
 * - A node renews the leases of all its viewers every `heartbeatIntervalMs`, in one batch.
 * - A lease lives `sessionTtlMs`; counts exclude expired leases at read time, gc or not.
 * - `sessionTtlMs >= 2 * heartbeatIntervalMs`: one late or failed renewal never drops a live
 *   viewer.
 * - A node that dies drops out of every count within `sessionTtlMs`, and readers are told by the
 *   next renewal of another node on that post, or the gc: within `deadNodeBoundMs`.
 * - Readers over time are sampled by the renewals: `seriesBucketMs >= 2 * heartbeatIntervalMs`
 *   (or 0, no series), so a bucket a post had readers in always holds a renewal, and a bucket
 *   without one may be read as "nobody" (`@vip-presence/store`'s series.ts). Several nodes on one
 *   post add one sample of the mean per `seriesSampleGapMs`.
 */
export interface LivenessSettings {
  heartbeatIntervalMs: number;
  sessionTtlMs: number;
  /** @default 0 (no series) */
  seriesBucketMs?: number;
}

/** The longest series bucket: an hour (24 hours of minutes kept at the default). */
export const MAX_SERIES_BUCKET_MS = 3_600_000;

export const MIN_TTL_TO_HEARTBEAT_RATIO = 2;

export function assertLiveness({
  heartbeatIntervalMs,
  sessionTtlMs,
  seriesBucketMs = 0,
}: LivenessSettings): void {
  if (!Number.isFinite(heartbeatIntervalMs) || heartbeatIntervalMs < 100) {
    throw new ConfigError('heartbeatIntervalMs', 'must be at least 100 ms');
  }
  if (sessionTtlMs < MIN_TTL_TO_HEARTBEAT_RATIO * heartbeatIntervalMs) {
    throw new ConfigError(
      'sessionTtlMs',
      `must be at least ${MIN_TTL_TO_HEARTBEAT_RATIO} x heartbeatIntervalMs ` +
        `(${MIN_TTL_TO_HEARTBEAT_RATIO * heartbeatIntervalMs} ms), got ${sessionTtlMs} ms`,
    );
  }
  const seriesOk =
    seriesBucketMs === 0 ||
    (Number.isSafeInteger(seriesBucketMs) &&
      seriesBucketMs >= MIN_TTL_TO_HEARTBEAT_RATIO * heartbeatIntervalMs &&
      seriesBucketMs <= MAX_SERIES_BUCKET_MS);
  if (!seriesOk) {
    throw new ConfigError(
      'seriesBucketMs',
      `must be 0 (no series) or from ${MIN_TTL_TO_HEARTBEAT_RATIO} x heartbeatIntervalMs ` +
        `(${MIN_TTL_TO_HEARTBEAT_RATIO * heartbeatIntervalMs} ms) to ${MAX_SERIES_BUCKET_MS} ms, ` +
        `got ${seriesBucketMs}`,
    );
  }
}

/**
 * Shortest time between two samples of a post's mean: 3/4 of the heartbeat, so one node renewing
 * every heartbeat samples each time, and several nodes on one post sample no more often.
 */
export function seriesSampleGapMs({ heartbeatIntervalMs }: LivenessSettings): number {
  return Math.floor((heartbeatIntervalMs * 3) / 4);
}

/** Longest time a dead node's viewers stay visible to readers. */
export function deadNodeBoundMs({ heartbeatIntervalMs, sessionTtlMs }: LivenessSettings): number {
  return sessionTtlMs + heartbeatIntervalMs;
}
