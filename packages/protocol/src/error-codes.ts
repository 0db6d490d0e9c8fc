/**
 * Stable error codes. They reach clients in acks (`{ ok: false, error: { code, message } }`)
 * or as the `data.code` of a refused connection. Never rename one: clients act on them.
 */
export const ErrorCodes = {
  /** The payload has the wrong shape or types (missing/fractional/negative/huge post id, ...). */
  InvalidPayload: 'invalid_payload',
  /** The payload is larger than the server accepts. */
  PayloadTooLarge: 'payload_too_large',
  /** The event name is not part of the protocol. */
  UnknownEvent: 'unknown_event',
  /** The view token is missing, malformed, of an unknown version, forged, or for another post or site. */
  InvalidToken: 'invalid_token',
  /** The view token was valid but has expired: fetch the page (or a fresh token) again. */
  TokenExpired: 'token_expired',
  /** Too many events from this socket: slow down and retry later. */
  RateLimited: 'rate_limited',
  /** This socket views or watches as many posts as it may. */
  TooManyPosts: 'too_many_posts',
  /** The server cannot reach its store right now: retry later. */
  Unavailable: 'unavailable',
  /** Connection refused: the handshake `auth.visitorId` is missing or malformed. */
  InvalidVisitorId: 'invalid_visitor_id',
  /** Connection refused: the handshake `auth.site` is malformed (1-64 characters of [A-Za-z0-9_-]). */
  InvalidSite: 'invalid_site',
  /** Connection refused: the page's origin is not on the server's allowlist. */
  OriginNotAllowed: 'origin_not_allowed',
  /** This address already has as many visitors on this post as the server allows: retry later. */
  TooManyVisitors: 'too_many_visitors',
  /** Connection refused: too many connections from this address. */
  TooManyConnections: 'too_many_connections',
  /** Something went wrong on the server; the request changed nothing. */
  Internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const ALL_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && ALL_CODES.has(value);
}

/** The error object carried by refused acks and refused connections. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

export function protocolError(code: ErrorCode, message: string): ProtocolError {
  return { code, message };
}
