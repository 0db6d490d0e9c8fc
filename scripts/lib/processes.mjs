// Small process and network helpers shared by scripts/start.mjs, scripts/wp-env.mjs and the e2e
// global setup. Every wait is bounded; every process started here can be stopped by its id.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the scripts keep machine-local state (gitignored). */
export const CACHE_DIR = path.join(ROOT, '.cache');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws, with the
 * last error seen). `check` may throw to mean "not yet".
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [options]
 * @returns {Promise<T>}
 */
export async function waitFor(
  check,
  { timeoutMs = 30_000, intervalMs = 250, what = 'condition' } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** A TCP port that is free on the loopback interface right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on `port` (checked on every interface, IPv4 and IPv6). */
export async function isPortFree(port) {
  for (const host of ['127.0.0.1', '::1', '0.0.0.0']) {
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', (error) =>
        resolve(/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRNOTAVAIL'),
      );
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** Throws a message naming `variable` when `port` is taken. */
export async function assertPortFree(port, what, variable) {
  if (!(await isPortFree(port))) {
    throw new Error(
      `port ${port} (${what}) is already in use${variable ? `; choose another with ${variable}=<port>` : ''}`,
    );
  }
}

/** `fetch` with a timeout. */
export async function fetchWithTimeout(url, init = {}, timeoutMs = 10_000) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/** Whether `pid` is a live process (not a zombie). */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) said it is there
  }
}

/** The command line of `pid`, or '' when unknown. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return isAlive(pid);
  }
}

/**
 * Stops the process group led by `pid` (and `pid` itself): SIGTERM, then SIGKILL after `graceMs`.
 * Resolves once nothing of it is left (or after the SIGKILL and a short wait).
 */
