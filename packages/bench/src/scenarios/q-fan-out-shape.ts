/**
 * Q. The fan-out's shape: join-to-visible on posts that were quiet and on posts that are warm,
 * one node on the bench's Redis. The fan-out sends a post's first change after a quiet spell at
 * once (leading edge) and merges later changes into passes at most one per coalescing window.
 *
 * Quiet: probes join quiet posts in turn, each post's previous change more than a window before
 * (its probes come 4 windows apart). Warm: a churner joins each warm post every 400 ms and probes
 * join it at random phases. Every probe stays, so each probe is one change of its post. Latency as
 * in B (probe-latency.ts): the join ack's `seq`, then the time until every watcher of the post
 * received an update with that `seq` or newer.
 */
import type { Figures, ScenarioContext } from '../context.js';
import { fmtMs } from '../format.js';
import type { ChurnResult, Probe, RecordsResult } from '../messages.js';
import { SERVER_CLI, type Loader, type NodeProcess } from '../procs.js';
import { probeSamples } from '../probe-latency.js';
import { coalesceWindowMs } from '../server-defaults.js';
import { round, sleep, summarize } from '../stats.js';
import { connectAll, expectAll, joinWave, resetStatsAll, statsAll } from '../waves.js';
import { Window } from '../window.js';

/** Quiet and warm posts; readers (joined viewers) and recording watchers of each. */
const QUIET = [101, 102, 103, 104, 105, 106, 107, 108];
const WARM = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210];
const VIEWERS_PER_POST = 3;
const WATCHERS_PER_POST = 2;
/** A warm post: the churner changes it every this many ms (the "~400 ms"). */
const WARM_CHANGE_MS = 400;
/** Probes of one warm post: one every 2 s, at a random phase of the churn. */
const WARM_PROBES_PER_POST_PER_SECOND = 0.5;
const WARM_PROBE_JITTER_MS = 1000;
/** A quiet post's probes come this many windows apart: its last pass and window long over. */
const QUIET_SPACING_WINDOWS = 4;

