/**
 * B. Hot post: 10,000 viewers of one post, churn sockets joining and leaving it every second,
 * probes joining 10 times a second and watchers (`presence:watch`); churn, probes and watchers
 * each in a process of their own, whose CPU and run-queue delay are reported.
 * Measures updates per viewer, fan-out deliveries and join-to-visible latency (probe-latency.ts).
 * B2 is the same on two nodes: viewers on both, churn and probes on node1, watchers on node2.
 */
import type { Figures, ScenarioContext } from '../context.js';
import { fmtMs } from '../format.js';
import type { ChurnResult, Probe, RecordsResult } from '../messages.js';
import {
  INSTRUMENT_NICE,
  LOADER_NICE,
  commandStats,
  metrics,
  type Loader,
  type NodeProcess,
} from '../procs.js';
import { probeLatency } from '../probe-latency.js';
import { diffStats, redisPerJoin } from '../redis-stats.js';
import { EVENT_LOOP_SAMPLING_MS } from '../server-defaults.js';
import { round } from '../stats.js';
import { connectAll, expectAll, joinWave, resetStatsAll, statsAll } from '../waves.js';
import { Window, loadavg } from '../window.js';

export async function scenarioB(
  { name, s, report, scope }: ScenarioContext,
  nodes: 1 | 2,
): Promise<Figures> {
  const viewers = Math.round(10_000 * s.scale);
  const rate = Math.round(200 * s.scale);
  const churnPool = Math.max(100, rate * 5);
  const probeRate = s.quick ? 5 : 10;
  const probeSockets = probeRate * 5;
  const watchers = 5;
  const HOT = 1;
  const redis = await scope.redis(`${name}-redis`);
  const servers = await scope.servers(name, redis.url, nodes);
  // One node: everything on it. Two nodes: viewers split over both, churn and probes on node1,
  // watchers on node2 (so the probes' joins cross nodes through the Redis adapter).
  const server = servers[0] as NodeProcess;
  const last = servers[servers.length - 1] as NodeProcess;
  const gc = scope.gc(`${name}-gc`, redis.url);
  // The measuring clients (churn, probes, watchers) in processes of their own, so that the CPU
  // and the run-queue delay of each can be told apart from the bulk loaders'.
  const [v0, v1, ctl, pr, w] = [
    scope.loader(`${name}-viewers0`),
    scope.loader(`${name}-viewers1`),
    scope.loader(`${name}-churn`, true),
    scope.loader(`${name}-probe`, true),
    scope.loader(`${name}-watch`, true),
  ] as [Loader, Loader, Loader, Loader, Loader];
  const pids: Record<string, number> = {
    ...Object.fromEntries(servers.map((srv, i) => [`node${i + 1}`, srv.pid])),
    redis: redis.child.pid ?? 0,
    loaderViewers0: v0.pid,
    loaderViewers1: v1.pid,
    loaderChurn: ctl.pid,
    loaderProbe: pr.pid,
    loaderWatch: w.pid,
    gc: gc.pid ?? 0,
  };
  const half = Math.ceil(viewers / 2);
  const connect = await connectAll(
    [
      { loader: v0, url: server.url, count: half },
      { loader: v1, url: last.url, count: viewers - half },
    ],
    'v',
    `b${s.runId}`,
  );
  await connectAll([{ loader: ctl, url: server.url, count: churnPool }], 'churn', `bc${s.runId}`);
  await connectAll([{ loader: pr, url: server.url, count: probeSockets }], 'probe', `bp${s.runId}`);
  await connectAll([{ loader: w, url: last.url, count: watchers }], 'watch', `bw${s.runId}`);
  s.log(
    `${name}: ${connect.connected} viewers + ${churnPool} churn + ${probeSockets} probe + ${watchers} watcher sockets connected`,
  );

  // Half the churn pool views the post before the window, so leaves can start at once.
  const preJoined = Math.floor(churnPool / 2);
  await joinWave([{ loader: ctl, count: preJoined }], 'churn', () => HOT);
  const wave = await joinWave(
    [
      { loader: v0, count: half },
      { loader: v1, count: viewers - half },
    ],
    'v',
    () => HOT,
  );
  await w.call('watch', { group: 'watch', postId: HOT, record: true, timeoutMs: 10_000 }, 20_000);
  const baseCount = viewers + preJoined;
  const settled = await expectAll([v0, v1, w], ['v', 'watch'], { [HOT]: baseCount }, 500, 30_000);
  s.log(`${name}: hot post at ${baseCount} (right: ${settled.ok}); churn ${rate}+${rate}/s`);

  // The measured window.
  const all = [v0, v1, ctl, pr, w];
  const resetAt = Date.now();
  await resetStatsAll(all, ['v', 'churn', 'probe', 'watch']);
  const stats0 = await commandStats(redis.port);
  const prof = await scope.profiling(server, `${name}-node1`);
  await prof.startCpu();
  // Reading /metrics also resets the event-loop delay histogram.
  const deliveries0 = await Promise.all(
    servers.map(
      async (srv) => (await metrics(srv.privateUrl)).vip_presence_count_deliveries_total ?? NaN,
    ),
  );
  const window = new Window(pids);
  // The two-node run is shorter (the whole bench must stay under 10 minutes).
  const churnSeconds = nodes === 1 ? s.churnSeconds : Math.min(30, s.churnSeconds);
  const durationMs = churnSeconds * 1000;
  const [churn, probes] = await Promise.all([
    ctl.call<ChurnResult>(
      'churn',
      {
        group: 'churn',
        postId: HOT,
        joinsPerSecond: rate,
        leavesPerSecond: rate,
        durationMs,
        timeoutMs: 10_000,
      },
      durationMs + 30_000,
    ),
    pr.call<Probe[]>(
      'probe',
      {
        group: 'probe',
        postId: HOT,
        perSecond: probeRate,
        durationMs,
        holdMs: 1000,
        timeoutMs: 10_000,
      },
      durationMs + 30_000,
    ),
  ]);
  const win = window.end();
  // Messages counted from the reset to now, on every loader.
  const viewerStats = await statsAll([v0, v1], ['v']);
  const received = await statsAll(all, ['v', 'churn', 'probe', 'watch']);
  const countedSeconds = (Date.now() - resetAt) / 1000;
  await prof.stopCpu('churn');
  const stats1 = await commandStats(redis.port);
  const m1 = await Promise.all(servers.map((srv) => metrics(srv.privateUrl)));
  const deliveries1 = m1.map((m) => m.vip_presence_count_deliveries_total ?? NaN);
  // prom-client's lag percentiles are the intervals of a sampling timer (the server's is 100 ms,
  // see packages/server/src/metrics.ts): the delay is what exceeds the interval.
  const delay = (seconds: number | undefined) =>
    Math.max(0, (seconds ?? NaN) * 1000 - EVENT_LOOP_SAMPLING_MS);
  const loopLag = m1.map((m) => ({
    p50: delay(m.vip_presence_nodejs_eventloop_lag_p50_seconds),
    p99: delay(m.vip_presence_nodejs_eventloop_lag_p99_seconds),
    max: delay(m.vip_presence_nodejs_eventloop_lag_max_seconds),
  }));
  const watchStats = await statsAll([w], ['watch']);
  const { records } = await w.call<RecordsResult>('records', { groups: ['watch'] }, 10_000);

  const seconds = win.seconds;
  const updatesPerViewerPerSecond =
    viewerStats.messages.total / viewerStats.connected / countedSeconds;
  const deliveriesPerSecondByNode = deliveries1.map(
    (d, i) => (d - (deliveries0[i] ?? NaN)) / seconds,
  );
  const deliveriesPerSecond = Math.max(...deliveriesPerSecondByNode);
  const receivedPerSecond = received.messages.total / countedSeconds;
  const latency = probeLatency(probes, records);
  const joins = churn.joinsAcked + probes.filter((p) => p.ok).length;
  const redisDelta = diffStats(stats0, stats1);
  const rpj = redisPerJoin(redisDelta, joins);

  const sc = `B hot post (${nodes} node${nodes > 1 ? 's' : ''})`;
  report.add(
    sc,
    'viewers of one post / churn',
    `${viewerStats.connected} / ${rate}+${rate} per s for ${churnSeconds} s`,
  );
  report.add(sc, 'initial join wave (one post)', wave.seconds, 's');
  report.add(
    sc,
    'viewer sockets dropped during the run',
    viewerStats.disconnects,
    '',
    undefined,
    viewerStats.disconnects > 0
      ? 'a starved load process missed pings: figures are not valid'
      : undefined,
  );
  report.add(
    sc,
    'churn joins / leaves acked',
    `${churn.joinsAcked} / ${churn.leavesAcked}`,
    '',
    undefined,
    churn.failed || churn.starved
      ? `failed ${churn.failed}, starved ${churn.starved}, ${JSON.stringify(churn.errors)}`
      : undefined,
  );
  report.add(
    sc,
    'churn join ack latency p50 / p99',
    `${fmtMs(churn.joinLatency.p50)} / ${fmtMs(churn.joinLatency.p99)}`,
    'ms',
  );
  report.add(sc, 'updates per viewer per second', updatesPerViewerPerSecond, '/s', {
    op: '<=',
    limit: 4,
  });
  report.add(
    sc,
    `fan-out deliveries per second${nodes > 1 ? ', busiest node' : ''} (server metric)`,
    deliveriesPerSecond,
    '/s',
    {
      op: '<=',
      limit: 30_000,
    },
  );
  report.add(sc, 'count messages received per second (all sockets)', receivedPerSecond, '/s');
  report.add(sc, 'join-to-visible p50 (probe -> watcher)', latency.summary.p50, 'ms');
  report.add(
    sc,
    'join-to-visible lower bound p50 / p99 (seq >= join emit time)',
    `${fmtMs(latency.lowerBound.p50)} / ${fmtMs(latency.lowerBound.p99)}`,
    'ms',
  );
  report.add(sc, 'join-to-visible p99 (probe -> watcher)', latency.summary.p99, 'ms', {
    op: '<=',
    limit: nodes === 1 ? 500 : 400,
  });
  report.add(
    sc,
    'join-to-visible max / samples',
    `${fmtMs(latency.summary.max)} ms / ${latency.summary.n}`,
    '',
    undefined,
    `${latency.method}; ${latency.missing} not seen; seq ahead of clock by at most ${latency.seqAheadMs} ms`,
  );
  report.add(
    sc,
    'join scripts per join (Redis round trips on the join path)',
    rpj.joinScriptsPerJoin,
    '',
    { op: '<=', limit: 1 },
    `index ZADD rides in the same round trip at most every 5 s per post`,
  );
  report.add(
    sc,
    'Redis commands per join, top-level (all sources)',
    rpj.topLevelPerJoin,
    '',
    undefined,
    JSON.stringify(rpj.topLevelBreakdownPerJoin),
  );
  report.add(sc, 'Redis commands per join, incl. inside scripts', rpj.allPerJoin, '');
  servers.forEach((_srv, i) => {
    const node = nodes > 1 ? ` (node${i + 1})` : '';
    const lag = loopLag[i];
    report.add(sc, `server CPU${node}`, win.cpu[`node${i + 1}`] ?? NaN, '% core');
    report.add(
      sc,
      `server event-loop delay p50 / p99 / max${node}`,
      `${fmtMs(lag?.p50 ?? NaN)} / ${fmtMs(lag?.p99 ?? NaN)} / ${fmtMs(lag?.max ?? NaN)}`,
      'ms',
    );
  });
  report.add(sc, 'redis CPU', win.cpu.redis ?? NaN, '% core');
  const loaderCpu = {
    bulk: round((win.cpu.loaderViewers0 ?? 0) + (win.cpu.loaderViewers1 ?? 0), 1),
    probes: win.cpu.loaderProbe ?? NaN,
    churn: win.cpu.loaderChurn ?? NaN,
    watchers: win.cpu.loaderWatch ?? NaN,
  };
  report.add(
    sc,
    'load generators CPU (5 processes)',
    round(loaderCpu.bulk + loaderCpu.probes + loaderCpu.churn + loaderCpu.watchers, 1),
    '% core',
  );
  report.add(
    sc,
    `load generators CPU: bulk loaders (2, nice ${LOADER_NICE}) / probes / churn / watchers`,
    `${loaderCpu.bulk} / ${loaderCpu.probes} / ${loaderCpu.churn} / ${loaderCpu.watchers}`,
    '% core',
  );
  report.add(
    sc,
    'measuring clients waiting for a CPU: probes / churn / watchers',
    `${win.wait.loaderProbe} / ${win.wait.loaderChurn} / ${win.wait.loaderWatch}`,
    '% of the window',
    undefined,
    `run-queue delay of each process's event-loop thread (/proc/<pid>/schedstat); nice ${INSTRUMENT_NICE}; a starved measuring client delays its own timestamps`,
  );
  report.add(
    sc,
    'CPU of other processes / hypervisor steal',
    `${win.othersPercent} / ${win.stealPercent}`,
    '% core',
  );
  return {
    nodes,
    viewers,
    rate,
    churnSeconds,
    connect,
    wave,
    settled,
    churn,
    probes: { count: probes.length, ok: probes.filter((p) => p.ok).length },
    latency,
    updatesPerViewerPerSecond,
    deliveriesPerSecond,
    deliveriesPerSecondByNode,
    receivedPerSecond,
    viewerStats,
    watchStats,
    window: win,
    loaderCpu,
    loopLagMs: loopLag,
    redis: { perJoin: rpj, commandstatsDelta: redisDelta, joins },
    loadavg: loadavg(),
    profiles: prof.summaries,
  };
}
