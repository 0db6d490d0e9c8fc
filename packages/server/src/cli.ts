#!/usr/bin/env node
/* The `vip-presence-server` executable: configuration from the environment, then serve. */
import { isConfigError } from '@vip-presence/store';
import { readServerConfig, type ServerConfig } from './config.js';
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
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

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
