import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCodes, type ProtocolError, protocolError } from './error-codes.js';
import { isPostId } from './payloads.js';

/**
 * View tokens, format v1 (see README "View tokens" for the byte-level description):
 *
 *   token     = "v1." postId "." expiresAt "." signature
 *   signature = base64url-without-padding( HMAC-SHA256( key = UTF-8(secret),
 *                                                       msg = "vip-presence:v1:" postId ":" expiresAt ) )
 *
 * postId and expiresAt (Unix seconds) are written in decimal without sign or leading zeros.
 */
export const TOKEN_VERSION = 'v1';
const MESSAGE_PREFIX = 'vip-presence:v1:';
const TOKEN_PATTERN = /^v1\.([1-9][0-9]{0,15})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;

export function tokenMessage(postId: number, expiresAt: number): string {
  return `${MESSAGE_PREFIX}${postId}:${expiresAt}`;
}

function sign(secret: string, postId: number, expiresAt: number): string {
  return createHmac('sha256', secret).update(tokenMessage(postId, expiresAt)).digest('base64url');
}

/** Signs a view token for one post. `expiresAt` is in Unix seconds. */
export function signViewToken(secret: string, postId: number, expiresAt: number): string {
  if (secret.length === 0) throw new TypeError('secret must not be empty');
  if (!isPostId(postId)) throw new TypeError('postId must be a positive integer');
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 1) {
    throw new TypeError('expiresAt must be a positive integer of Unix seconds');
  }
  return `${TOKEN_VERSION}.${postId}.${expiresAt}.${sign(secret, postId, expiresAt)}`;
}

export type TokenCheck = { ok: true; expiresAt: number } | { ok: false; error: ProtocolError };

export interface VerifyOptions {
  /** Current time in Unix seconds. @default Math.floor(Date.now() / 1000) */
  nowSeconds?: number;
  /** Seconds of clock skew tolerated past `expiresAt`. @default 60 */
  leewaySeconds?: number;
}

/**
 * Verifies that `token` was signed with `secret` for `postId` and has not expired. Several
 * secrets (a rotation under way): the token is good if any one of them signed it.
 * Refusals are values: `invalid_token` (malformed, forged, other post) or `token_expired`.
 */
export function verifyViewToken(
  secret: string | readonly string[],
  token: string,
  postId: number,
  options: VerifyOptions = {},
): TokenCheck {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return invalid('token is malformed');
  const tokenPostId = Number(match[1]);
  const expiresAt = Number(match[2]);
  const given = Buffer.from(match[3] as string, 'utf8');
  const signedBy = (key: string) => {
    const expected = Buffer.from(sign(key, tokenPostId, expiresAt), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (!(typeof secret === 'string' ? [secret] : secret).some(signedBy)) {
    return invalid('token signature does not match');
  }
  if (tokenPostId !== postId) return invalid('token is for another post');
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (expiresAt + (options.leewaySeconds ?? 60) < now) {
    return {
      ok: false,
      error: protocolError(ErrorCodes.TokenExpired, 'token has expired; reload the page'),
    };
  }
  return { ok: true, expiresAt };
}

function invalid(message: string): TokenCheck {
  return { ok: false, error: protocolError(ErrorCodes.InvalidToken, message) };
}
