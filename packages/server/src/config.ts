import { isIP } from 'node:net';
import { ConfigError, readRedisConfig, REDIS_CONFIG_VARIABLES } from '@vip-presence/store';
import { MAX_TRUSTED_HOPS, TRUSTED_RANGE_NAMES, type TrustProxy } from './client-address.js';
import { parseLogLevel } from './logger.js';
import { resolveOptions, type PresenceServerOptions } from './options.js';
import { redisConnectionOptions } from './redis-target.js';

export interface ServerConfig {
  /** The public listener: Socket.IO, `/healthz` and `/readyz`. */
  port: number;
  host: string;
  /** The private listener: `/metrics` and the read API (and the probes). */
  privatePort: number;
  privateHost: string;
  /** How long a SIGTERM'd node keeps serving, with `/readyz` at 503, before it closes. */
  drainSeconds: number;
  /** Level of the executable's logger. */
  logLevel: string;
  options: PresenceServerOptions;
}

type Env = Record<string, string | undefined>;

/** Environment variable of each numeric option. */
const NUMBER_VARS = {
  heartbeatIntervalMs: 'HEARTBEAT_INTERVAL_MS',
  sessionTtlMs: 'SESSION_TTL_MS',
  coalesceWindowMs: 'COALESCE_WINDOW_MS',
  maxDeliveriesPerSecond: 'MAX_DELIVERIES_PER_SECOND',
  fanOutChunkSize: 'FAN_OUT_CHUNK_SIZE',
  viewWindowMs: 'VIEW_WINDOW_MS',
  maxPostsPerSocket: 'MAX_POSTS_PER_SOCKET',
  eventsPerSecond: 'EVENTS_PER_SECOND',
  eventBurst: 'EVENT_BURST',
  maxPayloadBytes: 'MAX_PAYLOAD_BYTES',
  maxConnectionsPerIp: 'MAX_CONNECTIONS_PER_IP',
  maxVisitorsPerIpAndPost: 'MAX_VISITORS_PER_IP_AND_POST',
  pingIntervalMs: 'PING_INTERVAL_MS',
  pingTimeoutMs: 'PING_TIMEOUT_MS',
  sweepIntervalMs: 'SWEEP_INTERVAL_MS',
  seriesBucketMs: 'SERIES_BUCKET_MS',
} as const satisfies Partial<Record<keyof PresenceServerOptions, string>>;

/** Environment variable of the other options that `resolveOptions` checks. */
const OTHER_VARS: Record<string, ServerVariable | undefined> = {
  nodeId: 'NODE_ID',
  trustProxy: 'TRUST_PROXY',
};

/**
 * Every environment variable the server reads, in the order of its README's table. The parser
 * reads each one by a name of this list (`read`), so a variable missing here does not compile.
 */
export const SERVER_VARIABLES = [
  'PORT',
  'HOST',
  'PRIVATE_PORT',
  'PRIVATE_HOST',
  'DRAIN_SECONDS',
  ...REDIS_CONFIG_VARIABLES,
  'PRESENCE_SECRET',
  'READ_API_TOKEN',
  'ALLOWED_ORIGINS',
  ...Object.values(NUMBER_VARS),
  'TRUST_PROXY',
  'NODE_ID',
  'LOG_LEVEL',
] as const;

export type ServerVariable = (typeof SERVER_VARIABLES)[number];

/** The private listener's port unless PRIVATE_PORT says otherwise. */
export const DEFAULT_PRIVATE_PORT = 3001;

/**
 * Seconds a SIGTERM'd node keeps serving with `/readyz` at 503 before it closes, unless
 * DRAIN_SECONDS says otherwise: a load balancer that checks every 5 s and drops a target after 2
 * failures (Google Cloud's defaults; HAProxy's `inter 2s fall 3` takes 6 s; a Kubernetes
 * endpoint goes within a few seconds) stops sending readers within 10 s, and 5 s spare.
 */
export const DEFAULT_DRAIN_SECONDS = 15;

/** The longest drain DRAIN_SECONDS may ask for. */
export const MAX_DRAIN_SECONDS = 3_600;

/** After the drain, how long the executable waits for its close before it exits anyway (exit 1). */
export const CLOSE_TIMEOUT_SECONDS = 10;

/** Minimum length of PRESENCE_SECRET: a short secret can be guessed offline from one token. */
export const MIN_SECRET_LENGTH = 16;

