import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPresenceServer,
  type PresenceServer,
  type PresenceServerOptions,
} from '../../src/index.js';
import { closeAllClients, connectClient, newVisitorId } from '../helpers/clients.js';
import { startRedisCluster, type RedisClusterProcess } from '../helpers/redis-cluster.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

interface Setup {
  /** Store options of every node (a Redis URL, or cluster seed nodes). */
  storeOptions: PresenceServerOptions;
  /** Shard channels subscribed on the cluster's masters (cluster only). */
  shardChannels?(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * One suite, run against each Redis setup: a single Redis with the classic adapter, and a 3-master
 * Redis Cluster with the sharded adapter and three nodes.
 */
const setups: [string, number, () => Promise<Setup>][] = [
  [
    'a single Redis (classic adapter)',
    2,
    async () => {
      const redis: RedisProcess = await startRedis();
      return { storeOptions: { redisUrl: redis.url }, stop: () => redis.stop() };
    },
  ],
  [
    'a 3-master Redis Cluster (sharded adapter)',
    3,
    async () => {
      const cluster: RedisClusterProcess = await startRedisCluster();
      return {
        storeOptions: { redisClusterNodes: cluster.nodes },
        async shardChannels() {
          const masters = cluster.client.nodes('master');
          const lists = await Promise.all(
            masters.map((node) => node.call('PUBSUB', 'SHARDCHANNELS') as Promise<string[]>),
          );
          return [...new Set(lists.flat())];
        },
        stop: () => cluster.stop(),
      };
    },
  ],
];

describe.each(setups)('presence on %s', (_label, nodeCount, start) => {
  let setup: Setup;
  let nodes: PresenceServer[] = [];
  let a: PresenceServer;
  let b: PresenceServer;
  let nextPostId = 100;
  const postId = () => nextPostId++;
  const makeServer = (options: PresenceServerOptions = {}) =>
    createPresenceServer({ ...setup.storeOptions, coalesceWindowMs: 100, ...options });

  beforeAll(async () => {
    setup = await start();
    nodes = Array.from({ length: nodeCount }, () => makeServer());
    await Promise.all(nodes.map((node) => node.listen()));
    [a, b] = nodes as [PresenceServer, PresenceServer];
  });

  afterEach(() => closeAllClients());

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await setup?.stop();
  });

  describe('readers and viewers', () => {
    it('should count a visitor with two tabs on two nodes once', async () => {
      const post = postId();
      const visitorId = newVisitorId();
      const tab1 = await connectClient(a.url, { visitorId });
      const tab2 = await connectClient(b.url, { visitorId });
      expect(await tab1.request('presence:join', { postId: post })).toMatchObject({
        ok: true,
        count: 1,
      });
      expect(await tab2.request('presence:join', { postId: post })).toMatchObject({
        ok: true,
        count: 1,
        self: true,
      });
      const reader = await connectClient(a.url);
      expect(await reader.request('presence:watch', { postIds: [post] })).toEqual({
        ok: true,
        counts: { [post]: 1 },
      });
    });

    it('should keep a visitor while one tab remains and drop them when the last tab leaves', async () => {
      const post = postId();
      const visitorId = newVisitorId();
      const tab1 = await connectClient(a.url, { visitorId });
      const tab2 = await connectClient(b.url, { visitorId });
      const tab3 = await connectClient(a.url, { visitorId });
      const other = await connectClient(b.url);
      for (const tab of [tab1, tab2, tab3]) await tab.request('presence:join', { postId: post });
      expect(await other.request('presence:join', { postId: post })).toMatchObject({ count: 2 });

      tab1.close();
      expect(await tab2.request('presence:leave', { postId: post })).toEqual({ ok: true });
      const { counts } = await other.request<{ counts: Record<string, number> }>('presence:watch', {
        postIds: [post],
      });
      expect(counts[post]).toBe(2);

      tab3.close();
      await other.waitForCount(post, (c) => c.count === 1 && c.self);
    });

    it('should tell each reader whether its visitor is among the count', async () => {
      const post = postId();
      const viewer = await connectClient(a.url);
      const watcher = await connectClient(b.url);
      await watcher.request('presence:watch', { postIds: [post] });
      // The viewer's ack tells it; the count does not come to it again as an update.
      expect(await viewer.request('presence:join', { postId: post })).toMatchObject({
        count: 1,
        self: true,
      });
      expect(await watcher.waitForCount(post, (c) => c.count === 1)).toMatchObject({ self: false });
    });

    it('should tell a tab that starts watching whether its visitor already views the post', async () => {
      const post = postId();
      const visitorId = newVisitorId();
      const article = await connectClient(a.url, { visitorId });
      await article.request('presence:join', { postId: post });
      const archive = await connectClient(a.url, { visitorId });
      await archive.request('presence:watch', { postIds: [post] });
      expect(archive.lastCount(post)).toMatchObject({ count: 1, self: true });
    });

    it('should mark a watching tab as self when the same visitor views the post in another tab', async () => {
      const post = postId();
      const visitorId = newVisitorId();
      const archive = await connectClient(a.url, { visitorId });
      const article = await connectClient(a.url, { visitorId });
      await archive.request('presence:watch', { postIds: [post] });
      await article.request('presence:join', { postId: post });
      expect(await archive.waitForCount(post, (c) => c.count === 1)).toMatchObject({ self: true });
    });

    it('should send each reader a count once: a joiner in its ack, not again as an update', async () => {
      const post = postId();
      const joiner = await connectClient(a.url);
      const ack = await joiner.request<{ seq: number }>('presence:join', { postId: post });
      const watcher = await connectClient(a.url);
      await watcher.request('presence:watch', { postIds: [post] });
      const other = await connectClient(b.url);
      await other.request('presence:join', { postId: post });
      await joiner.waitForCount(post, (c) => c.count === 2);
      await watcher.waitForCount(post, (c) => c.count === 2);
      expect(joiner.counts.map((c) => c.seq)).not.toContain(ack.seq);
      for (const reader of [joiner, watcher]) {
        const seqs = reader.counts.map((c) => c.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
      }
    });

    it('should let a watcher receive updates without being counted', async () => {
      const post = postId();
      const watcher = await connectClient(a.url);
      expect(await watcher.request('presence:watch', { postIds: [post] })).toEqual({
        ok: true,
        counts: { [post]: 0 },
      });
      const viewer = await connectClient(b.url);
      expect(await viewer.request('presence:join', { postId: post })).toMatchObject({ count: 1 });
      await watcher.waitForCount(post, (c) => c.count === 1);
      viewer.close();
      await watcher.waitForCount(post, (c) => c.count === 0);
    });

    it('should never send a reader the updates of another post', async () => {
      const [mine, theirs] = [postId(), postId()];
      const reader = await connectClient(a.url);
      await reader.request('presence:join', { postId: mine });
      const others = await Promise.all([
        connectClient(a.url),
        connectClient(b.url),
        connectClient(b.url),
      ]);
      for (const other of others) await other.request('presence:join', { postId: theirs });
      // A join on the reader's own post after the others: once it arrives, the others' are past.
      const late = await connectClient(b.url);
      await late.request('presence:join', { postId: mine });
      await reader.waitForCount(mine, (c) => c.count === 2);
      expect(reader.counts.every((c) => c.postId === mine)).toBe(true);
    });

    it('should deliver a join on one node to a reader on another within a second', async () => {
      const post = postId();
      const reader = await connectClient(b.url);
      await reader.request('presence:join', { postId: post });
      const joiner = await connectClient(a.url);
      await joiner.request('presence:join', { postId: post });
      await reader.waitForCount(post, (c) => c.count === 2, 1_000);
    });

    it('should count a view once per visit, not once per reconnect or tab', async () => {
      const post = postId();
      const visitorId = newVisitorId();
      const first = await connectClient(a.url, { visitorId });
      expect(await first.request('presence:join', { postId: post })).toMatchObject({ views: 1 });
      first.close();
      const again = await connectClient(b.url, { visitorId });
      expect(await again.request('presence:join', { postId: post })).toMatchObject({ views: 1 });
      const someoneElse = await connectClient(a.url);
      expect(await someoneElse.request('presence:join', { postId: post })).toMatchObject({
        views: 2,
      });
    });

    it('should coalesce a burst of joins into a few updates per reader', async () => {
      const post = postId();
      const reader = await connectClient(a.url);
      await reader.request('presence:watch', { postIds: [post] });
      const joiners = await Promise.all(
        Array.from({ length: 30 }, (_, i) => connectClient(i % 2 ? a.url : b.url)),
      );
      await Promise.all(joiners.map((j) => j.request('presence:join', { postId: post })));
      await reader.waitForCount(post, (c) => c.count === 30);
      // 30 changes within a few 100 ms windows: far fewer updates than changes.
      expect(reader.counts.length).toBeLessThan(15);
      const seqs = reader.counts.map((c) => c.seq ?? 0);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    });

    it('should reach every reader of a room bigger than one fan-out chunk, with the right self', async () => {
      const chunked = makeServer({ fanOutChunkSize: 2 });
      await chunked.listen();
      try {
        const post = postId();
        const viewers = await Promise.all(
          Array.from({ length: 5 }, () => connectClient(chunked.url)),
        );
        for (const viewer of viewers) await viewer.request('presence:join', { postId: post });
        const watchers = await Promise.all(
          Array.from({ length: 2 }, () => connectClient(chunked.url)),
        );
        for (const watcher of watchers) {
          await watcher.request('presence:watch', { postIds: [post] });
        }
        // A second tab of the first viewer, watching: it is part of the count.
        const tab = await connectClient(chunked.url, { visitorId: viewers[0]?.visitorId });
        await tab.request('presence:watch', { postIds: [post] });

        const joiner = await connectClient(b.url);
        await joiner.request('presence:join', { postId: post });
        for (const reader of [...viewers, tab]) {
          await reader.waitForCount(post, (c) => c.count === 6 && c.self);
        }
        for (const watcher of watchers) {
          await watcher.waitForCount(post, (c) => c.count === 6 && !c.self);
        }
        joiner.close();
        for (const reader of [...viewers, tab, ...watchers]) {
          await reader.waitForCount(post, (c) => c.count === 5);
        }
      } finally {
        await chunked.close();
      }
    });

    it('should keep a socket to the posts-per-socket limit across joins and watches', async () => {
      const small = makeServer({ maxPostsPerSocket: 3 });
      await small.listen();
      try {
        const client = await connectClient(small.url);
        expect(await client.request('presence:watch', { postIds: [1, 2] })).toMatchObject({
          ok: true,
        });
        expect(await client.request('presence:join', { postId: 1 })).toMatchObject({ ok: true });
        expect(await client.request('presence:join', { postId: 3 })).toMatchObject({ ok: true });
        expect(await client.request('presence:join', { postId: 4 })).toMatchObject({
          ok: false,
          error: { code: 'too_many_posts' },
        });
        expect(await client.request('presence:watch', { postIds: [5] })).toMatchObject({
          ok: false,
          error: { code: 'too_many_posts' },
        });
      } finally {
        closeAllClients();
        await small.close();
      }
    });
  });

  describe('known crawlers (DESIGN 24)', () => {
    const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    const HEADLESS_CHROME =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
    const CHROME =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const withAgent = (url: string, userAgent: string) =>
      connectClient(url, { extraHeaders: { 'user-agent': userAgent } });
    /** A counter's value on a node's /metrics. */
    const metric = async (node: PresenceServer, name: string) =>
      (await node.metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

    it('should let a crawler watch a post it joins, and never count it', async () => {
      const post = postId();
      const reader = await connectClient(a.url);
      expect(await reader.request('presence:join', { postId: post })).toMatchObject({
        count: 1,
        views: 1,
      });
      const before = await Promise.all([
        metric(b, 'vip_presence_bot_connections_total'),
        metric(b, 'vip_presence_bot_joins_total'),
      ]);
      const crawler = await withAgent(b.url, GOOGLEBOT);
      expect(await crawler.request('presence:join', { postId: post })).toEqual({
        ok: true,
        count: 1,
        self: false,
        views: 1,
        seq: expect.any(Number),
      });
      // No lease, no view: the store holds the reader alone.
      expect(await b.store.stats([post])).toMatchObject([{ count: 1, views: 1 }]);
      // It hears the post's counts like a watcher, never as one of them.
      const person = await connectClient(a.url);
      await person.request('presence:join', { postId: post });
      expect(await crawler.waitForCount(post, (c) => c.count === 2)).toMatchObject({
        self: false,
      });
      // Its leave ends the watch: it hears nothing more.
      expect(await crawler.request('presence:leave', { postId: post })).toEqual({ ok: true });
      person.close();
      await reader.waitForCount(post, (c) => c.count === 1);
      expect(crawler.lastCount(post)?.count).toBe(2);
      expect(
        await Promise.all([
          metric(b, 'vip_presence_bot_connections_total'),
          metric(b, 'vip_presence_bot_joins_total'),
        ]),
      ).toEqual(before.map((n) => n + 1));
    });

    it.each([
      ['take headless Chromium for a crawler', HEADLESS_CHROME, false],
      ['count an ordinary Chrome', CHROME, true],
      ['count a client that sends no User-Agent', undefined, true],
    ])('should %s', async (_label, userAgent, counted) => {
      const post = postId();
      const c = userAgent ? await withAgent(a.url, userAgent) : await connectClient(a.url);
      expect(await c.request('presence:join', { postId: post })).toMatchObject({
        ok: true,
        count: counted ? 1 : 0,
        self: counted,
      });
      expect((await a.store.stats([post]))[0]?.views).toBe(counted ? 1 : 0);
    });
  });

  describe('node shutdown', () => {
    it("should take a closed node's viewers out of every count at once", async () => {
      const post = postId();
      const leaving = makeServer();
      await leaving.listen();
      const reader = await connectClient(a.url);
      await reader.request('presence:join', { postId: post });
      const viewers = await Promise.all([connectClient(leaving.url), connectClient(leaving.url)]);
      for (const viewer of viewers) await viewer.request('presence:join', { postId: post });
      await reader.waitForCount(post, (c) => c.count === 3);
      await leaving.close();
      // Far sooner than the 15 s lease: the node removed its viewers as it closed.
      await reader.waitForCount(post, (c) => c.count === 1, 2_000);
    });
  });

  it('should keep one adapter shard channel per namespace on a cluster, and a counts channel per post read', async () => {
    if (!setup.shardChannels) return; // classic adapter: no shard channels
    const posts = [postId(), postId(), postId()];
    const reader = await connectClient(a.url);
    for (const post of posts) await reader.request('presence:join', { postId: post });
    await reader.request('presence:watch', { postIds: posts });
    // A per-room subscription of the adapter would show here as "vp:sio#/#<room>#". Expected: the
    // namespace's channel, one private channel per node, and the counts channel of each post read
    // here (the node follows those posts).
    const channels = await setup.shardChannels();
    expect(channels).toContain('vp:sio#/#');
    const counts = channels.filter((channel) => channel.startsWith('vp:counts:'));
    expect(counts).toEqual(expect.arrayContaining(posts.map((post) => `vp:counts:{p${post}}`)));
    const other = channels.filter(
      (channel) => !channel.startsWith('vp:counts:') && !/^vp:sio#\/#([0-9a-f]+#)?$/.test(channel),
    );
    expect(other).toEqual([]);
  });

  it('should deliver a count to readers on every node', async () => {
    const post = postId();
    const readers = await Promise.all(nodes.map((node) => connectClient(node.url)));
    for (const reader of readers) await reader.request('presence:watch', { postIds: [post] });
    const viewer = await connectClient(nodes[nodes.length - 1]!.url);
    await viewer.request('presence:join', { postId: post });
    await Promise.all(
      readers.map((reader) => reader.waitForCount(post, (c) => c.count === 1, 1_000)),
    );
  });
  it('should not count a visitor whose leave was sent before the join was acked', async () => {
    const posts = Array.from({ length: 20 }, () => postId());
    const fickle = await connectClient(a.url);
    // Join and leave back to back, without waiting: the store must see them in that order.
    await Promise.all(
      posts.flatMap((post) => [
        fickle.socket.timeout(5_000).emitWithAck('presence:join', { postId: post }),
        fickle.socket.timeout(5_000).emitWithAck('presence:leave', { postId: post }),
      ]),
    );
    const watcher = await connectClient(b.url);
    const { counts } = await watcher.request<{ counts: Record<string, number> }>('presence:watch', {
      postIds: posts,
    });
    expect(Object.values(counts)).toEqual(posts.map(() => 0));
  });

  it('should route a change only to the nodes that read the post, and count it in the metrics', async () => {
    // Nodes of its own: the shared ones' metrics also count other tests' changes.
    const own = [makeServer(), makeServer(), makeServer()];
    await Promise.all(own.map((node) => node.listen()));
    const [a, b] = own as [PresenceServer, PresenceServer];
    const post = postId();
    const value = async (node: PresenceServer, name: string) =>
      (await node.metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
    const names = [
      'vip_presence_counts_published_total',
      'vip_presence_counts_delivered_total',
      'vip_presence_counts_received_total',
    ];
    const read = (node: PresenceServer) => Promise.all(names.map((name) => value(node, name)));
    // b watches the post, a's viewer joins it; a third node reads nothing of it.
    const reader = await connectClient(b.url);
    await reader.request('presence:watch', { postIds: [post] });
    const before = await Promise.all(own.map(read));
    const viewer = await connectClient(a.url);
    await viewer.request('presence:join', { postId: post });
    await reader.waitForCount(post, (c) => c.count === 1, 1_000);
    const after = await Promise.all(own.map(read));
    const grew = (n: number, metric: number) => after[n]![metric]! - before[n]![metric]!;
    // a published the change once; Redis delivered it to the two nodes that read the post (a
    // hears its own change back, and drops it by seq); a third node never hears of it.
    expect([grew(0, 0), grew(0, 1), grew(0, 2), grew(1, 2)]).toEqual([1, 2, 1, 1]);
    expect(grew(2, 2)).toBe(0);
    closeAllClients();
    await Promise.all(own.map((node) => node.close()));
  });
});

describe('Redis restarts', () => {
  let redis: RedisProcess;
  let a: PresenceServer;
  let b: PresenceServer;
  let post = 1;
  const postId = () => post++;

  beforeAll(async () => {
    redis = await startRedis();
    a = createPresenceServer({ redisUrl: redis.url });
    b = createPresenceServer({ redisUrl: redis.url });
    await Promise.all([a.listen(), b.listen()]);
  });

  afterEach(() => closeAllClients());

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('should re-assert live sessions after Redis restarts and lost everything', async () => {
    const post = postId();
    const viewers = await Promise.all([connectClient(a.url), connectClient(b.url)]);
    for (const viewer of viewers) await viewer.request('presence:join', { postId: post });
    await redis.restart();
    // Redis lost everything (views are not re-asserted, so they show it), and the nodes may
    // already have re-asserted their leases.
    expect(await redis.client.get(`vp:{p${post}}:views`)).toBeNull();
    // Each node re-asserts its leases as soon as its store connection is ready again.
    const reader = await connectClient(a.url);
    await expect
      .poll(
        async () =>
          (
            await reader.request<{ ok: boolean; counts?: Record<string, number> }>(
              'presence:watch',
              { postIds: [post] },
            )
          ).counts?.[post],
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toBe(2);
  });
});
