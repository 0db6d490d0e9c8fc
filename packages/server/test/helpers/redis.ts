import { Redis } from 'ioredis';
import { startRedisServer } from '@vip-presence/test-kit';

export interface RedisProcess {
  port: number;
  url: string;
  /** A client for assertions (DBSIZE, KEYS, FLUSHALL). */
  client: Redis;
  stop(): Promise<void>;
  /** Kills redis-server (all data lost) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Kills redis-server, leaving the port dead until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  flush(): Promise<void>;
}

/** Starts a real redis-server on a free port, without persistence (the test kit's launcher). */
export async function startRedis(): Promise<RedisProcess> {
  const redis = await startRedisServer();
  const client = new Redis(redis.port, '127.0.0.1', {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  return {
    port: redis.port,
    url: redis.url,
    client,
    async stop() {
      client.disconnect();
      await redis.kill();
    },
    restart: () => redis.restart(),
    down: () => redis.kill(),
    up: () => redis.start(),
    async flush() {
      await client.flushall();
    },
  };
}
