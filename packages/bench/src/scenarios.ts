/**
 * The scenarios. Each starts what it needs (redis-server, presence servers, gc, load processes),
 * measures, adds rows to the report and returns its raw figures; the caller stops everything the
 * scenario's Scope registered, whatever happens. Every wait is bounded.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import type {
  ChurnResult,
  ConnectResult,
  ExpectResult,
  JoinResult,
  Probe,
  RecordsResult,
  StatsResult,
  Summary,
} from './messages.js';
import {
  INSTRUMENT_NICE,
  LOADER_NICE,
  Loader,
  ROOT,
  commandStats,
  cpuPercent,
  httpGet,
  Inspector,
  inspectorMemory,
  machineTicks,
  metric,
  metrics,
  sampleProc,
  startBareServer,
  startGc,
  startPresenceServer,
  startRedis,
  stop,
  type NodeProcess,
  type ProcSample,
  type RedisProcess,
  type RedisTarget,
} from './procs.js';
import {
  startRedisCluster,
  sumStats,
  underTest,
  type RedisCluster,
  type RedisClusterOptions,
} from './cluster.js';
import { summarizeCpu, summarizeHeap } from './profiles.js';
import type { Report } from './report.js';
import { addCounts, mergeSummaries, round, sleep, summarize } from './stats.js';

export interface Settings {
  quick: boolean;
  /** 1 for the full run, 0.1 for --quick. */
  scale: number;
  profile: boolean;
  /** Length of scenario B's churn window. */
  churnSeconds: number;
  runId: string;
  secret: string;
  /** Another server build (--server-cli) and extra server environment (--server-env), for experiments. */
  serverCli?: string;
  serverEnv: Record<string, string>;
  log: (line: string) => void;
}

/** Defaults of the server (README table); the bench sets them explicitly. */
const LIVENESS = { HEARTBEAT_INTERVAL_MS: '5000', SESSION_TTL_MS: '15000' };
const GC_INTERVAL_MS = 5000;
export const CONNECT_CONCURRENCY = 100;
const MB = 1024 * 1024;

/** Resources of one scenario, stopped in reverse order at its end. */
export class Scope {
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(private readonly settings: Pick<Settings, 'serverCli' | 'serverEnv'>) {}

