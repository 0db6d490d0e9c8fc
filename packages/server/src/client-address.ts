import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

/**
 * Which proxies in front of the node may tell who the client is (`X-Forwarded-For`):
 * - `false` (or 0): none; the client address is the peer address;
 * - a number N: the N nearest hops (the peer and the N - 1 proxies before it); `true` is 1;
 * - addresses, CIDR ranges (`10.0.0.0/8`) and the names `loopback`, `linklocal`, `uniquelocal`:
 *   the hops whose address is one of them.
 */
export type TrustProxy = boolean | number | readonly string[];

/** The names `proxy-addr` knows, for a list of trusted proxies. */
export const TRUSTED_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** Most proxy hops a count may name (a longer chain is a configuration mistake). */
export const MAX_TRUSTED_HOPS = 32;

/** Why a `TrustProxy` value is refused; undefined when it is good. */
export function trustProxyProblem(trust: TrustProxy): string | undefined {
  if (typeof trust === 'boolean') return undefined;
  if (typeof trust === 'number') {
    return Number.isSafeInteger(trust) && trust >= 0 && trust <= MAX_TRUSTED_HOPS
      ? undefined
      : `a hop count must be a whole number from 0 to ${MAX_TRUSTED_HOPS}`;
  }
  if (trust.length === 0) return 'must name at least one proxy address or range';
  for (const entry of trust) {
    try {
      proxyAddr.compile(entry);
    } catch {
      return `"${entry}" is not an IP address, a CIDR range or one of ${TRUSTED_RANGE_NAMES.join(', ')}`;
    }
  }
  return undefined;
}

/**
 * Reads the client address of a request (Socket.IO's `socket.request`): the nearest hop that is
 * not a trusted proxy, walking `X-Forwarded-For` from its right end (what the nearest proxy
 * wrote) leftwards. Entries a client wrote itself sit left of every proxy's and are reached only
 * when every proxy on the way is trusted; an entry that is not an IP address is never taken
 * (the trusted proxy that passed it on is). The answer is the address as counted: see
 * `addressKey`.
 */
export function clientAddressReader(
  trust: TrustProxy,
): (request: IncomingMessage, peer: string) => string {
  const hops = trust === true ? 1 : trust === false ? 0 : trust;
  const trusted =
    typeof hops === 'number'
      ? (_address: string, hop: number) => hop < hops
      : proxyAddr.compile([...hops]);
  return (request, peer) => {
    if (hops === 0 || !request.socket?.remoteAddress) return addressKey(peer);
    const chain = proxyAddr.all(request, trusted);
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      const address = chain[i];
      if (address && ipaddr.isValid(address)) return addressKey(address);
    }
    return addressKey(peer);
  };
}

/**
 * What one client is counted by: an IPv4 address (an IPv4-mapped IPv6 address as IPv4), or an
 * IPv6 address's /64, the network one host (or one office) usually holds whole, so that a client
 * cannot pass the connection limit by changing the low bits of its address.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  const prefix = (ip as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
