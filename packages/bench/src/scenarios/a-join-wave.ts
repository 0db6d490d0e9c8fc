/**
 * A. Site: viewers over posts joining in a wave, every viewer then shown the right count. Also
 * S15 (15,000 viewers on one node), A2 (two nodes on one Redis) and AC (two nodes on a local
 * Redis Cluster): the same workload on other sizes, node counts and Redis setups.
 */
import { underTest, sumStats } from '../cluster.js';
import type { Figures, ScenarioContext } from '../context.js';
import { MB, addCountsRight, fmtMs, kb } from '../format.js';
import { inspectorMemory } from '../inspector.js';
import { metric, sampleProc, type NodeProcess } from '../procs.js';
import { diffStats, redisPerJoin } from '../redis-stats.js';
import { PING_INTERVAL_MS } from '../server-defaults.js';
import { sleep } from '../stats.js';
import {
  connectAll,
  expectAll,
  expectedMap,
  joinWave,
  resetStatsAll,
  statsAll,
  type ConnectFigures,
} from '../waves.js';
import { Window, idleWindow, loadavg, type WindowFigures } from '../window.js';

export interface SiteOptions {
  /** The report's scenario column. */
  label: string;
  /** Viewers at full scale (x `scale`), over a tenth as many posts. */
  viewers: number;
  /** On one node the scenario also measures idle CPU over one ping cycle after the wave. */
  nodes: 1 | 2;
  /** One redis-server, or a local 3-master Redis Cluster (sharded adapter). @default 'single' */
  redis?: 'single' | 'cluster';
  /** Judge the figures against scenario A's targets. @default true */
  targets?: boolean;
  /**
   * On one node, the idle window after the wave (server, Redis and gc CPU with nothing asked of
   * them): one ping cycle by default, so every socket is pinged once in it; 0: none.
   * @default PING_INTERVAL_MS
   */
  idleMs?: number;
  /** Scenario F's figures: on one node, memory and connect rate are also given as ratios to them. */
  baseline?: Figures | undefined;
}

