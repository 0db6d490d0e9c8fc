/**
 * `npm run bench` (after `npm run build`): proves the scale of vip-presence on this machine with
 * real processes: redis-server, `packages/server/dist/cli.js` nodes, the gc, and load processes
 * (child_process.fork) holding real socket.io-client websocket connections. Prints a table of
 * figures against the targets and writes results/latest.json. Not a test: it never fails a build.
 *
 *   npm run bench                    full run (~6-8 minutes on 2 cores)
 *   npm run bench -- --quick         ~1/10 of the load, for smoke runs
 *   npm run bench -- --only=A,B      some scenarios (E F A B C D S15 Q I A2 B2 AC N6; FO, SOAK, SER only so)
 *   npm run bench -- --only=SOAK --soak-seconds=300   faults one after another under churn
 *   npm run bench -- --only=SER --ser-rounds=2        A and B with readers over time off and on
 *   npm run bench -- --profile       CPU profiles of the measured windows, heap profile of the
 *                                    join wave (results/profiles/; see profile-top.js)
 *   npm run bench -- --churn-seconds=30
 *   npm run bench -- --only=I --idle-ping=20000,30000,45000   idle CPU, presence and bare, per ping interval
 *   npm run bench -- --server-env=MAX_DELIVERIES_PER_SECOND=15000   (experiments; every node)
 *   npm run bench -- --server-cli=packages/bench/results/proposal-x/server/dist/cli.js
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Figures, ScenarioContext, Settings } from './context.js';
import { BENCH_DIR, INSTRUMENT_NICE, LOADER_NICE, RESULTS_DIR, killAll } from './procs.js';
import { writeReadmeFigures } from './readme-figures.js';
import { Report } from './report.js';
import { scenarioA, type SiteOptions } from './scenarios/a-join-wave.js';
import { scenarioB } from './scenarios/b-hot-post.js';
import { scenarioC } from './scenarios/c-node-crash.js';
import { scenarioD } from './scenarios/d-redis-restart.js';
import { scenarioE } from './scenarios/e-sdk-size.js';
import { scenarioF } from './scenarios/f-bare-baseline.js';
import { scenarioFO } from './scenarios/fo-cluster-failover.js';
import { scenarioI } from './scenarios/i-idle-ping.js';
import { scenarioN6 } from './scenarios/n6-counts-channel.js';
import { scenarioQ } from './scenarios/q-fan-out-shape.js';
import { scenarioSer } from './scenarios/ser-series-off-on.js';
import { scenarioSoak } from './scenarios/soak-faults.js';
import { Scope } from './scope.js';

const ALL = [
  'E',
  'F',
  'A',
  'B',
  'C',
  'D',
  'S15',
  'Q',
  'I',
  'A2',
  'B2',
  'AC',
  'N6',
  'FO',
  'SOAK',
  'SER',
] as const;
/** The whole run is cut here, whatever happens. */
const RUN_DEADLINE_MS = 10 * 60_000;
/**
 * Extra scenarios start only if they are expected to end within this, counted from the start of
 * the command (`npm run bench` at the root builds first: see commandStartedAt).
 */
const BUDGET_S = 9 * 60;

const print = (line = '') => process.stdout.write(`${line}\n`);
const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'churn-seconds': { type: 'string' },
    'soak-seconds': { type: 'string' },
    'ser-rounds': { type: 'string' },
    'server-cli': { type: 'string' },
    'server-env': { type: 'string', multiple: true },
    'idle-ping': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  print(
    'Usage: npm run bench -- [--quick] [--only=E,F,A,I,A2,S15,Q,B,B2,C,D,AC,N6,FO,SOAK,SER] [--profile] [--churn-seconds=N] [--soak-seconds=N] [--ser-rounds=N] [--server-env=K=V ...] [--server-cli=PATH] [--idle-ping=MS,...] [--out=FILE]',
  );
  process.exit(0);
}
const only = values.only
  ? new Set(values.only.split(',').map((s) => s.trim().toUpperCase()))
  : undefined;
