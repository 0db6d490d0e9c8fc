import { Redis, type RedisOptions } from 'ioredis';
import {
  accessOptions,
  clusterSeeds,
  describeTarget,
  type RedisTarget,
} from './redis-connection.js';

/**
 * What one connection attempt found: Redis answered; it refused the credentials or the TLS
 * handshake failed (settings to fix: waiting will not help); or it could not be reached (it may
 * come up: connections keep retrying).
 */
export type RedisProbeResult =
  { ok: true } | { ok: false; reason: 'credentials' | 'tls' | 'unreachable'; message: string };

export interface RedisProbeOptions {
  /** How long the attempt may take. @default 5000 */
  timeoutMs?: number;
}

/** Errors of the TLS handshake that a setting fixes (the CA, the server name, TLS at all). */
const TLS_ERROR =
  /CERT|certificate|SSL|TLS|self[- ]signed|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|Hostname\/IP does not match/i;
const CREDENTIALS_ERROR = /WRONGPASS|NOAUTH|NOPERM|invalid password|username-password/i;

/**
 * Connects once to `target` (every seed of a Cluster in turn, the master through Sentinel) and
 * sends PING, without retrying; says why it failed in words that name the variables to change.
 * The executables call it at start so that a wrong password or CA ends them with one line instead
 * of connections that retry forever. Never throws.
 */
export async function probeRedis(
  target: RedisTarget,
  { timeoutMs = 5_000 }: RedisProbeOptions = {},
): Promise<RedisProbeResult> {
  const attempts: RedisOptions[] =
    'nodes' in target
      ? clusterSeeds(target.nodes).map((seed) => ({ ...seed, ...accessOptions(target) }))
      : 'sentinels' in target
        ? [
            {
              sentinels: clusterSeeds(target.sentinels),
              name: target.masterName,
              ...(target.sentinelPassword !== undefined
                ? { sentinelPassword: target.sentinelPassword }
                : {}),
              ...(target.tls
                ? { enableTLSForSentinelMode: true, sentinelTLS: accessOptions(target).tls }
                : {}),
              ...accessOptions(target),
              sentinelRetryStrategy: () => null,
            },
          ]
        : [{ ...parseTargetUrl(target.url), ...accessOptions(target) }];
  let last: RedisProbeResult = { ok: false, reason: 'unreachable', message: '' };
  for (const options of attempts) {
    last = await attempt(options, timeoutMs);
    // A refusal on one seed is a refusal on all; an unreachable seed leaves the others to try.
    if (last.ok || last.reason !== 'unreachable') break;
  }
  if (last.ok) return last;
  return { ...last, message: explain(target, last.reason, last.message) };
}

async function attempt(options: RedisOptions, timeoutMs: number): Promise<RedisProbeResult> {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout: timeoutMs,
  });
  let first: Error | undefined;
  client.on('error', (error: Error) => (first ??= error));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), late]);
    return { ok: true };
  } catch (error) {
    const cause = first ?? (error as Error);
    const text = `${(cause as NodeJS.ErrnoException).code ?? ''} ${cause.message}`;
    const reason = CREDENTIALS_ERROR.test(text)
      ? 'credentials'
      : TLS_ERROR.test(text)
        ? 'tls'
        : 'unreachable';
    return { ok: false, reason, message: cause.message };
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

function explain(target: RedisTarget, reason: string, detail: string): string {
  const where = describeTarget(target);
  const sentinel = 'sentinels' in target ? ', REDIS_SENTINEL_PASSWORD' : '';
  switch (reason) {
    case 'credentials':
      return `${where} refused the credentials (${detail}): check REDIS_USERNAME and REDIS_PASSWORD (or REDIS_PASSWORD_FILE, or the user:password@ of REDIS_URL${sentinel}), and the user's ACL rules`;
    case 'tls':
      return `TLS to ${where} failed (${detail}): check REDIS_TLS (is the server TLS?), REDIS_TLS_CA_FILE (the CA that signed its certificate) and REDIS_TLS_SERVERNAME (the name in its certificate)`;
    default:
      // A TLS client at a plain port waits for a handshake that never comes.
      return `${where} cannot be reached (${detail})${target.tls ? '; TLS is on (REDIS_TLS): does that port speak TLS?' : ''}`;
  }
}

/** A URL's host, port and db as ioredis options (credentials in it come along). */
function parseTargetUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
