import type { Cluster } from 'ioredis';
import { startRedisCluster } from '@vip-presence/test-kit';
import { createStoreConnection } from '../../src/index.js';
import { redisSubject } from './redis-subject.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the Redis store on a 3-master Redis Cluster', async () => {
  const cluster = await startRedisCluster();
  const client = createStoreConnection({ nodes: cluster.nodes }) as Cluster;
  await client.connect();
  const flush = () => Promise.all(client.nodes('master').map((node) => node.flushall()));
  return redisSubject(client, flush, () => cluster.stop());
});