/** A DNS name (RFC 1123 labels) whose last label is not all digits (that would be an address). */
const HOSTNAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*(?!\d+$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Reads and validates the server's configuration from the environment, once. Throws a
 * `ConfigError` naming the variable to fix.
 */
export function readServerConfig(env: Env): ServerConfig {
  const read = (variable: ServerVariable) => nonEmpty(env[variable]);
  const integer = (variable: ServerVariable) => {
    const raw = read(variable);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw new ConfigError(variable, `must be a non-negative integer, got "${raw}"`);
    }
    return Number(raw);
  };
  const portOf = (variable: ServerVariable, byDefault: number) => {
    const port = integer(variable) ?? byDefault;
    if (port > 65535) throw new ConfigError(variable, 'must be a port number (0-65535)');
    return port;
  };
  const hostOf = (variable: ServerVariable, byDefault: string) => {
    const host = read(variable) ?? byDefault;
    if (isIP(host) === 0 && !HOSTNAME.test(host)) {
      throw new ConfigError(
        variable,
        `must be an IPv4 or IPv6 address or a hostname (no scheme, no port), got "${host}"`,
      );
    }
    return host;
  };

  const options: PresenceServerOptions = {};
  const redis = readRedisConfig(env);
  if (redis.target) Object.assign(options, redisConnectionOptions(redis.target));
  if (redis.pubSubMode) options.adapterMode = redis.pubSubMode;
  options.keyPrefix = redis.keyPrefix;
  const secret = read('PRESENCE_SECRET');
  if (secret !== undefined) {
    // Several, comma-separated, while a rotation is under way: each one verifies.
    const secrets = secret.split(',').map((s) => s.trim());
    if (secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
      throw new ConfigError(
        'PRESENCE_SECRET',
        `each secret must be at least ${MIN_SECRET_LENGTH} characters (several: comma-separated)`,
      );
    }
    options.secret = secrets.length === 1 ? secrets[0] : secrets;
  }
  const readApiToken = read('READ_API_TOKEN');
  if (readApiToken !== undefined) {
    if (readApiToken.length < MIN_SECRET_LENGTH) {
      throw new ConfigError('READ_API_TOKEN', `must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    options.readApiToken = readApiToken;
  }
  const origins = read('ALLOWED_ORIGINS');
  if (origins !== undefined) {
    options.allowedOrigins = origins
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
      .map(parseOrigin);
  }
  for (const [option, variable] of Object.entries(NUMBER_VARS) as [
    keyof typeof NUMBER_VARS,
    ServerVariable,
  ][]) {
    const value = integer(variable);
    if (value !== undefined) options[option] = value;
  }
  const trustProxy = read('TRUST_PROXY');
  if (trustProxy !== undefined) options.trustProxy = parseTrustProxy(trustProxy);
  const nodeId = read('NODE_ID');
  if (nodeId !== undefined) options.nodeId = nodeId;

  // Cross-option rules (liveness), reported with the variable's name.
  try {
    resolveOptions(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      const variable =
        (NUMBER_VARS as Record<string, string>)[error.setting] ??
        OTHER_VARS[error.setting] ??
        error.setting;
      throw new ConfigError(variable, error.message.slice(error.setting.length + 2));
    }
    throw error;
  }

  const port = portOf('PORT', 3000);
  const host = hostOf('HOST', '0.0.0.0');
  const privatePort = portOf('PRIVATE_PORT', DEFAULT_PRIVATE_PORT);
  if (privatePort !== 0 && privatePort === port) {
    throw new ConfigError(
      'PRIVATE_PORT',
      `must differ from PORT (${port}): the private listener needs a port of its own`,
    );
  }
  const privateHost = hostOf('PRIVATE_HOST', '127.0.0.1');
  const drainSeconds = integer('DRAIN_SECONDS') ?? DEFAULT_DRAIN_SECONDS;
  if (drainSeconds > MAX_DRAIN_SECONDS) {
    throw new ConfigError(
      'DRAIN_SECONDS',
      `must be at most ${MAX_DRAIN_SECONDS} (seconds), got "${drainSeconds}"`,
    );
  }
  const logLevel = parseLogLevel(read('LOG_LEVEL') ?? 'info');
  return { port, host, privatePort, privateHost, drainSeconds, logLevel, options };
}

/**
 * TRUST_PROXY: `false`/`true`, a hop count, or a comma-separated list of proxy addresses, CIDR
 * ranges and range names (checked by `resolveOptions`).
 */
function parseTrustProxy(value: string): TrustProxy {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_TRUSTED_HOPS) {
      throw new ConfigError(
        'TRUST_PROXY',
        `a hop count must be at most ${MAX_TRUSTED_HOPS}, got "${value}"`,
      );
    }
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be true, false, a hop count or a comma-separated list of proxy addresses, CIDR ranges and ${TRUSTED_RANGE_NAMES.join(', ')}; got "${value}"`,
    );
  }
  return entries;
}

function parseOrigin(origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new ConfigError(
      'ALLOWED_ORIGINS',
      `"${origin}" is not an origin like https://example.com`,
    );
  }
  if (parsed.origin !== origin.replace(/\/$/, '')) {
    throw new ConfigError(
      'ALLOWED_ORIGINS',
      `"${origin}" must be an origin (scheme://host[:port]) without a path`,
    );
  }
  return parsed.origin;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
