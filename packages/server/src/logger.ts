import { pino, type Logger } from 'pino';
import { ConfigError } from '@vip-presence/store';

/** What LOG_LEVEL may name: one of pino's levels, or silent. */
export const LOG_LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

/** `level` when it is one of `LOG_LEVELS`; otherwise a ConfigError naming LOG_LEVEL. */
export function parseLogLevel(level: string): string {
  if (LOG_LEVELS.includes(level)) return level;
  throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
}

/**
 * The one structured logger; modules take a child with `{ module }`. Its level: `level`, else
 * LOG_LEVEL, else info (silent under tests).
 */
export function createLogger(level?: string): Logger {
  const fromEnv = process.env.LOG_LEVEL?.trim();
  return pino({
    name: 'vip-presence',
    level: parseLogLevel(level ?? (fromEnv || (process.env.VITEST ? 'silent' : 'info'))),
  });
}
