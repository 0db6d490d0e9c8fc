import { ErrorCodes, isErrorCode } from '@vip-presence/protocol';
import type { PresenceError } from './types.js';

/** Reading what the server answered (acks, count updates) without trusting its shape. */

export const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The error of a refused ack, or a stand-in when the answer is not one of the protocol. */
export function errorOf(ack: unknown): PresenceError {
  const error = isRecord(ack) && ack.error;
  return isRecord(error) && isErrorCode(error.code)
    ? { code: error.code, message: String(error.message ?? '') }
    : { code: ErrorCodes.Internal, message: 'unexpected answer' };
}
