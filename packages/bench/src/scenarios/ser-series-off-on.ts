/**
 * SER. Readers over time off and on, in one run: scenario A (the join wave, one node) and B (a hot
 * post under churn, one node) each run with the series off (`SERIES_BUCKET_MS=0`) and on (the
 * server's setting), interleaved (series-comparison.ts: off on, on off, ...) so the machine's
 * noise falls on both alike, then their figures side by side with the ratios on/off.
 *
 * Each run has processes of its own (a fresh redis-server, as A and B always have), and before
 * they stop the store is asked for its series keys: an "on" run must have one per post viewed, an
 * "off" run none, after at least one heartbeat; otherwise the comparison is flagged as invalid
 * (it would compare off with off, or on with on).
 */
import type { Figures, ScenarioContext, Settings } from '../context.js';
import { redisCli, type RedisProcess } from '../procs.js';
import { Report } from '../report.js';
import { Scope } from '../scope.js';
import {
  comparisonTable,
  compareRuns,
  describeOrder,
  interleave,
  pickFigures,
  type FigureSpec,
  type RunFigures,
  seriesEnv,
  unevenNoise,
  type Variant,
} from '../series-comparison.js';
import { LIVENESS } from '../server-defaults.js';
import { sleep } from '../stats.js';
import { scenarioA } from './a-join-wave.js';
import { scenarioB } from './b-hot-post.js';

const HEARTBEAT_MS = Number(LIVENESS.HEARTBEAT_INTERVAL_MS);
/** A's idle window in SER: three heartbeats, each of which renews every post (and, on, records it). */
const IDLE_MS = 3 * HEARTBEAT_MS;

type Workload = 'A' | 'B';

/** What the table shows of each workload: what A and B report that the series could move. */
const SPECS: Record<Workload, readonly FigureSpec[]> = {
  A: [
    { figure: 'join wave: all joins acked', unit: 's', at: 'wave.seconds' },
    { figure: 'joins per second', unit: '/s', at: 'wave.perSecond' },
    { figure: 'join ack latency p50', unit: 'ms', at: 'wave.latency.p50' },
    { figure: 'join ack latency p99', unit: 'ms', at: 'wave.latency.p99' },
    { figure: 'all counts right after wave start', unit: 's', at: 'allRightSeconds' },
    { figure: 'count messages per client, mean', unit: '', at: 'messages.messages.mean' },
    { figure: 'server CPU during wave', unit: '% core', at: 'waveCpu.cpu.node1' },
    { figure: 'redis CPU during wave', unit: '% core', at: 'waveCpu.cpu.redis' },
    { figure: 'Redis commands per join, incl. scripts', unit: '', at: 'redis.perJoin.allPerJoin' },
    { figure: `idle ${IDLE_MS / 1000} s after: server CPU`, unit: '% core', at: 'idle.cpu.node1' },
    { figure: `idle ${IDLE_MS / 1000} s after: redis CPU`, unit: '% core', at: 'idle.cpu.redis' },
    {
      figure: 'noise: CPU of other processes during wave',
      unit: '% core',
      at: 'waveCpu.othersPercent',
    },
  ],
  B: [
    { figure: 'join-to-visible p50', unit: 'ms', at: 'latency.summary.p50' },
    { figure: 'join-to-visible p99', unit: 'ms', at: 'latency.summary.p99' },
    { figure: 'updates per viewer per second', unit: '/s', at: 'updatesPerViewerPerSecond' },
    { figure: 'fan-out deliveries per second', unit: '/s', at: 'deliveriesPerSecond' },
    { figure: 'churn join ack latency p99', unit: 'ms', at: 'churn.joinLatency.p99' },
    { figure: 'server CPU', unit: '% core', at: 'window.cpu.node1' },
    { figure: 'server event-loop delay p99', unit: 'ms', at: 'loopLagMs.0.p99' },
    { figure: 'redis CPU', unit: '% core', at: 'window.cpu.redis' },
    { figure: 'Redis commands per join, incl. scripts', unit: '', at: 'redis.perJoin.allPerJoin' },
    { figure: 'viewer sockets dropped', unit: '', at: 'viewerStats.disconnects' },
    {
      figure: 'noise: probes waiting for a CPU',
      unit: '% of window',
      at: 'window.wait.loaderProbe',
    },
    { figure: 'noise: CPU of other processes', unit: '% core', at: 'window.othersPercent' },
  ],
};

/** A workload's run, and how many posts it leaves viewed (each should get a series key). */
const WORKLOADS: Record<
  Workload,
  { run: (context: ScenarioContext) => Promise<Figures>; posts: (figures: Figures) => number }
> = {
  A: {
    run: (context) =>
      scenarioA(context, {
        label: `${context.name} site (1 node)`,
        viewers: 10_000,
        nodes: 1,
        targets: false,
        idleMs: IDLE_MS,
      }),
    posts: (figures) => Number(figures.posts),
  },
  // B's viewers, churn and probes all view one post.
  B: { run: (context) => scenarioB(context, 1), posts: () => 1 },
};

/** A scope that remembers its redis-servers, so the run's store can be checked before it stops. */
class StoreScope extends Scope {
  readonly stores: RedisProcess[] = [];

  override async redis(name: string, port?: number): Promise<RedisProcess> {
    const r = await super.redis(name, port);
    this.stores.push(r);
    return r;
  }
}

