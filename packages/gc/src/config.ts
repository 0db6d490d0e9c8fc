import { pino } from 'pino';
import {
  ConfigError,
  readRedisConfig,
  REDIS_CONFIG_VARIABLES,
  type PubSubMode,
  type RedisTarget,
} from '@vip-presence/store';

export interface GcConfig {
  /** The servers' Redis: one server or a Cluster. */
  target: RedisTarget;
  /** Unset: sharded on a Cluster, classic on one Redis (as the servers). */
  pubSubMode?: PubSubMode;
  intervalMs: number;
  /** The servers' view window: a sweep writes when the visitors it removes were last seen. */
  viewWindowMs: number;
  keyPrefix: string;
  logLevel: string;
}

/** Every environment variable the gc reads, in the order of its README's table. */
export const GC_VARIABLES = [
  ...REDIS_CONFIG_VARIABLES,
  'GC_INTERVAL_MS',
  'VIEW_WINDOW_MS',
  'LOG_LEVEL',
] as const;

/** Reads the gc's configuration from the environment; throws a ConfigError naming the variable. */
export function readGcConfig(env: Record<string, string | undefined>): GcConfig {
  const redis = readRedisConfig(env);
  if (!redis.target) {
    throw new ConfigError(
      'REDIS_URL',
      "is required (the gc sweeps the servers' Redis), or set REDIS_CLUSTER_NODES or REDIS_SENTINELS",
    );
  }
  const rawInterval = env.GC_INTERVAL_MS?.trim() || '5000';
  if (!/^\d+$/.test(rawInterval) || Number(rawInterval) < 100) {
    throw new ConfigError(
      'GC_INTERVAL_MS',
      `must be an integer of at least 100 (ms), got "${rawInterval}"`,
    );
  }
  const rawWindow = env.VIEW_WINDOW_MS?.trim() || '1800000';
  if (!/^\d+$/.test(rawWindow) || !Number.isSafeInteger(Number(rawWindow))) {
    throw new ConfigError(
      'VIEW_WINDOW_MS',
      `must be a non-negative integer (ms), the servers' VIEW_WINDOW_MS, got "${rawWindow}"`,
    );
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!(logLevel in pino.levels.values) && logLevel !== 'silent') {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${Object.keys(pino.levels.values).join(', ')} or silent`,
    );
  }
  return {
    target: redis.target,
    ...(redis.pubSubMode ? { pubSubMode: redis.pubSubMode } : {}),
    intervalMs: Number(rawInterval),
    viewWindowMs: Number(rawWindow),
    keyPrefix: redis.keyPrefix,
    logLevel,
  };
}
