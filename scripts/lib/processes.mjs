// Process and network helpers of scripts/start.mjs, scripts/wp-env.mjs and the e2e global setup:
// what is specific to the scripts (ServiceGroup, signals, the repository's folders) on top of the
// test kit's free ports, bounded waits and process groups. Every wait is bounded; every process
// started here can be stopped by its id.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  commandLine,
  isAlive,
  isPortFree,
  runToExit,
  startProcess,
  stopProcessGroup,
} from '@vip-presence/test-kit';

export {
  commandLine,
  freePort,
  isAlive,
  isPortFree,
  killProcessGroupNow,
  stopProcessGroup,
  waitFor,
} from '@vip-presence/test-kit';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the scripts keep machine-local state (gitignored). */
export const CACHE_DIR = path.join(ROOT, '.cache');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * @typedef {object} Service
 * @property {string} name
 * @property {number} pid
 * @property {import('node:child_process').ChildProcess} child
 * @property {string | undefined} logFile
 * @property {string} command What identifies it in its command line (see `spawn`'s `match`).
 * @property {import('@vip-presence/test-kit').StartedProcess} process
 * @property {boolean} stopping
 */

/**
 * Services started by one script run. Each runs detached in its own process group, so stopping it
 * takes its children along; `stopAll()` stops them in reverse start order. The test kit SIGKILLs
 * whatever is still running if the owner exits without stopping them.
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
    /** @type {Service[]} */
    this.services = [];
    /** @type {Array<() => Promise<void> | void>} */
    this.cleanups = [];
    this.claimed = false;
    /** @type {((name: string, code: number | null, signal: NodeJS.Signals | null) => void) | undefined} */
    this.onUnexpectedExit = undefined;
    mkdirSync(logDir, { recursive: true });
  }

  /**
   * Spawns `command` with `args`, detached; output goes to `<logDir>/<name>.log`.
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
    const started = startProcess(command, args, { name, env, cwd, logFile, detached: true });
    return this.adopt(name, started, { match });
  }

  /**
   * Makes a process the test kit started (detached, such as a redis-server) a service of this run.
   * @param {string} name
   * @param {import('@vip-presence/test-kit').StartedProcess} started
   * @param {{ match: string }} options `match`: as for `spawn`
   */
  adopt(name, started, { match }) {
    /** @type {Service} */
    const service = {
      name,
      pid: started.pid,
      child: started.child,
      logFile: started.logFile,
      command: match,
      process: started,
      stopping: false,
    };
    void started.exited.then(({ code, signal }) => {
      if (!service.stopping) this.onUnexpectedExit?.(name, code, signal);
    });
    this.services.push(service);
    this.saveState();
    return service;
  }

  /**
   * Stops the service `pid` (SIGTERM to its group, kill -9 after `graceMs`) and forgets it.
   * @param {number} pid
   * @param {{ graceMs?: number }} [options]
   */
  async stop(pid, { graceMs = 5_000 } = {}) {
    const service = this.services.find((candidate) => candidate.pid === pid);
    if (!service) return;
    service.stopping = true;
    await service.process.stop({ graceMs });
    this.services = this.services.filter((candidate) => candidate !== service);
    this.saveState();
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
    return this.services.find((s) => s.name === name)?.process.tail(lines) ?? '';
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
      await service.process.stop();
    }
    this.services = [];
    // Only the run that claimed the state file removes it (not one that found another run alive).
    if (this.stateFile && this.claimed) rmSync(this.stateFile, { force: true });
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
export async function run(
  command,
  args,
  { cwd = ROOT, env = process.env, timeoutMs = 600_000, stdio = 'inherit' } = {},
) {
  const name = [command, ...args].join(' ');
  // Detached: a timeout or this process's exit ends the command's children too (npm, turbo, tsc).
  const { code, signal } = await runToExit(command, args, {
    name,
    cwd,
    env,
    timeoutMs,
    stdio,
    detached: true,
  });
  if (code !== 0) throw new Error(`${name} failed (${signal ?? `exit code ${code}`})`);
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
