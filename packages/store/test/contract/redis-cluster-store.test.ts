import { startRedisCluster } from '../../../server/test/helpers/redis-cluster.js';
import { createStoreConnection, RedisStore } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on a 3-master Redis Cluster', async () => {
  const cluster = await startRedisCluster();
  const client = createStoreConnection({ nodes: cluster.nodes });
  await client.connect();
  return {
    store: (options) => new RedisStore(client, options),
    reset: () => cluster.flush(),
    loseEverything: () => cluster.flush(),
    async stop() {
      client.disconnect();
      await cluster.stop();
    },
  };
});
