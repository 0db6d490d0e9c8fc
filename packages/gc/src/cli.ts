#!/usr/bin/env node
/* The `vip-presence-gc` executable: configuration from the environment, then sweep. */
import { Cluster, Redis } from 'ioredis';
import { createLogger, isConfigError } from '@vip-presence/server';
import { readGcConfig } from './config.js';
import { createSweeper } from './sweeper.js';

const log = createLogger();

let config;
try {
  config = readGcConfig(process.env);
} catch (error) {
  if (!isConfigError(error)) throw error;
  process.stderr.write(`vip-presence-gc: invalid configuration: ${error.message}\n`);
  process.exit(1);
}

const redis = config.redisUrl
  ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
  : new Cluster(
      config.clusterNodes.map((node) => ({
        host: node.split(':')[0],
        port: Number(node.split(':')[1]),
      })),
      { redisOptions: { maxRetriesPerRequest: 1 } },
    );
redis.on('error', () => undefined); // sweep failures are logged by the sweeper
const sweeper = createSweeper({
  redis,
  intervalMs: config.intervalMs,
  keyPrefix: config.keyPrefix,
  logger: log,
});
sweeper.start();

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  sweeper
    .stop()
    .then(() => redis.quit())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.stdout.write(`vip-presence-gc sweeping every ${config.intervalMs} ms\n`);
