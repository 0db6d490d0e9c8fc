import type { Logger } from 'pino';
import { checkRedisReadiness, type RedisClient } from '@vip-presence/store';

/** What was last said of each connection's readiness ("": ready), so it is said once. */
const said = new WeakMap<RedisClient, string>();

/**
 * `/readyz`'s Redis half: whether every part of Redis that holds keys answers (on a Cluster,
 * every master: one shard down is every post of its slots lost to joins). When that changes it
 * logs which shard does not answer, once, not at every probe. The embedded store (no client) is
 * always ready.
 */
export async function redisReady(client: RedisClient | undefined, log: Logger): Promise<boolean> {
  if (!client) return true;
  const { ready, unreachable } = await checkRedisReadiness(client);
  const now = unreachable.join(', ');
  if (now !== (said.get(client) ?? '')) {
    said.set(client, now);
    if (ready) log.info('every Redis shard answers: ready');
    else log.warn({ unreachable }, `not ready: no answer from ${now}`);
  }
  return ready;
}
