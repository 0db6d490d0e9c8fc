import { ConfigError, probeRedis, type RedisAccess, type RedisTarget } from '@vip-presence/store';
import type { PresenceServerOptions } from './options.js';

/** The options that say where Redis is and how to connect to it. */
export type RedisConnectionOptions = Pick<
  PresenceServerOptions,
  | 'redisUrl'
  | 'redisClusterNodes'
  | 'redisSentinels'
  | 'redisSentinelMaster'
  | 'redisSentinelPassword'
  | 'redisUsername'
  | 'redisPassword'
  | 'redisTls'
  | 'redisTlsCa'
  | 'redisTlsServername'
>;

/**
 * Where Redis is and how to connect, from the options: a Cluster when `redisClusterNodes` is set
 * (then `redisUrl` is ignored), the master behind `redisSentinels`, or `redisUrl`; undefined for
 * the embedded store. Throws a `ConfigError` naming the option at fault.
 */
export function redisTargetOf(options: RedisConnectionOptions): RedisTarget | undefined {
  const { redisUrl, redisClusterNodes = [], redisSentinels = [], redisSentinelMaster } = options;
  if (redisSentinels.length > 0 && (redisClusterNodes.length > 0 || redisUrl)) {
    throw new ConfigError(
      'redisSentinels',
      'set either redisUrl, redisClusterNodes or redisSentinels',
    );
  }
  if (redisSentinels.length > 0 && !redisSentinelMaster) {
    throw new ConfigError('redisSentinelMaster', 'is required with redisSentinels');
  }
  if (options.redisUsername !== undefined && options.redisPassword === undefined) {
    throw new ConfigError('redisUsername', 'needs redisPassword');
  }
  const tls = options.redisTls === true || redisUrl?.startsWith('rediss://') === true;
  if (!tls && (options.redisTlsCa !== undefined || options.redisTlsServername !== undefined)) {
    throw new ConfigError(
      options.redisTlsCa !== undefined ? 'redisTlsCa' : 'redisTlsServername',
      'needs TLS: set redisTls (or a rediss:// redisUrl)',
    );
  }
  const access: RedisAccess = {
    ...(options.redisUsername !== undefined ? { username: options.redisUsername } : {}),
    ...(options.redisPassword !== undefined ? { password: options.redisPassword } : {}),
    ...(tls
      ? {
          tls: {
            ...(options.redisTlsCa !== undefined ? { ca: options.redisTlsCa } : {}),
            ...(options.redisTlsServername !== undefined
              ? { servername: options.redisTlsServername }
              : {}),
          },
        }
      : {}),
  };
  if (redisClusterNodes.length > 0) return { nodes: redisClusterNodes, ...access };
  if (redisSentinels.length > 0) {
    return {
      sentinels: redisSentinels,
      masterName: redisSentinelMaster!,
      ...(options.redisSentinelPassword !== undefined
        ? { sentinelPassword: options.redisSentinelPassword }
        : {}),
      ...access,
    };
  }
  return redisUrl ? { url: redisUrl, ...access } : undefined;
}

/** The options of a target (what `readRedisConfig` read from the environment). */
export function redisConnectionOptions(target: RedisTarget): RedisConnectionOptions {
  const { username, password, tls } = target;
  return {
    ...('url' in target ? { redisUrl: target.url } : {}),
    ...('nodes' in target ? { redisClusterNodes: target.nodes } : {}),
    ...('sentinels' in target
      ? {
          redisSentinels: target.sentinels,
          redisSentinelMaster: target.masterName,
          ...(target.sentinelPassword !== undefined
            ? { redisSentinelPassword: target.sentinelPassword }
            : {}),
        }
      : {}),
    ...(username !== undefined ? { redisUsername: username } : {}),
    ...(password !== undefined ? { redisPassword: password } : {}),
    ...(tls ? { redisTls: true } : {}),
    ...(tls?.ca !== undefined ? { redisTlsCa: tls.ca } : {}),
    ...(tls?.servername !== undefined ? { redisTlsServername: tls.servername } : {}),
  };
}

/**
 * At start, before anything connects: why Redis refuses this node for good (the credentials, the
 * TLS handshake), in words naming the variables to change; undefined when it answers, when it
 * cannot be reached yet (the connections keep retrying), and for the embedded store.
 */
export async function redisRefusal(options: RedisConnectionOptions): Promise<string | undefined> {
  const target = redisTargetOf(options);
  if (!target) return undefined;
  const probe = await probeRedis(target);
  return probe.ok || probe.reason === 'unreachable' ? undefined : probe.message;
}
