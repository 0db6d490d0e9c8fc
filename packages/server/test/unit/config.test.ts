import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  readServerConfig,
  resolveOptions,
  type ServerConfig,
} from '../../src/index.js';
import { SERVER_VARIABLES, type ServerVariable } from '../../src/config.js';

/** Files the Redis settings read: a password, a CA bundle (only its form is read here). */
const files = mkdtempSync(path.join(tmpdir(), 'vp-config-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));
const PASSWORD_FILE = path.join(files, 'redis-password');
writeFileSync(PASSWORD_FILE, 'file-secret\n');
const CA_FILE = path.join(files, 'redis-ca.pem');
writeFileSync(CA_FILE, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
/** What a Redis setting needs besides itself: Redis (one, behind Sentinel), TLS. */
const ON_REDIS = { REDIS_URL: 'redis://cache.example:6379' };
const ON_SENTINELS = { REDIS_SENTINELS: 's1.example:26379', REDIS_SENTINEL_MASTER: 'main' };
const ON_TLS = { ...ON_REDIS, REDIS_TLS: 'true' };

/**
 * A valid value of each variable other than its default, the setting it sets, its value, and the
 * other variables it needs.
 */
const VALID: Record<
  ServerVariable,
  [value: string, setting: string, parsed: unknown, needs?: Record<string, string>]
> = {
  PORT: ['8080', 'port', 8080],
  HOST: ['::1', 'host', '::1'],
  PRIVATE_PORT: ['9101', 'privatePort', 9_101],
  PRIVATE_HOST: ['10.0.0.5', 'privateHost', '10.0.0.5'],
  DRAIN_SECONDS: ['65', 'drainSeconds', 65],
  REDIS_URL: ['rediss://cache.example:6380/2', 'redisUrl', 'rediss://cache.example:6380/2'],
  REDIS_CLUSTER_NODES: [
    '10.0.0.1:7000, 10.0.0.2:7000',
    'redisClusterNodes',
    ['10.0.0.1:7000', '10.0.0.2:7000'],
  ],
  REDIS_SENTINELS: [
    's1.example:26379, s2.example:26379',
    'redisSentinels',
    ['s1.example:26379', 's2.example:26379'],
    { REDIS_SENTINEL_MASTER: 'main' },
  ],
  REDIS_SENTINEL_MASTER: [
    'main',
    'redisSentinelMaster',
    'main',
    { REDIS_SENTINELS: 's1.example:26379' },
  ],
  REDIS_SENTINEL_PASSWORD: ['s3cret', 'redisSentinelPassword', 's3cret', ON_SENTINELS],
  REDIS_USERNAME: ['app', 'redisUsername', 'app', { ...ON_REDIS, REDIS_PASSWORD: 'pw' }],
  REDIS_PASSWORD: [' pass word ', 'redisPassword', ' pass word ', ON_REDIS],
  REDIS_PASSWORD_FILE: [PASSWORD_FILE, 'redisPassword', 'file-secret', ON_REDIS],
  REDIS_TLS: ['true', 'redisTls', true, ON_REDIS],
  REDIS_TLS_CA_FILE: [
    CA_FILE,
    'redisTlsCa',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    ON_TLS,
  ],
  REDIS_TLS_SERVERNAME: ['redis.example', 'redisTlsServername', 'redis.example', ON_TLS],
  ADAPTER_MODE: ['sharded', 'adapterMode', 'sharded'],
  KEY_PREFIX: ['site_2', 'keyPrefix', 'site_2'],
  PRESENCE_SECRET: ['s'.repeat(32), 'secret', 's'.repeat(32)],
  READ_API_TOKEN: ['r'.repeat(24), 'readApiToken', 'r'.repeat(24)],
  ALLOWED_ORIGINS: [
    'https://a.example, http://b.example:8080',
    'allowedOrigins',
    ['https://a.example', 'http://b.example:8080'],
  ],
  HEARTBEAT_INTERVAL_MS: ['7000', 'heartbeatIntervalMs', 7_000],
  SESSION_TTL_MS: ['60000', 'sessionTtlMs', 60_000],
  COALESCE_WINDOW_MS: ['100', 'coalesceWindowMs', 100],
  MAX_DELIVERIES_PER_SECOND: ['5000', 'maxDeliveriesPerSecond', 5_000],
  FAN_OUT_CHUNK_SIZE: ['250', 'fanOutChunkSize', 250],
  VIEW_WINDOW_MS: ['600000', 'viewWindowMs', 600_000],
  MAX_POSTS_PER_SOCKET: ['20', 'maxPostsPerSocket', 20],
  EVENTS_PER_SECOND: ['3', 'eventsPerSecond', 3],
  EVENT_BURST: ['6', 'eventBurst', 6],
  MAX_PAYLOAD_BYTES: ['4096', 'maxPayloadBytes', 4_096],
  MAX_CONNECTIONS_PER_IP: ['0', 'maxConnectionsPerIp', 0],
  MAX_VISITORS_PER_IP_AND_POST: ['25', 'maxVisitorsPerIpAndPost', 25],
  PING_INTERVAL_MS: ['25000', 'pingIntervalMs', 25_000],
  PING_TIMEOUT_MS: ['20000', 'pingTimeoutMs', 20_000],
  SWEEP_INTERVAL_MS: ['1000', 'sweepIntervalMs', 1_000],
  SERIES_BUCKET_MS: ['10000', 'seriesBucketMs', 10_000],
  TRUST_PROXY: ['loopback, 10.0.0.0/8', 'trustProxy', ['loopback', '10.0.0.0/8']],
  NODE_ID: ['node-a.1', 'nodeId', 'node-a.1'],
  LOG_LEVEL: ['debug', 'logLevel', 'debug'],
};

/** The settings of the executable's own (the rest are options of createPresenceServer). */
const OWN_SETTINGS = ['port', 'host', 'privatePort', 'privateHost', 'drainSeconds', 'logLevel'];

/** Every setting a configuration ends in: its own and the server's resolved options. */
const settingsOf = (config: ServerConfig): Record<string, unknown> => ({
  ...resolveOptions(config.options),
  port: config.port,
  host: config.host,
  privatePort: config.privatePort,
  privateHost: config.privateHost,
  drainSeconds: config.drainSeconds,
  logLevel: config.logLevel,
});

/** The rows of the README's environment variables table. */
async function documentedVariables(): Promise<{ name: string; option: string; default: string }[]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` /.test(line))
    .map((line) => {
      const [name = '', option = '', byDefault = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      return { name: name.replaceAll('`', ''), option, default: byDefault };
    });
}