export async function scenarioA(
  { name, s, report, scope }: ScenarioContext,
  opts: SiteOptions,
): Promise<Figures> {
  const { label, nodes } = opts;
  const viewers = Math.round(opts.viewers * s.scale);
  const posts = Math.round((opts.viewers / 10) * s.scale);
  const targets = opts.targets ?? true;
  const redis = underTest(
    opts.redis === 'cluster'
      ? await scope.redisCluster(`${name}-redis`)
      : await scope.redis(`${name}-redis`),
  );
  const servers = await scope.servers(name, redis.target, nodes);
  const gc = scope.gc(`${name}-gc`, redis.target);
  const loaders = [scope.loader(`${name}-l0`), scope.loader(`${name}-l1`)];
  const pids: Record<string, number> = { ...redis.pids, gc: gc.pid ?? 0 };
  servers.forEach((srv, i) => (pids[`node${i + 1}`] = srv.pid));
  loaders.forEach((l, i) => (pids[`loader${i}`] = l.pid));
  await sleep(1000);
  const mem0 = await Promise.all(servers.map((srv) => inspectorMemory(srv.inspectPort, true)));
  const rss0 = servers.map((srv) => sampleProc(srv.pid).rssBytes);
  const prof = await scope.profiling(servers[0] as NodeProcess, `${name}-node1`);
  await prof.startHeap();
  const half = Math.ceil(viewers / 2);
  const counts = [half, viewers - half];
  const plan = loaders.map((loader, i) => ({
    loader,
    url: (servers[i % nodes] as NodeProcess).url,
    count: counts[i] ?? 0,
  }));

  const connectWindow = new Window(pids);
  const connect = await connectAll(plan, 'v', `${name.toLowerCase()}${s.runId}`);
  const connected = connectWindow.end();
  s.log(`${name}: ${connect.connected} connected in ${connect.seconds.toFixed(1)} s`);
  const rssConnected = servers.map((srv) => sampleProc(srv.pid).rssBytes);
  await sleep(500);

  // The wave: every loader emits all its joins at once. Viewer g views post 1 + g % posts.
  const stats0 = await redis.commandStats();
  const deliveries0 = await Promise.all(
    servers.map((srv) => metric(srv.privateUrl, 'vip_presence_count_deliveries_total')),
  );
  await resetStatsAll(loaders, ['v']);
  await prof.startCpu();
  const waveWindow = new Window(pids);
  const offsets = [0, half];
  const wave = await joinWave(plan, 'v', (li, i) => 1 + (((offsets[li] ?? 0) + i) % posts));
  const perPost = viewers / posts;
  const settled = await expectAll(
    loaders,
    ['v'],
    expectedMap(posts, () => perPost),
    1000,
    30_000,
  );
  const waveCpu = waveWindow.end();
  await prof.stopCpu('wave');
  const stats1 = await redis.commandStats();
  const deliveries1 = await Promise.all(
    servers.map((srv) => metric(srv.privateUrl, 'vip_presence_count_deliveries_total')),
  );
  const messages = await statsAll(loaders, ['v']);
  s.log(
    `${name}: ${wave.acked} joins acked in ${wave.seconds.toFixed(2)} s; counts right: ${settled.ok} (${settled.wrong} wrong)`,
  );
  const allRightSeconds = (settled.allRightAt - wave.startedAt) / 1000;

  let idle: WindowFigures | undefined;
  const idleMs = opts.idleMs ?? PING_INTERVAL_MS;
  if (nodes === 1 && idleMs > 0) {
    await sleep(2000);
    idle = await idleWindow(pids, idleMs, prof);
  }
  const rssEnd = servers.map((srv) => sampleProc(srv.pid).rssBytes);
  const mem1 = await Promise.all(servers.map((srv) => inspectorMemory(srv.inspectPort, true)));
  const rssEndGc = servers.map((srv) => sampleProc(srv.pid).rssBytes);
  await prof.stopHeap('connections');
  const perNode = viewers / nodes;
  const rssPerConnection = rssEnd.map((rss, i) => (rss - (rss0[i] ?? 0)) / perNode);
  const rssPerConnectionGc = rssEndGc.map((rss, i) => (rss - (rss0[i] ?? 0)) / perNode);
  const heapPerConnection = mem1.map((m, i) => (m.heapUsed - (mem0[i]?.heapUsed ?? 0)) / perNode);
  const rssPerConnectionConnected = rssConnected.map((rss, i) => (rss - (rss0[i] ?? 0)) / perNode);
  const redisDeltas = stats1.map((b, i) => diffStats(stats0[i] ?? {}, b));
  const redisDelta = sumStats(redisDeltas);

  const sc = label;
  report.add(sc, 'viewers / posts / nodes', `${connect.connected} / ${posts} / ${nodes}`);
  report.add(sc, 'connect rate', connect.perSecond, '/s');
  report.add(
    sc,
    'join wave: all joins acked',
    wave.seconds,
    's',
    targets ? { op: '<=', limit: 10 } : undefined,
  );
  report.add(sc, 'joins per second', wave.perSecond, '/s');
  report.add(
    sc,
    'join ack latency p50 / p99',
    `${fmtMs(wave.latency.p50)} / ${fmtMs(wave.latency.p99)}`,
    'ms',
  );
  report.add(sc, 'failed joins', wave.failed, '', { op: '<=', limit: 0 });
  addCountsRight(report, sc, 'all counts right after wave start', settled, allRightSeconds);
  report.add(sc, 'count messages per client, mean', messages.messages.mean, '');
  report.add(
    sc,
    'count messages per client, max',
    messages.messages.max,
    '',
    targets ? { op: '<=', limit: 20 } : undefined,
  );
  report.add(sc, 'messages for posts not viewed', messages.foreign, '', { op: '<=', limit: 0 });
  servers.forEach((srv, i) =>
    report.add(
      sc,
      `server CPU during wave${nodes > 1 ? ` (node${i + 1})` : ''}`,
      waveCpu.cpu[`node${i + 1}`] ?? NaN,
      '% core',
    ),
  );
  report.add(sc, 'redis CPU during wave', redis.cpu(waveCpu.cpu), '% core');
  if (redis.masters.length > 1) {
    report.add(sc, 'redis CPU during wave, per master', redis.cpuPerMaster(waveCpu.cpu), '% core');
  }
  report.add(
    sc,
    'load generators CPU during wave',
    (waveCpu.cpu.loader0 ?? 0) + (waveCpu.cpu.loader1 ?? 0),
    '% core',
  );
  report.add(
    sc,
    'CPU of other processes (not the bench) during connect / wave',
    `${connected.othersPercent} / ${waveCpu.othersPercent}`,
    '% core',
  );
  const rpj = redisPerJoin(redisDelta, wave.acked);
  report.add(sc, 'Redis commands per join, top-level (all sources)', rpj.topLevelPerJoin, '');
  const perMaster = redisDeltas.map((d) => redisPerJoin(d, wave.acked));
  if (redis.masters.length > 1) {
    // How the load spreads over the shards: each master's share of the join scripts, and its
    // commands per join of the whole wave (the masters' figures add up to the total above).
    report.add(
      sc,
      'share of join scripts, per master',
      perMaster.map((m) => `${Math.round(m.joinScriptsPerJoin * 100)}`).join(' / '),
      '%',
    );
    report.add(
      sc,
      'Redis commands per join, top-level, per master',
      perMaster.map((m) => m.topLevelPerJoin.toFixed(2)).join(' / '),
      '',
    );
  }
  const baselineRss = opts.baseline?.rssPerConnectionBytes as number | undefined;
  const baselineRssGc = opts.baseline?.rssPerConnectionGcBytes as number | undefined;
  const baselineHeap = opts.baseline?.heapPerConnectionBytes as number | undefined;
  rssPerConnection.forEach((bytes, i) => {
    const suffix = nodes > 1 ? ` (node${i + 1})` : '';
    report.add(sc, `server RSS per connection${suffix}, joined`, bytes / 1024, 'KB');
    report.add(
      sc,
      `RSS per connection after full GC${suffix}`,
      (rssPerConnectionGc[i] ?? NaN) / 1024,
      'KB',
    );
    report.add(
      sc,
      `heap per connection after full GC${suffix}`,
      (heapPerConnection[i] ?? NaN) / 1024,
      'KB',
    );
    const range = idle?.rssRange[`node${i + 1}`];
    if (range) {
      report.add(
        sc,
        `RSS per connection over the idle window${suffix}, lowest / highest`,
        `${kb((range.min - (rss0[i] ?? 0)) / perNode)} / ${kb((range.max - (rss0[i] ?? 0)) / perNode)}`,
        'KB',
        undefined,
        "RSS rises between V8's major GCs and falls at each",
      );
    }
    if (baselineRssGc && baselineHeap && nodes === 1) {
      // Judged on what a connection keeps (live memory, both servers after a full GC): an RSS
      // sample without one lands anywhere on V8's GC sawtooth (see the idle-window range).
      report.add(
        sc,
        'RSS per connection after full GC / bare after full GC (F)',
        (rssPerConnectionGc[i] ?? NaN) / baselineRssGc,
        'x',
        targets ? { op: '<=', limit: 1.2 } : undefined,
      );
      report.add(
        sc,
        'heap per connection after full GC / bare (F)',
        (heapPerConnection[i] ?? NaN) / baselineHeap,
        'x',
      );
    }
    if (baselineRss && nodes === 1) {
      report.add(
        sc,
        'RSS per connection as sampled at the end / bare (F)',
        bytes / baselineRss,
        'x',
      );
      report.add(
        sc,
        'RSS per connection / bare, connected not joined',
        (rssPerConnectionConnected[i] ?? NaN) / baselineRss,
        'x',
      );
    }
  });
  if (baselineRss && nodes === 1 && opts.baseline) {
    const bareRate = (opts.baseline.connect as ConnectFigures).perSecond;
    report.add(sc, 'connect rate / bare baseline (F)', connect.perSecond / bareRate, 'x');
  }
  if (idle) {
    servers.forEach((srv, i) =>
      report.add(
        sc,
        `idle CPU with ${perNode} connected, ${idleMs / 1000} s${nodes > 1 ? ` (node${i + 1})` : ''}`,
        idle.cpu[`node${i + 1}`] ?? NaN,
        '% core',
        targets ? { op: '<=', limit: 5 } : undefined,
      ),
    );
    report.add(sc, 'idle: redis / gc CPU', `${redis.cpu(idle.cpu)} / ${idle.cpu.gc}`, '% core');
    report.add(sc, 'idle: CPU of other processes (not the bench)', idle.othersPercent, '% core');
  }
  return {
    viewers,
    posts,
    nodes,
    connect,
    connectCpu: connected,
    wave,
    settled,
    allRightSeconds,
    messages,
    waveCpu,
    deliveries: deliveries1.map((d, i) => d - (deliveries0[i] ?? 0)),
    idle,
    rssMB: {
      start: rss0.map((b) => b / MB),
      connected: rssConnected.map((b) => b / MB),
      end: rssEnd.map((b) => b / MB),
      endAfterGc: rssEndGc.map((b) => b / MB),
    },
    heapMB: { start: mem0.map((m) => m.heapUsed / MB), end: mem1.map((m) => m.heapUsed / MB) },
    rssPerConnectionBytes: rssPerConnection,
    rssPerConnectionGcBytes: rssPerConnectionGc,
    heapPerConnectionBytes: heapPerConnection,
    rssPerConnectionConnectedBytes: rssPerConnectionConnected,
    redis: {
      kind: opts.redis ?? 'single',
      perJoin: rpj,
      commandstatsDelta: redisDelta,
      ...(redis.masters.length > 1
        ? { perMaster: perMaster.map((m, i) => ({ ...m, commandstatsDelta: redisDeltas[i] })) }
        : {}),
    },
    loadavg: loadavg(),
    profiles: prof.summaries,
  };
}
