import { startRedisServer } from '@vip-presence/test-kit';
import { createStoreConnection } from '../../src/index.js';
import { redisSubject } from './redis-subject.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on one redis-server', async () => {
  const redis = await startRedisServer();
  const client = createStoreConnection({ url: redis.url });
  await client.connect();
  return redisSubject(
    client,
    () => client.flushall(),
    () => redis.stop(),
  );
});
