export {
  createPresenceServer,
  resolveOptions,
  COUNTS_CHANNEL_EVENT,
  type CountTuple,
  type PresenceServer,
} from './presence-server.js';
export { DEFAULT_OPTIONS, type PresenceServerOptions, type ResolvedOptions } from './options.js';
export { readServerConfig, MIN_SECRET_LENGTH, type ServerConfig } from './config.js';
export { ConfigError, isConfigError } from './errors.js';
export {
  assertLiveness,
  deadNodeBoundMs,
  MIN_TTL_TO_HEARTBEAT_RATIO,
  type LivenessSettings,
} from './liveness.js';
export { createLogger } from './logger.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { RedisStore, type RedisStoreOptions } from './store/redis-store.js';
export type { JoinResult, PostCount, PresenceStore } from './store/types.js';