export async function stopProcessGroup(pid, { graceMs = 5_000 } = {}) {
  if (!pid || !groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 3_000;
  while (Date.now() < killDeadline && groupAlive(pid)) await sleep(50);
}

/** Synchronous last resort (process 'exit' handlers): SIGKILL the group of `pid`. */
export function killProcessGroupNow(pid) {
  if (pid && groupAlive(pid)) signalGroup(pid, 'SIGKILL');
}

/**
 * Services started by one script run. Each runs detached in its own process group, so stopping it
 * takes its children along; `stopAll()` stops them in reverse start order. A synchronous 'exit'
 * hook SIGKILLs whatever is still running if the owner exits without stopping them.
 */
export class ServiceGroup {
  /**
   * @param {{ logDir: string, stateFile?: string, log?: (line: string) => void }} options
   * `stateFile` records the pids, so a later run can stop what a killed run (kill -9) left behind.
   */
  constructor({ logDir, stateFile, log = (line) => console.error(line) }) {
    this.logDir = logDir;
    this.stateFile = stateFile;
    this.log = log;
    /** @type {{ name: string, pid: number, child: import('node:child_process').ChildProcess, logFile: string, stopping: boolean }[]} */
    this.services = [];
    /** @type {Array<() => Promise<void> | void>} */
    this.cleanups = [];
    this.claimed = false;
    /** @type {((name: string, code: number | null, signal: NodeJS.Signals | null) => void) | undefined} */
    this.onUnexpectedExit = undefined;
    mkdirSync(logDir, { recursive: true });
    this.exitHook = () => {
      for (const service of this.services) killProcessGroupNow(service.pid);
    };
    process.on('exit', this.exitHook);
  }

  /**
   * Spawns `command` with `args`; output goes to `<logDir>/<name>.log`.
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, match?: string }} [options] `match`: a part of
   *   the process's command line that identifies it later (default: the whole command line)
   */
  spawn(
    name,
    command,
    args,
    { env = process.env, cwd = ROOT, match = [command, ...args].join(' ') } = {},
  ) {
    const logFile = path.join(this.logDir, `${name}.log`);
    // The child writes to the log file itself: its output does not depend on this process.
    const fd = openSync(logFile, 'w');
    let child;
    try {
      child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    if (!child.pid) throw new Error(`could not start ${name} (${command})`);
    const service = { name, pid: child.pid, child, logFile, stopping: false, command: match };
    child.once('exit', (code, signal) => {
      if (!service.stopping) this.onUnexpectedExit?.(name, code, signal);
    });
    this.services.push(service);
    this.saveState();
    return service;
  }

  saveState() {
    if (!this.stateFile) return;
    this.claimed = true;
    const state = {
      owner: { pid: process.pid, command: commandLine(process.pid) },
      services: this.services.map(({ name, pid, command }) => ({ name, pid, command })),
    };
    mkdirSync(path.dirname(this.stateFile), { recursive: true });
    writeFileSync(this.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  }

  /**
   * Claims the state file for this process. When the run that wrote it is still alive, throws
   * (two runs would fight over ports and processes); when it is gone (killed with -9), stops the
   * services it left running. Only processes whose command line still matches the recorded one
   * are touched.
   */
  async reapStale() {
    if (!this.stateFile) return;
    /** @type {{ owner?: { pid: number, command: string }, services?: { name: string, pid: number, command: string }[] }} */
    let state = {};
    try {
      state = JSON.parse(readFileSync(this.stateFile, 'utf8'));
    } catch {
      // none or unreadable: nothing to reap
    }
    const owner = state.owner;
    if (
      owner?.pid &&
      owner.pid !== process.pid &&
      isAlive(owner.pid) &&
      commandLine(owner.pid) === owner.command
    ) {
      throw new Error(
        `already running as pid ${owner.pid} (${owner.command}); stop that one first (Ctrl-C in its terminal, or kill ${owner.pid})`,
      );
    }
    for (const { name, pid, command } of state.services ?? []) {
      if (pid && command && isAlive(pid) && commandLine(pid).includes(command)) {
        this.log(`stopping ${name} (pid ${pid}) left running by an earlier run`);
        await stopProcessGroup(pid);
      }
    }
    this.saveState();
  }

  /** Registers a cleanup (for things not spawned here, such as WordPress); run in reverse order. */
  addCleanup(cleanup) {
    this.cleanups.push(cleanup);
  }

  /** The last lines of a service's log, for error messages. */
  tail(name, lines = 20) {
    const service = this.services.find((s) => s.name === name);
    if (!service) return '';
    try {
      return readFileSync(service.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Stops every service and runs every cleanup, newest first. Safe to call more than once. */
  async stopAll() {
    // Cleanups (WordPress) first: they are registered after the services they talk to.
    const cleanups = this.cleanups.splice(0).reverse();
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch (error) {
        this.log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const services = this.services.slice().reverse();
    for (const service of services) {
      service.stopping = true;
      await stopProcessGroup(service.pid);
    }
    this.services = [];
    // Only the run that claimed the state file removes it (not one that found another run alive).
    if (this.stateFile && this.claimed) rmSync(this.stateFile, { force: true });
    process.off('exit', this.exitHook);
  }
}

/**
 * Runs `stop` once on SIGINT, SIGTERM or SIGHUP, then exits (130 for SIGINT, 143 for SIGTERM).
 * A second signal while stopping forces the exit. Returns a function removing the handlers.
 */
export function onTerminationSignals(stop) {
  let stopping = false;
  const handler = (signal) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    Promise.resolve()
      .then(() => stop(signal))
      .catch((error) => console.error(error))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129));
  };
  const signals = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

/** Runs a command to completion with inherited output; rejects on failure or timeout. */
export function run(
  command,
  args,
  { cwd = ROOT, env = process.env, timeoutMs = 600_000, stdio = 'inherit' } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio, detached: true });
    const timer = setTimeout(() => {
      killProcessGroupNow(child.pid);
      reject(
        new Error(`${command} ${args.join(' ')} timed out after ${Math.round(timeoutMs / 1000)} s`),
      );
    }, timeoutMs);
    const onExit = () => killProcessGroupNow(child.pid);
    process.on('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      if (code === 0) resolve(undefined);
      else
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** Removes leftovers in the system temp folder whose name starts with `prefix` (ours, by pid). */
export function removeTempDirs(prefix) {
  const tmp = os.tmpdir();
  let names = [];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix)) rmSync(path.join(tmp, name), { recursive: true, force: true });
  }
}

/** The first existing path among `candidates`, or undefined. */
export function firstExisting(...candidates) {
  return candidates.find((candidate) => existsSync(candidate));
}
