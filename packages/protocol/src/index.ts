export { Events, CLIENT_EVENTS, PROTOCOL_VERSION, type EventName } from './events.js';
export {
  ErrorCodes,
  isErrorCode,
  protocolError,
  type ErrorCode,
  type ProtocolError,
} from './error-codes.js';
export { MAX_POST_ID, MAX_TOKEN_LENGTH, SITE_KEY_PATTERN, VISITOR_ID_PATTERN } from './limits.js';
export {
  isPostId,
  isSiteKey,
  isVisitorId,
  parseHandshakeAuth,
  parseJoin,
  parseLeave,
  parseWatch,
  type CountPayload,
  type HandshakeAuth,
  type JoinAck,
  type JoinPayload,
  type LeavePayload,
  type Parsed,
  type SimpleAck,
  type WatchAck,
  type WatchPayload,
} from './payloads.js';
