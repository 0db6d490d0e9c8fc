import { once } from 'node:events';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisCluster, startRedisServer } from '@vip-presence/test-kit';
import {
  addressConnectionsKey,
  createStoreConnection,
  MemoryAddressConnections,
  RedisAddressConnections,
  type AddressConnections,
  type RedisClient,
} from '../../src/index.js';

const LONG_TTL_MS = 60_000;
/** Short enough that the expiry tests wait little, long enough for a round trip. */
const SHORT_TTL_MS = 400;

interface Setup {
  /** One node's view of the backend. */
  node(nodeId: string, maxPerAddress: number, ttlMs?: number): AddressConnections;
  /** The Redis client, to look at what is stored (unset: memory). */
  redis?: RedisClient;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function redisSetup(
  client: RedisClient,
  flush: () => Promise<unknown>,
  stop: () => Promise<unknown>,
): Setup {
  return {
    node: (nodeId, maxPerAddress, ttlMs = LONG_TTL_MS) =>
      new RedisAddressConnections(client, { nodeId, maxPerAddress, ttlMs, keyPrefix: 't' }),
    redis: client,
    flush: async () => void (await flush()),
    async stop() {
      client.disconnect();
      await stop();
    },
  };
}

const setups: [string, () => Promise<Setup>][] = [
  [
    'in memory',
    async () => ({
      node: (_nodeId, maxPerAddress) => new MemoryAddressConnections({ maxPerAddress }),
      flush: async () => undefined,
      stop: async () => undefined,
    }),
  ],
  [
    'on one redis-server',
    async () => {
      const redis = await startRedisServer();
      const client = createStoreConnection({ url: redis.url });
      await client.connect();
      return redisSetup(
        client,
        () => client.flushall(),
        () => redis.stop(),
      );
    },
  ],
  [
    'on a 3-master Redis Cluster',
    async () => {
      const cluster = await startRedisCluster();
      const client = createStoreConnection({ nodes: cluster.nodes }) as Cluster;
      await client.connect();
      return redisSetup(
        client,
        () => Promise.all(client.nodes('master').map((node) => node.flushall())),
        () => cluster.stop(),
      );
    },
  ],
];

/** Polls until `read` returns what `accept` wants (bounded); returns the last value read. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const admitted = async (node: AddressConnections, address: string) =>
  (await node.acquire(address)).admitted;

describe.each(setups)('connections per address, %s', (label, start) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await start();
  }, 60_000);
  afterAll(() => setup?.stop());
  beforeEach(() => setup.flush());

  /** What Redis holds for an address (memory: nothing to look at). */
  const stored = async (address: string) =>
    setup.redis
      ? {
          entries: await setup.redis.hgetall(addressConnectionsKey(address, 't')),
          ttl: await setup.redis.pttl(addressConnectionsKey(address, 't')),
        }
      : undefined;

  it('should admit up to the maximum from one address, refuse the next, and count others apart', async () => {
    const node = setup.node('node-a', 3);
    for (let i = 1; i <= 3; i += 1) {
      expect(await node.acquire('198.51.100.7')).toEqual({ admitted: true, open: i });
    }
    expect(await node.acquire('198.51.100.7')).toEqual({ admitted: false, open: 3 });
    expect(await admitted(node, '198.51.100.8')).toBe(true);
    expect(await admitted(node, '2001:db8:1:2::/64')).toBe(true);
    expect(node.openHere('198.51.100.7')).toBe(3);
    expect(node.openHere('198.51.100.8')).toBe(1);
  });

  it('should admit again once a connection is released, and never count below zero', async () => {
    const node = setup.node('node-a', 2);
    await node.acquire('198.51.100.7');
    await node.acquire('198.51.100.7');
    expect(await admitted(node, '198.51.100.7')).toBe(false);
    await node.release('198.51.100.7');
    expect(await node.acquire('198.51.100.7')).toEqual({ admitted: true, open: 2 });
    for (let i = 0; i < 4; i += 1) await node.release('198.51.100.7');
    expect(node.openHere('198.51.100.7')).toBe(0);
    await node.release('203.0.113.1'); // never acquired: harmless
    expect(await node.acquire('198.51.100.7')).toEqual({ admitted: true, open: 1 });
    if (setup.redis) {
      const { entries } = (await stored('198.51.100.7'))!;
      expect(Object.values(entries).map((v) => v.split(':')[0])).toEqual(['1']);
      expect(await setup.redis.exists(addressConnectionsKey('203.0.113.1', 't'))).toBe(0);
    }
  });

  it('should write nothing when it refuses', async () => {
    const node = setup.node('node-a', 1);
    await node.acquire('198.51.100.7');
    const before = await stored('198.51.100.7');
    expect(await admitted(node, '198.51.100.7')).toBe(false);
    expect(await admitted(node, '198.51.100.7')).toBe(false);
    expect(node.openHere('198.51.100.7')).toBe(1);
    const after = await stored('198.51.100.7');
    expect(after?.entries).toEqual(before?.entries);
  });

  // The memory store is one node's by nature: what nodes share is Redis's.
  if (label !== 'in memory') describeSeveralNodes();

