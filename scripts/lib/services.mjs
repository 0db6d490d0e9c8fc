// Starting the presence services (vip-presence-server, vip-presence-gc) for the local
// stack and the e2e suite. Each function spawns through a ServiceGroup, which stops them all.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, fetchWithTimeout, isAlive, sleep, waitFor } from './processes.mjs';

export const SERVER_CLI = path.join(ROOT, 'packages/server/dist/cli.js');
export const GC_CLI = path.join(ROOT, 'packages/gc/dist/cli.js');

/**
 * Starts `vip-presence-server` (packages/server/dist/cli.js) and waits for /healthz on both of its
 * ports: `port` (public: Socket.IO and the probes) and `privatePort` (on 127.0.0.1: /metrics and
 * the read API; default PRIVATE_PORT of the environment, else the server's 3001).
 * @param {import('./processes.mjs').ServiceGroup} group
 * @param {{ port: number, privatePort?: number, host?: string, redisUrl?: string, secret?: string,
 *   allowedOrigins?: string[], env?: Record<string, string>, name?: string, timeoutMs?: number }} options
 * @returns {Promise<{ url: string, privateUrl: string, port: number, pid: number }>}
 */
export async function startPresenceServer(
  group,
  {
    port,
    privatePort,
    host,
    redisUrl,
    secret,
    allowedOrigins,
    env = {},
    name = 'server',
    timeoutMs = 30_000,
  },
) {
  if (!existsSync(SERVER_CLI)) {
    throw new Error(
      `${path.relative(ROOT, SERVER_CLI)} is missing: build it first (npm run build)`,
    );
  }
  const childEnv = { ...process.env, ...env, PORT: String(port) };
  for (const key of ['HOST', 'PRIVATE_HOST', 'REDIS_URL', 'PRESENCE_SECRET', 'ALLOWED_ORIGINS'])
    delete childEnv[key];
  if (privatePort !== undefined) childEnv.PRIVATE_PORT = String(privatePort);
  childEnv.PRIVATE_PORT ??= '3001';
  // No balancer in front to drain from: SIGTERM closes at once (unless the environment says).
  childEnv.DRAIN_SECONDS ??= '0';
  if (host) childEnv.HOST = host;
  if (redisUrl) childEnv.REDIS_URL = redisUrl;
  if (secret) childEnv.PRESENCE_SECRET = secret;
  if (allowedOrigins?.length) childEnv.ALLOWED_ORIGINS = allowedOrigins.join(',');
  const service = group.spawn(name, process.execPath, [SERVER_CLI], { env: childEnv });
  const base = `http://${host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1'}:${port}`;
  const privateBase = `http://127.0.0.1:${childEnv.PRIVATE_PORT}`;
  for (const url of [base, privateBase]) {
    await waitFor(
      async () => {
        if (!isAlive(service.pid))
          throw new Error(`vip-presence-server exited:\n${group.tail(name)}`);
        const response = await fetchWithTimeout(`${url}/healthz`, {}, 2_000);
        return response.ok;
      },
      { timeoutMs, what: `vip-presence-server ${url}/healthz` },
    );
  }
  return { url: base, privateUrl: privateBase, port, pid: service.pid };
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
