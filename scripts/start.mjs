#!/usr/bin/env node
// `npm start`: the whole local stack on its embedded defaults, stopped by Ctrl-C.
//
//   1. builds the workspaces (npm run build; skip with --no-build)
//   2. starts the presence server (packages/server/dist/cli.js) on PORT (3000) and PRIVATE_PORT
//      (3001, on 127.0.0.1: /metrics and the read API), embedded store unless REDIS_URL is set, in
//      which case the gc (packages/gc/dist/cli.js) runs too
//   3. starts WordPress with wp-env's Playground runtime on WP_PORT (8888), the plugin active and
//      configured with the server's URLs and this checkout's secret (.cache/presence-secret); offline
//      the core comes from Debian's packages (VIP_PRESENCE_WP_CORE=auto|debian|latest|PATH)
//   4. creates a sample post over REST and prints its URL: open it in two browsers
//
// Environment: PORT, PRIVATE_PORT, HOST, REDIS_URL, ALLOWED_ORIGINS (passed to the server), WP_PORT,
// VIP_PRESENCE_WP_CORE. Logs: .cache/logs/dev/. Ctrl-C (SIGINT) or SIGTERM stops everything it
// started; a run killed with -9 leaves its processes recorded, and the next run stops them first.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CACHE_DIR,
  ROOT,
  ServiceGroup,
  assertPortFree,
  isAlive,
  onTerminationSignals,
  run,
} from './lib/processes.mjs';
import { localSecret } from './lib/secret.mjs';
import { GC_CLI, SERVER_CLI, startGc, startPresenceServer } from './lib/services.mjs';
import { createPost } from './lib/wp-rest.mjs';
import { DEFAULT_DEV_PORT, reapStaleWordPress, startWordPress } from './wp-env.mjs';

const { values } = parseArgs({
  options: {
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('Usage: npm start [-- --no-build]\nSee the comment at the top of scripts/start.mjs.');
  process.exit(0);
}

const log = (line) => console.error(`[start] ${line}`);
const intFromEnv = (name, fallback) => {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return Number(raw);
};

const logDir = path.join(CACHE_DIR, 'logs', 'dev');
const group = new ServiceGroup({ logDir, stateFile: path.join(logDir, 'stack.json'), log });
let shuttingDown = false;
async function shutdown(reason) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping everything`);
  await group.stopAll();
  log('stopped');
}
onTerminationSignals((signal) => shutdown(signal));

async function main() {
  const started = Date.now();
  await group.reapStale();
  await reapStaleWordPress({ instance: 'dev', log });

  const serverPort = intFromEnv('PORT', 3000);
  const privatePort = intFromEnv('PRIVATE_PORT', 3001);
  const wpPort = intFromEnv('WP_PORT', intFromEnv('WP_ENV_PORT', DEFAULT_DEV_PORT));
  const host = process.env.HOST?.trim() || undefined;
  const redisUrl = process.env.REDIS_URL?.trim() || undefined;
  const allowedOrigins = process.env.ALLOWED_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  await assertPortFree(serverPort, 'presence server', 'PORT');
  await assertPortFree(privatePort, "presence server's private port", 'PRIVATE_PORT');
  await assertPortFree(wpPort, 'WordPress', 'WP_PORT');

  if (values.build && !values['no-build']) {
    log('building (npm run build)');
    await run('npm', ['run', 'build'], { timeoutMs: 900_000 });
  }

  const secret = localSecret();
  let server;
  if (existsSync(SERVER_CLI)) {
    log(
      `starting the presence server on port ${serverPort} (${redisUrl ? 'Redis store' : 'embedded store'})`,
    );
    server = await startPresenceServer(group, {
      port: serverPort,
      privatePort,
      host,
      redisUrl,
      secret,
      allowedOrigins,
    });
    if (redisUrl) {
      if (existsSync(GC_CLI)) await startGc(group, { redisUrl });
      else log(`WARNING: ${path.relative(ROOT, GC_CLI)} is missing; running without the gc`);
    }
  } else {
    log(
      `WARNING: ${path.relative(ROOT, SERVER_CLI)} is missing (not built yet?); starting WordPress without the presence server`,
    );
  }

  const serverUrl = `http://localhost:${serverPort}`;
  // WordPress's PHP reads counts from the read API, on the server's private port.
  const apiUrl = `http://127.0.0.1:${privatePort}`;
  log(`starting WordPress on port ${wpPort}`);
  const wordpress = await startWordPress({
    instance: 'dev',
    port: wpPort,
    config: {
      VIP_PRESENCE_SERVER_URL: serverUrl,
      VIP_PRESENCE_API_URL: apiUrl,
      VIP_PRESENCE_SECRET: secret,
    },
    log,
  });
  group.addCleanup(() => wordpress.stop());

  const post = await createPost(wordpress.url, {
    title: 'Who else is reading this?',
    content:
      '<!-- wp:paragraph --><p>Open this post in two browsers (or a normal and a private window): each one sees how many other people are viewing it, live.</p><!-- /wp:paragraph -->',
  });

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `vip-presence local stack is up (${seconds} s):`,
      `  Sample post      ${post.link}`,
      '                   open it in two browsers to see the live count',
      `  WordPress        ${wordpress.url}/  (${wordpress.wordpressVersion}; admin: ${wordpress.url}/wp-admin/, user admin, password password)`,
      server
        ? `  Presence server  ${serverUrl}  (${redisUrl ? `Redis ${redisUrl}${existsSync(GC_CLI) ? ' + gc' : ''}` : 'embedded store'}; health ${serverUrl}/healthz; metrics ${apiUrl}/metrics)`
        : '  Presence server  NOT RUNNING (packages/server is not built)',
      `  Logs             ${path.relative(ROOT, logDir)}/ and ${wordpress.logFile}`,
      '',
      'Press Ctrl-C to stop everything.',
    ].join('\n'),
  );

  // Anything dying on its own takes the stack down, so nothing is left half-running.
  group.onUnexpectedExit = (name, code, signal) => {
    log(
      `${name} exited (${signal ?? `code ${code}`}); its log: ${path.join(logDir, `${name}.log`)}`,
    );
    void shutdown('a service stopped').then(() => process.exit(1));
  };
  const watch = setInterval(() => {
    if (shuttingDown) {
      clearInterval(watch);
    } else if (!isAlive(wordpress.pid)) {
      clearInterval(watch);
      log(`WordPress (pid ${wordpress.pid}) exited; its log: ${wordpress.logFile}`);
      void shutdown('WordPress stopped').then(() => process.exit(1));
    }
  }, 2_000);
}

main().catch(async (error) => {
  log(error instanceof Error ? error.message : String(error));
  await shutdown('start failed');
  process.exit(1);
});
