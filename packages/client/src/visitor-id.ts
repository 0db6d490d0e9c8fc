import { isVisitorId } from '@vip-presence/protocol';

/** The parts of `Storage` the visitor id needs. */
export interface VisitorIdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** 22 characters of a 64-letter alphabet: 132 random bits. */
export const VISITOR_ID_LENGTH = 22;

/** A new random visitor id (`[A-Za-z0-9_-]{22}`), from a cryptographic random source. */
export function generateVisitorId(getRandomValues: (array: Uint8Array) => Uint8Array): string {
  let id = '';
  for (const byte of getRandomValues(new Uint8Array(VISITOR_ID_LENGTH))) id += ALPHABET[byte & 63];
  return id;
}

/**
 * The browser's visitor id: one per browser, shared by its tabs through `localStorage`, so that
 * three tabs on a post count as one person. When storage is missing or throws (privacy modes,
 * blocked cookies, quota), a new id is kept in memory for this page only.
 */
export function loadVisitorId(
  storage: VisitorIdStorage | undefined,
  key: string,
  getRandomValues: (array: Uint8Array) => Uint8Array,
): string {
  try {
    const stored = storage?.getItem(key);
    if (isVisitorId(stored)) return stored;
  } catch {
    // unreadable: a fresh id below
  }
  const id = generateVisitorId(getRandomValues);
  try {
    storage?.setItem(key, id);
  } catch {
    // unwritable: the id lives in memory
  }
  return id;
}

/** `window.localStorage`, or `undefined` where merely reading the property throws. */
export function browserStorage(): VisitorIdStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
