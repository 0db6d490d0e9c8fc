// A throwaway redis-server: bound to 127.0.0.1, on a free port, without persistence (`--save ""
// --appendonly no`). It is ready once the server answering on its port says it is this process
// (INFO server's process_id), so another one on that port is never taken for it. For fault tests
// it can be killed (kill -9), started again on the same port, and restarted. It may ask for a
// password (`requirepass`), have ACL users, and speak TLS only (`--port 0 --tls-port <port>`), as
// managed Redis services do.
import { mkdirSync } from 'node:fs';
import { startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { redisInfo } from './redis-cli.js';
import { waitFor } from './wait-for.js';

/** @typedef {import('./child-process.js').StartedProcess} StartedProcess */
/** @typedef {import('./redis-cli.js').RedisAccess} RedisAccess */
/** @typedef {import('./tls-certificates.js').TlsCertificates} TlsCertificates */

/**
 * An ACL user (`--user <name> on ><password> ...rules`).
 * @typedef {object} RedisUser
 * @property {string} name
 * @property {string} password
 * @property {string[]} [rules=['~*', '&*', '+@all']] Its ACL rules: which keys (`~`), channels
 *   (`&`) and commands (`+@all -@dangerous`) it may use.
 */

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
 * @property {string} [password] `requirepass` (the `default` user's password), and `masterauth`
 *   (what it gives a master it replicates, in a Cluster or after a failover).
 * @property {RedisUser[]} [users] ACL users besides `default`.
 * @property {TlsCertificates} [tls] TLS only: the port speaks TLS (`--tls-port`, `--port 0`) with
 *   this certificate, without asking clients for one; replication too (`--tls-replication`).
 */

/**
 * redis-server's arguments of `password`, `users` and `tls`, listening on `port`.
 * @param {number} port
 * @param {RedisServerOptions} options
 * @returns {string[]}
 */
function serverArgs(port, { password, users = [], tls }) {
  return [
    ...(tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.certFile,
          '--tls-key-file',
          tls.keyFile,
          '--tls-ca-cert-file',
          tls.caFile,
          '--tls-auth-clients',
          'no',
          '--tls-replication',
          'yes',
        ]
      : ['--port', String(port)]),
    ...(password !== undefined ? ['--requirepass', password, '--masterauth', password] : []),
    ...users.flatMap(({ name, password: secret, rules = ['~*', '&*', '+@all'] }) => [
      '--user',
      name,
      'on',
      `>${secret}`,
      ...rules,
    ]),
  ];
}

/**
 * How the kit gets in to a server started with `options` (as `default`).
 * @param {RedisServerOptions} options
 * @returns {RedisAccess}
 */
export function accessOf({ password, tls }) {
  return {
    ...(password !== undefined ? { password } : {}),
    ...(tls ? { tls: { caFile: tls.caFile } } : {}),
  };
}

/**
 * Starts redis-server on `port` and waits until it answers as itself; kills it when it does not.
 * @param {number} port
 * @param {RedisServerOptions} options
 * @returns {Promise<StartedProcess>}
 */
async function launch(port, options) {
  const { args = [], dir, logFile, detached, timeoutMs = 10_000 } = options;
  if (dir) mkdirSync(dir, { recursive: true });
  const access = accessOf(options);
  const started = startProcess(
    'redis-server',
    [
      ...serverArgs(port, options),
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
      async () => (await redisInfo(port, 'server', access)).process_id === String(started.pid),
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
    /** `redis://127.0.0.1:<port>`, `rediss://` with TLS (credentials are not in it). */
    this.url = `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
    /** How to get in (`redisCli(port, args, { access })`): its password and CA. */
    this.access = accessOf(options);
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
