/**
 * What the orchestrator (run.ts) and a load process (loader.ts) say to each other over the
 * child_process IPC channel. One request, one reply, matched by `id`; several may be in flight.
 */

export interface Request {
  id: number;
  op: string;
  args: unknown;
}

export type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Latency summary in milliseconds. */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ConnectArgs {
  group: string;
  url: string;
  count: number;
  /** Visitor ids are `${prefix}${index}`; the prefix makes them unique across loaders and runs. */
  prefix: string;
  /** Sockets connecting at once. */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  errors: Record<string, number>;
  startedAt: number;
  lastAt: number;
}

export interface JoinArgs {
  group: string;
  /** Socket indexes in the group, and the post each joins (same length). */
  indexes: number[];
  posts: number[];
  timeoutMs: number;
  /** Retry joins refused with `unavailable` every `retryEveryMs` until this time (epoch ms). */
  retryUntil?: number;
  retryEveryMs?: number;
}

export interface JoinResult {
  sent: number;
  acked: number;
  failed: number;
  errors: Record<string, number>;
  /** Attempts refused with `unavailable` (each retry counts). */
  unavailable: number;
  /** Time from a refused attempt's emit to its refusal. */
  refusalLatency: Summary;
  firstEmitAt: number;
  lastAckAt: number;
  /** Emit-to-ack time of the successful attempt. */
  latency: Summary;
}

export interface WatchArgs {
  group: string;
  postId: number;
  /** Keep every update ([seq, receivedAt, count]) for latency analysis. */
  record: boolean;
  timeoutMs: number;
}

export interface IndexesArgs {
  group: string;
  indexes: number[];
  timeoutMs: number;
}

export interface ExpectArgs {
  groups: string[];
  /** postId -> count every connected socket of these groups that views or watches it must show. */
  expected: Record<string, number>;
  /** Quiet time: all right and no count changed for this long. */
  stableMs: number;
  timeoutMs: number;
}

export interface ExpectResult {
  ok: boolean;
  /** When the last socket's count last changed to its right value (epoch ms). */
  allRightAt: number;
  checked: number;
  wrong: number;
  /** A few wrong sockets: [postId, shown, expected]. */
  sample: [number, number, number][];
}

export interface StatsArgs {
  groups: string[];
}

export interface StatsResult {
  sockets: number;
  connected: number;
  disconnects: number;
  /** presence:count messages for the socket's own post, per socket. */
  messages: Summary & { total: number };
  /** presence:count messages for a post the socket neither views nor watches. */
  foreign: number;
}

export interface ChurnArgs {
  group: string;
  postId: number;
  joinsPerSecond: number;
  leavesPerSecond: number;
  durationMs: number;
  timeoutMs: number;
}

export interface ChurnResult {
  joinsSent: number;
  joinsAcked: number;
  leavesSent: number;
  leavesAcked: number;
  failed: number;
  errors: Record<string, number>;
  /** Joins or leaves skipped because no socket was free (the pool was too small). */
  starved: number;
  joinLatency: Summary;
  elapsedMs: number;
}

export interface ProbeArgs {
  group: string;
  postId: number;
  /** Posts joined in turn, one per probe (scenario Q); default `[postId]`. */
  postIds?: number[];
  perSecond: number;
  durationMs: number;
  /** How long a probe stays before leaving. */
  holdMs: number;
  /** Probes stay joined (no leave: each probe is one change of its post, on a socket of its own). */
  stay?: boolean;
  /** Each probe waits a random 0..jitterMs before its join, so probes meet other changes at any phase. */
  jitterMs?: number;
  timeoutMs: number;
}

/** One probe: emitted at t0, acked at t1; `seq` when the ack carries one (-1 otherwise). */
export interface Probe {
  postId: number;
  t0: number;
  t1: number;
  ok: boolean;
  seq: number;
}

export interface RecordsResult {
  /** Per watcher socket, flat [seq, receivedAt, count, ...]. */
  records: number[][];
}

export interface LoaderUsage {
  cpuMs: number;
  rssBytes: number;
}
