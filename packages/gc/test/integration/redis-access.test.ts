import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTlsCertificates,
  startRedisServer,
  type RedisServer,
  type TlsCertificates,
} from '@vip-presence/test-kit';
import {
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  RedisStore,
  type PostCount,
  type RedisTarget,
} from '@vip-presence/store';
import {
  killAllProcesses,
  runToExit,
  startProcess,
} from '../../../server/test/helpers/processes.js';
import { APP_RULES } from '../../../server/test/helpers/redis-access.js';

const GC_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

let certificates: TlsCertificates;
let redis: RedisServer;
let target: RedisTarget;
let env: Record<string, string>;

beforeAll(async () => {
  certificates = await makeTlsCertificates();
  redis = await startRedisServer({
    tls: certificates,
    password: 'admin-secret',
    users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
  });
  const passwordFile = path.join(mkdtempSync(path.join(certificates.dir, 'secrets-')), 'pw');
  writeFileSync(passwordFile, 'app-secret\n');
  target = {
    url: redis.url,
    username: 'app',
    password: 'app-secret',
    tls: { ca: certificates.ca },
  };
  env = {
    REDIS_URL: redis.url,
    REDIS_TLS_CA_FILE: certificates.caFile,
    REDIS_USERNAME: 'app',
    REDIS_PASSWORD_FILE: passwordFile,
  };
});
afterAll(async () => {
  await redis?.kill();
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
});
afterEach(() => killAllProcesses());

describe('the vip-presence-gc executable on a Redis over TLS with an ACL user', () => {
  it('should sweep an expired lease and announce the leave', async () => {
    const client = createStoreConnection(target);
    await client.connect();
    const subscriber = createPubSubConnection(target);
    try {
      // A lease that expires at once, as a node that then died would have left it.
      await new RedisStore(client, { viewWindowMs: 0 }).join(7, 'gone', 'dead', 1);
      let heard!: (count: PostCount) => void;
      const announced = new Promise<PostCount>((resolve) => (heard = resolve));
      await new CountsSubscriber({ subscriber, mode: 'classic', onCount: heard }).follow(7);
      const gc = await startProcess(
        GC_CLI,
        { ...env, GC_INTERVAL_MS: '150', GC_PORT: '0', LOG_LEVEL: 'info' },
        /"msg":"sweeping"/,
      );
      expect(await announced).toMatchObject({ postId: 7, count: 0 });
      expect(await gc.stop()).toBe(0);
      expect(gc.output()).not.toMatch(/NOPERM|"level":50/);
    } finally {
      client.disconnect();
      subscriber.disconnect();
    }
  });

  it.each([
    [
      'a wrong password',
      { REDIS_PASSWORD: 'wrong', REDIS_PASSWORD_FILE: '' },
      /refused the credentials \(WRONGPASS.*\): check REDIS_USERNAME and REDIS_PASSWORD/,
    ],
    [
      'no CA for the certificate',
      { REDIS_TLS_CA_FILE: '' },
      /TLS to rediss:\/\/127\.0\.0\.1:\d+ failed \(.*certificate.*\): check .*REDIS_TLS_CA_FILE/,
    ],
  ])('should exit 1 with one line given %s', async (_case, change, message) => {
    const { code, output } = await runToExit(GC_CLI, { ...env, ...change });
    expect({ code, output }).toEqual({ code: 1, output: expect.stringMatching(/^[^\n]+\n$/) });
    expect(output).toMatch(/^vip-presence-gc: cannot use Redis: /);
    expect(output).toMatch(message);
  });
});
