import { isIP } from 'node:net';
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
  /** `/healthz` fails once the last good sweep is older than this (or, before one, the start). */
  unhealthyAfterMs: number;
  /** Port of `/healthz` and `/metrics` (0: a free one). */
  port: number;
  /** Address that port is bound to. */
  host: string;
  /** The servers' view window: a sweep writes when the visitors it removes were last seen. */
  viewWindowMs: number;
  keyPrefix: string;
  logLevel: string;
}

/** Every environment variable the gc reads, in the order of its README's table. */
export const GC_VARIABLES = [
  ...REDIS_CONFIG_VARIABLES,
  'GC_INTERVAL_MS',
  'GC_UNHEALTHY_AFTER_MS',
  'GC_PORT',
  'GC_HOST',
  'VIEW_WINDOW_MS',
  'LOG_LEVEL',
] as const;

type GcVariable = (typeof GC_VARIABLES)[number];

export const GC_DEFAULTS = {
  intervalMs: 5_000,
  port: 3002,
  /** Loopback: nothing the gc serves faces readers; set GC_HOST for a remote Prometheus or probe. */
  host: '127.0.0.1',
  /** The servers' VIEW_WINDOW_MS default. */
  viewWindowMs: 1_800_000,
} as const;

/** How long SIGTERM waits for a sweep in progress (one stuck on Redis) before exiting 1. */
export const STOP_GRACE_MS = 10_000;

/**
 * The liveness rule of `/healthz`: unhealthy after `max(30 s, 6 × interval)` without a good
 * sweep by default, and never sooner than two intervals (one failed sweep is no outage).
 */
export const defaultUnhealthyAfterMs = (intervalMs: number) => Math.max(30_000, 6 * intervalMs);

/** A DNS name (RFC 1123 labels) whose last label is not all digits (that would be an address). */
const HOSTNAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*(?!\d+$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Reads the gc's configuration from the environment; throws a ConfigError naming the variable. */
export function readGcConfig(env: Record<string, string | undefined>): GcConfig {
  const read = (variable: GcVariable) => env[variable]?.trim() || undefined;
  const integer = (variable: GcVariable, byDefault: number, what: string, min = 0) => {
    const raw = read(variable);
    if (raw === undefined) return byDefault;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
      throw new ConfigError(variable, `must be ${what}, got "${raw}"`);
    }
    return Number(raw);
  };

  const redis = readRedisConfig(env);
  if (!redis.target) {
    throw new ConfigError(
      'REDIS_URL',
      "is required (the gc sweeps the servers' Redis), or set REDIS_CLUSTER_NODES or REDIS_SENTINELS",
    );
  }
  const intervalMs = integer(
    'GC_INTERVAL_MS',
    GC_DEFAULTS.intervalMs,
    'an integer of at least 100 (ms)',
    100,
  );
  const unhealthyAfterMs = integer(
    'GC_UNHEALTHY_AFTER_MS',
    defaultUnhealthyAfterMs(intervalMs),
    `an integer of at least 2 × GC_INTERVAL_MS (${2 * intervalMs} ms)`,
    2 * intervalMs,
  );
  const port = integer('GC_PORT', GC_DEFAULTS.port, 'a port number (0-65535)');
  if (port > 65535) {
    throw new ConfigError('GC_PORT', `must be a port number (0-65535), got "${read('GC_PORT')}"`);
  }
  const host = read('GC_HOST') ?? GC_DEFAULTS.host;
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new ConfigError(
      'GC_HOST',
      `must be an IPv4 or IPv6 address or a hostname (no scheme, no port), got "${host}"`,
    );
  }
  const viewWindowMs = integer(
    'VIEW_WINDOW_MS',
    GC_DEFAULTS.viewWindowMs,
    "a non-negative integer (ms), the servers' VIEW_WINDOW_MS",
  );
  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!(logLevel in pino.levels.values) && logLevel !== 'silent') {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${Object.keys(pino.levels.values).join(', ')} or silent`,
    );
  }
  return {
    target: redis.target,
    ...(redis.pubSubMode ? { pubSubMode: redis.pubSubMode } : {}),
    intervalMs,
    unhealthyAfterMs,
    port,
    host,
    viewWindowMs,
    keyPrefix: redis.keyPrefix,
    logLevel,
  };
}