  function describeSeveralNodes(): void {
    describe('over several nodes', () => {
      it('should hold the maximum over all nodes, not per node', async () => {
        const a = setup.node('node-a', 3);
        const b = setup.node('node-b', 3);
        expect(await admitted(a, '198.51.100.7')).toBe(true);
        expect(await admitted(a, '198.51.100.7')).toBe(true);
        expect(await b.acquire('198.51.100.7')).toEqual({ admitted: true, open: 3 });
        expect(await b.acquire('198.51.100.7')).toEqual({ admitted: false, open: 3 });
        expect(await admitted(a, '198.51.100.7')).toBe(false);
        await a.release('198.51.100.7');
        expect(await admitted(b, '198.51.100.7')).toBe(true);
        expect([a.openHere('198.51.100.7'), b.openHere('198.51.100.7')]).toEqual([1, 2]);
        const { entries, ttl } = (await stored('198.51.100.7'))!;
        expect(Object.keys(entries).sort()).toEqual(['node-a', 'node-b']);
        expect(ttl).toBeGreaterThan(LONG_TTL_MS - 5_000);
      });

      it("should stop counting a node that stops renewing within its ttl, and keep a renewing node's", async () => {
        const crashed = setup.node('node-crashed', 3, SHORT_TTL_MS);
        const alive = setup.node('node-alive', 3, SHORT_TTL_MS);
        const other = setup.node('node-other', 3, SHORT_TTL_MS);
        await crashed.acquire('198.51.100.7');
        await crashed.acquire('198.51.100.7');
        await alive.acquire('198.51.100.7');
        expect(await admitted(other, '198.51.100.7')).toBe(false);
        const started = Date.now();
        // The live node's heartbeat: renewing every 100 ms, well within its 400 ms.
        // Every renewal is awaited before the test ends: none may outlive the client.
        const renewals: Promise<void>[] = [];
        const heartbeat = setInterval(() => renewals.push(alive.renew()), 100);
        try {
          const admittedAgain = await eventually(
            () => admitted(other, '198.51.100.7'),
            (yes) => yes,
          );
          expect(admittedAgain).toBe(true);
          expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_TTL_MS - 100);
          // The crashed node's two are gone; the live node's one and the new one count.
          expect(await admitted(other, '198.51.100.7')).toBe(true);
          expect(await admitted(other, '198.51.100.7')).toBe(false);
          const { entries } = (await stored('198.51.100.7'))!;
          expect(Object.keys(entries).sort()).toEqual(['node-alive', 'node-other']);
        } finally {
          clearInterval(heartbeat);
          await Promise.all(renewals);
        }
        // No node renews any more: the whole key goes with its newest entry.
        expect(
          await eventually(
            () => setup.redis!.exists(addressConnectionsKey('198.51.100.7', 't')),
            (n) => n === 0,
          ),
        ).toBe(0);
      });

      it('should write its connections again at the next renew after Redis lost them', async () => {
        const a = setup.node('node-a', 3);
        const b = setup.node('node-b', 3);
        await a.acquire('2001:db8:1:2::/64');
        await a.acquire('2001:db8:1:2::/64');
        await setup.flush();
        await a.renew();
        expect(await admitted(b, '2001:db8:1:2::/64')).toBe(true);
        expect(await admitted(b, '2001:db8:1:2::/64')).toBe(false);
      });

      it('should not undo an acquire in flight when it renews', async () => {
        const a = setup.node('node-a', 5);
        await a.acquire('198.51.100.7');
        const second = a.acquire('198.51.100.7');
        const renewed = a.renew();
        await Promise.all([second, renewed]);
        expect(a.openHere('198.51.100.7')).toBe(2);
        const { entries } = (await stored('198.51.100.7'))!;
        expect(entries['node-a']?.split(':')[0]).toBe('2');
      });

      it('should keep many addresses, each on its own slot, counted past the ttl while it renews', async () => {
        const a = setup.node('node-a', 1, SHORT_TTL_MS);
        const b = setup.node('node-b', 1);
        const addresses = Array.from({ length: 250 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
        await Promise.all(addresses.map((address) => a.acquire(address)));
        // Renewing every 100 ms for 2.5 x the ttl.
        const renewals: Promise<void>[] = [];
        const heartbeat = setInterval(() => renewals.push(a.renew()), 100);
        try {
          await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS * 2.5));
          const others = await Promise.all(addresses.map((address) => admitted(b, address)));
          expect(others.filter(Boolean)).toEqual([]);
        } finally {
          clearInterval(heartbeat);
          await Promise.all(renewals);
        }
      });
    });
  }
});

describe('connections per address while Redis is away', () => {
  it('should decide on this node alone, and write what it admitted once Redis is back', async () => {
    const redis = await startRedisServer();
    const client = createStoreConnection({ url: redis.url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const node = new RedisAddressConnections(client, {
        nodeId: 'node-a',
        maxPerAddress: 2,
        ttlMs: LONG_TTL_MS,
      });
      expect(await admitted(node, '198.51.100.7')).toBe(true);
      await redis.kill();
      const during = await node.acquire('198.51.100.7');
      expect(during).toMatchObject({ admitted: true, open: 2 });
      expect(during.storeError).toBeInstanceOf(Error);
      expect(await node.acquire('198.51.100.7')).toMatchObject({ admitted: false, open: 2 });
      // Listening before the restart: the client may be ready again before start() resolves.
      const ready = once(client, 'ready');
      await redis.start();
      await ready;
      await node.renew();
      expect(await client.hget(addressConnectionsKey('198.51.100.7'), 'node-a')).toMatch(/^2:\d+$/);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