  defer(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async redis(name: string, port?: number): Promise<RedisProcess> {
    const r = await startRedis(name, port);
    this.defer(() => stop(r.child));
    return r;
  }

  /** A local Redis Cluster (3 masters by default), stopped at the end of the scenario. */
  async redisCluster(name: string, options?: RedisClusterOptions): Promise<RedisCluster> {
    const cluster = await startRedisCluster(name, options);
    this.defer(() => cluster.stop());
    return cluster;
  }

  async server(
    name: string,
    redis: RedisTarget,
    secret: string,
    env: Record<string, string> = {},
  ): Promise<NodeProcess> {
    const s = await startPresenceServer({
      name,
      redis,
      env: { ...LIVENESS, PRESENCE_SECRET: secret, ...this.settings.serverEnv, ...env },
      ...(this.settings.serverCli ? { cli: this.settings.serverCli } : {}),
    });
    this.defer(() => stop(s.child));
    return s;
  }

  lastGcPid = 0;

  gc(name: string, redis: RedisTarget): ChildProcess {
    const child = startGc(name, redis, { GC_INTERVAL_MS: String(GC_INTERVAL_MS) });
    this.lastGcPid = child.pid ?? 0;
    this.defer(() => stop(child));
    return child;
  }

  /** A load process; `instrument` for the ones that measure latency (see INSTRUMENT_NICE). */
  loader(name: string, secret: string, instrument = false): Loader {
    const l = new Loader(
      name,
      { BENCH_PRESENCE_SECRET: secret },
      instrument ? INSTRUMENT_NICE : LOADER_NICE,
    );
    // Loaders go first (cleanups run in reverse), so servers see their sockets close.
    this.cleanups.unshift(() => l.close());
    return l;
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
    this.cleanups.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers over several loaders

interface ConnectFigures {
  connected: number;
  failed: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
}

export async function connectAll(
  plan: { loader: Loader; url: string; count: number }[],
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
  const connected = results.reduce((a, r) => a + r.connected, 0);
  const errors: Record<string, number> = {};
  for (const r of results) addCounts(errors, r.errors);
  const startedAt = Math.min(...results.map((r) => r.startedAt));
  const lastAt = Math.max(...results.map((r) => r.lastAt));
  const seconds = (lastAt - startedAt) / 1000;
  return {
    connected,
    failed: results.reduce((a, r) => a + r.failed, 0),
    errors,
    seconds,
    perSecond: connected / seconds,
  };
}

interface WaveFigures {
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
  plan: { loader: Loader; count: number }[],
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
  const acked = results.reduce((a, r) => a + r.acked, 0);
  const errors: Record<string, number> = {};
  for (const r of results) addCounts(errors, r.errors);
  const startedAt = Math.min(...results.map((r) => r.firstEmitAt));
  const seconds = (Math.max(...results.map((r) => r.lastAckAt)) - startedAt) / 1000;
  return {
    acked,
    failed: results.reduce((a, r) => a + r.failed, 0),
    errors,
    seconds,
    perSecond: acked / seconds,
    latency: mergeSummaries(results.map((r) => r.latency)),
    startedAt,
  };
}

/** Waits until every connected socket of `groups` on every loader shows its expected count. */
export async function expectAll(
  loaders: Loader[],
  groups: string[],
  expected: Record<string, number>,
  stableMs: number,
  timeoutMs: number,
): Promise<{
  ok: boolean;
  allRightAt: number;
  checked: number;
  wrong: number;
  sample: ExpectResult['sample'];
}> {
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

export async function resetStatsAll(loaders: Loader[], groups: string[]): Promise<void> {
  await Promise.all(loaders.map((l) => l.call('resetStats', { groups }, 10_000)));
}

export function expectedMap(
  posts: number,
  count: (postId: number) => number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (let p = 1; p <= posts; p++) out[String(p)] = count(p);
  return out;
}

/** CPU of processes over a window, plus the whole machine's busy share (both cores = 200%). */
export class Window {
  private readonly start: Map<number, ProcSample>;
  private readonly machine = machineTicks();
  readonly startedAt = Date.now();
  /** RSS of each process, lowest and highest of the once-a-second samples. */
  private readonly rssRange: Record<string, { min: number; max: number }> = {};
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number>) {
    this.start = new Map(Object.values(pids).map((pid) => [pid, sampleProc(pid)]));
    this.sampleRss();
    this.sampler = setInterval(() => this.sampleRss(), 1000);
    this.sampler.unref();
  }

  private sampleRss(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      let rss = 0;
      try {
        rss = sampleProc(pid).rssBytes;
      } catch {
        continue; // the process is gone (scenario C kills one)
      }
      const range = (this.rssRange[name] ??= { min: rss, max: rss });
      range.min = Math.min(range.min, rss);
      range.max = Math.max(range.max, rss);
    }
  }

  end(): {
    startedAt: string;
    seconds: number;
    cpu: Record<string, number>;
    machinePercent: number;
    othersPercent: number;
    stealPercent: number;
    rss: Record<string, number>;
    rssRange: Record<string, { min: number; max: number }>;
  } {
    clearInterval(this.sampler);
    this.sampleRss();
    const cpu: Record<string, number> = {};
    const rss: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const a = this.start.get(pid);
      const b = sampleProc(pid);
      if (a) cpu[name] = round(cpuPercent(a, b), 1);
      rss[name] = b.rssBytes;
    }
    const m = machineTicks();
    const machinePercent = round(
      ((m.busy - this.machine.busy) / (m.total - this.machine.total)) * 200,
      1,
    );
    // CPU of everything else on the machine (other users' jobs): the figures are trustworthy
    // only when this stays small.
    const ours = Object.values(cpu).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const othersPercent = round(Math.max(0, machinePercent - ours), 1);
    const stealPercent = round(
      ((m.steal - this.machine.steal) / (m.total - this.machine.total)) * 200,
      1,
    );
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      seconds: (Date.now() - this.startedAt) / 1000,
      stealPercent,
      cpu,
      machinePercent,
      othersPercent,
      rss,
      rssRange: this.rssRange,
    };
  }
}

/** With --profile: inspector-driven CPU profiles of windows and a heap sampling profile. */
class Profiling {
  readonly summaries: Record<string, unknown> = {};
  private constructor(
    private readonly inspector: Inspector | undefined,
    private readonly prefix: string,
  ) {}

  static async attach(enabled: boolean, inspectPort: number, prefix: string): Promise<Profiling> {
    return new Profiling(enabled ? await Inspector.connect(inspectPort) : undefined, prefix);
  }

  async startCpu(): Promise<void> {
    await this.inspector?.startCpuProfile();
  }

  async stopCpu(phase: string): Promise<void> {
    if (!this.inspector) return;
    const { file, profile } = await this.inspector.stopCpuProfile(`${this.prefix}-${phase}`);
    this.summaries[`${phase}Cpu`] = { file, ...summarizeCpu(profile, 15) };
  }

  async startHeap(): Promise<void> {
    await this.inspector?.startHeapSampling();
  }

  async stopHeap(phase: string): Promise<void> {
    if (!this.inspector) return;
    const { file, profile } = await this.inspector.stopHeapSampling(`${this.prefix}-${phase}`);
    this.summaries[`${phase}Heap`] = { file, ...summarizeHeap(profile, 15) };
  }

  close(): void {
    this.inspector?.close();
  }
}

