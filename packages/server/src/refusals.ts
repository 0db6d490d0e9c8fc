import type { ProtocolError } from '@vip-presence/protocol';
import type { Metrics } from './metrics.js';
import type { Refusal } from './presence-effects.js';

/** Expected refusals are protocol values, counted by code; never exceptions. */
export interface Refusals {
  /** The ack of a refused event. */
  ack(error: ProtocolError): Refusal;
  /** The error of a refused connection (its `data.code` reaches the client). */
  connection(error: ProtocolError): Error;
}

export function createRefusals(metrics: Metrics): Refusals {
  return {
    ack(error) {
      metrics.refusals.inc({ code: error.code });
      return { ok: false, error };
    },
    connection(error) {
      metrics.refusals.inc({ code: error.code });
      return Object.assign(new Error(error.message), { data: { code: error.code } });
    },
  };
}
