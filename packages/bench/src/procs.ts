/**
 * Processes of a run: redis-server, presence servers, the gc, the bare baseline server and load
 * processes, started through the test kit, which registers every child so that all of them die
 * with the run (normal end, error, Ctrl-C, SIGTERM: killAll()). Also: /proc sampling, redis-cli,
 * and small HTTP helpers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adoptProcess,
  freePort,
  killAll,
  redisCli as kitRedisCli,
  runToExit,
  startProcess,
  startRedisServer,
  waitFor as kitWaitFor,
  waitForHttp,
} from '@vip-presence/test-kit';
import type { LoaderUsage, Reply } from './messages.js';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = join(here, '..');
export const ROOT = join(BENCH_DIR, '..', '..');
export const SERVER_CLI = join(ROOT, 'packages/server/dist/cli.js');
export const GC_CLI = join(ROOT, 'packages/gc/dist/cli.js');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const LOG_DIR = join(RESULTS_DIR, 'logs');
export const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/**
 * Niceness of the bulk load processes (0: same priority as the servers). They stand for
 * thousands of browsers on machines of their own, so the servers, Redis and the measuring clients
 * get the two cores first and the load takes what is left. Not 19: with two busy nodes (B2) the
 * loaders then starved past the ping timeout and lost sockets. BENCH_LOADER_NICE overrides.
 */
export const LOADER_NICE = Number(process.env.BENCH_LOADER_NICE ?? 15);
/**
 * Niceness of the measuring load processes (probes, watchers, churn): they stand for clients on
 * their own machines, so the bulk loaders' CPU must not delay their timestamps.
 * BENCH_INSTRUMENT_NICE overrides.
 */
export const INSTRUMENT_NICE = Number(process.env.BENCH_INSTRUMENT_NICE ?? 0);

// killAll(): kills every child still running, at once (SIGKILL); safe to call many times.
export { freePort, killAll };

/** Stops a child: `signal` first, SIGKILL after `graceMs`. */
export async function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
  graceMs = 5000,
): Promise<void> {
  await adoptProcess(child).stop({ signal, graceMs });
}

const logFile = (name: string) => join(LOG_DIR, `${name}.log`);

export function redisCli(port: number, ...args: string[]): Promise<string> {
  return kitRedisCli(port, args);
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  await kitWaitFor(check, { what, timeoutMs });
}

export interface RedisProcess {
  port: number;
  url: string;
  child: ChildProcess;
}

/** Starts redis-server on `port` (a free one by default); `extraArgs` are appended (cluster mode). */
export function startRedis(
  name: string,
  port?: number,
  extraArgs: string[] = [],
): Promise<RedisProcess> {
  return startRedisServer({ port, args: extraArgs, logFile: logFile(name) });
}

/**
 * Where servers and the gc find Redis: the URL of one redis-server, or the seed nodes
 * ("host:port") of a Redis Cluster (the server then uses the sharded adapter, its default there).
 */
export type RedisTarget = string | { clusterNodes: string[] };

/** The environment that points a server or the gc at `target`. */
export function redisEnv(target: RedisTarget): Record<string, string> {
  return typeof target === 'string'
    ? { REDIS_URL: target }
    : { REDIS_CLUSTER_NODES: target.clusterNodes.join(',') };
}

/**
 * Runs a short-lived command (e.g. `redis-cli --cluster create`), registered like every other
 * child so that Ctrl-C kills it too; rejects on a non-zero exit or after `timeoutMs`.
 */
export async function runCommand(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  const { code, signal, output } = await runToExit(command, args, { timeoutMs });
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${code ?? signal}: ${output.slice(-500)}`);
  return output;
}

export interface NodeProcess {
  name: string;
  port: number;
  url: string;
  /** Where /metrics is: a presence server's private port (the bare server has one port). */
  privateUrl: string;
  child: ChildProcess;
  pid: number;
  /** Inspector port (servers run with --inspect so the bench can force a GC before measuring). */
  inspectPort: number;
}

export interface ServerSpec {
  name: string;
  redis: RedisTarget;
  env?: Record<string, string>;
  /** Another build of the server's cli.js (a proposal); default packages/server/dist/cli.js. */
  cli?: string;
}

/** Extra node flags for the presence and bare servers (experiments: BENCH_SERVER_NODE_FLAGS). */
const SERVER_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * Starts `script` with node, the inspector on a free port and its log in results/logs, and waits
 * until GET `readyPath` answers 200.
 */
async function startNodeServer(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  timeoutMs: number,
  privatePort?: number,
): Promise<NodeProcess> {
  // Distinct ports: the kernel may hand out a port just closed again (C once got its private
  // port as its inspector's, and the node exited on EADDRINUSE).
  const taken = new Set(privatePort ? [privatePort] : []);
  const port = await freePort({ exclude: taken });
  const inspectPort = await freePort({ exclude: taken.add(port) });
  // The inspector lets the bench force a GC before reading memory, and profile chosen windows.
  const started = startProcess(
    process.execPath,
    [`--inspect=127.0.0.1:${inspectPort}`, ...SERVER_NODE_FLAGS, script],
    {
      name,
      logFile: logFile(name),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...(privatePort ? { PRIVATE_PORT: String(privatePort), PRIVATE_HOST: '127.0.0.1' } : {}),
        ...env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${readyPath}`, {
    what: `${name} ${readyPath}`,
    timeoutMs,
    signal: started.exitSignal,
  });
  const privateUrl = privatePort ? `http://127.0.0.1:${privatePort}` : url;
  return { name, port, url, privateUrl, child: started.child, pid: started.pid, inspectPort };
}

