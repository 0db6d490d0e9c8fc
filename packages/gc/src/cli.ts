#!/usr/bin/env node
/* The `vip-presence-gc` executable: configuration from the environment, then sweep. */
import { pino } from 'pino';
import { createStoreConnection, isConfigError, probeRedis } from '@vip-presence/store';
import { readGcConfig } from './config.js';
import { createSweeper } from './sweeper.js';

let config;
try {
  config = readGcConfig(process.env);
} catch (error) {
  if (!isConfigError(error)) throw error;
  process.stderr.write(`vip-presence-gc: invalid configuration: ${error.message}\n`);
  process.exit(1);
}

// A wrong password or CA: one line and exit 1, not sweeps that fail forever.
const probe = await probeRedis(config.target);
if (!probe.ok && probe.reason !== 'unreachable') {
  process.stderr.write(`vip-presence-gc: cannot use Redis: ${probe.message}\n`);
  process.exit(1);
}

const log = pino({ name: 'vip-presence', level: config.logLevel });
const redis = createStoreConnection(config.target);
redis.on('error', () => undefined); // sweep failures are logged by the sweeper
const sweeper = createSweeper({
  redis,
  intervalMs: config.intervalMs,
  ...(config.pubSubMode ? { pubSubMode: config.pubSubMode } : {}),
  keyPrefix: config.keyPrefix,
  viewWindowMs: config.viewWindowMs,
  logger: log,
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  sweeper
    .stop()
    .then(() => redis.quit().catch(() => redis.disconnect()))
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

log.info(
  { viewWindowMs: config.viewWindowMs, intervalMs: config.intervalMs, keyPrefix: config.keyPrefix },
  'sweeping',
);
// Until Redis answers, sweeps fail (and are logged) and the connection keeps retrying.
redis.connect().then(
  () => sweeper.start(),
  (error: unknown) => {
    log.warn({ err: error }, 'Redis unreachable; retrying');
    sweeper.start();
  },
);
