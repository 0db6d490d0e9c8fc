import { ConfigError } from './config-error.js';
import { DEFAULT_KEY_PREFIX } from './keys.js';
import type { PubSubMode, RedisTarget } from './redis-connection.js';

/** Where the store lives and how nodes talk, as read from the environment. */
export interface RedisConfig {
  /** Unset: no Redis configured (the server then runs on its embedded store). */
  target?: RedisTarget;
  /** Unset: sharded on a Cluster, classic on one Redis (see `defaultPubSubMode`). */
  pubSubMode?: PubSubMode;
  /** @default "vp" */
  keyPrefix: string;
}

type Env = Record<string, string | undefined>;

/** The environment variables `readRedisConfig` reads, for documentation and tests. */
export const REDIS_CONFIG_VARIABLES = [
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'ADAPTER_MODE',
  'KEY_PREFIX',
] as const;

/**
 * Reads the Redis settings shared by the server and the gc: `REDIS_URL` (one Redis) or
 * `REDIS_CLUSTER_NODES` (seed nodes of a Cluster), `ADAPTER_MODE` and `KEY_PREFIX`. Throws a
 * `ConfigError` naming the variable to fix.
 */
export function readRedisConfig(env: Env): RedisConfig {
  const redisUrl = nonEmpty(env.REDIS_URL);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(
      'REDIS_URL',
      'must be a redis:// or rediss:// URL (unset it for the embedded store)',
    );
  }
  const nodes = (nonEmpty(env.REDIS_CLUSTER_NODES) ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean);
  for (const node of nodes) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(node)) {
      throw new ConfigError(
        'REDIS_CLUSTER_NODES',
        `"${node}" must be host:port (comma-separated seed nodes)`,
      );
    }
  }
  if (redisUrl !== undefined && nodes.length > 0) {
    throw new ConfigError('REDIS_CLUSTER_NODES', 'set either REDIS_URL or REDIS_CLUSTER_NODES');
  }
  const mode = nonEmpty(env.ADAPTER_MODE);
  if (mode !== undefined && mode !== 'classic' && mode !== 'sharded') {
    throw new ConfigError('ADAPTER_MODE', 'must be "classic" or "sharded"');
  }
  const keyPrefix = nonEmpty(env.KEY_PREFIX) ?? DEFAULT_KEY_PREFIX;
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(keyPrefix)) {
    throw new ConfigError('KEY_PREFIX', 'must be 1-32 characters of [A-Za-z0-9_.-]');
  }
  const target: RedisTarget | undefined =
    nodes.length > 0 ? { nodes } : redisUrl !== undefined ? { url: redisUrl } : undefined;
  return {
    ...(target ? { target } : {}),
    ...(mode ? { pubSubMode: mode } : {}),
    keyPrefix,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