const quick = values.quick ?? false;
const settings: Settings = {
  quick,
  scale: quick ? 0.1 : 1,
  profile: values.profile ?? false,
  churnSeconds: Number(values['churn-seconds'] ?? (quick ? 10 : 60)),
  runId: randomBytes(3).toString('hex'),
  // Joins carry signed view tokens, as in production (the server verifies an HMAC per join).
  secret: `bench-${randomBytes(16).toString('hex')}`,
  serverEnv: Object.fromEntries(
    (values['server-env'] ?? []).map((kv) => {
      const at = kv.indexOf('=');
      if (at < 1) throw new Error(`--server-env ${kv}: expected NAME=VALUE`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  ),
  // `npm run bench` runs in packages/bench; a relative path means the directory npm ran from.
  ...(values['server-cli']
    ? { serverCli: resolve(process.env.INIT_CWD ?? process.cwd(), values['server-cli']) }
    : {}),
  log,
};

// Every child dies with the run: normal end, error, Ctrl-C, SIGTERM, deadline.
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every process of the run`);
    killAll();
    process.exit(130);
  });
}
// The soak runs as long as asked, on top of the rest.
const soakSeconds = Number(values['soak-seconds'] ?? (quick ? 60 : 300));
if (!(soakSeconds > 0)) throw new Error(`--soak-seconds must be a positive number of seconds`);
const soakMs = only?.has('SOAK') ? soakSeconds * 1000 : 0;
// SER runs A and B twice per round (off and on): up to ~4.5 min per round at full scale.
const serRounds = Number(values['ser-rounds'] ?? 2);
if (!(Number.isSafeInteger(serRounds) && serRounds >= 1))
  throw new Error('--ser-rounds must be a whole number of at least 1');
const serMs = only?.has('SER') ? serRounds * 6 * 60_000 : 0;
const deadlineMs = RUN_DEADLINE_MS + soakMs + serMs;
const deadline = setTimeout(() => {
  log(`run deadline (${Math.round(deadlineMs / 60_000)} min) reached: stopping`);
  killAll();
  void finish(true).finally(() => process.exit(2));
}, deadlineMs);
deadline.unref();

/** When a process started (epoch ms), from /proc; NaN if it cannot be read. */
function processStartedAt(pid: number): { startedAt: number; ppid: number; cmdline: string } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const bootS = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  // fields 4 (ppid) and 22 (starttime, in clock ticks of 10 ms since boot) of proc(5)
  const startedAt = bootS * 1000 + Number(fields[19]) * 10;
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  return { startedAt, ppid: Number(fields[1]), cmdline };
}

/**
 * When the command of this run began: the earliest ancestor that is an `npm run bench` process
 * (the root's builds first, then starts the bench's), so that the time budget counts the build.
 * This process's start when there is none.
 */
function commandStartedAt(): number {
  let earliest = Date.now() - process.uptime() * 1000;
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    try {
      const p = processStartedAt(pid);
      // npm itself (its title is `npm run bench ...`), not a wrapper such as `flock ... npm run
      // bench` that may have waited for a lock before npm started.
      if (
        /^npm run bench\b|npm-cli\.js run bench\b/.test(p.cmdline) &&
        Number.isFinite(p.startedAt)
      )
        earliest = Math.min(earliest, p.startedAt);
      pid = p.ppid;
    } catch {
      break;
    }
  }
  return earliest;
}
const commandStart = commandStartedAt();

const report = new Report();
const results: Record<string, Figures> = {};
const errors: Record<string, string> = {};
const startedAt = new Date();

/** The results as the repository's Prettier would write them (plain JSON if it is missing). */
async function formatJson(json: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    return await prettier.format(json, { parser: 'json', singleQuote: true, printWidth: 100 });
  } catch {
    return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
  }
}

