/*
 * Starts what the end-to-end tests talk to, and returns the teardown that stops it all:
 *   - a throwaway redis-server (127.0.0.1, free port, no persistence) and vip-presence-gc, unless
 *     E2E_STORE=memory (the server's embedded store);
 *   - vip-presence-server on 127.0.0.1 with a per-run secret and the WordPress origin allowed (its
 *     private port, for /metrics and the read API, on 127.0.0.1 too);
 *   - a second vip-presence-server on the embedded (in-memory) store, for the "embedded-store"
 *     project's smoke spec (with E2E_STORE=memory the first server already is one: no second);
 *   - WordPress (wp-env, Playground runtime, instance "e2e", fresh site, core E2E_WP_CORE: see
 *     playwright.config.ts) with the plugin configured
 *     with that server URL, its private URL for the read API (VIP_PRESENCE_API_URL) and secret
 *     (and the helper plugin told the embedded server's URL);
 *     with E2E_WP_MULTISITE=1, instance "e2e-multisite": a subdirectory network (scripts/wp-env.mjs)
 *     whose main site is E2E_WP_URL and whose second site "site-b" is E2E_WP_SITE_B_URL, the
 *     plugins network-activated, both sites on the one presence server;
 *   - a control API in this (the runner) process through which tests stop the presence server and
 *     start it again on the same port, with the same Redis (support/stack-control.ts).
 * Tests read the addresses from the environment: E2E_WP_URL, E2E_SERVER_URL,
 * E2E_EMBEDDED_SERVER_URL (and the private ones, E2E_SERVER_PRIVATE_URL and
 * E2E_EMBEDDED_SERVER_PRIVATE_URL), E2E_PRESENCE_SECRET, E2E_REDIS_URL, E2E_STORE, E2E_CONTROL_URL
 * (and E2E_WP_SITE_B_URL on a network).
 * Logs go to .cache/logs/e2e/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startRedisServer } from '@vip-presence/test-kit';
import { CACHE_DIR, ServiceGroup, run } from '../scripts/lib/processes.mjs';
import { runSecret } from '../scripts/lib/secret.mjs';
import { SERVER_CLI, startGc, startPresenceServer } from '../scripts/lib/services.mjs';
import { startWordPress } from '../scripts/wp-env.mjs';
import { RestartablePresenceServer, startControlServer } from './support/stack-control.js';

/** The main presence server's SERIES_BUCKET_MS: see where it starts. */
const SERIES_BUCKET_MS = 10_000;

const log = (line: string) => console.error(`[e2e setup] ${line}`);

