import { ErrorCodes, type ProtocolError, protocolError } from './error-codes.js';
import { MAX_POST_ID, MAX_TOKEN_LENGTH, SITE_KEY_PATTERN, VISITOR_ID_PATTERN } from './limits.js';

/** `presence:join` payload. */
export interface JoinPayload {
  postId: number;
  /** Signed view token for this post; required when the server has a secret. */
  token?: string;
}

/** `presence:leave` payload. */
export interface LeavePayload {
  postId: number;
}

/** `presence:watch` and `presence:unwatch` payload. */
export interface WatchPayload {
  postIds: number[];
}

/** Handshake `auth` object. */
export interface HandshakeAuth {
  visitorId: string;
  /** The site the socket's posts belong to (DESIGN 20); absent: the default site. */
  site?: string;
}

/** Ack of `presence:join`. `self` is always true on success: the visitor is now counted. */
export type JoinAck =
  | { ok: true; count: number; self: boolean; views: number; seq?: number }
  | { ok: false; error: ProtocolError };

/** Ack of `presence:leave` and `presence:unwatch`. */
export type SimpleAck = { ok: true } | { ok: false; error: ProtocolError };

/** Ack of `presence:watch`: the current counts of the watched posts (keys are post ids). */
export type WatchAck =
  { ok: true; counts: Record<string, number> } | { ok: false; error: ProtocolError };

/**
 * `presence:count`, server to client, coalesced per post.
 * `self` tells whether this socket's visitor is among `count`.
 * `seq` orders updates of one post (higher is newer); clients may ignore older ones.
 */
export interface CountPayload {
  postId: number;
  count: number;
  self: boolean;
  seq?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

function fail(message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: protocolError(ErrorCodes.InvalidPayload, message) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPostId(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_POST_ID
  );
}

export function isVisitorId(value: unknown): value is string {
  return typeof value === 'string' && VISITOR_ID_PATTERN.test(value);
}

/** A site key: 1-64 characters of `[A-Za-z0-9_-]`. */
export function isSiteKey(value: unknown): value is string {
  return typeof value === 'string' && SITE_KEY_PATTERN.test(value);
}

const POST_ID_RULE = 'postId must be a positive integer (a WordPress post id)';

export function parseJoin(payload: unknown): Parsed<JoinPayload> {
  if (!isPlainObject(payload)) return fail('payload must be an object { postId, token? }');
  if (!isPostId(payload.postId)) return fail(POST_ID_RULE);
  const { token } = payload;
  if (token === undefined || token === null) return { ok: true, value: { postId: payload.postId } };
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return fail(`token must be a non-empty string of at most ${MAX_TOKEN_LENGTH} characters`);
  }
  return { ok: true, value: { postId: payload.postId, token } };
}

export function parseLeave(payload: unknown): Parsed<LeavePayload> {
  if (!isPlainObject(payload)) return fail('payload must be an object { postId }');
  if (!isPostId(payload.postId)) return fail(POST_ID_RULE);
  return { ok: true, value: { postId: payload.postId } };
}

/**
 * Parses `{ postIds }` for watch/unwatch. `maxPostIds` bounds the array before any other work,
 * so a payload of thousands of ids is refused without being walked.
 */
export function parseWatch(payload: unknown, maxPostIds: number): Parsed<WatchPayload> {
  if (!isPlainObject(payload)) return fail('payload must be an object { postIds }');
  const { postIds } = payload;
  if (!Array.isArray(postIds)) return fail('postIds must be an array of post ids');
  if (postIds.length === 0) return fail('postIds must not be empty');
  if (postIds.length > maxPostIds) {
    return {
      ok: false,
      error: protocolError(
        ErrorCodes.TooManyPosts,
        `at most ${maxPostIds} post ids per socket (got ${postIds.length})`,
      ),
    };
  }
  if (!postIds.every(isPostId)) return fail('every postId must be a positive integer');
  return { ok: true, value: { postIds: [...new Set(postIds as number[])] } };
}

export function parseHandshakeAuth(auth: unknown): Parsed<HandshakeAuth> {
  if (!isPlainObject(auth) || !isVisitorId(auth.visitorId)) {
    return {
      ok: false,
      error: protocolError(
        ErrorCodes.InvalidVisitorId,
        'auth.visitorId must be 8-64 characters of [A-Za-z0-9_-]',
      ),
    };
  }
  const { site } = auth;
  if (site === undefined || site === null)
    return { ok: true, value: { visitorId: auth.visitorId } };
  if (!isSiteKey(site)) {
    return {
      ok: false,
      error: protocolError(
        ErrorCodes.InvalidSite,
        'auth.site must be 1-64 characters of [A-Za-z0-9_-]',
      ),
    };
  }
  return { ok: true, value: { visitorId: auth.visitorId, site } };
}
