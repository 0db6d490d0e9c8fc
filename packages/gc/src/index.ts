export { createSweeper, type Sweeper, type SweeperOptions } from './sweeper.js';
export { readGcConfig, type GcConfig } from './config.js';
