import type { Socket } from 'socket.io';

/**
 * The address a connection comes from: the first `X-Forwarded-For` hop when the node runs behind
 * a proxy it trusts (`trustProxy`), else the peer address.
 */
export function clientAddress(handshake: Socket['handshake'], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return handshake.address;
}
