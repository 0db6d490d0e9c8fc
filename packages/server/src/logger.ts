import { pino, type Logger } from 'pino';

/** The one structured logger; modules take a child with `{ module }`. */
export function createLogger(level?: string): Logger {
  return pino({
    name: 'vip-presence',
    level: level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  });
}
