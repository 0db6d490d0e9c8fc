// A local Redis Cluster: `masters` x (1 + `replicas`) redis-servers in cluster mode on free ports
// (each node's cluster bus listens on its port + 10000, so that one must be free too), joined by
// `redis-cli --cluster create`. Ready once every node says cluster_state:ok and knows every other,
// and every replica's link to its master is up. With `password` every node asks for it (and gives
// it to its master); with `tls` clients, the cluster bus and replication all speak TLS.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runToExit } from './child-process.js';
import { freePort } from './free-port.js';
import { clusterInfo, redisCliAccessArgs, redisInfo } from './redis-cli.js';
import { accessOf, startRedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

/** @typedef {import('./redis-server.js').RedisServer} RedisServer */
/** @typedef {import('./redis-server.js').RedisUser} RedisUser */
/** @typedef {import('./redis-cli.js').RedisAccess} RedisAccess */
/** @typedef {import('./tls-certificates.js').TlsCertificates} TlsCertificates */

/** Where a cluster node's bus listens, from its port. */
const BUS_PORT_OFFSET = 10_000;

/**
 * @typedef {object} RedisClusterOptions
 * @property {number} [masters=3]
 * @property {number} [replicas=0] Replicas per master (`--cluster-replicas`).
 * @property {number} [nodeTimeoutMs=15000] `cluster-node-timeout` (Redis's default): how long a
 *   master may be unreachable before it is marked failed and a replica takes its place.
 * @property {string} [dir] Folder for the nodes' cluster state (`node<i>/nodes.conf`) and logs
 *   (`node<i>.log`), emptied first and kept. Default: a temporary folder, removed by stop().
 * @property {number} [timeoutMs=30000] How long each step (create, every node ok) may take.
 * @property {string} [password] Every node's `requirepass` and `masterauth`.
 * @property {RedisUser[]} [users] ACL users of every node.
 * @property {TlsCertificates} [tls] TLS only, for clients, the cluster bus (`--tls-cluster`) and
 *   replication, with this certificate on every node.
 * @property {string[]} [args] More redis-server arguments for every node (such as
 *   `--cluster-announce-hostname localhost --cluster-preferred-endpoint-type hostname`: nodes
 *   known to clients by name, as managed clusters announce them).
 */

/**
 * @typedef {object} RedisCluster
 * @property {string[]} nodes The masters as "127.0.0.1:port" (seed nodes for a client).
 * @property {RedisServer[]} masters Which nodes became masters (asked of them, not assumed).
 * @property {RedisServer[]} replicas The others; INFO replication says which master each follows.
 * @property {string} dir The folder of its state and logs.
 * @property {RedisAccess} access How to get in to its nodes (`redisCli(port, args, { access })`).
 * @property {() => Promise<void>} stop kill -9 every node (and remove a temporary folder).
 */

/**
 * Starts a local Redis Cluster and waits until it serves every slot.
 * @param {RedisClusterOptions} [options]
 * @returns {Promise<RedisCluster>}
 */
export async function startRedisCluster(options = {}) {
  const { masters = 3, replicas = 0, nodeTimeoutMs = 15_000, timeoutMs = 30_000 } = options;
  const { password, users, tls, args = [] } = options;
  const access = accessOf({ password, tls });
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'vp-redis-cluster-'));
  // A node's nodes.conf is its cluster state: start from an empty folder, never an old state.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  /** @type {Set<number>} */
  const taken = new Set();
  const choosePort = async () => {
    const port = await freePort({ alsoFreeAt: [BUS_PORT_OFFSET], exclude: taken });
    taken.add(port).add(port + BUS_PORT_OFFSET);
    return port;
  };
  /** @type {RedisServer[]} */
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((node) => node.kill()));
    if (temporary) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= masters * (1 + replicas); i += 1) {
      started.push(
        await startRedisServer({
          choosePort,
          dir: path.join(dir, `node${i}`),
          logFile: path.join(dir, `node${i}.log`),
          password,
          users,
          tls,
          args: [
            ...(tls ? ['--tls-cluster', 'yes'] : []),
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(nodeTimeoutMs),
            ...args,
          ],
        }),
      );
    }
    const all = started.map((node) => `127.0.0.1:${node.port}`);
    const create = await runToExit(
      'redis-cli',
      [
        ...redisCliAccessArgs(access),
        '--cluster',
        'create',
        ...all,
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeoutMs },
    );
    if (create.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.output}`);
    await waitFor(
      async () => {
        const infos = await Promise.all(started.map((node) => clusterInfo(node.port, access)));
        return infos.every(
          (info) =>
            info.cluster_state === 'ok' && Number(info.cluster_known_nodes) === started.length,
        );
      },
      { what: 'cluster_state:ok on every node', timeoutMs },
    );
    const roles = await Promise.all(
      started.map((node) => redisInfo(node.port, 'replication', access)),
    );
    const replicaNodes = started.filter((_, i) => roles[i]?.role !== 'master');
    await waitFor(
      async () => {
        const infos = await Promise.all(
          replicaNodes.map((r) => redisInfo(r.port, 'replication', access)),
        );
        return infos.every((info) => info.role === 'slave' && info.master_link_status === 'up');
      },
      { what: 'every replica in sync with its master', timeoutMs },
    );
    const masterNodes = started.filter((_, i) => roles[i]?.role === 'master');
    return {
      nodes: masterNodes.map((node) => `127.0.0.1:${node.port}`),
      masters: masterNodes,
      replicas: replicaNodes,
      dir,
      access,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
