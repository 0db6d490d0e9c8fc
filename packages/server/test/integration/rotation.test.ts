import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signViewToken } from '@vip-presence/protocol/token';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, newVisitorId } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const OLD = 'the-old-secret-of-this-site';
const NEW = 'the-new-secret-of-this-site';
const POST = 42;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

let redis: RedisProcess;
const nodes: PresenceServer[] = [];
async function node(secret: string | string[], readApiToken?: string): Promise<PresenceServer> {
  const server = createPresenceServer({ redisUrl: redis.url, secret, readApiToken });
  await server.listen();
  nodes.push(server);
  return server;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => closeAllClients());
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await redis?.stop();
});

describe('rotating the signing secret', () => {
  it('should keep every reader counted through a rolling restart onto the new secret', async () => {
    const oldToken = signViewToken(OLD, POST, inAnHour());
    const before = await node(OLD);
    const watching = await node(OLD);
    const watcher = await connectClient(watching.url);
    await watcher.request('presence:watch', { postIds: [POST] });
    const visitors = [newVisitorId(), newVisitorId(), newVisitorId()];
    const tabs = await Promise.all(
      visitors.map((visitorId) => connectClient(before.url, { visitorId })),
    );
    for (const tab of tabs) await tab.request('presence:join', { postId: POST, token: oldToken });
    await watcher.waitForCount(POST, (c) => c.count === 3);

    // Step 1: a node with both secrets replaces the old one. Readers of pages cached with old
    // tokens reconnect to it (as the SDK does) before the old node goes.
    const both = await node([NEW, OLD]);
    for (const visitorId of visitors) {
      const tab = await connectClient(both.url, { visitorId });
      expect(await tab.request('presence:join', { postId: POST, token: oldToken })).toMatchObject({
        ok: true,
        count: 3,
      });
    }
    await before.close();
    // Step 2: WordPress signs with the new secret; new pages' readers join with new tokens.
    const newcomer = await connectClient(both.url);
    const newToken = signViewToken(NEW, POST, inAnHour());
    await newcomer.request('presence:join', { postId: POST, token: newToken });
    await watcher.waitForCount(POST, (c) => c.count === 4);
    // Nobody dropped out of the count at any moment of the rotation.
    const seen = watcher.counts.filter((c) => c.postId === POST).map((c) => c.count);
    expect(seen.slice(seen.indexOf(3))).not.toContain(2);
    expect(Math.min(...seen.slice(seen.indexOf(3)))).toBe(3);

    // Step 3, after the longest page-cache lifetime: the old secret is removed.
    const after = await node(NEW);
    const late = await connectClient(after.url);
    expect(await late.request('presence:join', { postId: POST, token: oldToken })).toMatchObject({
      ok: false,
      error: { code: 'invalid_token' },
    });
    expect(await late.request('presence:join', { postId: POST, token: newToken })).toMatchObject({
      ok: true,
      count: 5,
    });
  });

  it('should let the read API answer a bearer of any of the secrets while it has no token of its own', async () => {
    const server = await node([NEW, OLD]);
    const get = (secret: string) =>
      fetch(`${server.privateUrl}/api/v1/counts?postIds=${POST}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
    expect((await get(NEW)).status).toBe(200);
    expect((await get(OLD)).status).toBe(200);
    expect((await get('someone-else-entirely')).status).toBe(401);
  });

  it('should take only its own credential on the read API once READ_API_TOKEN is set', async () => {
    const reader = 'a-reader-of-counts-only';
    const server = await node([NEW, OLD], reader);
    const get = (credential: string) =>
      fetch(`${server.privateUrl}/api/v1/top?limit=5`, {
        headers: { authorization: `Bearer ${credential}` },
      });
    expect((await get(reader)).status).toBe(200);
    // A signing secret no longer reads counts: whoever reads counts cannot sign tokens.
    expect((await get(NEW)).status).toBe(401);
    expect((await get(OLD)).status).toBe(401);
    // And the read token signs nothing: a token made with it is refused.
    const client = await connectClient(server.url);
    const forged = signViewToken(reader, POST, inAnHour());
    expect(await client.request('presence:join', { postId: POST, token: forged })).toMatchObject({
      ok: false,
      error: { code: 'invalid_token' },
    });
  });
});
