// The local stack's shared secret (plugin <-> presence server): random per checkout, kept in
// .cache/presence-secret (gitignored), created on first use.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR } from './processes.mjs';

export const SECRET_FILE = path.join(CACHE_DIR, 'presence-secret');

/** The checkout's secret (43 characters of base64url), created when missing. */
export function localSecret() {
  if (existsSync(SECRET_FILE)) {
    const secret = readFileSync(SECRET_FILE, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** A fresh secret for one run (tests). */
export function runSecret() {
  return randomBytes(32).toString('base64url');
}