function machine() {
  let redisVersion = 'unknown';
  try {
    redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
    redis: redisVersion,
    loadavgAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

const machineInfo = machine();

async function finish(partial = false): Promise<void> {
  const durationS = (Date.now() - startedAt.getTime()) / 1000;
  const out = {
    startedAt: startedAt.toISOString(),
    durationS: Math.round(durationS),
    // From the start of the command (`npm run bench` at the root builds first) to the bench's.
    buildS: Math.round((startedAt.getTime() - commandStart) / 1000),
    partial,
    mode: quick ? 'quick' : 'full',
    settings: { ...settings, secret: undefined, log: undefined },
    machine: { ...machineInfo, loadavgAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
    rows: report.rows,
    misses: report.misses().map((r) => `${r.scenario}: ${r.figure}`),
    errors,
    scenarios: results,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = await formatJson(JSON.stringify(out));
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS_DIR, `run-${stamp}${quick ? '-quick' : ''}.json`), json);
  const latest =
    values.out ?? join(RESULTS_DIR, quick || only ? 'latest-partial.json' : 'latest.json');
  writeFileSync(latest, json);
  // A full run's figures are the README's table (readme-figures.ts).
  const readmeUpdated =
    latest === join(RESULTS_DIR, 'latest.json') &&
    (await writeReadmeFigures(latest, join(BENCH_DIR, 'README.md')).catch((error: unknown) => {
      log(`README figures not rewritten: ${String(error)}`);
      return false;
    }));
  print();
  print(report.table());
  print();
  for (const section of report.sections) {
    print(section.title);
    print(section.text);
    print();
  }
  const m = machineInfo;
  print(
    `machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGB} GB, node ${m.node}, ${m.redis.split(' ').slice(0, 3).join(' ')}; load avg at start ${m.loadavgAtStart.join(' ')}, at end ${out.machine.loadavgAtEnd.join(' ')}`,
  );
  print(
    `servers, redis, gc and load generators share the same cores (load generators at nice ${LOADER_NICE}, the measuring clients of B at nice ${INSTRUMENT_NICE}); CPU figures are % of one core.`,
  );
  if (settings.serverCli || Object.keys(settings.serverEnv).length > 0) {
    print(
      `EXPERIMENT: server ${settings.serverCli ?? 'packages/server/dist/cli.js'} env ${JSON.stringify(settings.serverEnv)}`,
    );
  }
  if (Object.keys(errors).length > 0) print(`errors: ${JSON.stringify(errors)}`);
  print(`misses: ${out.misses.length === 0 ? 'none' : out.misses.join('; ')}`);
  print(
    `${Math.round(durationS)} s; results written to ${latest}${readmeUpdated ? '; README figures rewritten' : ''}`,
  );
}

type Run = (context: ScenarioContext) => Promise<Figures>;

/** Runs one scenario (unless --only leaves it out or, for an extra, the time budget is short). */
async function scenario(
  name: string,
  ...rest: [run: Run] | [estimateS: number, run: Run]
): Promise<void> {
  if (only && !only.has(name)) return;
  const [estimateS, run] = rest.length === 1 ? [0, rest[0]] : rest;
  const elapsedS = (Date.now() - commandStart) / 1000;
  if (!only && estimateS > 0 && elapsedS + estimateS > BUDGET_S) {
    report.add(
      name,
      'skipped',
      `time budget: ${Math.round(elapsedS)} s used of ${BUDGET_S} s (build included)`,
    );
    log(`scenario ${name}: skipped (time budget)`);
    return;
  }
  const scope = new Scope(settings);
  const t0 = Date.now();
  log(
    `scenario ${name}: start (load avg ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')})`,
  );
  try {
    results[name] = await run({ name, s: settings, report, scope });
  } catch (error) {
    errors[name] = error instanceof Error ? error.message : String(error);
    report.add(name, 'scenario failed', errors[name] ?? 'error');
    log(`scenario ${name} failed: ${errors[name]}`);
  } finally {
    await scope.close();
  }
  log(`scenario ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function main(): Promise<void> {
  log(
    `run ${settings.runId}: ${quick ? 'quick (1/10 load)' : 'full'}; ${machineInfo.nproc} cores, load avg ${machineInfo.loadavgAtStart.join(' ')}; the command began ${((startedAt.getTime() - commandStart) / 1000).toFixed(0)} s before (the build)`,
  );
  if (only) {
    const unknown = [...only].filter((n) => !(ALL as readonly string[]).includes(n));
    if (unknown.length)
      throw new Error(`unknown scenario(s) ${unknown.join(',')}; known: ${ALL.join(',')}`);
  }
  /** Scenario A's workload (A, S15, A2, AC); on one node it compares memory with F's. */
  const site =
    (opts: Omit<SiteOptions, 'baseline'>): Run =>
    (context) =>
      scenarioA(context, { ...opts, baseline: results.F });
  if (!only || only.has('E')) results.E = scenarioE(report);
  await scenario('F', scenarioF);
  await scenario('A', site({ label: 'A site (1 node)', viewers: 10_000, nodes: 1 }));
  await scenario('B', (context) => scenarioB(context, 1));
  await scenario('C', scenarioC);
  await scenario('D', scenarioD);
  const s15Label = `${Math.round(15_000 * settings.scale)} viewers, 1 node`;
  await scenario('S15', site({ label: s15Label, viewers: 15_000, nodes: 1, targets: false }));
  // The fan-out's shape: join-to-visible on quiet and on warm posts (~40 s).
  await scenario('Q', scenarioQ);
  // Extras (idle evidence, two-node runs): skipped when the time budget is short.
  // --idle-ping=20000,30000,45000: scenario I once per ping interval (the trade-off in one run).
  const idlePings = (values['idle-ping'] ?? '10000').split(',').map(Number);
  if (idlePings.some((ms) => !(ms >= 1000)))
    throw new Error('--idle-ping: intervals in ms, >= 1000');
  for (const pingMs of idlePings) {
    await scenario('I', 30 + pingMs / 1000, (context) => scenarioI(context, pingMs));
    if (idlePings.length > 1 && results.I) {
      results[`I-${pingMs}`] = results.I;
      delete results.I;
    }
  }
  // A's workload on two nodes, every post viewed on both: on one redis-server (A2), and on a
  // local 3-master Redis Cluster with the sharded adapter (AC).
  await scenario('A2', 60, site({ label: 'A site (2 nodes)', viewers: 10_000, nodes: 2 }));
  await scenario('B2', 90, (context) => scenarioB(context, 2));
  const acLabel = 'AC site (2 nodes, Redis Cluster)';
  await scenario('AC', 60, site({ label: acLabel, viewers: 10_000, nodes: 2, redis: 'cluster' }));
  // The counts channel with six smaller nodes: what each node hears of the changes made anywhere.
  await scenario('N6', 45, scenarioN6);
  // Redis Cluster failover (3 masters + 3 replicas, ~2 min): only when asked for by --only.
  if (only?.has('FO')) await scenario('FO', scenarioFO);
  if (only?.has('SOAK')) {
    await scenario('SOAK', (context) => scenarioSoak(context, soakMs / 1000));
  }
  // Readers over time off and on, A and B interleaved (~4 min per round): only when asked for.
  if (only?.has('SER')) await scenario('SER', (context) => scenarioSer(context, serRounds));
  await finish();
}

main().then(
  () => {
    killAll();
    process.exit(0);
  },
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    killAll();
    void finish(true).finally(() => process.exit(1));
  },
);
