import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

let redis: RedisProcess;
let a: PresenceServer;
let b: PresenceServer;

beforeAll(async () => {
  redis = await startRedis();
  a = createPresenceServer({ redisUrl: redis.url });
  b = createPresenceServer({ redisUrl: redis.url });
  await a.listen();
  await b.listen();
});

afterAll(async () => {
  closeAllClients();
  await a?.close();
  await b?.close();
  await redis?.stop();
});

it('should count two visitors on two nodes and tell each', async () => {
  const one = await connectClient(a.url);
  const two = await connectClient(b.url);
  expect(await one.request('presence:join', { postId: 1 })).toMatchObject({ ok: true, count: 1, self: true, views: 1 });
  expect(await two.request('presence:join', { postId: 1 })).toMatchObject({ ok: true, count: 2, self: true, views: 2 });
  expect(await one.waitForCount(1, (c) => c.count === 2)).toMatchObject({ self: true });
});
