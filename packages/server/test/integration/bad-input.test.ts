import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signViewToken } from '@vip-presence/protocol/token';
import { addressConnectionsKey, postKeys } from '@vip-presence/store';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import {
  closeAllClients,
  connectClient,
  connectError,
  newVisitorId,
  type TestClient,
} from '../helpers/clients.js';
import { startHttpProxy, type HttpProxy } from '../helpers/http-proxy.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const SECRET = 'test-secret-of-sufficient-length';
const ORIGIN = 'https://news.example';
const now = () => Math.floor(Date.now() / 1000);

/** Connections one address may hold over both nodes. */
const MAX_CONNECTIONS = 30;
/** Other client machines (loopback addresses of their own); the tests' own clients are 127.0.0.1. */
const FLOODER = '127.0.0.3';
const SPOOFER = '127.0.0.4';

let redis: RedisProcess;
let server: PresenceServer;
/** A second node on the same Redis. */
let nodeB: PresenceServer;
/** A real proxy in front of `server`, appending the address it saw to X-Forwarded-For. */
let proxy: HttpProxy;

beforeAll(async () => {
  redis = await startRedis();
  const options = {
    redisUrl: redis.url,
    secret: SECRET,
    allowedOrigins: [ORIGIN],
    maxPostsPerSocket: 50,
    eventsPerSecond: 5,
    eventBurst: 20,
    maxConnectionsPerIp: MAX_CONNECTIONS,
    // The proxy connects from 127.0.0.1; so do the tests' own clients, without X-Forwarded-For.
    trustProxy: ['127.0.0.1'],
  };
  server = createPresenceServer(options);
  nodeB = createPresenceServer(options);
  await Promise.all([server.listen(), nodeB.listen()]);
  proxy = await startHttpProxy(server.url);
});

beforeEach(async () => {
  // The last test's sockets are gone from both nodes (and from the store) before it is emptied.
  await expect.poll(openSockets).toBe(0);
  await redis.flush();
});
afterEach(() => closeAllClients());

afterAll(async () => {
  await proxy?.close();
  await Promise.all([server?.close(), nodeB?.close()]);
  await redis?.stop();
});

/** Sockets open on both nodes. */
const openSockets = () => server.io.of('/').sockets.size + nodeB.io.of('/').sockets.size;

/** Connections from `address` that the store counts, over both nodes. */
async function storedConnections(address: string): Promise<number> {
  const entries = await redis.client.hvals(addressConnectionsKey(address));
  return entries.reduce((sum, entry) => sum + Number(entry.split(':')[0]), 0);
}

/** Every key in Redis but those counting the connections of `addresses`. */
async function keysBesidesConnections(...addresses: string[]): Promise<string[]> {
  const connectionKeys = new Set(addresses.map((address) => addressConnectionsKey(address)));
  return (await redis.client.keys('*')).filter((key) => !connectionKeys.has(key));
}

const client = (visitorId?: string) =>
  connectClient(server.url, {
    extraHeaders: { origin: ORIGIN },
    ...(visitorId ? { visitorId } : {}),
  });
/** A socket of a named site (DESIGN 20). */
const siteClient = (site: string) =>
  connectClient(server.url, {
    extraHeaders: { origin: ORIGIN },
    auth: { visitorId: newVisitorId(), site },
  });

/**
 * After a refusal: nothing in Redis but the connections open (exactly those, from the tests'
 * address and `otherAddresses`), and the server still serves a good join. The good visitor then
 * leaves and the test waits until a watcher sees it, so no write is in flight afterwards.
 */
async function expectNothingWrittenAndStillServing(...otherAddresses: string[]): Promise<void> {
  const addresses = ['127.0.0.1', ...otherAddresses];
  expect(await keysBesidesConnections(...addresses)).toEqual([]);
  await expect
    .poll(async () => {
      const stored = await Promise.all(addresses.map(storedConnections));
      return stored.reduce((sum, n) => sum + n, 0);
    })
    .toBe(openSockets());
  const watcher = await client();
  await watcher.request('presence:watch', { postIds: [9] });
  const good = await client();
  expect(
    await good.request('presence:join', {
      postId: 9,
      token: signViewToken(SECRET, 9, now() + 600),
    }),
  ).toMatchObject({
    ok: true,
    count: 1,
  });
  await watcher.waitForCount(9, (c) => c.count === 1);
  good.close();
  await watcher.waitForCount(9, (c) => c.count === 0);
}

