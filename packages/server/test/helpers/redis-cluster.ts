import { Cluster } from 'ioredis';
import { startRedisCluster as startCluster } from '@vip-presence/test-kit';

export interface RedisClusterProcess {
  /** Seed nodes, "127.0.0.1:port". */
  nodes: string[];
  client: Cluster;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a local 3-master Redis Cluster (no replicas) on free ports (the test kit's launcher). */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const cluster = await startCluster();
  const client = new Cluster(cluster.masters.map(({ port }) => ({ host: '127.0.0.1', port })));
  client.on('error', () => undefined);
  return {
    nodes: cluster.nodes,
    client,
    async flush() {
      await Promise.all(client.nodes('master').map((node) => node.flushall()));
    },
    async stop() {
      client.disconnect();
      await cluster.stop();
    },
  };
}
