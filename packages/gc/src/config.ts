import { ConfigError } from '@vip-presence/server';

export interface GcConfig {
  redisUrl: string;
  intervalMs: number;
  keyPrefix: string;
}

/** Reads the gc's configuration from the environment; throws a ConfigError naming the variable. */
export function readGcConfig(env: Record<string, string | undefined>): GcConfig {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl)
    throw new ConfigError('REDIS_URL', "is required (the gc sweeps the servers' Redis)");
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  const rawInterval = env.GC_INTERVAL_MS?.trim() || '5000';
  if (!/^\d+$/.test(rawInterval) || Number(rawInterval) < 100) {
    throw new ConfigError(
      'GC_INTERVAL_MS',
      `must be an integer of at least 100 (ms), got "${rawInterval}"`,
    );
  }
  const keyPrefix = env.KEY_PREFIX?.trim() || 'vp';
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(keyPrefix)) {
    throw new ConfigError('KEY_PREFIX', 'must be 1-32 characters of [A-Za-z0-9_.-]');
  }
  return { redisUrl, intervalMs: Number(rawInterval), keyPrefix };
}
