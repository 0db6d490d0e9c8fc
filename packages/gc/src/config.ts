import { ConfigError } from '@vip-presence/server';

export interface GcConfig {
  /** A single Redis; unset when `clusterNodes` is set. */
  redisUrl?: string;
  /** Seed nodes of a Redis Cluster ("host:port"). */
  clusterNodes: string[];
  adapterMode?: 'classic' | 'sharded';
  intervalMs: number;
  keyPrefix: string;
}

/** Reads the gc's configuration from the environment; throws a ConfigError naming the variable. */
export function readGcConfig(env: Record<string, string | undefined>): GcConfig {
  const clusterNodes = (env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean);
  for (const node of clusterNodes) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(node)) {
      throw new ConfigError(
        'REDIS_CLUSTER_NODES',
        `"${node}" must be host:port (comma-separated seed nodes)`,
      );
    }
  }
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (!redisUrl && clusterNodes.length === 0) {
    throw new ConfigError(
      'REDIS_URL',
      "is required (the gc sweeps the servers' Redis), or set REDIS_CLUSTER_NODES",
    );
  }
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  }
  const adapterMode = env.ADAPTER_MODE?.trim() || undefined;
  if (adapterMode !== undefined && adapterMode !== 'classic' && adapterMode !== 'sharded') {
    throw new ConfigError('ADAPTER_MODE', 'must be "classic" or "sharded"');
  }
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
  return {
    ...(redisUrl ? { redisUrl } : {}),
    clusterNodes,
    ...(adapterMode ? { adapterMode } : {}),
    intervalMs: Number(rawInterval),
    keyPrefix,
  };
}
