import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '@vip-presence/protocol';
import { signViewToken } from '@vip-presence/protocol/token';
import { postKeys } from '@vip-presence/store';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, connectError, newVisitorId } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';

let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});
afterAll(() => redis?.stop());

describe('a client whose network vanishes', () => {
  it('should leave within the ping window although no close ever arrives', async () => {
    const server = createPresenceServer({
      redisUrl: redis.url,
      pingIntervalMs: 200,
      pingTimeoutMs: 300,
    });
    const { port } = await server.listen();
    const proxy = await startTcpProxy(port);
    try {
      const reader = await connectClient(server.url);
      await reader.request('presence:join', { postId: 1 });
      const ghost = await connectClient(proxy.url);
      await ghost.request('presence:join', { postId: 1 });
      await reader.waitForCount(1, (c) => c.count === 2);
      proxy.cut();
      await reader.waitForCount(1, (c) => c.count === 1, 200 + 300 + 1_500);
    } finally {
      closeAllClients();
      await proxy.close();
      await server.close();
    }
  });
});

describe('connections behind a trusted proxy', () => {
  let server: PresenceServer;

  beforeAll(async () => {
    server = createPresenceServer({
      redisUrl: redis.url,
      maxConnectionsPerIp: 3,
      // Two proxies: the node's peer, and 10.0.0.1 before it (proxies.test.ts uses real ones).
      trustProxy: 2,
    });
    await server.listen();
  });

  afterAll(() => server?.close());

  it('should cap connections per address by the X-Forwarded-For entry of the outer of two proxies', async () => {
    const from = (ip: string) => ({ extraHeaders: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 3; i += 1) await connectClient(server.url, from('203.0.113.7'));
    const refused = await connectError(server.url, {
      auth: { visitorId: newVisitorId() },
      ...from('203.0.113.7'),
    });
    expect(refused.data?.code).toBe('too_many_connections');
    // Another address behind the same proxy is not affected.
    await connectClient(server.url, from('203.0.113.8'));
  });
});

describe('a fuzzer speaking well-formed Socket.IO to a server with a secret', () => {
  const SECRET = 'fuzz-secret-of-sufficient-length';
  /** Valid joins, leaves and watches go to these posts. */
  const POSTS = 12;
  const FUZZERS = 8;
  const EVENTS_PER_FUZZER = 300;
  let server: PresenceServer;

  beforeAll(async () => {
    // No rate limit in the way: every event must reach its handler.
    server = createPresenceServer({
      redisUrl: redis.url,
      secret: SECRET,
      eventsPerSecond: 100_000,
      eventBurst: 100_000,
    });
    await server.listen();
  });

  afterAll(() => server?.close());

  const now = () => Math.floor(Date.now() / 1000);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const randomPost = () => 1 + Math.floor(Math.random() * POSTS);
  const validToken = (postId: number) => signViewToken(SECRET, postId, now() + 600);

  /** Payloads no real event accepts: wrong types and shapes, bad post ids, binary. */
  const MALFORMED: (() => unknown)[] = [
    () => null,
    () => undefined,
    () => Math.random() * 1e20 - 1e10,
    () => randomBytes(8).toString('hex'),
    () => [randomPost()],
    () => [[[[[]]]]],
    () => randomBytes(64),
    () => ({}),
    () => ({ postId: String(randomPost()) }),
    () => ({ postId: randomPost() + 0.5 }),
    () => ({ postId: -randomPost() }),
    () => ({ postId: 0 }),
    () => ({ postId: Number.MAX_SAFE_INTEGER + 2 }),
    () => ({ postId: NaN, token: validToken(1) }),
    () => ({ postId: { $gt: 0 } }),
    () => ({ __proto__: { postId: randomPost() } }),
    () => ({ postIds: String(randomPost()) }),
    () => ({ postIds: [] }),
    () => ({ postIds: [randomPost(), null, {}] }),
  ];

  /** Tokens of a join of `postId`, with the answer of a server that has SECRET (valid thrice). */
  const TOKENS: [(postId: number) => unknown, string][] = [
    [validToken, 'ok'],
    [validToken, 'ok'],
    [validToken, 'ok'],
    [(p) => signViewToken('a-forger-without-the-secret', p, now() + 600), 'invalid_token'],
    [(p) => signViewToken(SECRET, p, now() - 3_600), 'token_expired'],
    [(p) => signViewToken(SECRET, p + POSTS, now() + 600), 'invalid_token'],
    [(p) => `v1.${p}.${now() + 600}.${randomBytes(32).toString('base64url')}`, 'invalid_token'],
    [() => randomBytes(1 + Math.floor(Math.random() * 64)).toString('base64url'), 'invalid_token'],
    [() => undefined, 'invalid_token'],
    [() => null, 'invalid_token'],
    [() => '', 'invalid_payload'],
    [() => 'v'.repeat(257), 'invalid_payload'],
    [() => 42, 'invalid_payload'],
    [() => ({ v1: validToken(1) }), 'invalid_payload'],
  ];

  const UNKNOWN_EVENTS = ['junk', '', 'presence:count', 'presence:explode', 'PRESENCE:JOIN'];
  const PROTOTYPE_EVENTS = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

  interface Fuzz {
    event: string;
    payload: unknown;
    /** "ok" or the error code the server must answer. */
    expected: string;
    /** What an "ok" changes in the model. */
    joins?: number;
    leaves?: number;
  }

  const REAL_EVENTS = ['presence:join', 'presence:leave', 'presence:watch', 'presence:unwatch'];
  const someValidPosts = () =>
    Array.from({ length: 1 + Math.floor(Math.random() * 5) }, randomPost);

  const join = (): Fuzz => {
    const postId = randomPost();
    const [token, expected] = pick(TOKENS);
    const payload = { postId, token: token(postId) };
    return { event: 'presence:join', payload, expected, joins: postId };
  };
  const leave = (): Fuzz => {
    const postId = randomPost();
    return { event: 'presence:leave', payload: { postId }, expected: 'ok', leaves: postId };
  };
  const watch = (event: string) => (): Fuzz => ({
    event,
    payload: { postIds: someValidPosts() },
    expected: 'ok',
  });
  const watchTooMany = (): Fuzz => {
    const length = server.options.maxPostsPerSocket + 1 + Math.floor(Math.random() * 100);
    const postIds = Array.from({ length }, (_, i) => i + 1);
    return { event: 'presence:watch', payload: { postIds }, expected: 'too_many_posts' };
  };
  const malformed = (): Fuzz => ({
    event: pick(REAL_EVENTS),
    payload: pick(MALFORMED)(),
    expected: 'invalid_payload',
  });
  const unknown = (): Fuzz => ({
    event: pick([...UNKNOWN_EVENTS, ...PROTOTYPE_EVENTS, randomBytes(6).toString('hex')]),
    payload: pick([...MALFORMED, () => ({ postId: 1, token: validToken(1) })])(),
    expected: 'unknown_event',
  });
  /** Kinds of random events, with their weights. */
  const KINDS: [number, () => Fuzz][] = [
    [4, join],
    [2, leave],
    [1, watch('presence:watch')],
    [1, watch('presence:unwatch')],
    [1, watchTooMany],
    [3, malformed],
    [2, unknown],
  ];
  const weighted = KINDS.flatMap(([weight, make]) => Array<() => Fuzz>(weight).fill(make));
  const randomEvent = () => pick(weighted)();

  it('should answer every random event from its handlers and count only the valid joins', async () => {
    await redis.flush();
    /** The model: post -> visitors whose last answered join or leave of it was an accepted join. */
    const viewing = new Map<number, Set<string>>();
    const answers = new Map<string, number>();
    const wrong: string[] = [];
    const fuzzers = await Promise.all(
      Array.from({ length: FUZZERS }, () => connectClient(server.url)),
    );
    // Each fuzzer waits for an answer before its next event, so the model knows the order.
    await Promise.all(
      fuzzers.map(async (fuzzer) => {
        for (let i = 0; i < EVENTS_PER_FUZZER; i += 1) {
          const fuzz = randomEvent();
          const answer = (await fuzzer.socket
            .timeout(2_000)
            .emitWithAck(fuzz.event, fuzz.payload)
            .catch(() => undefined)) as { ok?: boolean; error?: { code?: string } } | undefined;
          const got = !answer ? 'no answer' : answer.ok ? 'ok' : String(answer.error?.code);
          answers.set(got, (answers.get(got) ?? 0) + 1);
          if (got !== fuzz.expected) {
            wrong.push(
              `${fuzz.event} ${JSON.stringify(fuzz.payload)}: ${got}, not ${fuzz.expected}`,
            );
          }
          if (got === 'no answer') break;
          if (got !== 'ok') continue;
          if (fuzz.joins)
            viewing.set(fuzz.joins, (viewing.get(fuzz.joins) ?? new Set()).add(fuzzer.visitorId));
          if (fuzz.leaves) viewing.get(fuzz.leaves)?.delete(fuzzer.visitorId);
        }
      }),
    );

    // Every event was answered (by its handler, or by the check of its name) as the model says.
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(answers.has('no answer')).toBe(false);
    expect(answers.has(ErrorCodes.Internal)).toBe(false);
    // Every path was taken, many times.
    const { InvalidPayload, InvalidToken, TokenExpired, TooManyPosts, UnknownEvent } = ErrorCodes;
    for (const outcome of [
      'ok',
      InvalidPayload,
      InvalidToken,
      TokenExpired,
      TooManyPosts,
      UnknownEvent,
    ]) {
      expect(answers.get(outcome) ?? 0, outcome).toBeGreaterThan(20);
    }

    // The store holds exactly the accepted joins, and nothing of any other post.
    for (let postId = 1; postId <= POSTS; postId += 1) {
      const members = await redis.client.zrange(postKeys(postId).viewers, '0', '-1');
      expect(members.sort(), `viewers of post ${postId}`).toEqual(
        [...(viewing.get(postId) ?? [])].sort(),
      );
    }
    const stray = (await redis.client.keys('*')).filter((key) => {
      const postId = /^vp:\{p(\d+)\}:/.exec(key)?.[1];
      // The top-posts index, and the fuzzers' connections from their address.
      return postId ? Number(postId) > POSTS : !/^vp:(top|conn):/.test(key);
    });
    expect(stray).toEqual([]);

    // A well-behaved reader is served, and sees every fuzzer leave when it disconnects.
    const reader = await connectClient(server.url);
    const all = Array.from({ length: POSTS }, (_, i) => i + 1);
    expect(
      await reader.request('presence:join', { postId: 1, token: validToken(1) }),
    ).toMatchObject({
      ok: true,
      count: (viewing.get(1)?.size ?? 0) + 1,
      self: true,
    });
    const viewers = (postId: number) => viewing.get(postId)?.size ?? 0;
    const left = (postId: number) => (postId === 1 ? 1 : 0);
    expect(await reader.request('presence:watch', { postIds: all })).toEqual({
      ok: true,
      counts: Object.fromEntries(all.map((postId) => [postId, viewers(postId) + left(postId)])),
    });
    for (const fuzzer of fuzzers) fuzzer.close();
    // The acks told the reader today's counts; only a post a fuzzer viewed changes, and is pushed.
    await Promise.all(
      all
        .filter((postId) => viewers(postId) > 0)
        .map((postId) => reader.waitForCount(postId, (c) => c.count === left(postId))),
    );
  });
});

describe('Redis unreachable for a while', () => {
  it('should stay up, refuse joins with unavailable, and be right again when Redis is back', async () => {
    const server = createPresenceServer({
      redisUrl: redis.url,
      heartbeatIntervalMs: 200,
      sessionTtlMs: 1_000,
    });
    await server.listen();
    try {
      const viewer = await connectClient(server.url);
      await viewer.request('presence:join', { postId: 30 });
      await redis.down();
      const newcomer = await connectClient(server.url);
      await expect
        .poll(
          async () =>
            (
              (await newcomer.request('presence:join', { postId: 30 })) as {
                error?: { code: string };
              }
            ).error?.code,
          { timeout: 5_000 },
        )
        .toBe('unavailable');
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      // The read API answers that it cannot read, and the node stays up.
      for (const path of ['/api/v1/counts?postIds=30', '/api/v1/top']) {
        const read = await fetch(`${server.privateUrl}${path}`);
        expect({ status: read.status, body: await read.json() }).toEqual({
          status: 503,
          body: { error: 'unavailable' },
        });
      }
      expect(viewer.socket.connected).toBe(true);
      await redis.up();
      // Redis came back empty; the node re-asserts its viewer and takes the newcomer again.
      await expect
        .poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 10_000 })
        .toBe(200);
      expect(await newcomer.request('presence:join', { postId: 30 })).toMatchObject({
        ok: true,
        count: 2,
      });
    } finally {
      closeAllClients();
      await server.close();
    }
  });
});

