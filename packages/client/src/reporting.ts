import type { PresenceLogger } from './options.js';

/** How the SDK speaks to the page's console, and keeps its own errors out of the page. */
export interface Reporting {
  report(level: 'warn' | 'error', message: string, ...detail: unknown[]): void;
  /** Warns once per `key`, however often the cause comes back. */
  warnOnce(key: string, message: string): void;
  /** Wraps SDK code run by events and timers: whatever happens, nothing is thrown into the page. */
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/** Reports to the logger `logger()` returns at the time (the `logger` option may change it). */
export function createReporting(logger: () => PresenceLogger): Reporting {
  const warned = new Set<string>();

  function report(level: 'warn' | 'error', message: string, ...detail: unknown[]): void {
    try {
      logger()[level]('vipPresence: ' + message, ...detail);
    } catch {
      // a broken logger must not break the page either
    }
  }

  return {
    report,
    warnOnce(key, message) {
      if (warned.has(key)) return;
      warned.add(key);
      report('warn', message);
    },
    guard(fn) {
      return (...args) => {
        try {
          fn(...args);
        } catch (error) {
          report('error', 'internal error', error);
        }
      };
    },
  };
}
