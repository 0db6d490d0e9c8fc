import type { Cluster, Redis } from 'ioredis';
import { RedisStore, type RedisClient } from '../../src/index.js';
import type { ContractSubject } from './store-contract.js';

/** The contract's subject on a connected Redis client: `flush` forgets all, `stop` ends it. */
export function redisSubject(
  client: RedisClient,
  flush: () => Promise<unknown>,
  stop: () => Promise<unknown>,
): ContractSubject {
  const reset = async () => void (await flush());
  return {
    store: (options) => new RedisStore(client, options),
    reset,
    loseEverything: reset,
    async snapshot() {
      const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
      const entries: [string, string][] = [];
      for (const node of nodes) {
        for (const key of await node.keys('*')) {
          entries.push([key, (await node.dumpBuffer(key))?.toString('hex') ?? '']);
        }
      }
      return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
    },
    async stop() {
      client.disconnect();
      await stop();
    },
  };
}
