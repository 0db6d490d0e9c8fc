import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signViewToken } from '@vip-presence/protocol/token';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import {
  closeAllClients,
  connectClient,
  connectError,
  newVisitorId,
  type TestClient,
} from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const SECRET = 'test-secret-of-sufficient-length';
const ORIGIN = 'https://news.example';
const now = () => Math.floor(Date.now() / 1000);

let redis: RedisProcess;
let server: PresenceServer;

beforeAll(async () => {
  redis = await startRedis();
  server = createPresenceServer({
    redisUrl: redis.url,
    secret: SECRET,
    allowedOrigins: [ORIGIN],
    maxPostsPerSocket: 50,
    eventsPerSecond: 5,
    eventBurst: 20,
    maxConnectionsPerIp: 30,
  });
  await server.listen();
});

beforeEach(() => redis.flush());
afterEach(() => closeAllClients());

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

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
 * After a refusal: nothing in Redis, and the server still serves a good join. The good visitor
 * then leaves and the test waits until a watcher sees it, so no write is in flight afterwards.
 */
async function expectNothingWrittenAndStillServing(): Promise<void> {
  expect(await redis.client.dbsize()).toBe(0);
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
