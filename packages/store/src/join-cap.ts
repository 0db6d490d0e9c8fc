import type { JoinOptions } from './types.js';

/** The cap a join is held to: at most `maxVisitors` visitors from `address` on the post. */
export interface JoinCap {
  address: string;
  maxVisitors: number;
}

/**
 * Reads a join's options (the same way in both stores): undefined when no cap applies. A
 * malformed option is a caller's mistake and throws, rather than silently lifting the cap.
 */
export function joinCap(options: JoinOptions | undefined): JoinCap | undefined {
  const { address, maxVisitors = 0 } = options ?? {};
  if (!Number.isSafeInteger(maxVisitors) || maxVisitors < 0) {
    throw new TypeError(
      `join: maxVisitors must be a whole number, 0 or more (0: no cap), not ${String(maxVisitors)}`,
    );
  }
  if (maxVisitors === 0) return undefined;
  if (typeof address !== 'string' || address === '') {
    throw new TypeError('join: maxVisitors needs the address the visitor joins from');
  }
  return { address, maxVisitors };
}
