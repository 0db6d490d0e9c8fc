export { createPresenceClient, type PresenceClient } from './presence-client.js';
export {
  DEFAULT_CLIENT_OPTIONS,
  type PresenceClientOptions,
  type PresenceLogger,
} from './options.js';
export type { PresenceSettings } from './settings.js';
export type {
  ConnectionStatus,
  PresenceCallback,
  PresenceError,
  PresenceState,
  PresenceStatus,
  SubscribeOptions,
  Unsubscribe,
} from './types.js';
export { VERSION } from './version.js';
// The stable error codes, so a theme can compare `state.error.code` with a name.
export { ErrorCodes, type ErrorCode } from '@vip-presence/protocol';
