/*
 * Starts what the end-to-end tests talk to, and returns the teardown that stops it all:
 *   - a throwaway redis-server (127.0.0.1, free port, no persistence) and vip-presence-gc, unless
 *     E2E_STORE=memory (the server's embedded store);
 *   - vip-presence-server on 127.0.0.1 with a per-run secret and the WordPress origin allowed;
 *   - WordPress (wp-env, Playground runtime, instance "e2e", fresh site) with the plugin configured
 *     with that server URL and secret.
 * Tests read the addresses from the environment: E2E_WP_URL, E2E_SERVER_URL, E2E_PRESENCE_SECRET,
 * E2E_REDIS_URL, E2E_STORE. Logs go to .cache/logs/e2e/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, ServiceGroup, run } from '../scripts/lib/processes.mjs';
import { runSecret } from '../scripts/lib/secret.mjs';
import { SERVER_CLI, startGc, startPresenceServer, startRedis } from '../scripts/lib/services.mjs';
import { startWordPress } from '../scripts/wp-env.mjs';

const log = (line: string) => console.error(`[e2e setup] ${line}`);

export default async function globalSetup(): Promise<() => Promise<void>> {
  const store = process.env.E2E_STORE ?? 'redis';
  if (store !== 'redis' && store !== 'memory')
    throw new Error(`E2E_STORE must be redis or memory, got "${store}"`);
  const wpPort = Number(process.env.E2E_WP_PORT);
  const serverPort = Number(process.env.E2E_SERVER_PORT);
  const wpUrl = `http://localhost:${wpPort}`;

  const logDir = path.join(CACHE_DIR, 'logs', 'e2e');
  const group = new ServiceGroup({ logDir, stateFile: path.join(logDir, 'stack.json'), log });
  const teardown = async () => {
    const started = Date.now();
    await group.stopAll();
    log(`stopped everything in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };

  try {
    await group.reapStale();
    if (!process.env.E2E_SKIP_BUILD) {
      log('building (npm run build; E2E_SKIP_BUILD=1 skips)');
      await run('npm', ['run', 'build', '--', '--output-logs=errors-only'], { timeoutMs: 900_000 });
    }

    const secret = runSecret();
    process.env.E2E_STORE = store;
    process.env.E2E_PRESENCE_SECRET = secret;

    let redisUrl: string | undefined;
    if (store === 'redis') {
      const redis = await startRedis(group, { dir: path.join(CACHE_DIR, 'e2e', 'redis') });
      redisUrl = redis.url;
      process.env.E2E_REDIS_URL = redisUrl;
    }

    const serverUrl = `http://127.0.0.1:${serverPort}`;
    if (existsSync(SERVER_CLI)) {
      await startPresenceServer(group, {
        port: serverPort,
        host: '127.0.0.1',
        redisUrl,
        secret,
        allowedOrigins: [wpUrl],
        env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      });
      if (redisUrl)
        await startGc(group, { redisUrl, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
      process.env.E2E_SERVER_URL = serverUrl;
      log(
        `presence server at ${serverUrl} (${store} store${redisUrl ? `, ${redisUrl} + gc` : ''})`,
      );
    } else {
      log(`WARNING: ${SERVER_CLI} is missing; tests that need the presence server will fail`);
    }

    const wordpress = await startWordPress({
      instance: 'e2e',
      port: wpPort,
      config: { VIP_PRESENCE_SERVER_URL: serverUrl, VIP_PRESENCE_SECRET: secret },
      log,
    });
    group.addCleanup(() => wordpress.stop());
    process.env.E2E_WP_URL = wordpress.url;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
