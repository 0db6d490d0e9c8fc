import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCodes, type ProtocolError, protocolError } from './error-codes.js';
import { isPostId, isSiteKey } from './payloads.js';

/**
 * View tokens (see README "View tokens" for the byte-level description). Two formats:
 *
 *   v1: token = "v1." postId "." expiresAt "." signature      (the default site only)
 *       msg   = "vip-presence:v1:" postId ":" expiresAt
 *   v2: token = "v2." site "." postId "." expiresAt "." signature
 *       msg   = "vip-presence:v2:" site ":" postId ":" expiresAt
 *
 *   signature = base64url-without-padding( HMAC-SHA256( key = UTF-8(secret), msg ) )
 *
 * postId and expiresAt (Unix seconds) are written in decimal without sign or leading zeros; site is
 * 1-64 characters of [A-Za-z0-9_-]. A v2 token is good only on a socket of its site; a v1 token
 * only on a socket of the default site (no `auth.site`).
 */
const V1 = /^v1\.([1-9][0-9]{0,15})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;
const V2 =
  /^v2\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,15})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;

/** The signed message of a token: v2 when `site` is given, else v1. */
export function tokenMessage(postId: number, expiresAt: number, site?: string): string {
  return site === undefined
    ? `vip-presence:v1:${postId}:${expiresAt}`
    : `vip-presence:v2:${site}:${postId}:${expiresAt}`;
}

function sign(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64url');
}

/**
 * Signs a view token for one post. `expiresAt` is in Unix seconds. With `site`, a v2 token bound
 * to that site; without, a v1 token for the default site.
 */
export function signViewToken(
  secret: string,
  postId: number,
  expiresAt: number,
  site?: string,
): string {
  if (secret.length === 0) throw new TypeError('secret must not be empty');
  if (!isPostId(postId)) throw new TypeError('postId must be a positive integer');
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 1) {
    throw new TypeError('expiresAt must be a positive integer of Unix seconds');
  }
  if (site !== undefined && !isSiteKey(site)) {
    throw new TypeError('site must be 1-64 characters of [A-Za-z0-9_-]');
  }
  const head = site === undefined ? 'v1' : `v2.${site}`;
  return `${head}.${postId}.${expiresAt}.${sign(secret, tokenMessage(postId, expiresAt, site))}`;
}

export type TokenCheck = { ok: true; expiresAt: number } | { ok: false; error: ProtocolError };

export interface VerifyOptions {
  /** The site of the socket (its `auth.site`); undefined: the default site. */
  site?: string;
  /** Current time in Unix seconds. @default Math.floor(Date.now() / 1000) */
  nowSeconds?: number;
  /** Seconds of clock skew tolerated past `expiresAt`. @default 60 */
  leewaySeconds?: number;
}

/**
 * Verifies that `token` was signed with `secret` for `postId` on the socket's site and has not
 * expired. Several secrets (a rotation under way): the token is good if any one of them signed it.
 * Refusals are values: `invalid_token` (malformed, unknown version, forged, another post or
 * another site) or `token_expired`.
 */
export function verifyViewToken(
  secret: string | readonly string[],
  token: string,
  postId: number,
  options: VerifyOptions = {},
): TokenCheck {
  const v2 = token.startsWith('v2.') ? V2.exec(token) : null;
  const match = v2 ?? V1.exec(token);
  if (!match) return invalid('token is malformed or of an unknown version');
  const [tokenSite, tokenPostId, expiresAt, signature] = v2
    ? [match[1], Number(match[2]), Number(match[3]), match[4] as string]
    : [undefined, Number(match[1]), Number(match[2]), match[3] as string];
  const message = tokenMessage(tokenPostId, expiresAt, tokenSite);
  const given = Buffer.from(signature, 'utf8');
  const signedBy = (key: string) => {
    const expected = Buffer.from(sign(key, message), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (!(typeof secret === 'string' ? [secret] : secret).some(signedBy)) {
    return invalid('token signature does not match');
  }
  if (tokenSite !== options.site) return invalid('token is for another site');
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