describe('configuration from the environment', () => {
  it('should keep series buckets of a minute, or of two heartbeats when they are longer, or none', () => {
    const bucketOf = (env: Record<string, string>) =>
      resolveOptions(readServerConfig(env).options).seriesBucketMs;
    expect(bucketOf({})).toBe(60_000);
    expect(bucketOf({ HEARTBEAT_INTERVAL_MS: '45000', SESSION_TTL_MS: '90000' })).toBe(90_000);
    expect(bucketOf({ SERIES_BUCKET_MS: '0' })).toBe(0);
    expect(bucketOf({ HEARTBEAT_INTERVAL_MS: '250', SERIES_BUCKET_MS: '500' })).toBe(500);
  });

  it('should read several comma-separated secrets, for a rotation', () => {
    const [a, b] = ['a'.repeat(32), 'b'.repeat(32)];
    expect(readServerConfig({ PRESENCE_SECRET: `${a}, ${b}` }).options.secret).toEqual([a, b]);
  });

  it('should default to port 3000, the private listener on 127.0.0.1:3001, a 15 s drain, level info and the embedded store', () => {
    expect(readServerConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      privatePort: 3001,
      privateHost: '127.0.0.1',
      drainSeconds: 15,
      logLevel: 'info',
      options: { keyPrefix: 'vp' },
    });
  });

  it.each(SERVER_VARIABLES.map((variable) => [variable, ...VALID[variable]] as const))(
    'should read %s into %s',
    (variable, value, setting, parsed, needs = {}) => {
      expect(settingsOf(readServerConfig({}))[setting]).not.toEqual(parsed);
      expect(settingsOf(readServerConfig({ ...needs, [variable]: value }))[setting]).toEqual(
        parsed,
      );
    },
  );

  it('should document in its README exactly the variables it reads, with options and defaults', async () => {
    const rows = await documentedVariables();
    expect(rows.map((row) => row.name).sort()).toEqual([...SERVER_VARIABLES].sort());
    const defaults = settingsOf(readServerConfig({}));
    for (const row of rows) {
      const setting = VALID[row.name as ServerVariable][1];
      expect(row.option, row.name).toBe(OWN_SETTINGS.includes(setting) ? '—' : `\`${setting}\``);
      // A default written as one literal is the value the code takes when the variable is unset.
      if (/^`[^`]+`$/.test(row.default)) {
        expect(row.default, row.name).toBe(`\`${String(defaults[setting])}\``);
      }
    }
  });

  it.each([
    ['false', false],
    ['0', 0],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    [
      'loopback,uniquelocal, 2001:db8::/32, 172.16.0.0/255.240.0.0',
      ['loopback', 'uniquelocal', '2001:db8::/32', '172.16.0.0/255.240.0.0'],
    ],
  ])('should read TRUST_PROXY %s', (value, parsed) => {
    expect(readServerConfig({ TRUST_PROXY: value }).options.trustProxy).toEqual(parsed);
  });

  it.each(['localhost', 'presence.internal', '127.0.0.1', '::', 'fe80::1'])(
    'should accept HOST %s',
    (host) => {
      expect(readServerConfig({ HOST: host }).host).toBe(host);
    },
  );

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['HOST', { HOST: 'http://example.com' }],
    ['HOST', { HOST: 'example.com:8080' }],
    ['HOST', { HOST: '[::1]' }],
    ['HOST', { HOST: '999.1.1.1' }],
    ['HOST', { HOST: 'under_score.example' }],
    ['PRIVATE_PORT', { PRIVATE_PORT: '65536' }],
    ['PRIVATE_PORT', { PRIVATE_PORT: '3000' }],
    ['PRIVATE_PORT', { PORT: '8080', PRIVATE_PORT: '8080' }],
    ['PRIVATE_HOST', { PRIVATE_HOST: 'localhost:3001' }],
    ['PRIVATE_HOST', { PRIVATE_HOST: 'http://127.0.0.1' }],
    ['DRAIN_SECONDS', { DRAIN_SECONDS: '3601' }],
    ['DRAIN_SECONDS', { DRAIN_SECONDS: '1.5' }],
    ['DRAIN_SECONDS', { DRAIN_SECONDS: '-1' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'INFO' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: 'sentinel.example' }],
    ['REDIS_SENTINELS', { ...ON_REDIS, ...ON_SENTINELS }],
    ['REDIS_SENTINEL_MASTER', { REDIS_SENTINELS: 's1.example:26379' }],
    ['REDIS_SENTINEL_MASTER', { ...ON_REDIS, REDIS_SENTINEL_MASTER: 'main' }],
    ['REDIS_SENTINEL_PASSWORD', { ...ON_REDIS, REDIS_SENTINEL_PASSWORD: 's3cret' }],
    ['REDIS_USERNAME', { ...ON_REDIS, REDIS_USERNAME: 'app' }],
    [
      'REDIS_USERNAME',
      { REDIS_URL: 'redis://u:p@r:6379', REDIS_USERNAME: 'a', REDIS_PASSWORD: 'b' },
    ],
    ['REDIS_PASSWORD', { REDIS_PASSWORD: 'pw' }],
    ['REDIS_PASSWORD', { REDIS_URL: 'redis://:p@r:6379', REDIS_PASSWORD: 'pw' }],
    ['REDIS_PASSWORD_FILE', { ...ON_REDIS, REDIS_PASSWORD_FILE: '/nonexistent/password' }],
    [
      'REDIS_PASSWORD_FILE',
      { ...ON_REDIS, REDIS_PASSWORD: 'pw', REDIS_PASSWORD_FILE: PASSWORD_FILE },
    ],
    ['REDIS_TLS', { ...ON_REDIS, REDIS_TLS: 'yes' }],
    ['REDIS_TLS', { REDIS_URL: 'rediss://r:6380', REDIS_TLS: 'false' }],
    ['REDIS_TLS_CA_FILE', { ...ON_REDIS, REDIS_TLS_CA_FILE: CA_FILE }],
    ['REDIS_TLS_CA_FILE', { ...ON_TLS, REDIS_TLS_CA_FILE: PASSWORD_FILE }],
    ['REDIS_TLS_SERVERNAME', { ...ON_TLS, REDIS_TLS_SERVERNAME: 'not a name' }],
    ['PRESENCE_SECRET', { PRESENCE_SECRET: 'short' }],
    ['PRESENCE_SECRET', { PRESENCE_SECRET: `${'n'.repeat(32)}, short` }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://a.example/path' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'not a url' }],
    ['SESSION_TTL_MS', { HEARTBEAT_INTERVAL_MS: '5000', SESSION_TTL_MS: '6000' }],
    ['HEARTBEAT_INTERVAL_MS', { HEARTBEAT_INTERVAL_MS: '5' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }],
    ['TRUST_PROXY', { TRUST_PROXY: '33' }],
    ['TRUST_PROXY', { TRUST_PROXY: '-1' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.1,,10.0.0.2' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'proxy.internal' }],
    ['MAX_POSTS_PER_SOCKET', { MAX_POSTS_PER_SOCKET: '-1' }],
    ['NODE_ID', { NODE_ID: 'node one' }],
    // Values that parse but would stop the server working.
    ['PING_INTERVAL_MS', { PING_INTERVAL_MS: '0' }],
    ['PING_TIMEOUT_MS', { PING_TIMEOUT_MS: '10' }],
    ['EVENTS_PER_SECOND', { EVENTS_PER_SECOND: '0' }],
    ['EVENT_BURST', { EVENT_BURST: '0' }],
    ['MAX_PAYLOAD_BYTES', { MAX_PAYLOAD_BYTES: '0' }],
    ['MAX_POSTS_PER_SOCKET', { MAX_POSTS_PER_SOCKET: '0' }],
    ['MAX_DELIVERIES_PER_SECOND', { MAX_DELIVERIES_PER_SECOND: '0' }],
    ['FAN_OUT_CHUNK_SIZE', { FAN_OUT_CHUNK_SIZE: '0' }],
    ['SWEEP_INTERVAL_MS', { SWEEP_INTERVAL_MS: '5' }],
    ['SERIES_BUCKET_MS', { HEARTBEAT_INTERVAL_MS: '5000', SERIES_BUCKET_MS: '9999' }],
    ['SERIES_BUCKET_MS', { SERIES_BUCKET_MS: '3600001' }],
  ])('should name %s when it is invalid', (variable, env) => {
    let error: unknown;
    try {
      readServerConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
  });
});