async function seriesKeys(stores: readonly RedisProcess[]): Promise<number> {
  let keys = 0;
  for (const store of stores) {
    const out = await redisCli(store.port, '--scan', '--pattern', '*:series');
    keys += out.split('\n').filter(Boolean).length;
  }
  return keys;
}

/**
 * The series keys of a run's store once at least one heartbeat has passed since its viewers
 * joined: on, as soon as every post has one (or two heartbeats and a second later, whatever
 * there is); off, one heartbeat and a second later.
 */
async function checkedSeriesKeys(
  stores: readonly RedisProcess[],
  variant: Variant,
  posts: number,
): Promise<number> {
  const until = Date.now() + (variant === 'on' ? 2 * HEARTBEAT_MS : HEARTBEAT_MS) + 1000;
  for (;;) {
    const keys = await seriesKeys(stores);
    if ((variant === 'on' && keys >= posts) || Date.now() >= until) return keys;
    await sleep(500);
  }
}

interface SerRun extends RunFigures<Workload> {
  name: string;
  posts: number;
  seriesKeys: number;
  /** The series as meant: a key per post viewed when on, none when off. */
  asMeant: boolean;
  /** The workload's own figures and rows, as A and B report them. */
  raw: Figures;
  rows: Report['rows'];
}

export async function scenarioSer(
  { name, s, report }: ScenarioContext,
  rounds: number,
): Promise<Figures> {
  const steps = interleave(['A', 'B'] as const, rounds);
  const env = seriesEnv(s.serverEnv);
  const order = describeOrder(steps);
  s.log(`${name}: ${steps.length} runs: ${order}`);
  const runs: SerRun[] = [];
  for (const step of steps) {
    const runName = `${name}-${step.workload}-${step.variant}${step.round + 1}`;
    const settings: Settings = { ...s, serverEnv: env[step.variant] };
    const scope = new StoreScope(settings);
    const own = new Report();
    const workload = WORKLOADS[step.workload];
    try {
      s.log(`${runName}: start (series ${step.variant})`);
      const raw = await workload.run({ name: runName, s: settings, report: own, scope });
      const posts = workload.posts(raw);
      const keys = await checkedSeriesKeys(scope.stores, step.variant, posts);
      const asMeant = step.variant === 'on' ? keys === posts : keys === 0;
      s.log(
        `${runName}: ${keys} series keys for ${posts} posts viewed (${asMeant ? 'as meant' : 'NOT as meant'})`,
      );
      const figures = pickFigures(raw, SPECS[step.workload]);
      runs.push({
        ...step,
        name: runName,
        figures,
        posts,
        seriesKeys: keys,
        asMeant,
        raw,
        rows: own.rows,
      });
    } finally {
      await scope.close();
    }
  }

  const compared = compareRuns(runs, SPECS);
  const uneven = unevenNoise(compared);
  for (const line of uneven) s.log(`${name}: the machine was busier for one setting: ${line}`);
  const sc = 'SER series off vs on';
  const onSetting = env.on.SERIES_BUCKET_MS
    ? `SERIES_BUCKET_MS=${env.on.SERIES_BUCKET_MS}`
    : "the server's default, SERIES_BUCKET_MS unset";
  report.add(sc, 'runs: rounds / order', `${rounds} / ${order}`);
  const checks = runs.map(
    (r) => `${r.workload} ${r.variant}${r.round + 1}: ${r.seriesKeys}/${r.posts}`,
  );
  report.add(
    sc,
    'store check: runs whose series keys were not as set (on: one per post, off: none)',
    runs.filter((r) => !r.asMeant).length,
    '',
    { op: '<=', limit: 0 },
    `series keys / posts viewed: ${checks.join(', ')}`,
  );
  const ratio = (workload: Workload, figure: string) =>
    compared.find((c) => c.workload === workload && c.figure === figure)?.ratio ?? NaN;
  report.add(
    sc,
    'A join wave: all joins acked, on / off',
    ratio('A', 'join wave: all joins acked'),
    'x',
  );
  report.add(sc, 'B join-to-visible p50, on / off', ratio('B', 'join-to-visible p50'), 'x');
  report.add(sc, 'B join-to-visible p99, on / off', ratio('B', 'join-to-visible p99'), 'x');
  report.add(sc, 'B server CPU, on / off', ratio('B', 'server CPU'), 'x');
  report.section(
    `SER: scenarios A and B (one node each${s.quick ? ', --quick: 1/10 of the load' : ''}) with readers over time off (SERIES_BUCKET_MS=0) and on (${onSetting}); ${rounds} round${rounds > 1 ? 's' : ''}, in the order ${order}`,
    [
      comparisonTable(compared),
      '',
      'off / on: the median of the runs (listed in run order); on/off: on median / off median (above 1: higher with the series on);',
      "spread: (max - min) / median of one setting's runs, what the machine's noise alone did to it: an on/off within it is noise.",
      ...uneven.map(
        (line) =>
          `UNEVEN NOISE, ratios of that workload not trustworthy (run again, or more --ser-rounds): ${line}`,
      ),
      `store check (series keys / posts viewed): ${checks.join(', ')}${runs.every((r) => r.asMeant) ? ': as set' : ': NOT AS SET, the comparison is invalid'}`,
    ].join('\n'),
  );
  return {
    rounds,
    order,
    env,
    comparison: compared,
    runs,
  };
}
