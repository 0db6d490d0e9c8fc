export {
  createSweeper,
  type Sweeper,
  type SweepReport,
  type SweptCount,
  type SweeperOptions,
} from './sweeper.js';
export {
  readGcConfig,
  defaultUnhealthyAfterMs,
  GC_DEFAULTS,
  GC_VARIABLES,
  STOP_GRACE_MS,
  type GcConfig,
} from './config.js';
export { SweepHealth, type HealthStatus, type SweepHealthOptions } from './health.js';
export { createGcMetrics, type GcMetrics } from './metrics.js';
export { createGcHttpServer } from './http-server.js';
