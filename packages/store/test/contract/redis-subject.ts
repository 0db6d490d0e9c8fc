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
    async stop() {
      client.disconnect();
      await stop();
    },
  };
}