const huge = Number.MAX_SAFE_INTEGER + 2;
const badPayloads: [string, string, unknown][] = [
  ['a null payload', 'presence:join', null],
  ['a string payload', 'presence:join', 'post 1'],
  ['an array payload', 'presence:join', [1]],
  ['a missing post id', 'presence:join', { token: 'x' }],
  ['a string post id', 'presence:join', { postId: '1' }],
  ['a fractional post id', 'presence:join', { postId: 1.5 }],
  ['a negative post id', 'presence:join', { postId: -4 }],
  ['a zero post id', 'presence:join', { postId: 0 }],
  ['a huge post id', 'presence:join', { postId: huge }],
  ['a token of the wrong type', 'presence:join', { postId: 1, token: 42 }],
  ['a null leave', 'presence:leave', null],
  ['a leave with a fractional id', 'presence:leave', { postId: 2.5 }],
  ['a watch without post ids', 'presence:watch', {}],
  ['a watch of a string', 'presence:watch', { postIds: '1,2' }],
  ['a watch with a bad id among good ones', 'presence:watch', { postIds: [1, 2, -3] }],
  ['an unwatch of null', 'presence:unwatch', null],
];

/**
 * Socket.IO packets the server refuses, each in a well-formed engine.io message: broken JSON, an
 * event that is no array or has no name, a reserved name, a namespace never joined, a second
 * connect, a connect error from a client, unknown packet types.
 */
const MALFORMED_PACKETS = [
  '2[',
  '2["presence:join"',
  '2{"postId":1}',
  '2[null]',
  '2[]',
  '2["disconnect"]',
  '2/elsewhere,["presence:join",{"postId":1}]',
  '0',
  '4',
  '9',
  'x',
  '',
];
/** Raw websocket frames that are no engine.io packet. */
const RAW_FRAMES = ['9', 'x', '', '4', 'bnot-base64!'];

