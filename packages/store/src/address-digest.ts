import { createHash } from 'node:crypto';

/**
 * What the store keeps of a client address: a digest (132 bits of SHA-256, base64url), so Redis
 * holds no readable address, the lease format needs no escaping and no character of an address
 * can break a key's hash tag. One recipe for the connections per address and the join's cap.
 */
export function addressDigest(address: string): string {
  return createHash('sha256').update(address).digest('base64url').slice(0, 22);
}
