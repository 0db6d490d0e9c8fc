/**
 * Defaults of the presence server (packages/server/src/options.ts and the README table) that the
 * bench sets explicitly or measures against; the bare baseline runs with the same engine settings.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/**
 * The coalescing window the servers of this run use: `COALESCE_WINDOW_MS` when the run sets it
 * (--server-env), else `DEFAULT_OPTIONS.coalesceWindowMs` of the server build it runs
 * (packages/server/dist/options.js, or the one next to --server-cli), so a target derived from it
 * follows the server's default.
 */
export async function coalesceWindowMs(
  serverCli: string,
  serverEnv: Record<string, string>,
): Promise<number> {
  const set = serverEnv.COALESCE_WINDOW_MS;
  if (set !== undefined) return Number(set);
  const options = join(dirname(serverCli), 'options.js');
  const mod = (await import(pathToFileURL(options).href)) as {
    DEFAULT_OPTIONS?: { coalesceWindowMs?: unknown };
  };
  const ms = mod.DEFAULT_OPTIONS?.coalesceWindowMs;
  if (typeof ms !== 'number') throw new Error(`${options}: no DEFAULT_OPTIONS.coalesceWindowMs`);
  return ms;
}
