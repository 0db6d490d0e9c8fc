// Starting the presence services (redis-server, vip-presence-server, vip-presence-gc) for the local
// stack and the e2e suite. Each function spawns through a ServiceGroup, which stops them all.
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT, fetchWithTimeout, freePort, isAlive, sleep, waitFor } from './processes.mjs';

export const SERVER_CLI = path.join(ROOT, 'packages/server/dist/cli.js');
export const GC_CLI = path.join(ROOT, 'packages/gc/dist/cli.js');

/** Sends PING to a Redis server; resolves true on +PONG. */
export function redisPing(port, host = '127.0.0.1', timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let answer = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * Starts a throwaway redis-server on 127.0.0.1 (free port unless given), no persistence.
 * @param {import('./processes.mjs').ServiceGroup} group
 * @param {{ port?: number, dir: string, name?: string }} options
 * @returns {Promise<{ port: number, url: string, pid: number }>}
 */
export async function startRedis(group, { port, dir, name = 'redis' }) {
  const redisServer =
    ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ??
    'redis-server';
  const redisPort = port ?? (await freePort());
  mkdirSync(dir, { recursive: true });
  const service = group.spawn(
    name,
    redisServer,
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    // redis-server rewrites its process title to "redis-server 127.0.0.1:<port>".
    { match: `127.0.0.1:${redisPort}` },
  );
  await waitFor(
    async () => {
      if (!isAlive(service.pid)) throw new Error(`redis-server exited:\n${group.tail(name)}`);
      return redisPing(redisPort);
    },
    { timeoutMs: 15_000, what: `redis-server on port ${redisPort}` },
  );
  return { port: redisPort, url: `redis://127.0.0.1:${redisPort}`, pid: service.pid };
}

/**
 * Starts `vip-presence-server` (packages/server/dist/cli.js) and waits for /healthz.
 * @param {import('./processes.mjs').ServiceGroup} group
 * @param {{ port: number, host?: string, redisUrl?: string, secret?: string, allowedOrigins?: string[],
 *   env?: Record<string, string>, name?: string, timeoutMs?: number }} options
 * @returns {Promise<{ url: string, port: number, pid: number }>}
 */
export async function startPresenceServer(
  group,
  { port, host, redisUrl, secret, allowedOrigins, env = {}, name = 'server', timeoutMs = 30_000 },
) {
  if (!existsSync(SERVER_CLI)) {
    throw new Error(
      `${path.relative(ROOT, SERVER_CLI)} is missing: build it first (npm run build)`,
    );
  }
  const childEnv = { ...process.env, ...env, PORT: String(port) };
  for (const key of ['HOST', 'REDIS_URL', 'PRESENCE_SECRET', 'ALLOWED_ORIGINS'])
    delete childEnv[key];
  if (host) childEnv.HOST = host;
  if (redisUrl) childEnv.REDIS_URL = redisUrl;
  if (secret) childEnv.PRESENCE_SECRET = secret;
  if (allowedOrigins?.length) childEnv.ALLOWED_ORIGINS = allowedOrigins.join(',');
  const service = group.spawn(name, process.execPath, [SERVER_CLI], { env: childEnv });
  const base = `http://${host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1'}:${port}`;
  await waitFor(
    async () => {
      if (!isAlive(service.pid))
        throw new Error(`vip-presence-server exited:\n${group.tail(name)}`);
      const response = await fetchWithTimeout(`${base}/healthz`, {}, 2_000);
      return response.ok;
    },
    { timeoutMs, what: `vip-presence-server /healthz on port ${port}` },
  );
  return { url: base, port, pid: service.pid };
}

/**
 * Starts `vip-presence-gc` (packages/gc/dist/cli.js) against `redisUrl`; it has no HTTP endpoint,
 * so "started" means still running after a short while.
 * @param {import('./processes.mjs').ServiceGroup} group
 * @param {{ redisUrl: string, env?: Record<string, string>, name?: string }} options
 */
export async function startGc(group, { redisUrl, env = {}, name = 'gc' }) {
  if (!existsSync(GC_CLI)) {
    throw new Error(`${path.relative(ROOT, GC_CLI)} is missing: build it first (npm run build)`);
  }
  const service = group.spawn(name, process.execPath, [GC_CLI], {
    env: { ...process.env, ...env, REDIS_URL: redisUrl },
  });
  await sleep(1_000);
  if (!isAlive(service.pid)) throw new Error(`vip-presence-gc exited:\n${group.tail(name)}`);
  return { pid: service.pid };
}
