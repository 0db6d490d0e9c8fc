/**
 * Defaults of the presence server (packages/server/src/options.ts and the README table) that the
 * bench sets explicitly or measures against; the bare baseline runs with the same engine settings.
 */

/** Liveness: a node renews its leases every heartbeat; a lease expires after the TTL. */
export const LIVENESS = { HEARTBEAT_INTERVAL_MS: '5000', SESSION_TTL_MS: '15000' };
export const GC_INTERVAL_MS = 5000;

/**
 * The engine's ping interval and timeout. Idle CPU is measured over one full ping cycle: sockets
 * are pinged a cycle after they connected, so a shorter window would catch an arbitrary share of
 * the pings.
 */
export const PING_INTERVAL_MS = 45_000;
export const PING_TIMEOUT_MS = 10_000;

/** The server samples its event loop every 100 ms (eventLoopMonitoringPrecision). */
export const EVENT_LOOP_SAMPLING_MS = 100;
