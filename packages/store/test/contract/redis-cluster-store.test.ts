import type { Cluster } from 'ioredis';
import { startRedisCluster } from '@vip-presence/test-kit';
import { createStoreConnection, RedisStore } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on a 3-master Redis Cluster', async () => {
  const cluster = await startRedisCluster();
  const client = createStoreConnection({ nodes: cluster.nodes }) as Cluster;
  await client.connect();
  const flush = async () =>
    void (await Promise.all(client.nodes('master').map((n) => n.flushall())));
  return {
    store: (options) => new RedisStore(client, options),
    reset: flush,
    loseEverything: flush,
    async stop() {
      client.disconnect();
      await cluster.stop();
    },
  };
});
