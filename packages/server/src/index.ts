export {
  createPresenceServer,
  type ListenAddress,
  type PresenceServer,
} from './presence-server.js';
export { isListenError, ListenError } from './listen-error.js';
export type { Listener } from './http-api.js';
export {
  DEFAULT_OPTIONS,
  resolveOptions,
  type PresenceServerOptions,
  type ResolvedOptions,
} from './options.js';
export {
  readServerConfig,
  CLOSE_TIMEOUT_SECONDS,
  DEFAULT_DRAIN_SECONDS,
  DEFAULT_PRIVATE_PORT,
  MIN_SECRET_LENGTH,
  SERVER_VARIABLES,
  type ServerConfig,
} from './config.js';
export { ConfigError, isConfigError } from '@vip-presence/store';
export {
  assertLiveness,
  deadNodeBoundMs,
  MIN_TTL_TO_HEARTBEAT_RATIO,
  type LivenessSettings,
} from './liveness.js';
export { createLogger } from './logger.js';
export { addressKey, clientAddressReader, type TrustProxy } from './client-address.js';
