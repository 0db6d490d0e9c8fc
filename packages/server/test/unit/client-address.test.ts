import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddressReader, type TrustProxy } from '../../src/index.js';

/** A request as Node gives it: the peer address and the headers. */
const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

const addressOf = (trust: TrustProxy, peer: string, forwardedFor?: string) =>
  clientAddressReader(trust)(request(peer, forwardedFor), peer);

describe('the client address', () => {
  it.each<[string, TrustProxy, string, string | undefined, string]>([
    ['no proxy trusted: the peer', false, '10.0.0.5', '203.0.113.1', '10.0.0.5'],
    ['0 hops: the peer', 0, '10.0.0.5', '203.0.113.1', '10.0.0.5'],
    ['1 hop: what the proxy added', 1, '10.0.0.5', '203.0.113.1, 198.51.100.2', '198.51.100.2'],
    ['true: one hop', true, '10.0.0.5', '203.0.113.1, 198.51.100.2', '198.51.100.2'],
    ['2 hops', 2, '10.0.0.5', '203.0.113.1, 198.51.100.2, 10.0.0.9', '198.51.100.2'],
    ['more hops than entries: the leftmost', 3, '10.0.0.5', '198.51.100.2', '198.51.100.2'],
    ['1 hop, no header: the peer', 1, '10.0.0.5', undefined, '10.0.0.5'],
    [
      'a listed proxy',
      ['10.0.0.0/8'],
      '10.0.0.5',
      '203.0.113.1, 198.51.100.2, 10.0.0.9',
      '198.51.100.2',
    ],
    ['a peer that is not listed', ['10.0.0.0/8'], '192.0.2.1', '203.0.113.1', '192.0.2.1'],
    ['loopback', ['loopback'], '::ffff:127.0.0.1', '198.51.100.2', '198.51.100.2'],
    ['an entry that is no address: the proxy that passed it', 1, '10.0.0.5', 'garbage', '10.0.0.5'],
    ['the hop before an entry that is no address', 2, '10.0.0.5', 'x{y}, 10.0.0.9', '10.0.0.9'],
    ['an IPv4-mapped peer', false, '::ffff:192.0.2.7', undefined, '192.0.2.7'],
    ['an IPv6 peer, by its /64', false, '2001:db8:aa:bb:1:2:3:4', undefined, '2001:db8:aa:bb::/64'],
  ])('should take %s', (_label, trust, peer, forwardedFor, expected) => {
    expect(addressOf(trust, peer, forwardedFor)).toBe(expected);
  });

  it('should count one IPv6 host (any address of its /64) once, and two /64s apart', () => {
    expect(addressKey('2001:db8:0:1::1')).toBe(addressKey('2001:db8:0:1:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8:0:2::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