export async function startPresenceServer(spec: ServerSpec): Promise<NodeProcess> {
  const cli = spec.cli ?? SERVER_CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build"`);
  const env = {
    ...redisEnv(spec.redis),
    NODE_ID: spec.name,
    // Every load process connects from 127.0.0.1: one address for thousands of "people".
    MAX_CONNECTIONS_PER_IP: '0',
    MAX_VISITORS_PER_IP_AND_POST: '0',
    // No balancer to drain from: a SIGTERM'd node closes at once (the soak's fault).
    DRAIN_SECONDS: '0',
    LOG_LEVEL: 'warn',
    ...spec.env,
  };
  return startNodeServer(spec.name, cli, env, '/readyz', 15_000, await freePort());
}

export function startBareServer(name: string, env: Record<string, string>): Promise<NodeProcess> {
  return startNodeServer(name, join(here, 'bare-server.js'), env, '/healthz', 10_000);
}

export function startGc(
  name: string,
  redis: RedisTarget,
  env: Record<string, string> = {},
): ChildProcess {
  return startProcess(process.execPath, [GC_CLI], {
    name,
    logFile: logFile(name),
    // Its HTTP port (metrics, health) is not read by the bench: any free one, so that a gc
    // already on the default port (another checkout's e2e stack) does not stop the run's.
    env: { ...process.env, ...redisEnv(redis), LOG_LEVEL: 'warn', GC_PORT: '0', ...env },
  }).child;
}

export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** A node's /metrics (`url`: its private port): name -> value (summed over label sets). Reading it resets the event-loop lag histogram. */
export async function metrics(url: string): Promise<Record<string, number>> {
  const { body } = await httpGet(`${url}/metrics`);
  const out: Record<string, number> = {};
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[ {]/));
    out[name] = (out[name] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/** One counter or gauge from a node's /metrics. */
export async function metric(url: string, name: string): Promise<number> {
  return (await metrics(url))[name] ?? NaN;
}

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export interface ProcSample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
  /**
   * Time the process's main thread was ready to run but waited for a CPU (run-queue delay, from
   * /proc/<pid>/schedstat); NaN where the kernel does not keep it.
   */
  waitSeconds: number;
}

/** utime+stime and VmRSS of a process, from /proc; its main thread's run-queue delay. */
export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  let waitSeconds = NaN;
  try {
    // "time on the CPU (ns) / time waiting on a run queue (ns) / timeslices"
    waitSeconds = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    // no schedstat (kernel without CONFIG_SCHED_INFO): left NaN
  }
  return {
    at: Date.now(),
    cpuSeconds: ticks / TICKS_PER_SECOND,
    rssBytes: rssKb * 1024,
    waitSeconds,
  };
}

/** Run-queue delay of a process's main thread between two samples, in % of the time between them. */
export function waitPercent(a: ProcSample, b: ProcSample): number {
  const seconds = (b.at - a.at) / 1000;
  return seconds > 0 ? ((b.waitSeconds - a.waitSeconds) / seconds) * 100 : NaN;
}

/** CPU between two samples, in % of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const seconds = (b.at - a.at) / 1000;
  return seconds > 0 ? ((b.cpuSeconds - a.cpuSeconds) / seconds) * 100 : NaN;
}

/** Whole-machine busy time from /proc/stat, to see what else ran during a phase. */
export function machineTicks(): { busy: number; total: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const steal = v[7] ?? 0; // time the hypervisor gave this VM's CPUs to someone else
  return { busy: total - idle - steal, total, steal };
}

/** INFO commandstats: command -> calls. */
export async function commandStats(port: number): Promise<Record<string, number>> {
  const text = await redisCli(port, 'info', 'commandstats');
  const calls: Record<string, number> = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1] as string] = Number(match[2]);
  }
  return calls;
}

/** A load process and its request/reply channel. */
export class Loader {
  readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(
    readonly name: string,
    env: Record<string, string> = {},
    nice = LOADER_NICE,
  ) {
    this.child = fork(join(here, 'loader.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
      execArgv: ['--max-old-space-size=4096'],
    });
    adoptProcess(this.child, { name });
    // The load generators share the 2 cores with the server under test: they run at a lower
    // priority (nice) so the server gets the CPU first, as if the clients were elsewhere.
    if (nice > 0 && this.child.pid) setPriority(this.child.pid, nice);
    this.child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${this.name}: ${message.error}`));
    });
    this.child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`${this.name} exited (${code ?? signal})`));
      }
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** One request; rejects after `timeoutMs` (every call is bounded). */
  call<T>(op: string, args: unknown, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, op, args });
    });
  }

  usage(reset = false): Promise<LoaderUsage> {
    return this.call<LoaderUsage>('usage', { reset }, 5000);
  }

  async close(): Promise<void> {
    await this.call('close', {}, 5000).catch(() => undefined);
    await stop(this.child, 'SIGKILL', 1000);
  }
}