describe('Redis unreachable for 20 seconds', () => {
  it('should stay up without an error storm or unbounded memory, and be right within 30 s after', async () => {
    const node = await startServerProcess({
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      HEARTBEAT_INTERVAL_MS: '1000',
      SESSION_TTL_MS: '3000',
    });
    const viewers = await Promise.all([connectClient(node.url), connectClient(node.url)]);
    for (const viewer of viewers) await viewer.request('presence:join', { postId: 40 });
    const rssBefore = await rssOf(node.child.pid!);

    await redis.down();
    const outageEnds = Date.now() + 20_000;
    const prober = await connectClient(node.url);
    let refusals = 0;
    // A reader who keeps trying during the outage, a bounded number of times.
    for (let i = 0; i < 100 && Date.now() < outageEnds; i += 1) {
      const ack = await prober.request<{ ok: boolean; error?: { code: string } }>(
        'presence:watch',
        { postIds: [40] },
      );
      if (ack.error?.code === 'unavailable') refusals += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refusals).toBeGreaterThan(10);
    expect((await fetch(`${node.url}/readyz`)).status).toBe(503);
    expect(viewers.every((viewer) => viewer.socket.connected)).toBe(true);
    const rssDuring = await rssOf(node.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));

    await redis.up();
    const back = Date.now();
    await expect
      .poll(
        async () =>
          ((
            await prober.request<{ counts?: Record<string, number> }>('presence:watch', {
              postIds: [40],
            })
          ).counts ?? {})[40],
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toBe(2);
    expect(Date.now() - back).toBeLessThan(30_000);
    // One line when the store goes away and one when it is back, not one per failure.
    const storeLines = node
      .output()
      .split('\n')
      .filter((line) => line.includes('store unavailable') || line.includes('store available'));
    expect(storeLines.length).toBeLessThanOrEqual(4);
    expect(rssDuring - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 90_000);
});

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
