import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { DEFAULT_KEY_PREFIX } from './keys.js';
import type { PubSubMode, RedisAccess, RedisTarget, RedisTls } from './redis-connection.js';

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
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_MASTER',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_PASSWORD_FILE',
  'REDIS_TLS',
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_SERVERNAME',
  'ADAPTER_MODE',
  'KEY_PREFIX',
] as const;

export type RedisConfigVariable = (typeof REDIS_CONFIG_VARIABLES)[number];

const WHERE = 'REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS';

/** A DNS name (RFC 1123 labels). */
const HOSTNAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Reads the Redis settings shared by the server and the gc: where Redis is (`REDIS_URL` for one
 * Redis, `REDIS_CLUSTER_NODES` for the seed nodes of a Cluster, or `REDIS_SENTINELS` and
 * `REDIS_SENTINEL_MASTER` for the master a group of sentinels points to), how to connect to it
 * (`REDIS_USERNAME`, `REDIS_PASSWORD` or `REDIS_PASSWORD_FILE`, `REDIS_TLS`, `REDIS_TLS_CA_FILE`,
 * `REDIS_TLS_SERVERNAME`, `REDIS_SENTINEL_PASSWORD`), `ADAPTER_MODE` and `KEY_PREFIX`. Files are
 * read here, once. Throws a `ConfigError` naming the variable to fix.
 */
export function readRedisConfig(env: Env): RedisConfig {
  const read = (variable: RedisConfigVariable) => nonEmpty(env[variable]);

  const redisUrl = read('REDIS_URL');
  let url: URL | undefined;
  if (redisUrl !== undefined) {
    url = /^rediss?:\/\//.test(redisUrl) ? parseUrl(redisUrl) : undefined;
    if (!url?.hostname) {
      throw new ConfigError(
        'REDIS_URL',
        'must be a redis:// or rediss:// URL (unset it for the embedded store)',
      );
    }
  }
  const nodes = hostPorts('REDIS_CLUSTER_NODES', read('REDIS_CLUSTER_NODES'), 'seed nodes');
  const sentinels = hostPorts('REDIS_SENTINELS', read('REDIS_SENTINELS'), 'sentinels');
  const chosen = [
    redisUrl !== undefined && 'REDIS_URL',
    nodes.length > 0 && 'REDIS_CLUSTER_NODES',
    sentinels.length > 0 && 'REDIS_SENTINELS',
  ].filter((variable): variable is RedisConfigVariable => variable !== false);
  if (chosen.length > 1) {
    throw new ConfigError(chosen[1]!, `set either ${WHERE}, not several`);
  }
  /** A variable that means something only with Redis (or only with sentinels). */
  const onlyWith = (variable: RedisConfigVariable, sentinelsOnly = false) => {
    if (read(variable) === undefined) return;
    if (sentinelsOnly && sentinels.length === 0) {
      throw new ConfigError(variable, 'is set but REDIS_SENTINELS is not');
    }
    if (chosen.length === 0) {
      throw new ConfigError(variable, `is set but no Redis is: set ${WHERE}`);
    }
  };

  const masterName = read('REDIS_SENTINEL_MASTER');
  onlyWith('REDIS_SENTINEL_MASTER', true);
  onlyWith('REDIS_SENTINEL_PASSWORD', true);
  if (sentinels.length > 0) {
    if (masterName === undefined) {
      throw new ConfigError(
        'REDIS_SENTINEL_MASTER',
        'is required with REDIS_SENTINELS: the name the sentinels monitor the master under',
      );
    }
    if (!/^\S{1,256}$/.test(masterName)) {
      throw new ConfigError('REDIS_SENTINEL_MASTER', 'must be a name without spaces');
    }
  }

  const access = readAccess(env, read, url, onlyWith);

  const mode = read('ADAPTER_MODE');
  if (mode !== undefined && mode !== 'classic' && mode !== 'sharded') {
    throw new ConfigError('ADAPTER_MODE', 'must be "classic" or "sharded"');
  }
  const keyPrefix = read('KEY_PREFIX') ?? DEFAULT_KEY_PREFIX;
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(keyPrefix)) {
    throw new ConfigError('KEY_PREFIX', 'must be 1-32 characters of [A-Za-z0-9_.-]');
  }

  const sentinelPassword = read('REDIS_SENTINEL_PASSWORD');
  const target: RedisTarget | undefined =
    nodes.length > 0
      ? { nodes, ...access }
      : sentinels.length > 0
        ? {
            sentinels,
            masterName: masterName!,
            ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
            ...access,
          }
        : redisUrl !== undefined
          ? { url: redisUrl, ...access }
          : undefined;
  return {
    ...(target ? { target } : {}),
    ...(mode ? { pubSubMode: mode } : {}),
    keyPrefix,
  };
}

