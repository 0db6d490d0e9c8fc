/**
 * The bad-input table, one more row (DESIGN 25): a flood of made-up visitor ids from one address
 * on one post, over two nodes sharing Redis. Each connection is a "new person" with a token
 * copied from the page; past MAX_VISITORS_PER_IP_AND_POST the joins are refused with
 * too_many_visitors on either node, nothing is written, and the count a real reader sees stops
 * moving. Machines are loopback addresses of their own (127.0.0.x).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postKeys } from '@vip-presence/store';
import { signViewToken } from '@vip-presence/protocol/token';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, newVisitorId } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const SECRET = 'visitor-cap-secret-0123456789';
const CAP = 5;
const FLOODER = '127.0.0.61';
const READER = '127.0.0.62';
const POST = 21;

let redis: RedisProcess;
let nodes: PresenceServer[];

beforeAll(async () => {
  redis = await startRedis();
  nodes = [0, 1].map(() =>
    createPresenceServer({ redisUrl: redis.url, secret: SECRET, maxVisitorsPerIpAndPost: CAP }),
  );
  await Promise.all(nodes.map((node) => node.listen()));
});
afterEach(() => closeAllClients());
afterAll(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  await redis?.stop();
});

const token = signViewToken(SECRET, POST, Math.floor(Date.now() / 1000) + 600);
const from = (node: number, address: string, visitorId = newVisitorId()) =>
  connectClient(nodes[node]!.url, { localAddress: address, visitorId });
const refusals = async () => {
  const text = await (await fetch(`${nodes[1]!.privateUrl}/metrics`)).text();
  return Number(
    /^vip_presence_refusals_total\{code="too_many_visitors"\} (\d+)$/m.exec(text)?.[1] ?? 0,
  );
};

describe('bad input: made-up visitors from one address', () => {
  it('should stop a flood at the cap on both nodes, write nothing for it, and keep real readers counted', async () => {
    const reader = await from(0, READER);
    expect(await reader.request('presence:join', { postId: POST, token })).toMatchObject({
      ok: true,
      count: 1,
    });
    const flood = [];
    for (let i = 0; i < CAP; i += 1) {
      const flooder = await from(i % 2, FLOODER);
      expect(await flooder.request('presence:join', { postId: POST, token })).toMatchObject({
        ok: true,
      });
      flood.push(flooder);
    }
    await reader.waitForCount(POST, (c) => c.count === CAP + 1);
    const viewers = await redis.client.zcard(postKeys(POST).viewers);

    // More made-up visitors, on either node: refused, nothing written.
    for (const node of [1, 0, 1, 1]) {
      const more = await from(node, FLOODER);
      expect(await more.request('presence:join', { postId: POST, token })).toMatchObject({
        ok: false,
        error: { code: 'too_many_visitors' },
      });
    }
    expect(await refusals()).toBe(3);
    expect(await redis.client.zcard(postKeys(POST).viewers)).toBe(viewers);
    expect(await reader.request('presence:watch', { postIds: [POST] })).toEqual({
      ok: true,
      counts: { [POST]: CAP + 1 },
    });
    expect(reader.counts.filter((c) => c.count > CAP + 1)).toEqual([]);

    // A visitor of the flood already counted may open another tab, on the other node.
    const tab = await from(1, FLOODER, flood[0]!.visitorId);
    expect(await tab.request('presence:join', { postId: POST, token })).toMatchObject({
      ok: true,
      count: CAP + 1,
    });
    // Another real reader from elsewhere is counted as ever.
    const second = await from(1, READER);
    expect(await second.request('presence:join', { postId: POST, token })).toMatchObject({
      ok: true,
      count: CAP + 2,
    });
    // One of the flood leaves for good: one more visitor from its address may come.
    flood[1]!.close();
    await reader.waitForCount(POST, (c) => c.count === CAP + 1);
    const next = await from(0, FLOODER);
    expect(await next.request('presence:join', { postId: POST, token })).toMatchObject({
      ok: true,
      count: CAP + 2,
    });
  });
});
