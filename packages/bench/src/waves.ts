/**
 * Calls over several load processes at once, merged into one figure: connect sockets, join them
 * in a wave, wait until every count is right, read and reset the message counters.
 */
import type { ConnectResult, ExpectResult, JoinResult, StatsResult, Summary } from './messages.js';
import type { Loader } from './procs.js';
import { addCounts, mergeSummaries } from './stats.js';

/** Sockets connecting at once, per load process. */
export const CONNECT_CONCURRENCY = 100;

/** `count` sockets of one load process, connected to the server at `url`. */
export interface LoadPlan {
  loader: Loader;
  url: string;
  count: number;
}

export interface ConnectFigures {
  connected: number;
  failed: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
}

/** Each loader connects `count` sockets to `url` into `group`; rate from first attempt to last connect. */
export async function connectAll(
  plan: LoadPlan[],
  group: string,
  prefix: string,
): Promise<ConnectFigures> {
  const timeoutMs = 60_000;
  const results = await Promise.all(
    plan.map(({ loader, url, count }, i) =>
      loader.call<ConnectResult>(
        'connect',
        {
          group,
          url,
          count,
          prefix: `${prefix}${i}x`,
          concurrency: CONNECT_CONCURRENCY,
          timeoutMs,
        },
        timeoutMs + 15_000,
      ),
    ),
  );
  const { done, failed, errors, seconds, perSecond } = merge(
    results,
    (r) => r.connected,
    (r) => r.startedAt,
    (r) => r.lastAt,
  );
  return { connected: done, failed, errors, seconds, perSecond };
}

export interface WaveFigures {
  acked: number;
  failed: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  latency: Summary;
  startedAt: number;
}

/** Each loader joins its sockets 0..count-1 of `group`; `postOf(loaderIndex, i)` picks the post. */
export async function joinWave(
  plan: Omit<LoadPlan, 'url'>[],
  group: string,
  postOf: (loaderIndex: number, i: number) => number,
  extra: { retryUntil?: number; timeoutMs?: number } = {},
): Promise<WaveFigures> {
  const timeoutMs = extra.timeoutMs ?? 30_000;
  const results = await Promise.all(
    plan.map(({ loader, count }, li) => {
      const indexes = Array.from({ length: count }, (_, i) => i);
      return loader.call<JoinResult>(
        'join',
        { group, indexes, posts: indexes.map((i) => postOf(li, i)), timeoutMs, ...extra },
        timeoutMs + 70_000,
      );
    }),
  );
  const { done, failed, errors, seconds, perSecond, startedAt } = merge(
    results,
    (r) => r.acked,
    (r) => r.firstEmitAt,
    (r) => r.lastAckAt,
  );
  const latency = mergeSummaries(results.map((r) => r.latency));
  return { acked: done, failed, errors, seconds, perSecond, latency, startedAt };
}

/**
 * The loaders' results of one call as one: how many succeeded (`done`) and failed, errors by
 * code, and the rate over the span from the first loader's start to the last success.
 */
function merge<R extends { failed: number; errors: Record<string, number> }>(
  results: R[],
  done: (r: R) => number,
  startedAt: (r: R) => number,
  lastAt: (r: R) => number,
) {
  const errors: Record<string, number> = {};
  for (const r of results) addCounts(errors, r.errors);
  const total = results.reduce((a, r) => a + done(r), 0);
  const start = Math.min(...results.map(startedAt));
  const seconds = (Math.max(...results.map(lastAt)) - start) / 1000;
  return {
    done: total,
    failed: results.reduce((a, r) => a + r.failed, 0),
    errors,
    seconds,
    perSecond: total / seconds,
    startedAt: start,
  };
}

export interface ExpectFigures {
  ok: boolean;
  /** When the last socket's count last changed to its right value (epoch ms). */
  allRightAt: number;
  checked: number;
  wrong: number;
  sample: ExpectResult['sample'];
}

/** Waits until every connected socket of `groups` on every loader shows its expected count. */
export async function expectAll(
  loaders: Loader[],
  groups: string[],
  expected: Record<string, number>,
  stableMs: number,
  timeoutMs: number,
): Promise<ExpectFigures> {
  const results = await Promise.all(
    loaders.map((l) =>
      l.call<ExpectResult>(
        'expect',
        { groups, expected, stableMs, timeoutMs },
        timeoutMs + stableMs + 10_000,
      ),
    ),
  );
  return {
    ok: results.every((r) => r.ok),
    allRightAt: Math.max(...results.map((r) => r.allRightAt)),
    checked: results.reduce((a, r) => a + r.checked, 0),
    wrong: results.reduce((a, r) => a + r.wrong, 0),
    sample: results.flatMap((r) => r.sample).slice(0, 5),
  };
}

/** postId -> expected count, for posts 1..`posts`. */
export function expectedMap(
  posts: number,
  count: (postId: number) => number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (let p = 1; p <= posts; p++) out[String(p)] = count(p);
  return out;
}

/** Sockets, disconnects and count messages of `groups`, summed over the loaders. */
export async function statsAll(loaders: Loader[], groups: string[]): Promise<StatsResult> {
  const results = await Promise.all(
    loaders.map((l) => l.call<StatsResult>('stats', { groups }, 10_000)),
  );
  return {
    sockets: results.reduce((a, r) => a + r.sockets, 0),
    connected: results.reduce((a, r) => a + r.connected, 0),
    disconnects: results.reduce((a, r) => a + r.disconnects, 0),
    messages: {
      ...mergeSummaries(results.map((r) => r.messages)),
      total: results.reduce((a, r) => a + r.messages.total, 0),
    },
    foreign: results.reduce((a, r) => a + r.foreign, 0),
  };
}

/** Zeroes the message counters of `groups`: what statsAll counts from now on. */
export async function resetStatsAll(loaders: Loader[], groups: string[]): Promise<void> {
  await Promise.all(loaders.map((l) => l.call('resetStats', { groups }, 10_000)));
}
