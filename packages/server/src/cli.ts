#!/usr/bin/env node
/*
 * The `vip-presence-server` executable: `--help` and `--version`, else configuration from the
 * environment, then serve.
 */
import { handleCommandLine, isConfigError } from '@vip-presence/store';
import { CLOSE_TIMEOUT_SECONDS, readServerConfig, type ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { isListenError } from './listen-error.js';
import { createPresenceServer, type PresenceServer } from './presence-server.js';
import { redisRefusal } from './redis-target.js';

function readConfig(): ServerConfig {
  try {
    return readServerConfig(process.env);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    // One plain line for whoever starts the server; stdout carries only log lines.
    process.stderr.write(`vip-presence-server: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

await handleCommandLine('vip-presence-server', new URL('../', import.meta.url));
const config = readConfig();
const log = createLogger(config.logLevel);

async function main(): Promise<void> {
  // A wrong password or CA: one line and exit 1, not connections that retry forever.
  const refused = await redisRefusal(config.options);
  if (refused) {
    process.stderr.write(`vip-presence-server: cannot use Redis: ${refused}\n`);
    process.exit(1);
  }
  const server = createPresenceServer({ ...config.options, logger: log });
  followSignals(server);

  const { port, host, privatePort, privateHost } = await listen(server);
  // Where to reach the server: scripts wait for this line, so it shows at every level but silent.
  const start = config.logLevel === 'silent' ? log : log.child({}, { level: 'info' });
  start.info(
    {
      url: urlOf(host, port),
      privateUrl: urlOf(privateHost, privatePort),
      store: server.store.kind,
    },
    'listening',
  );
}

/**
 * SIGTERM (what systemd, Docker and Kubernetes send) drains first: `/readyz` turns 503 at once,
 * so load balancers take the node out, while its readers, joins and counts are served as before,
 * for DRAIN_SECONDS; then it closes: no new connections, its viewers leave every count at once,
 * exit 0. SIGINT (Ctrl-C: nobody balancing a terminal) closes at once, and so does a second
 * SIGTERM or a SIGINT during the drain. A close that takes over CLOSE_TIMEOUT_SECONDS exits 1.
 */
function followSignals(server: PresenceServer): void {
  let phase: 'serving' | 'draining' | 'closing' = 'serving';
  let drainTimer: NodeJS.Timeout | undefined;
  const close = (why: { signal: NodeJS.Signals } | { drainedSeconds: number }) => {
    phase = 'closing';
    clearTimeout(drainTimer);
    log.info(why, 'shutting down');
    setTimeout(() => process.exit(1), CLOSE_TIMEOUT_SECONDS * 1_000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'closing') return;
    if (phase === 'serving' && signal === 'SIGTERM' && config.drainSeconds > 0) {
      phase = 'draining';
      log.info({ signal, drainSeconds: config.drainSeconds }, 'draining');
      server.drain();
      drainTimer = setTimeout(
        () => close({ drainedSeconds: config.drainSeconds }),
        config.drainSeconds * 1_000,
      );
      return;
    }
    if (phase === 'draining') log.info({ signal }, 'drain cut short');
    close({ signal });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Listens where the configuration says; an address that cannot be bound: one line, exit 1. */
async function listen(server: PresenceServer) {
  try {
    return await server.listen(config.port, config.host, {
      port: config.privatePort,
      host: config.privateHost,
    });
  } catch (error) {
    if (!isListenError(error)) throw error;
    const variables =
      error.listener === 'public' ? 'PORT and HOST' : 'PRIVATE_PORT and PRIVATE_HOST';
    process.stderr.write(
      `vip-presence-server: cannot listen on ${error.host}:${error.port} (${error.code}): check ${variables}\n`,
    );
    process.exit(1);
  }
}

/** The URL of a server bound to `host` (an address); a wildcard one is reached on localhost. */
function urlOf(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'failed to start');
  process.exit(1);
});
