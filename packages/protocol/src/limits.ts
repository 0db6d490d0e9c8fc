/** Post ids are WordPress post ids: positive integers within JavaScript's safe range. */
export const MAX_POST_ID = Number.MAX_SAFE_INTEGER;

/** Visitor ids: 8-64 characters of `[A-Za-z0-9_-]`. */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** Site keys (`auth.site`, the site of a v2 token): 1-64 characters of `[A-Za-z0-9_-]`. */
export const SITE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The longest token string accepted (a v2 token with the longest site is 141). */
export const MAX_TOKEN_LENGTH = 256;
