#!/usr/bin/env node
/*
 * The `vip-presence-gc` executable: `--help` and `--version`, else configuration from the
 * environment, then sweep.
 */
import { pino } from 'pino';
import {
  createStoreConnection,
  handleCommandLine,
  isConfigError,
  probeRedis,
} from '@vip-presence/store';
import { readGcConfig, STOP_GRACE_MS } from './config.js';
import { SweepHealth } from './health.js';
import { createGcHttpServer } from './http-server.js';
import { createGcMetrics } from './metrics.js';
import { createSweeper } from './sweeper.js';

await handleCommandLine('vip-presence-gc', new URL('../', import.meta.url));

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
const health = new SweepHealth({ unhealthyAfterMs: config.unhealthyAfterMs });
const metrics = createGcMetrics(health);
const sweeper = createSweeper({
  redis,
  intervalMs: config.intervalMs,
  ...(config.pubSubMode ? { pubSubMode: config.pubSubMode } : {}),
  keyPrefix: config.keyPrefix,
  viewWindowMs: config.viewWindowMs,
  onSweep(report) {
    if (report.ok) health.swept();
    metrics.record(report);
  },
  logger: log,
});

// /healthz and /metrics. A port that cannot be had ends the gc: a gc nobody can watch is the
// outage this listener is there to reveal.
const http = createGcHttpServer(health, metrics);
await new Promise<void>((resolve) => {
  const refused = (error: NodeJS.ErrnoException) => {
    process.stderr.write(
      `vip-presence-gc: cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}): check GC_PORT and GC_HOST\n`,
    );
    process.exit(1);
  };
  http.once('error', refused);
  http.listen(config.port, config.host, () => {
    http.off('error', refused);
    resolve();
  });
});
http.on('error', (error) => log.error({ err: error }, 'HTTP listener failed'));
const bound = http.address();
const port = typeof bound === 'object' && bound ? bound.port : config.port;
const host = config.host.includes(':') ? `[${config.host}]` : config.host;
// Where to reach it: scripts wait for this line, so it shows at every level but silent.
const start = config.logLevel === 'silent' ? log : log.child({}, { level: 'info' });
start.info({ url: `http://${host}:${port}` }, 'listening');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  // A sweep stuck on a Redis that stopped answering must not keep the gc from exiting.
  setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
  http.close();
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
  {
    unhealthyAfterMs: config.unhealthyAfterMs,
    viewWindowMs: config.viewWindowMs,
    intervalMs: config.intervalMs,
    keyPrefix: config.keyPrefix,
  },
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
