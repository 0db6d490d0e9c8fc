/** Post ids are WordPress post ids: positive integers within JavaScript's safe range. */
export const MAX_POST_ID = Number.MAX_SAFE_INTEGER;

/** Visitor ids: 8-64 characters of `[A-Za-z0-9_-]`. */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** The longest token string accepted (a v1 token is well under this). */
export const MAX_TOKEN_LENGTH = 256;