export default async function globalSetup(): Promise<() => Promise<void>> {
  const store = process.env.E2E_STORE ?? 'redis';
  if (store !== 'redis' && store !== 'memory')
    throw new Error(`E2E_STORE must be redis or memory, got "${store}"`);
  const wpPort = Number(process.env.E2E_WP_PORT);
  const serverPort = Number(process.env.E2E_SERVER_PORT);
  const embeddedServerPort = Number(process.env.E2E_EMBEDDED_SERVER_PORT);
  const serverPrivatePort = Number(process.env.E2E_SERVER_PRIVATE_PORT);
  const embeddedServerPrivatePort = Number(process.env.E2E_EMBEDDED_SERVER_PRIVATE_PORT);
  const wpUrl = `http://localhost:${wpPort}`;
  const multisite = process.env.E2E_WP_MULTISITE === '1';

  const logDir = path.join(CACHE_DIR, 'logs', 'e2e');
  const group = new ServiceGroup({ logDir, stateFile: path.join(logDir, 'stack.json'), log });
  let closeControl: (() => Promise<void>) | undefined;
  const teardown = async () => {
    const started = Date.now();
    await closeControl?.();
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
      const redis = await startRedisServer({
        dir: path.join(CACHE_DIR, 'e2e', 'redis'),
        logFile: path.join(logDir, 'redis.log'),
        detached: true,
      });
      // redis-server rewrites its process title to "redis-server 127.0.0.1:<port>".
      group.adopt('redis', redis.process, { match: `127.0.0.1:${redis.port}` });
      redisUrl = redis.url;
      process.env.E2E_REDIS_URL = redisUrl;
    }

    const serverUrl = `http://127.0.0.1:${serverPort}`;
    const serverPrivateUrl = `http://127.0.0.1:${serverPrivatePort}`;
    let embeddedServerUrl = serverUrl;
    let embeddedServerPrivateUrl = serverPrivateUrl;
    if (existsSync(SERVER_CLI)) {
      const serverEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
      // Readers over time in 10 s buckets (the least the default 5 s heartbeat allows) instead of
      // minutes, so the post editor's chart (readers-chart.spec.ts) has finished buckets to draw
      // within seconds; the route's 1,440 buckets then span 4 hours.
      process.env.E2E_SERIES_BUCKET_MS = String(SERIES_BUCKET_MS);
      const server = new RestartablePresenceServer(group, {
        port: serverPort,
        privatePort: serverPrivatePort,
        host: '127.0.0.1',
        redisUrl,
        secret,
        allowedOrigins: [wpUrl],
        env: { ...serverEnv, SERIES_BUCKET_MS: String(SERIES_BUCKET_MS) },
      });
      await server.start();
      if (redisUrl) {
        await startGc(group, { redisUrl, env: serverEnv });
        const embedded = await startPresenceServer(group, {
          name: 'server-embedded',
          port: embeddedServerPort,
          privatePort: embeddedServerPrivatePort,
          host: '127.0.0.1',
          secret,
          allowedOrigins: [wpUrl],
          env: serverEnv,
        });
        embeddedServerUrl = embedded.url;
        embeddedServerPrivateUrl = embedded.privateUrl;
      }
      process.env.E2E_SERVER_URL = serverUrl;
      process.env.E2E_EMBEDDED_SERVER_URL = embeddedServerUrl;
      process.env.E2E_SERVER_PRIVATE_URL = serverPrivateUrl;
      process.env.E2E_EMBEDDED_SERVER_PRIVATE_URL = embeddedServerPrivateUrl;
      log(
        `presence server at ${serverUrl} (${store} store${redisUrl ? `, ${redisUrl} + gc` : ''})` +
          (redisUrl ? `; embedded-store server at ${embeddedServerUrl}` : ''),
      );
      const control = await startControlServer(
        {
          'presence-server/stop': () => server.stop(),
          'presence-server/start': () => server.start(),
        },
        log,
      );
      closeControl = control.close;
    } else {
      log(`WARNING: ${SERVER_CLI} is missing; tests that need the presence server will fail`);
    }

    const wordpress = await startWordPress({
      instance: multisite ? 'e2e-multisite' : 'e2e',
      port: wpPort,
      core: process.env.E2E_WP_CORE,
      config: {
        VIP_PRESENCE_SERVER_URL: serverUrl,
        // The read API is on the server's private port, apart from the browsers' URL.
        VIP_PRESENCE_API_URL: serverPrivateUrl,
        VIP_PRESENCE_SECRET: secret,
        // Read by the helper plugin (plugins/vip-presence-e2e-helpers): readers with the cookie
        // vip_presence_e2e_server=embedded connect to this server instead.
        VIP_PRESENCE_E2E_EMBEDDED_SERVER_URL: embeddedServerUrl,
        // No wp-cron.php loopback requests queueing in the one PHP worker while tests run.
        DISABLE_WP_CRON: true,
      },
      multisite,
      sites: multisite ? ['site-b'] : [],
      log,
    });
    group.addCleanup(() => wordpress.stop());
    process.env.E2E_WP_URL = wordpress.url;
    // Which WordPress this run is on; a wrong core must not pass unnoticed (wordpress.spec.ts too).
    const expected = process.env.E2E_WP_EXPECT_VERSION;
    const version = wordpress.wordpressVersion ?? '';
    if (expected && !version.startsWith(expected))
      throw new Error(
        `WordPress ${version} runs, expected ${expected}x (core "${wordpress.core}")`,
      );
    process.env.E2E_WP_VERSION = version;
    // The plugin's site key (read API calls name it); a network's sites have theirs (multisite.ts).
    if (!multisite && typeof wordpress.siteKey === 'string')
      process.env.E2E_WP_SITE_KEY = wordpress.siteKey;
    if (multisite) {
      const siteB = wordpress.sites.find((site) => site.slug === 'site-b');
      if (!siteB) throw new Error('the network has no site-b');
      process.env.E2E_WP_SITE_B_URL = siteB.url;
    }
    log(
      `WordPress ${version} (core "${wordpress.core}")` +
        (multisite ? `, a network: ${wordpress.sites.map((site) => site.url).join(' ')}` : ''),
    );
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
