import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readRedisConfig, REDIS_CONFIG_VARIABLES } from '../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vp-redis-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const URL_ = { REDIS_URL: 'redis://cache.example:6379' };
const SENTINELS = {
  REDIS_SENTINELS: 's1.example:26379,s2.example:26380',
  REDIS_SENTINEL_MASTER: 'main',
};

/** The variable a refused environment is refused for. */
function refusal(env: Record<string, string>): string {
  try {
    readRedisConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('readRedisConfig', () => {
  it('should list every variable it reads', () => {
    expect(REDIS_CONFIG_VARIABLES).toEqual([
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
    ]);
  });

  it('should leave credentials in REDIS_URL to the URL, and TLS on for rediss://', () => {
    expect(readRedisConfig({ REDIS_URL: 'redis://app:s%40cret@cache.example:6379/1' })).toEqual({
      target: { url: 'redis://app:s%40cret@cache.example:6379/1' },
      keyPrefix: 'vp',
    });
    expect(readRedisConfig({ REDIS_URL: 'rediss://cache.example:6380' }).target).toEqual({
      url: 'rediss://cache.example:6380',
      tls: {},
    });
  });

  it('should give one Redis, a Cluster and the master behind Sentinel the same credentials and TLS', () => {
    const access = {
      REDIS_USERNAME: 'app',
      REDIS_PASSWORD: ' with spaces ',
      REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: file('ca.pem', PEM),
      REDIS_TLS_SERVERNAME: 'redis.example',
    };
    const expected = {
      username: 'app',
      password: ' with spaces ',
      tls: { ca: PEM.trimEnd(), servername: 'redis.example' },
    };
    expect(readRedisConfig({ ...URL_, ...access }).target).toEqual({ ...URL_TARGET, ...expected });
    expect(
      readRedisConfig({ REDIS_CLUSTER_NODES: 'a.example:7000, b.example:7001', ...access }).target,
    ).toEqual({ nodes: ['a.example:7000', 'b.example:7001'], ...expected });
    expect(
      readRedisConfig({ ...SENTINELS, REDIS_SENTINEL_PASSWORD: 'sentinel-pw', ...access }).target,
    ).toEqual({
      sentinels: ['s1.example:26379', 's2.example:26380'],
      masterName: 'main',
      sentinelPassword: 'sentinel-pw',
      ...expected,
    });
  });

  it('should read the password from REDIS_PASSWORD_FILE, without its trailing newline', () => {
    const target = readRedisConfig({
      ...URL_,
      REDIS_PASSWORD_FILE: file('password', 'from a file\r\n'),
    }).target;
    expect(target).toEqual({ ...URL_TARGET, password: 'from a file' });
  });

  it.each([
    [{ REDIS_URL: 'cache.example:6379' }, 'REDIS_URL: must be a redis:// or rediss:// URL'],
    [{ REDIS_URL: 'redis://' }, 'REDIS_URL: must be a redis://'],
    [{ REDIS_CLUSTER_NODES: 'a.example' }, 'REDIS_CLUSTER_NODES: "a.example" must be host:port'],
    [{ REDIS_CLUSTER_NODES: 'a.example:0' }, 'REDIS_CLUSTER_NODES: "a.example:0" must be'],
    [{ ...URL_, REDIS_CLUSTER_NODES: 'a.example:7000' }, 'REDIS_CLUSTER_NODES: set either'],
    [{ ...URL_, ...SENTINELS }, 'REDIS_SENTINELS: set either'],
    [{ REDIS_SENTINELS: 's1.example' }, 'REDIS_SENTINELS: "s1.example" must be host:port'],
    [{ REDIS_SENTINELS: 's1.example:26379' }, 'REDIS_SENTINEL_MASTER: is required'],
    [{ ...SENTINELS, REDIS_SENTINEL_MASTER: 'two words' }, 'REDIS_SENTINEL_MASTER: must be a name'],
    [
      { ...URL_, REDIS_SENTINEL_MASTER: 'main' },
      'REDIS_SENTINEL_MASTER: is set but REDIS_SENTINELS',
    ],
    [
      { ...URL_, REDIS_SENTINEL_PASSWORD: 'pw' },
      'REDIS_SENTINEL_PASSWORD: is set but REDIS_SENTINELS',
    ],
    [{ REDIS_PASSWORD: 'pw' }, 'REDIS_PASSWORD: is set but no Redis is'],
    [{ REDIS_TLS: 'true' }, 'REDIS_TLS: is set but no Redis is'],
    [{ ...URL_, REDIS_USERNAME: 'app' }, 'REDIS_USERNAME: needs REDIS_PASSWORD'],
    [{ ...URL_, REDIS_USERNAME: 'an app', REDIS_PASSWORD: 'pw' }, 'REDIS_USERNAME: must be'],
    [
      { REDIS_URL: 'redis://:pw@cache.example:6379', REDIS_PASSWORD: 'pw' },
      'REDIS_PASSWORD: REDIS_URL already holds credentials',
    ],
    [
      {
        REDIS_URL: 'redis://app:pw@cache.example:6379',
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: 'pw',
      },
      'REDIS_USERNAME: REDIS_URL already holds credentials',
    ],
    [
      { ...URL_, REDIS_PASSWORD: 'pw', REDIS_PASSWORD_FILE: file('pw2', 'pw') },
      'REDIS_PASSWORD_FILE: set either REDIS_PASSWORD or REDIS_PASSWORD_FILE',
    ],
    [
      { ...URL_, REDIS_PASSWORD_FILE: path.join(dir, 'missing') },
      `REDIS_PASSWORD_FILE: cannot read "${path.join(dir, 'missing')}" (ENOENT)`,
    ],
    [{ ...URL_, REDIS_PASSWORD_FILE: file('empty', '\n') }, 'REDIS_PASSWORD_FILE: "'],
    [{ ...URL_, REDIS_TLS: 'yes' }, 'REDIS_TLS: must be true or false, got "yes"'],
    [{ REDIS_URL: 'rediss://cache.example', REDIS_TLS: 'false' }, 'REDIS_TLS: is false but'],
    [{ ...URL_, REDIS_TLS_CA_FILE: file('ca2.pem', PEM) }, 'REDIS_TLS_CA_FILE: needs TLS'],
    [
      { ...URL_, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: file('not.pem', 'hello') },
      'REDIS_TLS_CA_FILE: "',
    ],
    [{ ...URL_, REDIS_TLS: '1', REDIS_TLS_CA_FILE: dir }, 'REDIS_TLS_CA_FILE: cannot read'],
    [{ ...URL_, REDIS_TLS_SERVERNAME: 'redis.example' }, 'REDIS_TLS_SERVERNAME: needs TLS'],
    [
      { REDIS_URL: 'rediss://10.0.0.1', REDIS_TLS_SERVERNAME: 'https://x' },
      'REDIS_TLS_SERVERNAME: must be a DNS name',
    ],
  ])('should refuse %j naming the variable', (env, message) => {
    expect(refusal(env)).toContain(message);
  });
});

const URL_TARGET = { url: URL_.REDIS_URL };
