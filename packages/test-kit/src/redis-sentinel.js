// A master, its replica and a group of `redis-server --sentinel` processes watching them, on free
// ports. Ready once the replica is in sync and every sentinel knows the replica and the other
// sentinels, so that killing the master promotes the replica within a few seconds
// (`down-after-milliseconds`, 1 s here, then one election). Passwords and TLS as on the servers.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { redisCli, redisInfo } from './redis-cli.js';
import { accessOf, startRedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

/** @typedef {import('./child-process.js').StartedProcess} StartedProcess */
/** @typedef {import('./redis-server.js').RedisServer} RedisServer */
/** @typedef {import('./redis-server.js').RedisUser} RedisUser */
/** @typedef {import('./redis-cli.js').RedisAccess} RedisAccess */
/** @typedef {import('./tls-certificates.js').TlsCertificates} TlsCertificates */

/**
 * @typedef {object} RedisSentinelOptions
 * @property {string} [masterName="vp-master"] The name the sentinels monitor the master under.
 * @property {number} [sentinels=3] How many sentinels.
 * @property {number} [quorum] How many must find the master down. Default: a majority.
 * @property {string} [password] The master's and the replica's `requirepass` (and `masterauth`);
 *   the sentinels are given it (`sentinel auth-pass`).
 * @property {RedisUser[]} [users] ACL users of the master and the replica.
 * @property {string} [sentinelPassword] The sentinels' own `requirepass` (and `sentinel
 *   sentinel-pass`, so they still talk to each other).
 * @property {TlsCertificates} [tls] TLS only, for the servers, the sentinels and replication.
 * @property {number} [downAfterMs=1000] `down-after-milliseconds`: how long the master may be
 *   silent before a sentinel thinks it down.
 * @property {number} [failoverTimeoutMs=10000] `failover-timeout`.
 * @property {string} [dir] Folder for the sentinels' configuration files (they rewrite them) and
 *   everyone's logs, emptied first and kept. Default: a temporary folder, removed by stop().
 * @property {number} [timeoutMs=30000] How long each step may take.
 */

/**
 * @typedef {object} RedisSentinelGroup
 * @property {string} masterName
 * @property {string[]} sentinels The sentinels as "127.0.0.1:port".
 * @property {RedisServer} master The master at start.
 * @property {RedisServer} replica Its replica at start (the master after a failover).
 * @property {StartedProcess[]} sentinelProcesses
 * @property {RedisAccess} access How to get in to the master and the replica.
 * @property {RedisAccess} sentinelAccess How to get in to a sentinel.
 * @property {string} dir
 * @property {() => Promise<string>} masterAddress The master now ("127.0.0.1:port"), as the
 *   first sentinel that answers says.
 * @property {() => Promise<void>} stop kill -9 everything (and remove a temporary folder).
 */

/**
 * `SENTINEL MASTER <name>`'s reply (alternate lines of field and value) as field -> value.
 * @param {string} text
 */
function pairs(text) {
  const lines = text.trim().split(/\r?\n/);
  /** @type {Record<string, string>} */
  const out = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i] ?? ''] = lines[i + 1] ?? '';
  return out;
}

/**
 * A sentinel's configuration file.
 * @param {object} settings
 * @param {number} settings.port
 * @param {string} settings.dir
 * @param {string} settings.masterName
 * @param {number} settings.masterPort
 * @param {number} settings.quorum
 * @param {number} settings.downAfterMs
 * @param {number} settings.failoverTimeoutMs
 * @param {string} [settings.password]
 * @param {string} [settings.sentinelPassword]
 * @param {TlsCertificates} [settings.tls]
 */
function sentinelConfig(settings) {
  const { port, dir, masterName: name, tls, password, sentinelPassword } = settings;
  return [
    ...(tls
      ? [
          'port 0',
          `tls-port ${port}`,
          `tls-cert-file ${tls.certFile}`,
          `tls-key-file ${tls.keyFile}`,
          `tls-ca-cert-file ${tls.caFile}`,
          'tls-auth-clients no',
          'tls-replication yes',
        ]
      : [`port ${port}`]),
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${settings.masterPort} ${settings.quorum}`,
    `sentinel down-after-milliseconds ${name} ${settings.downAfterMs}`,
    `sentinel failover-timeout ${name} ${settings.failoverTimeoutMs}`,
    ...(password !== undefined ? [`sentinel auth-pass ${name} ${password}`] : []),
    ...(sentinelPassword !== undefined
      ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`]
      : []),
    '',
  ].join('\n');
}