/** Credentials and TLS, from their variables (and what `REDIS_URL` already says). */
function readAccess(
  env: Env,
  read: (variable: RedisConfigVariable) => string | undefined,
  url: URL | undefined,
  onlyWith: (variable: RedisConfigVariable) => void,
): RedisAccess {
  for (const variable of [
    'REDIS_USERNAME',
    'REDIS_PASSWORD',
    'REDIS_PASSWORD_FILE',
    'REDIS_TLS',
    'REDIS_TLS_CA_FILE',
    'REDIS_TLS_SERVERNAME',
  ] as const) {
    onlyWith(variable);
  }
  const username = read('REDIS_USERNAME');
  if (username !== undefined && !/^\S{1,256}$/.test(username)) {
    throw new ConfigError('REDIS_USERNAME', 'must be an ACL user name, without spaces');
  }
  // A password is taken as it is written (only an empty one is no password).
  const inline = env.REDIS_PASSWORD?.trim() ? env.REDIS_PASSWORD : undefined;
  const passwordFile = read('REDIS_PASSWORD_FILE');
  if (inline !== undefined && passwordFile !== undefined) {
    throw new ConfigError(
      'REDIS_PASSWORD_FILE',
      'set either REDIS_PASSWORD or REDIS_PASSWORD_FILE',
    );
  }
  const password =
    passwordFile !== undefined ? readSecretFile('REDIS_PASSWORD_FILE', passwordFile) : inline;
  if (username !== undefined && password === undefined) {
    throw new ConfigError('REDIS_USERNAME', 'needs REDIS_PASSWORD (or REDIS_PASSWORD_FILE)');
  }
  if (url && (url.username || url.password) && (username !== undefined || password !== undefined)) {
    const variable = username !== undefined ? 'REDIS_USERNAME' : passwordVariable(passwordFile);
    throw new ConfigError(
      variable,
      'REDIS_URL already holds credentials (user:password@): set them in one place',
    );
  }

  const rawTls = read('REDIS_TLS');
  if (rawTls !== undefined && !/^(true|false|1|0)$/.test(rawTls)) {
    throw new ConfigError('REDIS_TLS', `must be true or false, got "${rawTls}"`);
  }
  const rediss = url?.protocol === 'rediss:';
  if (rediss && (rawTls === 'false' || rawTls === '0')) {
    throw new ConfigError('REDIS_TLS', 'is false but REDIS_URL is rediss:// (TLS)');
  }
  const tlsOn = rediss || rawTls === 'true' || rawTls === '1';
  const caFile = read('REDIS_TLS_CA_FILE');
  const servername = read('REDIS_TLS_SERVERNAME');
  for (const [variable, value] of [
    ['REDIS_TLS_CA_FILE', caFile],
    ['REDIS_TLS_SERVERNAME', servername],
  ] as const) {
    if (value !== undefined && !tlsOn) {
      throw new ConfigError(variable, 'needs TLS: set REDIS_TLS=true (or a rediss:// REDIS_URL)');
    }
  }
  if (servername !== undefined && !HOSTNAME.test(servername)) {
    throw new ConfigError('REDIS_TLS_SERVERNAME', `must be a DNS name, got "${servername}"`);
  }
  let tls: RedisTls | undefined;
  if (tlsOn) {
    tls = {};
    if (caFile !== undefined) {
      const ca = readSecretFile('REDIS_TLS_CA_FILE', caFile);
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
        throw new ConfigError(
          'REDIS_TLS_CA_FILE',
          `"${caFile}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
        );
      }
      tls.ca = ca;
    }
    if (servername !== undefined) tls.servername = servername;
  }
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tls ? { tls } : {}),
  };
}

function passwordVariable(passwordFile: string | undefined): RedisConfigVariable {
  return passwordFile !== undefined ? 'REDIS_PASSWORD_FILE' : 'REDIS_PASSWORD';
}

/** A file's text, without the line ends a trailing newline leaves; never empty. */
function readSecretFile(variable: RedisConfigVariable, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(variable, `cannot read "${file}" (${code})`);
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new ConfigError(variable, `"${file}" is empty`);
  return value;
}

/** Comma-separated "host:port" entries (none when unset). */
function hostPorts(variable: RedisConfigVariable, value: string | undefined, what: string) {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const port = Number(entry.slice(entry.lastIndexOf(':') + 1));
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(entry) || port < 1 || port > 65_535) {
      throw new ConfigError(variable, `"${entry}" must be host:port (comma-separated ${what})`);
    }
  }
  return entries;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
