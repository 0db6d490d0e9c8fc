import { startRedisServer } from '@vip-presence/test-kit';
import { createStoreConnection, RedisStore } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on one redis-server', async () => {
  const redis = await startRedisServer();
  const client = createStoreConnection({ url: redis.url });
  await client.connect();
  const flush = async () => void (await client.flushall());
  return {
    store: (options) => new RedisStore(client, options),
    reset: flush,
    loseEverything: flush,
    async stop() {
      client.disconnect();
      await redis.stop();
    },
  };
});