describe('bad input', () => {
  it.each(badPayloads)(
    'should refuse %s with invalid_payload and write nothing',
    async (_label, event, payload) => {
      const c = await client();
      expect(await c.request(event, payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
      await expectNothingWrittenAndStillServing();
    },
  );

  it.each(['presence:join', 'presence:leave', 'presence:watch', 'presence:unwatch'])(
    'should answer %s sent without a payload, or with extra arguments, and write nothing',
    async (event) => {
      const c = await client();
      expect(await c.socket.timeout(2_000).emitWithAck(event)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
      const extra = (await c.socket
        .timeout(2_000)
        .emitWithAck(event, 'not a payload', { postId: 1 })) as { ok: boolean };
      expect(extra.ok).toBe(false);
      await expectNothingWrittenAndStillServing();
    },
  );

  it('should refuse an unknown event with unknown_event', async () => {
    const c = await client();
    expect(await c.request('presence:explode', { postId: 1 })).toMatchObject({
      ok: false,
      error: { code: 'unknown_event' },
    });
    c.socket.emit('no-ack-event', { postId: 1 }); // ignored without a crash
    await expectNothingWrittenAndStillServing();
  });

  it('should refuse thousands of post ids in one watch with too_many_posts', async () => {
    const c = await client();
    const postIds = Array.from({ length: 1_000 }, (_, i) => i + 1);
    expect(await c.request('presence:watch', { postIds })).toMatchObject({
      ok: false,
      error: { code: 'too_many_posts' },
    });
    await expectNothingWrittenAndStillServing();
  });

  it('should close the connection of a 2 MB payload and keep serving others', async () => {
    const c = await client();
    const closed = new Promise<string>((resolve) =>
      c.socket.once('disconnect', (reason) => resolve(reason)),
    );
    c.socket.emit('presence:join', { postId: 1, token: 'x'.repeat(2 * 1024 * 1024) });
    expect(await closed).toBe('transport close');
    await expectNothingWrittenAndStillServing();
  });

  it('should close a connection that sends a malformed packet, and keep serving the others', async () => {
    const bystander = await client();
    const engineOf = (c: TestClient) =>
      c.socket.io.engine as unknown as {
        write(packet: string): void;
        transport: { ws: { send(frame: string): void } };
      };
    const senders = [
      ...MALFORMED_PACKETS.map((packet) => (c: TestClient) => engineOf(c).write(packet)),
      ...RAW_FRAMES.map((frame) => (c: TestClient) => engineOf(c).transport.ws.send(frame)),
    ];
    const outcomes = await Promise.all(
      senders.map(async (send) => {
        const c = await client();
        const closed = new Promise((resolve) => c.socket.once('disconnect', resolve));
        send(c);
        // Packets are handled in order: an answer means the malformed one was let through.
        const answered = c.request('presence:watch', { postIds: [1] });
        return Promise.race([
          closed.then(() => 'closed'),
          answered.then(
            () => 'answered',
            () => 'no answer',
          ),
        ]);
      }),
    );
    expect(outcomes).toEqual(senders.map(() => 'closed'));
    expect(await bystander.request('presence:watch', { postIds: [1] })).toMatchObject({ ok: true });
    await expectNothingWrittenAndStillServing();
  });

  it('should rate-limit a flood of events with rate_limited', async () => {
    const c = await client();
    const replies = await Promise.all(
      Array.from({ length: 40 }, () =>
        c.request<{ ok: boolean; error?: { code: string } }>('presence:watch', { postIds: [-1] }),
      ),
    );
    const limited = replies.filter((r) => r.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(replies.length - limited.length).toBeLessThanOrEqual(21);
    // Leaving is never rate-limited: it only lowers the load.
    expect(await c.request('presence:leave', { postId: 1 })).toEqual({ ok: true });
    await expectNothingWrittenAndStillServing();
  });

  it.each([
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
    [
      'headless Chromium',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    ],
    ['a link preview', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
    ['curl', 'curl/8.4.0'],
  ])(
    'should serve a join from %s as a watch: the count does not move and nothing is written',
    async (_label, userAgent) => {
      const reader = await client();
      await reader.request('presence:watch', { postIds: [14] });
      const crawler = await connectClient(server.url, {
        extraHeaders: { origin: ORIGIN, 'user-agent': userAgent },
      });
      const joins = Array.from({ length: 5 }, () =>
        crawler.request('presence:join', {
          postId: 14,
          token: signViewToken(SECRET, 14, now() + 600),
        }),
      );
      for (const ack of await Promise.all(joins)) {
        expect(ack).toMatchObject({ ok: true, count: 0, self: false, views: 0 });
      }
      // Still refused like anyone's: a bad token, a bad payload.
      expect(await crawler.request('presence:join', { postId: 14 })).toMatchObject({
        ok: false,
        error: { code: 'invalid_token' },
      });
      expect(await crawler.request('presence:join', { postId: -14 })).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
      expect(await reader.request('presence:watch', { postIds: [14] })).toEqual({
        ok: true,
        counts: { 14: 0 },
      });
      expect(reader.counts.filter((c) => c.postId === 14 && c.count !== 0)).toEqual([]);
      await expectNothingWrittenAndStillServing();
    },
  );

  describe('view tokens', () => {
    /** [label, the joining socket's site (undefined: default), payload, expected code] */
    const cases: [string, string | undefined, () => unknown, string][] = [
      ['no token', undefined, () => ({ postId: 5 }), 'invalid_token'],
      [
        'a forged token',
        undefined,
        () => ({ postId: 5, token: signViewToken('another-secret-entirely', 5, now() + 600) }),
        'invalid_token',
      ],
      [
        'an expired token',
        undefined,
        () => ({ postId: 5, token: signViewToken(SECRET, 5, now() - 3600) }),
        'token_expired',
      ],
      [
        'a token for another post',
        undefined,
        () => ({ postId: 5, token: signViewToken(SECRET, 6, now() + 600) }),
        'invalid_token',
      ],
      [
        'a garbled token',
        undefined,
        () => ({ postId: 5, token: 'v1.5.9999999999.not-a-signature' }),
        'invalid_token',
      ],
      [
        'a v2 token of another site',
        'site-b',
        () => ({ postId: 5, token: signViewToken(SECRET, 5, now() + 600, 'site-a') }),
        'invalid_token',
      ],
      [
        'a v2 token on a socket of the default site',
        undefined,
        () => ({ postId: 5, token: signViewToken(SECRET, 5, now() + 600, 'site-a') }),
        'invalid_token',
      ],
      [
        'a v1 token on a socket of a named site',
        'site-a',
        () => ({ postId: 5, token: signViewToken(SECRET, 5, now() + 600) }),
        'invalid_token',
      ],
      [
        'a v2 token whose site was changed after signing',
        'site-b',
        () => ({
          postId: 5,
          token: signViewToken(SECRET, 5, now() + 600, 'site-a').replace(
            'v2.site-a.',
            'v2.site-b.',
          ),
        }),
        'invalid_token',
      ],
      [
        'an expired v2 token',
        'site-a',
        () => ({ postId: 5, token: signViewToken(SECRET, 5, now() - 3600, 'site-a') }),
        'token_expired',
      ],
      [
        'a forged v2 token',
        'site-a',
        () => ({
          postId: 5,
          token: signViewToken('another-secret-entirely', 5, now() + 600, 'site-a'),
        }),
        'invalid_token',
      ],
      [
        'a token of an unknown version',
        'site-a',
        () => ({
          postId: 5,
          token: signViewToken(SECRET, 5, now() + 600, 'site-a').replace(/^v2/, 'v3'),
        }),
        'invalid_token',
      ],
      [
        'an over-long token',
        'site-a',
        () => ({
          postId: 5,
          token: `${signViewToken(SECRET, 5, now() + 600, 'site-a')}${'A'.repeat(100)}`,
        }),
        'invalid_token',
      ],
    ];
    it.each(cases)('should refuse a join with %s', async (_label, site, payload, code) => {
      const c = await (site ? siteClient(site) : client());
      expect(await c.request('presence:join', payload())).toMatchObject({
        ok: false,
        error: { code },
      });
      await expectNothingWrittenAndStillServing();
    });

    it('should refuse an over-long token as a bad payload', async () => {
      const c = await siteClient('site-a');
      expect(
        await c.request('presence:join', { postId: 5, token: 'v2.'.padEnd(300, 'x') }),
      ).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
      await expectNothingWrittenAndStillServing();
    });
  });

  describe('connections', () => {
    it('should refuse a disallowed origin with origin_not_allowed', async () => {
      const error = await connectError(server.url, {
        auth: { visitorId: newVisitorId() },
        extraHeaders: { origin: 'https://evil.example' },
      });
      expect(error.data?.code).toBe('origin_not_allowed');
      await expectNothingWrittenAndStillServing();
    });

    it.each([
      ['no auth', undefined],
      ['a short visitor id', { visitorId: 'abc' }],
      ['a visitor id with spaces', { visitorId: 'has spaces in it' }],
      ['a numeric visitor id', { visitorId: 12345678 }],
    ])('should refuse a handshake with %s with invalid_visitor_id', async (_label, auth) => {
      const error = await connectError(server.url, { auth, extraHeaders: { origin: ORIGIN } });
      expect(error.data?.code).toBe('invalid_visitor_id');
    });

    it.each([
      ['an empty site', ''],
      ['a site of 65 characters', 'x'.repeat(65)],
      ['a site with a dot', 'news.example'],
      ['a site with a colon', 'a:b'],
      ['a site with a hash tag', 'a{p1}'],
      ['a numeric site', 42],
      ['a site that is an object', { name: 'a' }],
    ])('should refuse a handshake with %s with invalid_site', async (_label, site) => {
      const error = await connectError(server.url, {
        auth: { visitorId: newVisitorId(), site },
        extraHeaders: { origin: ORIGIN },
      });
      expect(error.data?.code).toBe('invalid_site');
      await expectNothingWrittenAndStillServing();
    });

    /** A connection from another client machine, `from`, to `url`, with its own headers. */
    const connectFrom = (url: string, from: string, headers: Record<string, string> = {}) =>
      connectClient(url, { localAddress: from, extraHeaders: { origin: ORIGIN, ...headers } });
    const refusalFrom = async (url: string, from: string, headers: Record<string, string> = {}) =>
      (
        await connectError(url, {
          auth: { visitorId: newVisitorId() },
          localAddress: from,
          extraHeaders: { origin: ORIGIN, ...headers },
        })
      ).data?.code;

    it('should count a client behind the proxy by the address the proxy saw, whatever X-Forwarded-For it forges', async () => {
      const reader = await client();
      expect(
        await reader.request('presence:join', {
          postId: 12,
          token: signViewToken(SECRET, 12, now() + 600),
        }),
      ).toMatchObject({ ok: true, count: 1 });
      // Each connection forges another address; the proxy appends the one it saw.
      for (let i = 0; i < MAX_CONNECTIONS; i += 1) {
        await connectFrom(proxy.url, SPOOFER, { 'x-forwarded-for': `203.0.113.${i}` });
      }
      const forged = [
        '203.0.113.200',
        '127.0.0.1',
        `198.51.100.7, ${SPOOFER}`,
        'unknown',
        '2001:db8::1',
      ];
      for (const value of forged) {
        expect(await refusalFrom(proxy.url, SPOOFER, { 'x-forwarded-for': value }), value).toBe(
          'too_many_connections',
        );
      }
      expect(await storedConnections(SPOOFER)).toBe(MAX_CONNECTIONS);
      // The count the reader sees did not move.
      expect(await reader.request('presence:watch', { postIds: [12] })).toEqual({
        ok: true,
        counts: { 12: 1 },
      });
      expect(reader.counts.filter((c) => c.postId === 12 && c.count !== 1)).toEqual([]);
      // The connections counted are the reader's and the spoofer's own, and one viewer.
      expect((await redis.client.keys('vp:conn:*')).sort()).toEqual(
        [addressConnectionsKey('127.0.0.1'), addressConnectionsKey(SPOOFER)].sort(),
      );
      expect(await redis.client.zcard(postKeys(12).viewers)).toBe(1);
    });

    it('should refuse a flood of made-up visitors from one address over the cap on both nodes', async () => {
      const watcher = await client();
      await watcher.request('presence:watch', { postIds: [13] });
      const token = signViewToken(SECRET, 13, now() + 600);
      // Half the flood on each node, every connection a new visitor joining the post.
      for (let i = 0; i < MAX_CONNECTIONS; i += 1) {
        const flooder = await connectFrom(i % 2 ? nodeB.url : server.url, FLOODER, {});
        expect(await flooder.request('presence:join', { postId: 13, token })).toMatchObject({
          ok: true,
        });
      }
      await watcher.waitForCount(13, (c) => c.count === MAX_CONNECTIONS);
      // Over the cap: refused on the second node as on the first, however many times.
      for (const url of [nodeB.url, server.url, nodeB.url, nodeB.url]) {
        expect(await refusalFrom(url, FLOODER)).toBe('too_many_connections');
      }
      expect(await storedConnections(FLOODER)).toBe(MAX_CONNECTIONS);
      expect(await redis.client.zcard(postKeys(13).viewers)).toBe(MAX_CONNECTIONS);
      expect(await watcher.request('presence:watch', { postIds: [13] })).toEqual({
        ok: true,
        counts: { 13: MAX_CONNECTIONS },
      });
      expect(watcher.counts.filter((c) => c.postId === 13 && c.count > MAX_CONNECTIONS)).toEqual(
        [],
      );
      // One of the flood leaves: one more may come, on either node.
      closeAllClients();
      await expect.poll(openSockets).toBe(0);
      await expect.poll(() => storedConnections(FLOODER)).toBe(0);
      await connectFrom(nodeB.url, FLOODER);
    });

    it('should cap connections from one address with too_many_connections', async () => {
      const clients: TestClient[] = [];
      for (let i = 0; i < 30; i += 1) clients.push(await client());
      const error = await connectError(server.url, {
        auth: { visitorId: newVisitorId() },
        extraHeaders: { origin: ORIGIN },
      });
      expect(error.data?.code).toBe('too_many_connections');
      clients[0]?.close();
      await expect
        .poll(
          async () => {
            const socket = connect(server.url, {
              transports: ['websocket'],
              auth: { visitorId: newVisitorId() },
              extraHeaders: { origin: ORIGIN },
              reconnection: false,
              forceNew: true,
            });
            const accepted = await new Promise<boolean>((resolve) => {
              socket.once('connect', () => resolve(true));
              socket.once('connect_error', () => resolve(false));
            });
            socket.disconnect();
            return accepted;
          },
          { timeout: 5_000 },
        )
        .toBe(true);
    });
  });
});