/**
 * Starts a master, a replica of it and `sentinels` sentinels, and waits until a failover could
 * happen.
 * @param {RedisSentinelOptions} [options]
 * @returns {Promise<RedisSentinelGroup>}
 */
export async function startRedisSentinel(options = {}) {
  const {
    masterName = 'vp-master',
    sentinels: count = 3,
    quorum = Math.floor(count / 2) + 1,
    password,
    users,
    sentinelPassword,
    tls,
    downAfterMs = 1_000,
    failoverTimeoutMs = 10_000,
    timeoutMs = 30_000,
  } = options;
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'vp-redis-sentinel-'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const access = accessOf({ password, tls });
  const sentinelAccess = accessOf({ password: sentinelPassword, tls });
  /** @type {RedisServer[]} */
  const servers = [];
  /** @type {StartedProcess[]} */
  const sentinelProcesses = [];
  const stop = async () => {
    await Promise.all([
      ...servers.map((server) => server.kill()),
      ...sentinelProcesses.map((sentinel) => sentinel.kill()),
    ]);
    if (temporary) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const serverOptions = { password, users, tls, timeoutMs };
    const master = await startRedisServer({
      ...serverOptions,
      dir: path.join(dir, 'master'),
      logFile: path.join(dir, 'master.log'),
    });
    servers.push(master);
    const replica = await startRedisServer({
      ...serverOptions,
      dir: path.join(dir, 'replica'),
      logFile: path.join(dir, 'replica.log'),
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    servers.push(replica);
    await waitFor(
      async () =>
        (await redisInfo(replica.port, 'replication', access)).master_link_status === 'up',
      { what: 'the replica in sync with its master', timeoutMs },
    );

    /** @type {number[]} */
    const ports = [];
    for (let i = 1; i <= count; i += 1) {
      const port = await freePort({ exclude: new Set(ports) });
      ports.push(port);
      const config = path.join(dir, `sentinel${i}.conf`);
      writeFileSync(
        config,
        sentinelConfig({
          port,
          dir,
          masterName,
          masterPort: master.port,
          quorum,
          downAfterMs,
          failoverTimeoutMs,
          password,
          sentinelPassword,
          tls,
        }),
      );
      const sentinel = startProcess('redis-server', [config, '--sentinel'], {
        name: `redis-sentinel :${port}`,
        logFile: path.join(dir, `sentinel${i}.log`),
      });
      sentinelProcesses.push(sentinel);
      await waitFor(
        async () =>
          (await redisInfo(port, 'server', sentinelAccess)).process_id === String(sentinel.pid),
        { what: `sentinel on port ${port} to answer`, timeoutMs, signal: sentinel.exitSignal },
      );
    }
    // A sentinel learns of the replica from the master's INFO, of the others from their hellos.
    await waitFor(
      async () => {
        const states = await Promise.all(
          ports.map(async (port) =>
            pairs(
              await redisCli(port, ['sentinel', 'master', masterName], { access: sentinelAccess }),
            ),
          ),
        );
        return states.every(
          (state) =>
            Number(state['num-slaves']) >= 1 && Number(state['num-other-sentinels']) === count - 1,
        );
      },
      { what: 'every sentinel to know the replica and the other sentinels', timeoutMs },
    );

    const masterAddress = async () => {
      let lastError;
      for (const port of ports) {
        try {
          const reply = await redisCli(port, ['sentinel', 'get-master-addr-by-name', masterName], {
            access: sentinelAccess,
          });
          const [host, masterPort] = reply.trim().split(/\r?\n/);
          if (host && masterPort) return `${host}:${masterPort}`;
        } catch (error) {
          lastError = error;
        }
      }
      throw new Error(`no sentinel named the master "${masterName}": ${String(lastError)}`);
    };
    return {
      masterName,
      sentinels: ports.map((port) => `127.0.0.1:${port}`),
      master,
      replica,
      sentinelProcesses,
      access,
      sentinelAccess,
      dir,
      masterAddress,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