export async function scenarioQ({ name, s, report, scope }: ScenarioContext): Promise<Figures> {
  const windowMs = await coalesceWindowMs(s.serverCli ?? SERVER_CLI, s.serverEnv);
  const seconds = s.quick ? 10 : 20;
  const durationMs = seconds * 1000;
  const quietPerSecond = QUIET.length / ((QUIET_SPACING_WINDOWS * windowMs) / 1000);
  const warmPerSecond = WARM.length * WARM_PROBES_PER_POST_PER_SECOND;
  const churnPerSecond = 1000 / WARM_CHANGE_MS;
  const all = [...QUIET, ...WARM];

  const redis = await scope.redis(`${name}-redis`);
  const server = (await scope.servers(name, redis.url, 1))[0] as NodeProcess;
  const [ctl, w] = [scope.loader(`${name}-probe`, true), scope.loader(`${name}-watch`, true)] as [
    Loader,
    Loader,
  ];
  const pids = { node1: server.pid, redis: redis.child.pid ?? 0, probe: ctl.pid, watch: w.pid };
  const prefix = `q${s.runId}`;
  const readers = all.length * VIEWERS_PER_POST;
  await connectAll([{ loader: ctl, url: server.url, count: readers }], 'v', `${prefix}v`);
  const quietPool = Math.ceil(quietPerSecond * seconds) + 10;
  const warmPool = Math.ceil(warmPerSecond * seconds) + 10;
  await connectAll([{ loader: ctl, url: server.url, count: quietPool }], 'qprobe', `${prefix}q`);
  await connectAll([{ loader: ctl, url: server.url, count: warmPool }], 'wprobe', `${prefix}w`);
  const churnPool = Math.ceil(churnPerSecond * seconds) + 5;
  for (const post of WARM) {
    const url = server.url;
    await connectAll(
      [{ loader: ctl, url, count: churnPool }],
      `churn-${post}`,
      `${prefix}c${post}`,
    );
  }
  for (const post of all) {
    const url = server.url;
    await connectAll(
      [{ loader: w, url, count: WATCHERS_PER_POST }],
      `watch-${post}`,
      `${prefix}r${post}`,
    );
  }
  await joinWave([{ loader: ctl, count: readers }], 'v', (_l, i) => all[i % all.length] as number);
  await Promise.all(
    all.map((post) =>
      w.call(
        'watch',
        { group: `watch-${post}`, postId: post, record: true, timeoutMs: 10_000 },
        20_000,
      ),
    ),
  );
  const watchGroups = all.map((post) => `watch-${post}`);
  const expected = Object.fromEntries(all.map((post) => [String(post), VIEWERS_PER_POST]));
  // Stable for a few windows: every post quiet before the probes start.
  const settled = await expectAll([ctl, w], ['v', ...watchGroups], expected, 4 * windowMs, 20_000);
  s.log(
    `${name}: window ${windowMs} ms; ${all.length} posts at ${VIEWERS_PER_POST} (right: ${settled.ok})`,
  );

  await resetStatsAll([w], watchGroups);
  const window = new Window(pids);
  const probeArgs = { postId: 0, holdMs: 0, stay: true, timeoutMs: 10_000 };
  const quietCall = ctl.call<Probe[]>(
    'probe',
    { ...probeArgs, group: 'qprobe', postIds: QUIET, perSecond: quietPerSecond, durationMs },
    durationMs + 30_000,
  );
  const churnCalls = WARM.map((post) =>
    ctl.call<ChurnResult>(
      'churn',
      {
        group: `churn-${post}`,
        postId: post,
        joinsPerSecond: churnPerSecond,
        leavesPerSecond: 0,
        durationMs,
        timeoutMs: 10_000,
      },
      durationMs + 30_000,
    ),
  );
  // The warm posts' probes start once the churn has made them warm.
  const warmStartMs = 2 * WARM_CHANGE_MS;
  await sleep(warmStartMs);
  const warmCall = ctl.call<Probe[]>(
    'probe',
    {
      ...probeArgs,
      group: 'wprobe',
      postIds: WARM,
      perSecond: warmPerSecond,
      durationMs: durationMs - warmStartMs,
      jitterMs: WARM_PROBE_JITTER_MS,
    },
    durationMs + 30_000,
  );
  const [quietProbes, warmProbes, churns] = await Promise.all([
    quietCall,
    warmCall,
    Promise.all(churnCalls),
  ]);
  const win = window.end();
  const watchStats = await statsAll(
    [w],
    WARM.map((post) => `watch-${post}`),
  );
  const recordsOf = new Map<number, number[][]>();
  for (const post of all) {
    const { records } = await w.call<RecordsResult>(
      'records',
      { groups: [`watch-${post}`] },
      10_000,
    );
    recordsOf.set(post, records);
  }

  const latency = (posts: number[], probes: Probe[]) => {
    const samples: number[] = [];
    let missing = 0;
    for (const post of posts) {
      const of = probeSamples(
        probes.filter((p) => p.postId === post),
        recordsOf.get(post) ?? [],
      );
      samples.push(...of.samples);
      missing += of.missing;
    }
    return { summary: summarize(samples), missing, failed: probes.filter((p) => !p.ok).length };
  };
  const quiet = latency(QUIET, quietProbes);
  const warm = latency(WARM, warmProbes);
  // How quiet the quiet posts were: the shortest time from the post's last update at a watcher
  // to a probe's join (more than a window: the probe met no pass and no open window).
  let quietestGapMs = Infinity;
  for (const p of quietProbes) {
    for (const rec of recordsOf.get(p.postId) ?? []) {
      let last = -Infinity;
      for (let i = 1; i < rec.length; i += 3) {
        const at = rec[i] as number;
        if (at < p.t0) last = Math.max(last, at);
      }
      quietestGapMs = Math.min(quietestGapMs, p.t0 - last);
    }
  }
  const warmUpdatesPerWatcherPerSecond =
    watchStats.messages.total / watchStats.connected / win.seconds;
  const churnJoins = churns.reduce((a, c) => a + c.joinsAcked, 0);

  const sc = 'Q fan-out shape (1 node)';
  report.add(
    sc,
    'posts quiet / warm; readers + watchers per post',
    `${QUIET.length} / ${WARM.length}; ${VIEWERS_PER_POST} + ${WATCHERS_PER_POST}`,
  );
  report.add(sc, 'coalescing window (server default)', windowMs, 'ms');
  report.add(sc, 'quiet join-to-visible p50', quiet.summary.p50, 'ms', { op: '<=', limit: 10 });
  report.add(
    sc,
    'quiet join-to-visible p99 / max / samples',
    `${fmtMs(quiet.summary.p99)} / ${fmtMs(quiet.summary.max)} ms / ${quiet.summary.n}`,
    '',
    undefined,
    `${quiet.missing} not seen, ${quiet.failed} failed; shortest quiet spell before a probe ${fmtMs(quietestGapMs)} ms`,
  );
  report.add(sc, 'warm join-to-visible p50', warm.summary.p50, 'ms', {
    op: '<=',
    limit: windowMs / 2,
  });
  report.add(
    sc,
    'warm join-to-visible p99 / max / samples',
    `${fmtMs(warm.summary.p99)} / ${fmtMs(warm.summary.max)} ms / ${warm.summary.n}`,
    '',
    undefined,
    `${warm.missing} not seen, ${warm.failed} failed; churn ${churnJoins} joins, one per post every ${WARM_CHANGE_MS} ms`,
  );
  report.add(
    sc,
    'warm: updates per watcher per second',
    warmUpdatesPerWatcherPerSecond,
    '/s',
    { op: '<=', limit: 1000 / windowMs },
    'at most one pass per window',
  );
  report.add(
    sc,
    'server / redis / load generators (probes + churn, watchers) CPU',
    `${win.cpu.node1} / ${win.cpu.redis} / ${round((win.cpu.probe ?? 0) + (win.cpu.watch ?? 0), 1)}`,
    '% core',
  );
  report.add(
    sc,
    'measuring clients waiting for a CPU: probes + churn / watchers',
    `${win.wait.probe} / ${win.wait.watch}`,
    '% of the window',
    undefined,
    "run-queue delay of each process's event-loop thread (/proc/<pid>/schedstat)",
  );
  report.add(
    sc,
    'CPU of other processes / hypervisor steal',
    `${win.othersPercent} / ${win.stealPercent}`,
    '% core',
  );
  return {
    windowMs,
    seconds,
    quietPosts: QUIET,
    warmPosts: WARM,
    warmChangeMs: WARM_CHANGE_MS,
    settled,
    quiet: { ...quiet, probes: quietProbes.length, perSecond: quietPerSecond, quietestGapMs },
    warm: { ...warm, probes: warmProbes.length, perSecond: warmPerSecond },
    warmUpdatesPerWatcherPerSecond,
    churn: churns,
    window: win,
  };
}