function loadavg(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

// ---------------------------------------------------------------------------------------------
// E. SDK size

export function scenarioE(report: Report): Record<string, unknown> {
  const script = join(ROOT, 'packages/client/support/bundle-size.mjs');
  const bundle = join(ROOT, 'packages/client/dist/vip-presence.min.js');
  let gzip = NaN;
  let brotli = NaN;
  let source = 'n/a';
  let output = '';
  if (existsSync(script)) {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    output = `${run.stdout}${run.stderr}`.trim();
    gzip = Number(/gzip:.*\((\d+) bytes\)/.exec(output)?.[1] ?? NaN);
    brotli = Number(/brotli:.*\((\d+) bytes\)/.exec(output)?.[1] ?? NaN);
    if (Number.isFinite(gzip)) source = 'packages/client/support/bundle-size.mjs';
  }
  if (!Number.isFinite(gzip) && existsSync(bundle)) {
    const bytes = readFileSync(bundle);
    gzip = gzipSync(bytes).length;
    brotli = brotliCompressSync(bytes).length;
    source = 'node:zlib on packages/client/dist/vip-presence.min.js';
  }
  if (Number.isFinite(gzip)) {
    report.add('E sdk size', 'vip-presence.min.js gzip', gzip, 'B', { op: '<=', limit: 16 * 1024 });
    report.add('E sdk size', 'vip-presence.min.js brotli', brotli, 'B');
  } else report.add('E sdk size', 'vip-presence.min.js gzip', 'n/a');
  return { gzipBytes: gzip, brotliBytes: brotli, source, output };
}

// ---------------------------------------------------------------------------------------------
// F. Bare Socket.IO baseline

/**
 * The presence server's engine defaults (packages/server/src/options.ts); the bare baseline runs
 * with the same. Idle CPU is measured over one full ping cycle: sockets are pinged a cycle after
 * they connected, so a shorter window would catch an arbitrary share of the pings.
 */
const PING_INTERVAL_MS = 45_000;
const PING_TIMEOUT_MS = 10_000;
/** The server samples its event loop every 100 ms (eventLoopMonitoringPrecision). */
const EVENT_LOOP_SAMPLING_MS = 100;

export async function scenarioF(
  s: Settings,
  report: Report,
  scope: Scope,
): Promise<Record<string, unknown>> {
  const viewers = Math.round(10_000 * s.scale);
  const bare = await startBareServer('F-bare', {
    PING_INTERVAL_MS: String(PING_INTERVAL_MS),
    PING_TIMEOUT_MS: String(PING_TIMEOUT_MS),
  });
  scope.defer(() => stop(bare.child));
  const loaders = [scope.loader('F-l0', s.secret), scope.loader('F-l1', s.secret)];
  await sleep(1000);
  const mem0 = await inspectorMemory(bare.inspectPort, true);
  const before = sampleProc(bare.pid);
  const prof = await Profiling.attach(s.profile, bare.inspectPort, 'F-bare');
  scope.defer(async () => prof.close());
  await prof.startHeap();
  const half = Math.ceil(viewers / 2);
  const w = new Window({
    server: bare.pid,
    loader0: loaders[0]?.pid ?? 0,
    loader1: loaders[1]?.pid ?? 0,
  });
  const connect = await connectAll(
    loaders.map((loader, i) => ({ loader, url: bare.url, count: i === 0 ? half : viewers - half })),
    'v',
    `f${s.runId}`,
  );
  const connectWindow = w.end();
  s.log(`F: ${connect.connected} connected in ${connect.seconds.toFixed(1)} s`);
  await sleep(2000);
  await prof.startCpu();
  const idle = new Window({
    server: bare.pid,
    loader0: loaders[0]?.pid ?? 0,
    loader1: loaders[1]?.pid ?? 0,
  });
  await sleep(PING_INTERVAL_MS);
  const idleWindow = idle.end();
  await prof.stopCpu('idle');
  const after = sampleProc(bare.pid);
  const mem1 = await inspectorMemory(bare.inspectPort, true);
  const afterGc = sampleProc(bare.pid);
  await prof.stopHeap('connections');
  const n = connect.connected;
  const rssPerConnection = (after.rssBytes - before.rssBytes) / n;
  const rssPerConnectionGc = (afterGc.rssBytes - before.rssBytes) / n;
  const heapPerConnection = (mem1.heapUsed - mem0.heapUsed) / n;
  const range = idleWindow.rssRange.server ?? { min: NaN, max: NaN };
  const rssRangePerConnection = {
    min: (range.min - before.rssBytes) / n,
    max: (range.max - before.rssBytes) / n,
  };
  report.add('F baseline', 'connections (bare socket.io)', n, '');
  report.add('F baseline', 'connect rate', connect.perSecond, '/s');
  report.add('F baseline', 'RSS per connection', rssPerConnection / 1024, 'KB');
  report.add(
    'F baseline',
    'RSS per connection over the idle window, lowest / highest',
    `${kb(rssRangePerConnection.min)} / ${kb(rssRangePerConnection.max)}`,
    'KB',
  );
  report.add(
    'F baseline',
    'RSS / heap per connection after full GC',
    `${kb(rssPerConnectionGc)} / ${kb(heapPerConnection)}`,
    'KB',
  );
  report.add(
    'F baseline',
    `idle CPU, ${PING_INTERVAL_MS / 1000} s (one ping cycle)`,
    idleWindow.cpu.server ?? NaN,
    '% core',
  );
  report.add(
    'F baseline',
    'idle: CPU of other processes (not the bench)',
    idleWindow.othersPercent,
    '% core',
  );
  return {
    viewers,
    connect,
    connectWindow,
    rssBeforeMB: before.rssBytes / MB,
    rssAfterMB: after.rssBytes / MB,
    rssAfterGcMB: afterGc.rssBytes / MB,
    heapMB: [mem0.heapUsed / MB, mem1.heapUsed / MB],
    rssPerConnectionBytes: rssPerConnection,
    rssRangePerConnectionBytes: rssRangePerConnection,
    rssPerConnectionGcBytes: rssPerConnectionGc,
    heapPerConnectionBytes: heapPerConnection,
    idle: idleWindow,
    profiles: prof.summaries,
  };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

// ---------------------------------------------------------------------------------------------
// A. Site: viewers over posts joining in a wave (one node; or two with `nodes: 2`)

export async function scenarioA(
  s: Settings,
  report: Report,
  scope: Scope,
  opts: {
    name: string;
    label: string;
    viewers: number;
    posts: number;
    nodes: 1 | 2;
    /** One redis-server, or a local 3-master Redis Cluster (sharded adapter). @default 'single' */
    redis?: 'single' | 'cluster';
    idle: boolean;
    /** Judge the figures against scenario A's targets. */
    targets: boolean;
    baseline?: Record<string, unknown>;
  },
): Promise<Record<string, unknown>> {
  const { name, label, viewers, posts, nodes } = opts;
  const redis = underTest(
    opts.redis === 'cluster'
      ? await scope.redisCluster(`${name}-redis`)
      : await scope.redis(`${name}-redis`),
  );
  const servers: NodeProcess[] = [];
  for (let n = 0; n < nodes; n++)
    servers.push(await scope.server(`${name}-node${n + 1}`, redis.target, s.secret));
  const gc = scope.gc(`${name}-gc`, redis.target);
  const loaders = [scope.loader(`${name}-l0`, s.secret), scope.loader(`${name}-l1`, s.secret)];
  const pids: Record<string, number> = { ...redis.pids, gc: gc.pid ?? 0 };
  servers.forEach((srv, i) => (pids[`node${i + 1}`] = srv.pid));
  loaders.forEach((l, i) => (pids[`loader${i}`] = l.pid));
  await sleep(1000);
  const mem0 = await Promise.all(servers.map((srv) => inspectorMemory(srv.inspectPort, true)));
  const rss0 = servers.map((srv) => sampleProc(srv.pid).rssBytes);
  const prof = await Profiling.attach(
    s.profile,
    (servers[0] as NodeProcess).inspectPort,
    `${name}-node1`,
  );
  scope.defer(async () => prof.close());
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
    servers.map((srv) => metric(srv.url, 'vip_presence_count_deliveries_total')),
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
    servers.map((srv) => metric(srv.url, 'vip_presence_count_deliveries_total')),
  );
  const messages = await statsAll(loaders, ['v']);
  s.log(
    `${name}: ${wave.acked} joins acked in ${wave.seconds.toFixed(2)} s; counts right: ${settled.ok} (${settled.wrong} wrong)`,
  );
  const allRightSeconds = (settled.allRightAt - wave.startedAt) / 1000;

  let idleWindow: ReturnType<Window['end']> | undefined;
  if (opts.idle) {
    await sleep(2000);
    await prof.startCpu();
    const idle = new Window(pids);
    await sleep(PING_INTERVAL_MS);
    idleWindow = idle.end();
    await prof.stopCpu('idle');
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
    opts.targets ? { op: '<=', limit: 10 } : undefined,
  );
  report.add(sc, 'joins per second', wave.perSecond, '/s');
  report.add(
    sc,
    'join ack latency p50 / p99',
    `${fmtMs(wave.latency.p50)} / ${fmtMs(wave.latency.p99)}`,
    'ms',
  );
  report.add(sc, 'failed joins', wave.failed, '', { op: '<=', limit: 0 });
  report.add(
    sc,
    'all counts right after wave start',
    settled.ok ? allRightSeconds : NaN,
    's',
    undefined,
    settled.ok ? undefined : `${settled.wrong} wrong: ${JSON.stringify(settled.sample)}`,
  );
  report.add(sc, 'count messages per client, mean', messages.messages.mean, '');
  report.add(
    sc,
    'count messages per client, max',
    messages.messages.max,
    '',
    opts.targets ? { op: '<=', limit: 20 } : undefined,
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
      `RSS / heap per connection after full GC${suffix}`,
      `${kb(rssPerConnectionGc[i] ?? NaN)} / ${kb(heapPerConnection[i] ?? NaN)}`,
      'KB',
    );
    const range = idleWindow?.rssRange[`node${i + 1}`];
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
        opts.targets ? { op: '<=', limit: 1.3 } : undefined,
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
  if (idleWindow) {
    servers.forEach((srv, i) =>
      report.add(
        sc,
        `idle CPU with ${perNode} connected, ${PING_INTERVAL_MS / 1000} s${nodes > 1 ? ` (node${i + 1})` : ''}`,
        idleWindow.cpu[`node${i + 1}`] ?? NaN,
        '% core',
        opts.targets ? { op: '<=', limit: 5 } : undefined,
      ),
    );
    report.add(
      sc,
      'idle: redis / gc CPU',
      `${redis.cpu(idleWindow.cpu)} / ${idleWindow.cpu.gc}`,
      '% core',
    );
    report.add(
      sc,
      'idle: CPU of other processes (not the bench)',
      idleWindow.othersPercent,
      '% core',
    );
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
    idle: idleWindow,
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

// ---------------------------------------------------------------------------------------------
// B. Hot post: viewers of one post, joins and leaves per second, probes and watchers

export async function scenarioB(
  s: Settings,
  report: Report,
  scope: Scope,
  nodes: 1 | 2,
): Promise<Record<string, unknown>> {
  const name = nodes === 1 ? 'B' : 'B2';
  const viewers = Math.round(10_000 * s.scale);
  const rate = Math.round(200 * s.scale);
  const churnPool = Math.max(100, rate * 5);
  const probeRate = s.quick ? 5 : 10;
  const probeSockets = probeRate * 5;
  const watchers = 5;
  const HOT = 1;
  const redis = await scope.redis(`${name}-redis`);
  const servers: NodeProcess[] = [];
  for (let n = 1; n <= nodes; n++)
    servers.push(await scope.server(`${name}-node${n}`, redis.url, s.secret));
  // One node: everything on it. Two nodes: viewers split over both, churn and probes on node1,
  // watchers on node2 (so the probes' joins cross nodes through the Redis adapter).
  const server = servers[0] as NodeProcess;
  const last = servers[servers.length - 1] as NodeProcess;
  const gc = scope.gc(`${name}-gc`, redis.url);
  const [v0, v1, ctl, w] = [
    scope.loader(`${name}-viewers0`, s.secret),
    scope.loader(`${name}-viewers1`, s.secret),
    scope.loader(`${name}-churn`, s.secret, true),
    scope.loader(`${name}-watch`, s.secret, true),
  ] as [Loader, Loader, Loader, Loader];
  const pids: Record<string, number> = {
    ...Object.fromEntries(servers.map((srv, i) => [`node${i + 1}`, srv.pid])),
    redis: redis.child.pid ?? 0,
    loaderViewers0: v0.pid,
    loaderViewers1: v1.pid,
    loaderChurn: ctl.pid,
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
  await connectAll(
    [{ loader: ctl, url: server.url, count: probeSockets }],
    'probe',
    `bp${s.runId}`,
  );
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
  const all = [v0, v1, ctl, w];
  const resetAt = Date.now();
  await resetStatsAll(all, ['v', 'churn', 'probe', 'watch']);
  const stats0 = await commandStats(redis.port);
  const prof = await Profiling.attach(s.profile, server.inspectPort, `${name}-node1`);
  scope.defer(async () => prof.close());
  await prof.startCpu();
  // Reading /metrics also resets the event-loop delay histogram.
  const deliveries0 = await Promise.all(
    servers.map(async (srv) => (await metrics(srv.url)).vip_presence_count_deliveries_total ?? NaN),
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
    ctl.call<Probe[]>(
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
  const m1 = await Promise.all(servers.map((srv) => metrics(srv.url)));
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
    limit: 1000,
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
  report.add(
    sc,
    'load generators CPU (4 processes)',
    (win.cpu.loaderViewers0 ?? 0) +
      (win.cpu.loaderViewers1 ?? 0) +
      (win.cpu.loaderChurn ?? 0) +
      (win.cpu.loaderWatch ?? 0),
    '% core',
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
    loopLagMs: loopLag,
    redis: { perJoin: rpj, commandstatsDelta: redisDelta, joins },
    loadavg: loadavg(),
    profiles: prof.summaries,
  };
}

/**
 * Join-to-visible latency. A probe emits its join at t0 and gets the ack at t1. The watcher (a
 * separate socket, in another process) sees the join once it receives an update whose `seq` is at
 * least the join's seq. If the ack carries `seq`, that is exact. If not, the join's seq is
 * max(previous seq + 1, Redis TIME at the join), and Redis TIME at the join is before t1 (same
 * clock, loopback), so an update with seq >= t1 reflects the join unless seq ran ahead of the
 * clock (checked: `seqAheadMs`, the most any update's seq exceeded its receipt time). Latency =
 * receipt - t0, the slowest watcher's, so a probe counts as visible when every watcher saw it.
 */
function probeLatency(probes: Probe[], records: number[][]) {
  let seqAheadMs = -Infinity;
  for (const rec of records) {
    for (let i = 0; i + 2 < rec.length; i += 3)
      seqAheadMs = Math.max(seqAheadMs, (rec[i] as number) - (rec[i + 1] as number));
  }
  /** Latency of each probe until every watcher got an update with seq >= threshold(probe). */
  const measure = (threshold: (p: Probe) => number) => {
    const samples: number[] = [];
    let missing = 0;
    for (const probe of probes) {
      if (!probe.ok) continue;
      const min = threshold(probe);
      let worst = -1;
      for (const rec of records) {
        let seen = -1;
        for (let i = 0; i + 2 < rec.length; i += 3) {
          if ((rec[i + 1] as number) < probe.t0) continue;
          if ((rec[i] as number) >= min) {
            seen = (rec[i + 1] as number) - probe.t0;
            break;
          }
        }
        if (seen < 0) {
          worst = -1;
          break;
        }
        worst = Math.max(worst, seen);
      }
      if (worst < 0) missing += 1;
      else samples.push(worst);
    }
    return { summary: summarize(samples), missing };
  };
  const exact = probes.filter((p) => p.ok && p.seq >= 0).length;
  // Upper bound (or exact when the ack carries seq): see the comment above.
  const main = measure((p) => (p.seq >= 0 ? p.seq : p.t1));
  // Lower bound: the join's seq is at least Redis TIME at the join, which is after t0.
  const lower = measure((p) => p.t0);
  return {
    summary: main.summary,
    missing: main.missing,
    lowerBound: lower.summary,
    seqAheadMs: Number.isFinite(seqAheadMs) ? seqAheadMs : 0,
    method:
      exact > 0
        ? `exact (ack seq) for ${exact} probes`
        : 'upper bound: first update with seq >= ack receipt time (the ack has no seq)',
    watchers: records.length,
  };
}

// ---------------------------------------------------------------------------------------------
// C. Crash: kill -9 one of two nodes

export async function scenarioC(
  s: Settings,
  report: Report,
  scope: Scope,
): Promise<Record<string, unknown>> {
  const perNode = Math.round(2000 * s.scale);
  const posts = Math.max(1, Math.round(perNode / 5));
  const redis = await scope.redis('C-redis');
  const n1 = await scope.server('C-node1', redis.url, s.secret);
  const n2 = await scope.server('C-node2', redis.url, s.secret);
  scope.gc('C-gc', redis.url);
  const [l0, l1] = [scope.loader('C-l0', s.secret), scope.loader('C-l1', s.secret)] as [
    Loader,
    Loader,
  ];
  const plan = [
    { loader: l0, url: n1.url, count: perNode },
    { loader: l1, url: n2.url, count: perNode },
  ];
  const connect = await connectAll(plan, 'v', `c${s.runId}`);
  const wave = await joinWave(plan, 'v', (_li, i) => 1 + (i % posts));
  const before = await expectAll(
    [l0, l1],
    ['v'],
    expectedMap(posts, () => 10),
    1000,
    30_000,
  );
  s.log(`C: ${connect.connected} viewers on 2 nodes, counts right: ${before.ok}; kill -9 node2`);
  const killedAt = Date.now();
  n2.child.kill('SIGKILL');
  const after = await expectAll(
    [l0],
    ['v'],
    expectedMap(posts, () => 5),
    2000,
    45_000,
  );
  const seconds = (after.allRightAt - killedAt) / 1000;
  const survivors = await statsAll([l0], ['v']);
  const orphans = await statsAll([l1], ['v']);
  const sc = 'C crash (2 nodes)';
  report.add(sc, 'viewers per node / posts', `${perNode} / ${posts}`);
  report.add(sc, 'counts right before the kill', before.ok ? 'yes' : `no (${before.wrong} wrong)`);
  report.add(
    sc,
    'kill -9 node2 -> every remaining count right',
    after.ok ? seconds : NaN,
    's',
    { op: '<=', limit: 30 },
    after.ok
      ? 'heartbeat 5 s, TTL 15 s, gc every 5 s'
      : `${after.wrong} wrong: ${JSON.stringify(after.sample)}`,
  );
  report.add(
    sc,
    'surviving viewers still connected',
    `${survivors.connected} / ${survivors.sockets}`,
  );
  return { perNode, posts, connect, wave, before, after, seconds, survivors, orphans, killedAt };
}

// ---------------------------------------------------------------------------------------------
// D. Redis restart under load

export async function scenarioD(
  s: Settings,
  report: Report,
  scope: Scope,
): Promise<Record<string, unknown>> {
  const perNode = Math.round(2000 * s.scale);
  const posts = Math.max(4, Math.round(perNode / 5));
  const quarter = Math.floor(posts / 4);
  let redis = await scope.redis('D-redis');
  const port = redis.port;
  const n1 = await scope.server('D-node1', redis.url, s.secret);
  const n2 = await scope.server('D-node2', redis.url, s.secret);
  scope.gc('D-gc', redis.url);
  const [l0, l1] = [scope.loader('D-l0', s.secret), scope.loader('D-l1', s.secret)] as [
    Loader,
    Loader,
  ];
  const plan = [
    { loader: l0, url: n1.url, count: perNode },
    { loader: l1, url: n2.url, count: perNode },
  ];
  const connect = await connectAll(plan, 'v', `d${s.runId}`);
  // Visitors who arrive while Redis is down (on node2, posts quarter+1 .. 2*quarter).
  await connectAll([{ loader: l1, url: n2.url, count: quarter }], 'late', `dl${s.runId}`);
  const postOf = (i: number) => 1 + (i % posts);
  await joinWave(plan, 'v', (_li, i) => postOf(i));
  const before = await expectAll(
    [l0, l1],
    ['v'],
    expectedMap(posts, () => 10),
    1000,
    30_000,
  );
  s.log(
    `D: ${connect.connected} viewers on 2 nodes, counts right: ${before.ok}; kill -9 redis-server`,
  );

  const killedAt = Date.now();
  await stop(redis.child, 'SIGKILL');
  await sleep(500);
  const readyz = await httpGet(`${n1.url}/readyz`).catch(() => ({ status: 0, body: '' }));
  // During the outage: one viewer of each of posts 1..quarter leaves (node1, socket closed) and
  // `quarter` new viewers try to join posts quarter+1..2*quarter (node2), retrying on `unavailable`.
  const leavers = Array.from({ length: quarter }, (_, i) => i); // socket i views post i+1
  await l0.call('disconnect', { group: 'v', indexes: leavers, timeoutMs: 5000 }, 10_000);
  const lateJoins = l1.call<JoinResult>(
    'join',
    {
      group: 'late',
      indexes: Array.from({ length: quarter }, (_, i) => i),
      posts: Array.from({ length: quarter }, (_, i) => quarter + 1 + i),
      timeoutMs: 10_000,
      retryUntil: killedAt + 60_000,
      retryEveryMs: 500,
    },
    90_000,
  );
  await sleep(Math.max(0, killedAt + 3000 - Date.now()));
  redis = await startRedis('D-redis-restarted', port);
  const restarted = redis;
  scope.defer(() => stop(restarted.child));
  const backAt = Date.now();
  s.log(`D: redis-server back on :${port} after ${((backAt - killedAt) / 1000).toFixed(1)} s`);
  const expected = expectedMap(posts, (p) => (p <= quarter ? 9 : p <= 2 * quarter ? 11 : 10));
  const after = await expectAll([l0, l1], ['v', 'late'], expected, 6000, 45_000);
  const late = await lateJoins;
  const seconds = Math.max(0, (after.allRightAt - backAt) / 1000);
  const viewers = await statsAll([l0, l1], ['v', 'late']);
  const sc = 'D redis restart (2 nodes)';
  report.add(sc, 'viewers per node / posts', `${perNode} / ${posts}`);
  report.add(sc, 'during outage: /readyz', readyz.status);
  report.add(
    sc,
    'during outage: join refused (unavailable) p50 / p99',
    `${fmtMs(late.refusalLatency.p50)} / ${fmtMs(late.refusalLatency.p99)}`,
    'ms',
  );
  report.add(
    sc,
    'redis back -> every count right (incl. leaves and joins made during the outage)',
    after.ok ? seconds : NaN,
    's',
    { op: '<=', limit: 30 },
    after.ok ? undefined : `${after.wrong} wrong: ${JSON.stringify(after.sample)}`,
  );
  report.add(sc, 'late joiners acked after restart', `${late.acked} / ${quarter}`);
  report.add(sc, 'client sockets dropped (no reload needed)', viewers.disconnects, '', {
    op: '<=',
    limit: 0,
  });
  return {
    perNode,
    posts,
    connect,
    before,
    readyzDuringOutage: readyz.status,
    late,
    after,
    seconds,
    killedAt,
    backAt,
    viewers,
  };
}

// ---------------------------------------------------------------------------------------------
// Redis commandstats

function diffStats(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0);
    if (d > 0 && k !== 'info') out[k] = d;
  }
  return out;
}

/** Commands only the store's Lua scripts call (ZADD and ZREM run both inside and outside scripts). */
const INNER_ONLY = new Set([
  'time',
  'zrangebyscore',
  'zremrangebyscore',
  'hdel',
  'hget',
  'hset',
  'zscore',
  'incr',
  'get',
  'set',
  'pexpire',
  'zcard',
  'zcount',
]);

/**
 * INFO commandstats counts commands run inside scripts too. Separating them: every script calls
 * TIME once; only the join script calls PEXPIRE (so PEXPIRE = join scripts); only the count
 * script calls ZCOUNT; inside scripts every HSET comes with one ZADD, and the join script does
 * one more ZADD (the `recent` set), so top-level ZADDs = ZADD - HSET - PEXPIRE; a leave that
 * removes a visitor does one HDEL and one ZREM (prunes HDEL too), so leave scripts ~ ZREM and
 * top-level ZREMs (top-posts index, count 0) >= ZREM - HDEL.
 */
function redisPerJoin(d: Record<string, number>, joins: number) {
  const scripts = (d.evalsha ?? 0) + (d.eval ?? 0);
  const joinScripts = d.pexpire ?? 0;
  const countScripts = d.zcount ?? 0;
  const topZrem = Math.max(0, (d.zrem ?? 0) - (d.hdel ?? 0));
  const leaveScripts = Math.min((d.zrem ?? 0) - topZrem, scripts - joinScripts - countScripts);
  const top: Record<string, number> = {
    'join scripts': joinScripts,
    'leave scripts': leaveScripts,
    'refresh/sweep scripts': scripts - joinScripts - countScripts - leaveScripts,
    'count scripts': countScripts,
    'zadd (index, top posts)': Math.max(0, (d.zadd ?? 0) - (d.hset ?? 0) - joinScripts),
    'zrem (top posts)': topZrem,
  };
  let all = 0;
  for (const [cmd, calls] of Object.entries(d)) {
    all += calls;
    if (INNER_ONLY.has(cmd) || ['evalsha', 'eval', 'zadd', 'zrem'].includes(cmd)) continue;
    top[cmd] = (top[cmd] ?? 0) + calls; // publish, zscan, ping, zrevrange, ...
  }
  const topLevel = Object.values(top).reduce((a, b) => a + b, 0);
  const perJoin = (n: number) => (joins > 0 ? round(n / joins, 3) : NaN);
  return {
    joins,
    joinScriptsPerJoin: perJoin(joinScripts),
    topLevelPerJoin: perJoin(topLevel),
    allPerJoin: perJoin(all),
    topLevelBreakdownPerJoin: Object.fromEntries(
      Object.entries(top)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => [k, perJoin(v)]),
    ),
    timeCalls: d.time ?? 0,
    scripts,
  };
}

export function fmtMs(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v)) : 'n/a';
}

// ---------------------------------------------------------------------------------------------
// I. Idle CPU against the engine's ping interval (evidence for the idle-CPU figure of A)

/**
 * The presence server and the bare baseline side by side, both with PING_INTERVAL_MS=`pingMs`,
 * 10,000 connections each (the presence viewers joined over 1,000 posts), idle over one full
 * ping cycle. Run at other intervals than A and F (the server's default, 45 s), it shows how
 * much of the idle CPU is the engine's heartbeat rather than presence work.
 */
export async function scenarioI(
  s: Settings,
  report: Report,
  scope: Scope,
  pingMs: number,
): Promise<Record<string, unknown>> {
  const viewers = Math.round(10_000 * s.scale);
  const posts = Math.round(1000 * s.scale);
  const ping = { PING_INTERVAL_MS: String(pingMs), PING_TIMEOUT_MS: String(PING_TIMEOUT_MS) };
  const redis = await scope.redis('I-redis');
  const server = await scope.server('I-node1', redis.url, s.secret, ping);
  scope.gc('I-gc', redis.url);
  const bare = await startBareServer('I-bare', ping);
  scope.defer(() => stop(bare.child));
  const loaders = [0, 1, 2, 3].map((i) => scope.loader(`I-l${i}`, s.secret));
  const half = Math.ceil(viewers / 2);
  const counts = [half, viewers - half];
  const presencePlan = [0, 1].map((i) => ({
    loader: loaders[i] as Loader,
    url: server.url,
    count: counts[i] ?? 0,
  }));
  const barePlan = [2, 3].map((i) => ({
    loader: loaders[i] as Loader,
    url: bare.url,
    count: counts[i - 2] ?? 0,
  }));
  const [connected, bareConnected] = await Promise.all([
    connectAll(presencePlan, 'v', `i${s.runId}`),
    connectAll(barePlan, 'v', `ib${s.runId}`),
  ]);
  const offsets = [0, half];
  const wave = await joinWave(presencePlan, 'v', (li, i) => 1 + (((offsets[li] ?? 0) + i) % posts));
  await sleep(3000);
  const prof = await Profiling.attach(s.profile, server.inspectPort, 'I-node1');
  scope.defer(async () => prof.close());
  await prof.startCpu();
  const gcPid = scope.lastGcPid;
  const idle = new Window({
    presence: server.pid,
    bare: bare.pid,
    redis: redis.child.pid ?? 0,
    gc: gcPid,
    ...Object.fromEntries(loaders.map((l, i) => [`loader${i}`, l.pid])),
  });
  await sleep(pingMs);
  const win = idle.end();
  await prof.stopCpu('idle');
  const sc = `I idle vs ping interval`;
  report.add(
    sc,
    'connected presence (joined) / bare',
    `${connected.connected} / ${bareConnected.connected}`,
  );
  report.add(
    sc,
    `idle CPU, presence server, PING_INTERVAL_MS=${pingMs}`,
    win.cpu.presence ?? NaN,
    '% core',
    undefined,
    `over ${win.seconds.toFixed(0)} s = one ping cycle`,
  );
  report.add(
    sc,
    `idle CPU, bare socket.io, PING_INTERVAL_MS=${pingMs}`,
    win.cpu.bare ?? NaN,
    '% core',
  );
  report.add(sc, 'idle: CPU of other processes (not the bench)', win.othersPercent, '% core');
  return { pingMs, viewers, connected, bareConnected, wave, idle: win, profiles: prof.summaries };
}
