import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTlsCertificates,
  startRedisServer,
  type RedisServer,
  type TlsCertificates,
} from '@vip-presence/test-kit';
import { closeAllClients } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';
import {
  APP_RULES,
  expectCountsAcrossNodes,
  expectRefusedAtStart,
} from '../helpers/redis-access.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vp-redis-access-'));
const secretFile = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});

describe('a Redis that asks for a password, with an ACL user', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({
      password: 'default-secret',
      users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
    });
  });
  afterAll(() => redis?.kill());

  it("should count across nodes given the credentials in REDIS_URL, REDIS_USERNAME with REDIS_PASSWORD_FILE, or the default user's REDIS_PASSWORD", async () => {
    const nodes = await Promise.all([
      startServerProcess({ REDIS_URL: `redis://app:app-secret@127.0.0.1:${redis.port}` }),
      startServerProcess({
        REDIS_URL: redis.url,
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD_FILE: secretFile('app-password', 'app-secret\n'),
      }),
      startServerProcess({ REDIS_URL: redis.url, REDIS_PASSWORD: 'default-secret' }),
    ]);
    await expectCountsAcrossNodes(
      nodes.map((node) => node.url),
      1,
    );
    // The ACL user's rules were enough: no NOPERM anywhere.
    for (const node of nodes) expect(node.output()).not.toMatch(/NOPERM|error/i);
  });

  it.each([
    ['a wrong REDIS_PASSWORD', { REDIS_PASSWORD: 'wrong' }, /WRONGPASS/],
    ['a wrong password in REDIS_URL', { REDIS_URL: 'redis://app:wrong@HOST' }, /WRONGPASS/],
    [
      'REDIS_USERNAME of no such user',
      { REDIS_USERNAME: 'nobody', REDIS_PASSWORD: 'x' },
      /WRONGPASS/,
    ],
    ['no password at all', {}, /NOAUTH/],
  ])('should exit 1 with one line naming the variables, given %s', async (_case, env, error) => {
    const url = (env as { REDIS_URL?: string }).REDIS_URL?.replace(
      'HOST',
      `127.0.0.1:${redis.port}`,
    );
    await expectRefusedAtStart(
      { REDIS_URL: redis.url, ...env, ...(url ? { REDIS_URL: url } : {}) },
      new RegExp(
        `^vip-presence-server: cannot use Redis: redis://127\\.0\\.0\\.1:${redis.port} refused the credentials \\(${error.source}.*\\): check REDIS_USERNAME and REDIS_PASSWORD`,
      ),
    );
  });
});

describe('a Redis over TLS', () => {
  let certificates: TlsCertificates;
  let otherCa: TlsCertificates;
  let redis: RedisServer;
  beforeAll(async () => {
    certificates = await makeTlsCertificates({ dir: path.join(dir, 'tls') });
    otherCa = await makeTlsCertificates({ dir: path.join(dir, 'other-ca') });
    redis = await startRedisServer({ tls: certificates, password: 'tls-secret' });
  });
  afterAll(() => redis?.kill());

  it('should count across nodes on rediss:// and on redis:// with REDIS_TLS=true, trusting REDIS_TLS_CA_FILE', async () => {
    const access = { REDIS_PASSWORD: 'tls-secret', REDIS_TLS_CA_FILE: certificates.caFile };
    const nodes = await Promise.all([
      startServerProcess({ REDIS_URL: redis.url, ...access }),
      startServerProcess({
        REDIS_URL: `redis://localhost:${redis.port}`,
        REDIS_TLS: 'true',
        ...access,
      }),
    ]);
    await expectCountsAcrossNodes(
      nodes.map((node) => node.url),
      2,
    );
  });

  it('should verify the certificate against REDIS_TLS_SERVERNAME when the host is not its name', async () => {
    // A certificate for redis.internal only, reached at 127.0.0.1.
    const named = await makeTlsCertificates({
      dir: path.join(dir, 'named'),
      names: ['DNS:redis.internal'],
    });
    const other = await startRedisServer({ tls: named });
    try {
      const env = { REDIS_URL: other.url, REDIS_TLS_CA_FILE: named.caFile };
      const node = await startServerProcess({ ...env, REDIS_TLS_SERVERNAME: 'redis.internal' });
      await expectCountsAcrossNodes([node.url], 3);
      await expectRefusedAtStart(
        env,
        /^vip-presence-server: cannot use Redis: TLS to rediss:\/\/127\.0\.0\.1:\d+ failed \(.*127\.0\.0\.1.*\): check REDIS_TLS .*REDIS_TLS_SERVERNAME/,
      );
    } finally {
      await other.kill();
    }
  });

  it('should exit 1 with one line naming REDIS_TLS_CA_FILE when another CA signed the certificate', async () => {
    await expectRefusedAtStart(
      { REDIS_URL: redis.url, REDIS_PASSWORD: 'tls-secret', REDIS_TLS_CA_FILE: otherCa.caFile },
      /^vip-presence-server: cannot use Redis: TLS to rediss:\/\/127\.0\.0\.1:\d+ failed \(.*certificate.*\): check .*REDIS_TLS_CA_FILE/,
    );
  });
});
