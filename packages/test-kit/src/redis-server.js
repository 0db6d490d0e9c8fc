// A throwaway redis-server: bound to 127.0.0.1, on a free port, without persistence (`--save ""
// --appendonly no`). It is ready once the server answering on its port says it is this process
// (INFO server's process_id), so another one on that port is never taken for it. For fault tests
// it can be killed (kill -9), started again on the same port, and restarted.
import { mkdirSync } from 'node:fs';
import { startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { redisInfo } from './redis-cli.js';
import { waitFor } from './wait-for.js';

/** @typedef {import('./child-process.js').StartedProcess} StartedProcess */

/**
 * @typedef {object} RedisServerOptions
 * @property {number} [port] A fixed port. Default: a free one, another if it is taken meanwhile.
 * @property {() => Promise<number>} [choosePort=freePort()] How a free port is chosen.
 * @property {string[]} [args] More redis-server arguments (cluster mode), after the defaults.
 * @property {string} [dir] Its working folder (`--dir`), for what it writes (a node's cluster
 *   state); made when missing. Default: the current folder.
 * @property {string} [logFile] Its output goes to this file. Default: kept in memory.
 * @property {boolean} [detached=false] A process group of its own.
 * @property {number} [timeoutMs=10000] How long it may take to answer.
 */

/**
 * Starts redis-server on `port` and waits until it answers as itself; kills it when it does not.
 * @param {number} port
 * @param {RedisServerOptions} options
 * @returns {Promise<StartedProcess>}
 */
async function launch(port, { args = [], dir, logFile, detached, timeoutMs = 10_000 }) {
  if (dir) mkdirSync(dir, { recursive: true });
  const started = startProcess(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...(dir ? ['--dir', dir] : []),
      ...args,
    ],
    { name: `redis-server :${port}`, logFile, detached },
  );
  try {
    await waitFor(
      async () => (await redisInfo(port, 'server')).process_id === String(started.pid),
      { what: `redis-server on port ${port} to answer`, timeoutMs, signal: started.exitSignal },
    );
  } catch (error) {
    await started.kill();
    throw error;
  }
  return started;
}

/** A redis-server started by startRedisServer(). */
export class RedisServer {
  #process;
  #options;

  /**
   * @param {number} port
   * @param {RedisServerOptions} options
   * @param {StartedProcess} started
   */
  constructor(port, options, started) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#options = options;
    this.#process = started;
  }

  /** The redis-server process now (a new one after start() or restart()). */
  get process() {
    return this.#process;
  }

  get child() {
    return this.#process.child;
  }

  get pid() {
    return this.#process.pid;
  }

  /** kill -9: every key is lost and the port stays dead until start(). */
  async kill() {
    await this.#process.kill();
  }

  /** Starts it again on the same port, empty (no-op while it runs). */
  async start() {
    if (this.#process.running) return;
    this.#process = await launch(this.port, this.#options);
  }

  /** kill -9, then a new, empty redis-server on the same port. */
  async restart() {
    await this.kill();
    await this.start();
  }

  /** Stops it the way an operator does (SIGTERM, kill -9 after `graceMs`). */
  async stop({ graceMs = 5_000 } = {}) {
    await this.#process.stop({ graceMs });
  }
}

/**
 * Starts a redis-server on 127.0.0.1 (a free port unless `port` is given), without persistence,
 * and waits until it answers.
 * @param {RedisServerOptions} [options]
 * @returns {Promise<RedisServer>}
 */
export async function startRedisServer(options = {}) {
  const { port, choosePort = () => freePort() } = options;
  if (port !== undefined) return new RedisServer(port, options, await launch(port, options));
  // Another process may take the free port before redis-server binds it: try other ports.
  for (let attempt = 1; ; attempt += 1) {
    const candidate = await choosePort();
    try {
      return new RedisServer(candidate, options, await launch(candidate, options));
    } catch (error) {
      const taken = error instanceof Error && error.message.includes('Address already in use');
      if (!taken || attempt >= 5) throw error;
    }
  }
}
