import { startRedis } from '../../../server/test/helpers/redis.js';
import { createStoreConnection, RedisStore } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on one redis-server', async () => {
  const redis = await startRedis();
  const client = createStoreConnection({ url: redis.url });
  await client.connect();
  return {
    store: (options) => new RedisStore(client, options),
    reset: () => redis.flush(),
    loseEverything: () => redis.flush(),
    async stop() {
      client.disconnect();
      await redis.stop();
    },
  };
});
