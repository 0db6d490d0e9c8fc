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
 */
export interface LivenessSettings {
  heartbeatIntervalMs: number;
  sessionTtlMs: number;
}

export const MIN_TTL_TO_HEARTBEAT_RATIO = 2;

export function assertLiveness({ heartbeatIntervalMs, sessionTtlMs }: LivenessSettings): void {
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
}

/** Longest time a dead node's viewers stay visible to readers. */
export function deadNodeBoundMs({ heartbeatIntervalMs, sessionTtlMs }: LivenessSettings): number {
  return sessionTtlMs + heartbeatIntervalMs;
}
