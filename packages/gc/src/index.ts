export { createSweeper, type Sweeper, type SweptCount, type SweeperOptions } from './sweeper.js';
export { readGcConfig, GC_VARIABLES, type GcConfig } from './config.js';
