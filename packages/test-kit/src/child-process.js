// Child processes of the tests, the bench and the scripts. Each has its output in a log (a file the
// child writes itself, or kept in memory), stops with SIGTERM then kill -9 after a grace period
// (its whole process group when detached), and is registered: stopAll() and killAll() end every
// one still running, and killAll() runs by itself when this process exits.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { signalProcess, stopProcessGroup } from './process-group.js';
import { waitForLine } from './wait-for.js';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {import('node:child_process').StdioOptions} StdioOptions */
/** @typedef {import('./wait-for.js').WaitOptions} WaitOptions */
/** @typedef {{ code: number | null, signal: NodeJS.Signals | null }} ExitStatus */

/**
 * @typedef {object} ProcessOptions
 * @property {string} [name] Names the process in messages. Default: the command's file name.
 * @property {NodeJS.ProcessEnv} [env=process.env] The child's whole environment.
 * @property {string} [cwd=process.cwd()] Its working folder.
 * @property {string} [logFile] The child writes its stdout and stderr to this file itself, so its
 *   output does not depend on this process; without it, the output is kept in memory.
 * @property {boolean} [detached=false] A process group of its own: stop() and kill() signal the whole
 *   group (a shell and what it started), and Ctrl-C in a terminal does not reach it.
 */

/** @type {Set<StartedProcess>} */
const running = new Set();
/** @type {WeakMap<ChildProcess, StartedProcess>} */
const byChild = new WeakMap();

/** Kills every process started here that still runs (SIGKILL, synchronous). */
export function killAll() {
  for (const started of running) signalProcess(started.pid, 'SIGKILL', started.detached);
}

/**
 * Stops every process started here that still runs (SIGTERM, kill -9 after `graceMs`).
 * @param {{ graceMs?: number }} [options]
 * @returns {Promise<void>}
 */
export async function stopAll({ graceMs = 5_000 } = {}) {
  await Promise.all([...running].map((started) => started.stop({ graceMs })));
}

let exitHookInstalled = false;

/** A process started here (or adopted): its output, its end, and how to stop it. */
export class StartedProcess {
  /** @type {string[]} */
  #chunks = [];

  /**
   * @param {ChildProcess} child
   * @param {{ name: string, logFile?: string, detached?: boolean }} options
   */
  constructor(child, { name, logFile, detached = false }) {
    if (child.pid === undefined) throw new Error(`${name} did not start (no process id)`);
    this.child = child;
    this.pid = child.pid;
    this.name = name;
    this.logFile = logFile;
    this.detached = detached;
    for (const stream of [child.stdout, child.stderr]) {
      stream
        ?.setEncoding('utf8')
        .on('data', (/** @type {string} */ chunk) => this.#chunks.push(chunk));
    }
    const ended = new AbortController();
    /**
     * Aborted when the process has exited; its reason names the process and its last output.
     * @type {AbortSignal}
     */
    this.exitSignal = ended.signal;
    // With pipes, 'close' comes once the output is read to its end; without, 'exit' is the end.
    const event = child.stdout || child.stderr ? 'close' : 'exit';
    /** @type {Promise<ExitStatus>} */
    this.exited = new Promise((resolve) => {
      /** @type {(code: number | null, signal: NodeJS.Signals | null) => void} */
      const end = (code, signal) => {
        running.delete(this);
        const how = signal ?? `code ${code}`;
        ended.abort(new Error(`${name} exited (${how}); its output ends with:\n${this.tail()}`));
        resolve({ code, signal });
      };
      if (event === 'exit' && !this.running) end(child.exitCode, child.signalCode);
      else child.once(event, end);
    });
    byChild.set(child, this);
    if (this.running) running.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', killAll);
    }
  }

  /** Whether the process has not exited yet. */
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything it printed so far (stdout and stderr). */
  output() {
    if (!this.logFile) return this.#chunks.join('');
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last `lines` lines of its output. */
  tail(lines = 20) {
    return this.output().trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * Waits until its output matches `pattern` (returns the match); fails at once if it exits.
   * @param {RegExp | string} pattern
   * @param {WaitOptions} [options]
   */
  waitForOutput(pattern, options = {}) {
    return waitForLine(() => this.output(), pattern, {
      what: `${this.name} to print ${pattern}`,
      signal: this.exitSignal,
      ...options,
    });
  }

  /**
   * Sends `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves with how it exited. When
   * detached, the whole group gets the signals and is waited for.
   * @param {{ signal?: NodeJS.Signals, graceMs?: number }} [options]
   * @returns {Promise<ExitStatus>}
   */
  async stop({ signal = 'SIGTERM', graceMs = 5_000 } = {}) {
    if (this.running) {
      signalProcess(this.pid, signal, this.detached);
      const timer = setTimeout(() => signalProcess(this.pid, 'SIGKILL', this.detached), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.detached) await stopProcessGroup(this.pid, { graceMs, signal });
    return this.exited;
  }

  /** kill -9, no cleanup at all (of the whole group when detached); resolves once it exited. */
  kill() {
    return this.stop({ signal: 'SIGKILL', graceMs: 0 });
  }
}

/**
 * The StartedProcess of `child`: the one it has, or a new one for a child started elsewhere (a
 * fork with an IPC channel), so that stopAll(), killAll() and this process's exit end it too.
 * @param {ChildProcess} child
 * @param {{ name?: string, detached?: boolean }} [options]
 */
export function adoptProcess(child, { name = `process ${child.pid}`, detached = false } = {}) {
  return byChild.get(child) ?? new StartedProcess(child, { name, detached });
}

/**
 * Starts `command` with `args`, its output to `logFile` (or memory).
 * @param {string} command
 * @param {string[]} args
 * @param {ProcessOptions} [options]
 */
export function startProcess(command, args, options = {}) {
  const { name = path.basename(command), env = process.env, cwd, logFile, detached } = options;
  /** @type {StdioOptions} */
  let stdio = ['ignore', 'pipe', 'pipe'];
  let fd;
  if (logFile) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'w');
    stdio = ['ignore', fd, fd];
  }
  let child;
  try {
    child = spawn(command, args, { cwd, env, stdio, detached });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (child.pid === undefined) {
    child.once('error', () => undefined); // reported by the throw below
    throw new Error(`could not start ${name}: ${command} is missing or cannot be run`);
  }
  return new StartedProcess(child, { name, logFile, detached });
}

/**
 * Runs `command` to its end; resolves with its exit code and output (whatever `stdio` pipes),
 * rejects when it cannot start or runs past `timeoutMs` (then it is killed, group and all).
 * @param {string} command
 * @param {string[]} args
 * @param {Omit<ProcessOptions, 'logFile'> & { timeoutMs?: number, stdio?: StdioOptions }} [options]
 * @returns {Promise<ExitStatus & { output: string }>}
 */
export async function runToExit(command, args, options = {}) {
  const {
    name = path.basename(command),
    env = process.env,
    cwd,
    detached,
    timeoutMs = 60_000,
    stdio = ['ignore', 'pipe', 'pipe'],
  } = options;
  const child = spawn(command, args, { cwd, env, stdio, detached });
  if (child.pid === undefined) {
    const error = await new Promise((resolve) => child.once('error', resolve));
    throw new Error(`could not start ${name}: ${String(error)}`);
  }
  const started = new StartedProcess(child, { name, detached });
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => {
      void started.kill();
      reject(
        new Error(
          `${name} did not finish within ${timeoutMs / 1000} s; its output ends with:\n${started.tail()}`,
        ),
      );
    }, timeoutMs);
  });
  try {
    const status = await Promise.race([started.exited, late]);
    return { .../** @type {ExitStatus} */ (status), output: started.output() };
  } finally {
    clearTimeout(timer);
  }
}
