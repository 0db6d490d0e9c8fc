import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PostCount, PresenceStore, SeriesPoint } from '../../src/index.js';

/** A store under test, on a fresh backend. */
export interface ContractSubject {
  /**
   * A store on this backend with the given view window, of the default site or of `site`
   * (several may share the backend).
   */
  store(options: {
    viewWindowMs: number;
    site?: string;
    seriesBucketMs?: number;
    seriesSampleGapMs?: number;
  }): PresenceStore;
  /** Forgets everything (FLUSHALL; a new memory store). */
  reset(): Promise<void>;
  /** Loses every lease as a Redis restart would; undefined where that cannot happen. */
  loseEverything?(): Promise<void>;
  /** Every key with its value (Redis `DUMP`), to prove that nothing was written; Redis only. */
  snapshot?(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** Lease lifetime of the expiry tests: short, so they wait little, long enough for a round trip. */
const SHORT_TTL_MS = 400;
const LONG_TTL_MS = 60_000;

/** Polls until `read` returns what `accept` wants (bounded); returns the last value read. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const countOf = async (store: PresenceStore, postId: number) =>
  (await store.counts([postId]))[0]!.count;

/** A bucket of a day: the series tests that stay in one bucket do not cross into the next. */
const DAY_MS = 86_400_000;
/** A bucket short enough that a test sees several go by. */
const SHORT_BUCKET_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pointsOf = async (store: PresenceStore, postId: number, buckets: number) =>
  (await store.series([postId], buckets))[0]!.points;

/** A series as a string: `n` unknown, `0` nothing recorded, else `max/mean`. */
const shape = (points: readonly (SeriesPoint | null)[]) =>
  points
    .map((p) => (p === null ? 'n' : p.max === 0 && p.mean === 0 ? '0' : `${p.max}/${p.mean}`))
    .join(' ');

/** A small seeded generator, so a failing churn run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The rules every `PresenceStore` keeps, whatever it runs on. Run unchanged against the memory
 * store, one redis-server and a Redis Cluster.
 */
export function describeStoreContract(name: string, start: () => Promise<ContractSubject>): void {
  describe(`store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: PresenceStore;
    beforeAll(async () => {
      subject = await start();
    }, 60_000);
    afterAll(() => subject?.stop());
    beforeEach(async () => {
      await subject.reset();
      store = subject.store({ viewWindowMs: LONG_TTL_MS });
    });

    describe('sites', () => {
      it('should keep the same post id of two sites apart: counts, leaves, top posts, sweeps', async () => {
        const siteA = subject.store({ viewWindowMs: LONG_TTL_MS, site: 'site-a' });
        const siteB = subject.store({ viewWindowMs: LONG_TTL_MS, site: 'site-b' });
        await siteA.join(1, 'alice', 'node-a', LONG_TTL_MS);
        expect((await siteA.join(1, 'bob', 'node-a', LONG_TTL_MS)).count).toBe(2);
        expect(await siteB.join(1, 'alice', 'node-a', SHORT_TTL_MS)).toMatchObject({
          count: 1,
          views: 1,
        });
        expect((await store.join(1, 'carol', 'node-a', LONG_TTL_MS)).count).toBe(1);
        expect((await siteA.stats([1]))[0]).toMatchObject({ peak: 2, views: 2 });
        expect((await siteB.stats([1]))[0]).toMatchObject({ peak: 1, views: 1 });
        expect((await siteA.leave(1, 'alice', 'node-a')).count).toBe(1);
        expect(await countOf(siteB, 1)).toBe(1);
        await siteA.recordCounts(await siteA.counts([1]));
        expect(await siteA.top(5)).toEqual([expect.objectContaining({ postId: 1, count: 1 })]);
        // Site B's lease runs out and its sweep reclaims it; site A's and the default's stay.
        await eventually(
          () => countOf(siteB, 1),
          (count) => count === 0,
        );
        await siteB.sweep();
        expect(await countOf(siteA, 1)).toBe(1);
        expect(await countOf(store, 1)).toBe(1);
        expect(await countOf(siteB, 1)).toBe(0);
      });
    });

    describe('people, not tabs', () => {
      it('should count a visitor once however many nodes hold a lease', async () => {
        expect((await store.join(1, 'alice', 'node-a', LONG_TTL_MS)).count).toBe(1);
        expect((await store.join(1, 'alice', 'node-b', LONG_TTL_MS)).count).toBe(1);
        expect((await store.join(1, 'bob', 'node-b', LONG_TTL_MS)).count).toBe(2);
        expect(await countOf(store, 1)).toBe(2);
      });

      it('should keep a visitor until the last of their leases is dropped', async () => {
        await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        await store.join(1, 'alice', 'node-b', LONG_TTL_MS);
        expect((await store.leave(1, 'alice', 'node-a')).count).toBe(1);
        expect((await store.leave(1, 'alice', 'node-b')).count).toBe(0);
      });

      it('should keep posts apart', async () => {
        await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        await store.join(2, 'alice', 'node-a', LONG_TTL_MS);
        await store.join(2, 'bob', 'node-a', LONG_TTL_MS);
        await store.leave(1, 'alice', 'node-a');
        expect(await store.counts([1, 2, 3])).toEqual([
          { postId: 1, count: 0, seq: expect.any(Number) },
          { postId: 2, count: 2, seq: expect.any(Number) },
          { postId: 3, count: 0, seq: 0 },
        ]);
      });

      it('should answer a leave of a visitor it never saw with the count unchanged', async () => {
        const joined = await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        expect(await store.leave(1, 'nobody', 'node-a')).toEqual({
          postId: 1,
          count: 1,
          seq: joined.seq,
        });
        expect(await store.leave(7, 'nobody', 'node-a')).toMatchObject({ postId: 7, count: 0 });
      });
    });

    describe('leases expire without any sweeper', () => {
      it('should stop counting an expired lease although nothing swept it', async () => {
        await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await store.join(1, 'bob', 'node-b', LONG_TTL_MS);
        expect(await countOf(store, 1)).toBe(2);
        expect(
          await eventually(
            () => countOf(store, 1),
            (n) => n === 1,
          ),
        ).toBe(1);
      });

      it("should keep a visitor whose other node's lease is still live", async () => {
        await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await store.join(1, 'alice', 'node-b', LONG_TTL_MS);
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect(await countOf(store, 1)).toBe(1);
      });

      it('should leave expired posts out of the top posts', async () => {
        await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await store.join(2, 'bob', 'node-a', LONG_TTL_MS);
        await store.join(2, 'carol', 'node-a', LONG_TTL_MS);
        await store.recordCounts(await store.counts([1, 2]));
        expect((await store.top(10)).map((p) => p.postId)).toEqual([2, 1]);
        const top = await eventually(
          () => store.top(10),
          (posts) => posts.length === 1,
        );
        expect(top).toEqual([{ postId: 2, count: 2, seq: expect.any(Number) }]);
      });

      it('should rank the top posts by live count, highest first, at most the limit', async () => {
        for (const [postId, visitors] of [
          [10, 1],
          [11, 3],
          [12, 2],
        ] as const) {
          for (let v = 0; v < visitors; v++) await store.join(postId, `v${v}`, 'n', LONG_TTL_MS);
        }
        await store.recordCounts(await store.counts([10, 11, 12]));
        expect((await store.top(2)).map((p) => [p.postId, p.count])).toEqual([
          [11, 3],
          [12, 2],
        ]);
      });
    });

    describe('seq', () => {
      it('should raise seq with every change of a count and keep it when nothing changed', async () => {
        const a = await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        const again = await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        expect(again.seq).toBe(a.seq);
        const b = await store.join(1, 'bob', 'node-a', LONG_TTL_MS);
        expect(b.seq).toBeGreaterThan(a.seq);
        const left = await store.leave(1, 'bob', 'node-a');
        expect(left.seq).toBeGreaterThan(b.seq);
        expect((await store.counts([1]))[0]!.seq).toBe(left.seq);
      });

      it('should order the counts of concurrent changes by seq', async () => {
        const results: PostCount[] = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.join(1, `v${i}`, 'node-a', LONG_TTL_MS)),
        );
        const bySeq = [...results].sort((x, y) => x.seq - y.seq);
        expect(bySeq.map((r) => r.count)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });
    });

    describe('views', () => {
      it('should count a view once per visitor within the view window', async () => {
        expect((await store.join(1, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(1);
        await store.leave(1, 'alice', 'node-a');
        expect((await store.join(1, 'alice', 'node-b', LONG_TTL_MS)).views).toBe(1);
        expect((await store.join(1, 'bob', 'node-a', LONG_TTL_MS)).views).toBe(2);
        expect((await store.join(2, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(1);
      });

      it('should count a new view when a visitor comes back after the window', async () => {
        const short = subject.store({ viewWindowMs: SHORT_TTL_MS });
        expect((await short.join(1, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(1);
        await short.leave(1, 'alice', 'node-a');
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect((await short.join(1, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(2);
      });

      it('should count no new view for a visitor who stayed longer than the window and comes back within it', async () => {
        const short = subject.store({ viewWindowMs: SHORT_TTL_MS });
        expect((await short.join(1, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(1);
        // Alice reads on, her node renewing her lease, well past the window since she joined.
        for (let i = 0; i < 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS / 2));
          await short.refresh('node-a', LONG_TTL_MS, new Map([[1, ['alice']]]));
        }
        // Her tab is hidden (she leaves) and shown again at once: the same visit.
        await short.leave(1, 'alice', 'node-a');
        expect((await short.join(1, 'alice', 'node-b', LONG_TTL_MS)).views).toBe(1);
        // Hidden again, and back only after the window: a new view.
        await short.leave(1, 'alice', 'node-b');
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect((await short.join(1, 'alice', 'node-a', LONG_TTL_MS)).views).toBe(2);
      });

      it('should count no new view for a visitor still here in another tab, however long ago it joined', async () => {
        const short = subject.store({ viewWindowMs: SHORT_TTL_MS });
        await short.join(1, 'alice', 'node-a', LONG_TTL_MS);
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect(await short.join(1, 'alice', 'node-b', LONG_TTL_MS)).toMatchObject({
          count: 1,
          views: 1,
        });
      });

      it('should count no new view for a visitor whose lease ran out within the window, swept or not', async () => {
        const window = 3 * SHORT_TTL_MS;
        const short = subject.store({ viewWindowMs: window });
        // Each joins once and is renewed once, then their node dies: the leases run out more than
        // the window after the join. Post 1 is swept before they come back; post 2 is not.
        for (const postId of [1, 2]) await short.join(postId, 'alice', 'node-a', SHORT_TTL_MS);
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS / 2));
        const renewed = new Map([
          [1, ['alice']],
          [2, ['alice']],
        ]);
        await short.refresh('node-a', 2 * SHORT_TTL_MS, renewed);
        await eventually(
          async () => (await short.counts([1, 2])).map((post) => post.count),
          (counts) => counts.every((count) => count === 0),
        );
        expect(await short.sweep()).toEqual(
          expect.arrayContaining([expect.objectContaining({ postId: 1, reclaimed: 1 })]),
        );
        for (const postId of [1, 2]) {
          expect((await short.join(postId, 'alice', 'node-b', LONG_TTL_MS)).views).toBe(1);
        }
      });
    });

    describe('peaks', () => {
      it('should keep the most viewers at once, and when it was first reached, after they leave', async () => {
        const before = Date.now();
        await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        const second = await store.join(1, 'bob', 'node-b', LONG_TTL_MS);
        expect(second).toMatchObject({ count: 2, peak: 2 });
        // The store's clock (Redis TIME) is this machine's.
        expect(second.peakAt).toBeGreaterThanOrEqual(before - 1_000);
        expect(second.peakAt).toBeLessThanOrEqual(Date.now() + 1_000);
        await store.leave(1, 'alice', 'node-a');
        await store.leave(1, 'bob', 'node-b');
        expect(await store.join(1, 'carol', 'node-a', LONG_TTL_MS)).toMatchObject({
          count: 1,
          views: 3,
          peak: 2,
          peakAt: second.peakAt,
        });
        expect(await store.stats([1])).toEqual([
          {
            postId: 1,
            count: 1,
            seq: expect.any(Number),
            views: 3,
            peak: 2,
            peakAt: second.peakAt,
          },
        ]);
      });

      it('should keep the time of a peak that is only matched later', async () => {
        await store.join(1, 'alice', 'node-a', LONG_TTL_MS);
        const first = await store.join(1, 'bob', 'node-a', LONG_TTL_MS);
        await store.leave(1, 'bob', 'node-a');
        await new Promise((resolve) => setTimeout(resolve, 5));
        const matched = await store.join(1, 'carol', 'node-a', LONG_TTL_MS);
        expect(matched).toMatchObject({ count: 2, peak: 2, peakAt: first.peakAt });
        const raised = await store.join(1, 'dave', 'node-a', LONG_TTL_MS);
        expect(raised).toMatchObject({ count: 3, peak: 3 });
        expect(raised.peakAt).toBeGreaterThan(first.peakAt);
      });

      it('should raise the peak when a refresh re-asserts more viewers than it had', async () => {
        await store.join(4, 'alice', 'node-a', LONG_TTL_MS);
        await subject.loseEverything?.();
        await store.refresh('node-a', LONG_TTL_MS, new Map([[4, ['alice', 'bob', 'carol']]]));
        expect((await store.stats([4]))[0]).toMatchObject({ count: 3, peak: 3 });
      });

      it('should report live counts beside peaks and views, expired leases left out', async () => {
        await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await store.join(1, 'bob', 'node-b', LONG_TTL_MS);
        const stats = await eventually(
          () => store.stats([1, 2]),
          ([post]) => post!.count === 1,
        );
        expect(stats).toEqual([
          {
            postId: 1,
            count: 1,
            seq: expect.any(Number),
            views: 2,
            peak: 2,
            peakAt: expect.any(Number),
          },
          { postId: 2, count: 0, seq: 0, views: 0, peak: 0, peakAt: 0 },
        ]);
      });
    });

    describe('visitors per address and post', () => {
      const X = { address: '203.0.113.7', maxVisitors: 2 };
      const Y = { address: '2001:db8::1', maxVisitors: 2 };

      it('should refuse a new visitor from an address with maxVisitors on the post, on any node, writing nothing', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        const full = await store.join(1, 'v2', 'node-b', LONG_TTL_MS, X);
        expect(full.refused).toBeUndefined();
        const before = await subject.snapshot?.();
        const refused = await store.join(1, 'v3', 'node-c', LONG_TTL_MS, X);
        expect(refused).toEqual({
          postId: 1,
          count: 2,
          seq: full.seq,
          views: 2,
          peak: 2,
          peakAt: full.peakAt,
          refused: 'visitors_per_address',
        });
        expect(await subject.snapshot?.()).toEqual(before);
        expect(await store.counts([1])).toEqual([{ postId: 1, count: 2, seq: full.seq }]);
        // The refused visitor holds nothing: its leave changes nothing, and it was no view.
        expect(await store.leave(1, 'v3', 'node-c')).toEqual({
          postId: 1,
          count: 2,
          seq: full.seq,
        });
        expect((await store.join(1, 'v4', 'node-a', LONG_TTL_MS, Y)).views).toBe(3);
      });

      it('should let a visitor counted from the address join again, in another tab or on another node', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        await store.join(1, 'v2', 'node-b', LONG_TTL_MS, X);
        expect(await store.join(1, 'v1', 'node-b', LONG_TTL_MS, X)).toMatchObject({ count: 2 });
        expect(await store.join(1, 'v2', 'node-b', LONG_TTL_MS, X)).not.toHaveProperty('refused');
        expect(await countOf(store, 1)).toBe(2);
      });

      it('should let no more than maxVisitors in when many join at once on several nodes', async () => {
        const cap = { address: '198.51.100.9', maxVisitors: 5 };
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.join(1, `flood-${i}`, `node-${i % 3}`, LONG_TTL_MS, cap),
          ),
        );
        expect(results.filter((r) => !r.refused)).toHaveLength(5);
        expect(await countOf(store, 1)).toBe(5);
        expect((await store.stats([1]))[0]).toMatchObject({ views: 5, peak: 5 });
      });

      it('should not count expired leases against the cap, with nothing swept', async () => {
        await store.join(1, 'v1', 'node-a', SHORT_TTL_MS, X);
        await store.join(1, 'v2', 'node-b', LONG_TTL_MS, X);
        await eventually(
          () => countOf(store, 1),
          (count) => count === 1,
        );
        expect(await store.join(1, 'v3', 'node-a', LONG_TTL_MS, X)).toMatchObject({ count: 2 });
        expect((await store.join(1, 'v4', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
      });

      it('should keep counting renewed leases against the cap', async () => {
        await store.join(1, 'v1', 'node-a', SHORT_TTL_MS, X);
        await store.join(1, 'v2', 'node-b', SHORT_TTL_MS, X);
        await store.refresh('node-a', LONG_TTL_MS, new Map([[1, ['v1']]]));
        await store.refresh('node-b', LONG_TTL_MS, new Map([[1, ['v2']]]));
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect((await store.join(1, 'v3', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
        expect(await countOf(store, 1)).toBe(2);
      });

      it('should free a place when a visitor leaves every node', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        await store.join(1, 'v1', 'node-b', LONG_TTL_MS, X);
        await store.join(1, 'v2', 'node-b', LONG_TTL_MS, X);
        await store.leave(1, 'v1', 'node-a');
        expect((await store.join(1, 'v3', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
        await store.leave(1, 'v1', 'node-b');
        expect((await store.join(1, 'v3', 'node-a', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect((await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
      });

      it('should count addresses and posts apart, and never refuse a join without a cap', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        await store.join(1, 'v2', 'node-a', LONG_TTL_MS, X);
        expect((await store.join(1, 'v3', 'node-a', LONG_TTL_MS, Y)).refused).toBeUndefined();
        expect((await store.join(2, 'v3', 'node-a', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect((await store.join(1, 'v4', 'node-a', LONG_TTL_MS)).refused).toBeUndefined();
        const other = subject.store({ viewWindowMs: LONG_TTL_MS, site: 'other-site' });
        expect((await other.join(1, 'v5', 'node-a', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect(await countOf(store, 1)).toBe(4);
      });

      it('should count a visitor under the address it last joined from', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        await store.join(1, 'v2', 'node-a', LONG_TTL_MS, X);
        expect((await store.join(1, 'v1', 'node-b', LONG_TTL_MS, Y)).refused).toBeUndefined();
        expect((await store.join(1, 'v3', 'node-a', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect((await store.join(1, 'v4', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
        expect(await countOf(store, 1)).toBe(3);
      });

      it('should leave nothing of an address behind once its visitors are gone', async () => {
        await store.join(1, 'v1', 'node-a', LONG_TTL_MS, X);
        await store.join(1, 'v2', 'node-b', SHORT_TTL_MS, X);
        await store.join(1, 'v3', 'node-a', LONG_TTL_MS, Y);
        await store.recordCounts(await store.counts([1]));
        await store.leave(1, 'v1', 'node-a');
        await store.leave(1, 'v3', 'node-a');
        await eventually(
          () => countOf(store, 1),
          (count) => count === 0,
        );
        await store.sweep(); // v2's lease expired: the sweep reclaims it, and its place
        const keys = Object.keys((await subject.snapshot?.()) ?? {});
        expect(keys.filter((key) => /:(leases|viewers)$/.test(key))).toEqual([]);
        // The address's count is exact again: two new visitors, not fewer, not more.
        expect((await store.join(1, 'v4', 'node-a', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect((await store.join(1, 'v5', 'node-b', LONG_TTL_MS, X)).refused).toBeUndefined();
        expect((await store.join(1, 'v6', 'node-a', LONG_TTL_MS, X)).refused).toBe(
          'visitors_per_address',
        );
      });

      it('should refuse malformed caps rather than lift them', async () => {
        await expect(
          store.join(1, 'v1', 'node-a', LONG_TTL_MS, { address: 'x', maxVisitors: -1 }),
        ).rejects.toThrow(/maxVisitors/);
        await expect(
          store.join(1, 'v1', 'node-a', LONG_TTL_MS, { maxVisitors: 3 }),
        ).rejects.toThrow(/address/);
        expect(await countOf(store, 1)).toBe(0);
      });
    });

    describe('refresh', () => {
      it('should keep renewed leases alive past their first lifetime', async () => {
        await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        const [renewed] = await store.refresh('node-a', LONG_TTL_MS, new Map([[1, ['alice']]]));
        expect(renewed).toMatchObject({ postId: 1, count: 1 });
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect(await countOf(store, 1)).toBe(1);
      });

      it('should re-assert leases the store lost, as after a Redis restart', async () => {
        await store.join(3, 'bob', 'node-a', LONG_TTL_MS);
        await subject.loseEverything?.();
        const [result] = await store.refresh(
          'node-a',
          LONG_TTL_MS,
          new Map([[3, ['bob', 'carol']]]),
        );
        expect(result).toMatchObject({ postId: 3, count: 2 });
        expect(await countOf(store, 3)).toBe(2);
      });

      it("should prune another node's expired leases and report the new count", async () => {
        const joined = await store.join(1, 'alice', 'dead-node', SHORT_TTL_MS);
        await store.join(1, 'bob', 'node-a', LONG_TTL_MS);
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        const [renewed] = await store.refresh('node-a', LONG_TTL_MS, new Map([[1, ['bob']]]));
        expect(renewed).toMatchObject({ postId: 1, count: 1 });
        expect(renewed!.seq).toBeGreaterThan(joined.seq);
      });

      it('should renew many posts and a hot one in one call, each post with its own count', async () => {
        const leases = new Map<number, string[]>();
        for (let postId = 1; postId <= 250; postId++) {
          leases.set(
            postId,
            Array.from({ length: (postId % 7) + 1 }, (_, i) => `v${postId}-${i}`),
          );
        }
        leases.set(
          9_999,
          Array.from({ length: 2_500 }, (_, i) => `hot-${i}`),
        );
        const expected = new Map([...leases].map(([postId, ids]) => [postId, ids.length]));
        const renewed = await store.refresh('node-a', LONG_TTL_MS, leases);
        expect(new Map(renewed.map((c) => [c.postId, c.count]))).toEqual(expected);
        const counts = await store.counts([...leases.keys()]);
        expect(new Map(counts.map((c) => [c.postId, c.count]))).toEqual(expected);
        // The same visitors renewed by a second node still count once, and no seq moves.
        const again = await store.refresh('node-b', LONG_TTL_MS, leases);
        expect(new Map(again.map((c) => [c.postId, c.count]))).toEqual(expected);
        const seqs = new Map(renewed.map((c) => [c.postId, c.seq]));
        for (const count of again) expect(count.seq).toBe(seqs.get(count.postId));
      });
    });

    describe('readers over time', () => {
      const renew = (s: PresenceStore, node: string, postId: number, visitors: string[]) =>
        s.refresh(node, LONG_TTL_MS, new Map([[postId, visitors]]));

      it("should record each renewal's count in the current bucket: the most readers and the mean", async () => {
        const series = subject.store({ viewWindowMs: LONG_TTL_MS, seriesBucketMs: DAY_MS });
        await renew(series, 'node-a', 1, ['a', 'b']);
        await renew(series, 'node-a', 1, ['a', 'b', 'c', 'd']);
        await series.leave(1, 'a', 'node-a');
        await series.leave(1, 'b', 'node-a');
        await series.leave(1, 'c', 'node-a');
        await renew(series, 'node-a', 1, ['d']);
        const [read] = await series.series([1], 1);
        expect(read).toEqual({
          postId: 1,
          from: Math.floor(Date.now() / DAY_MS) * DAY_MS,
          bucketMs: DAY_MS,
          points: [{ max: 4, mean: 2.33 }],
        });
        expect(series.seriesBucketMs).toBe(DAY_MS);
      });

      it('should keep the series of one post id on two sites apart', async () => {
        const options = { viewWindowMs: LONG_TTL_MS, seriesBucketMs: DAY_MS };
        const siteA = subject.store({ ...options, site: 'site-a' });
        const siteB = subject.store({ ...options, site: 'site-b' });
        await renew(siteA, 'node-a', 1, ['a', 'b', 'c']);
        await renew(siteB, 'node-a', 1, ['a']);
        expect(await pointsOf(siteA, 1, 1)).toEqual([{ max: 3, mean: 3 }]);
        expect(await pointsOf(siteB, 1, 1)).toEqual([{ max: 1, mean: 1 }]);
      });

      it('should take the max of what several nodes report and one sample of the mean per gap', async () => {
        const series = subject.store({
          viewWindowMs: LONG_TTL_MS,
          seriesBucketMs: DAY_MS,
          seriesSampleGapMs: 60_000,
        });
        // Both nodes renew the same post within the gap: readers count once, the mean once.
        await renew(series, 'node-a', 1, ['a', 'b']);
        await renew(series, 'node-b', 1, ['a', 'b']);
        expect(await pointsOf(series, 1, 1)).toEqual([{ max: 2, mean: 2 }]);
        await renew(series, 'node-b', 1, ['c']);
        expect(await pointsOf(series, 1, 1)).toEqual([{ max: 3, mean: 2 }]);
      });

      it('should write no series on a join, a leave or a sweep', async () => {
        const series = subject.store({ viewWindowMs: LONG_TTL_MS, seriesBucketMs: DAY_MS });
        const before = await subject.snapshot?.();
        await series.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await series.join(1, 'bob', 'node-a', LONG_TTL_MS);
        await series.recordCounts(await series.counts([1]));
        // The current bucket reads the live count while nothing recorded it: 2 now, 0 later.
        expect(shape(await pointsOf(series, 1, 3))).toBe('n n 2/2');
        await series.leave(1, 'bob', 'node-a');
        await eventually(
          () => countOf(series, 1),
          (count) => count === 0,
        );
        await series.sweep();
        expect(shape(await pointsOf(series, 1, 3))).toBe('n n 0');
        const after = await subject.snapshot?.();
        if (before && after) {
          expect(Object.keys(after).filter((key) => key.endsWith(':series'))).toEqual([]);
        }
      });

      it('should read buckets nobody recorded as 0 once the series began, and as unknown before', async () => {
        const series = subject.store({
          viewWindowMs: LONG_TTL_MS,
          seriesBucketMs: SHORT_BUCKET_MS,
        });
        await renew(series, 'node-a', 1, ['a', 'b']);
        await series.leave(1, 'a', 'node-a');
        await series.leave(1, 'b', 'node-a');
        await sleep(3.5 * SHORT_BUCKET_MS);
        // Everyone left: the line goes down to 0 and stays there, it does not stop at 2.
        const read = shape(await pointsOf(series, 1, 8));
        expect(read).toMatch(/^(n )+2\/2( 0){3,}$/);
      });

      it('should begin the series again after the store lost everything, as after a Redis restart', async () => {
        const series = subject.store({
          viewWindowMs: LONG_TTL_MS,
          seriesBucketMs: SHORT_BUCKET_MS,
        });
        await renew(series, 'node-a', 1, ['a', 'b', 'c']);
        await sleep(1.5 * SHORT_BUCKET_MS);
        await subject.loseEverything?.();
        await sleep(1.5 * SHORT_BUCKET_MS);
        await renew(series, 'node-a', 1, ['a', 'b']);
        const read = shape(await pointsOf(series, 1, 8));
        // The history before the loss is unknown where it was lost, never 0.
        expect(read).toMatch(subject.loseEverything ? /^(n )+2\/2$/ : /^(n )+3\/3( 0)+ 3\/3$/);
      });

      it('should keep no series when its bucket length is 0', async () => {
        const off = subject.store({ viewWindowMs: LONG_TTL_MS, seriesBucketMs: 0 });
        await renew(off, 'node-a', 1, ['a']);
        expect(off.seriesBucketMs).toBe(0);
        expect(await off.series([1, 2], 60)).toEqual([
          { postId: 1, from: 0, bucketMs: 0, points: [] },
          { postId: 2, from: 0, bucketMs: 0, points: [] },
        ]);
      });

      it('should refuse a series of no bucket or of more than 1,440', async () => {
        await expect(store.series([1], 0)).rejects.toThrow(RangeError);
        await expect(store.series([1], 1_441)).rejects.toThrow(RangeError);
        expect((await store.series([1], 1_440))[0]!.points).toHaveLength(1_440);
      });
    });

    describe('sweep', () => {
      it('should reclaim expired leases once and report each changed post once', async () => {
        const joined = await store.join(1, 'alice', 'node-a', SHORT_TTL_MS);
        await store.join(2, 'bob', 'node-a', LONG_TTL_MS);
        await store.recordCounts(await store.counts([1, 2]));
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        const swept = await store.sweep();
        expect(swept).toEqual([{ postId: 1, count: 0, seq: expect.any(Number), reclaimed: 1 }]);
        expect(swept[0]!.seq).toBeGreaterThan(joined.seq);
        expect(await store.sweep()).toEqual([]);
        expect(await countOf(store, 2)).toBe(1);
      });

      it('should find the leases of a post whose count was never recorded', async () => {
        // A node that died right after a join never published the post's count.
        await store.join(5, 'alice', 'dead-node', SHORT_TTL_MS);
        await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS + 100));
        expect(await store.sweep()).toEqual([
          { postId: 5, count: 0, seq: expect.any(Number), reclaimed: 1 },
        ]);
      });

      it('should report how many expired visitors each post lost, tabs on several nodes once', async () => {
        for (const visitor of ['v1', 'v2', 'v3'])
          await store.join(1, visitor, 'dead', SHORT_TTL_MS);
        await store.join(1, 'v3', 'dead-too', SHORT_TTL_MS);
        await store.join(1, 'v4', 'dead', SHORT_TTL_MS);
        await store.join(1, 'v4', 'node-a', LONG_TTL_MS); // still here on another node
        await store.join(1, 'v5', 'node-a', LONG_TTL_MS);
        await store.join(2, 'v1', 'dead', SHORT_TTL_MS);
        await store.join(3, 'v1', 'node-a', LONG_TTL_MS);
        await eventually(
          async () => (await store.counts([1, 2])).map((post) => post.count),
          (counts) => counts[0] === 2 && counts[1] === 0,
        );
        const swept = await store.sweep();
        expect(swept.sort((a, b) => a.postId - b.postId)).toEqual([
          { postId: 1, count: 2, seq: expect.any(Number), reclaimed: 3 },
          { postId: 2, count: 0, seq: expect.any(Number), reclaimed: 1 },
        ]);
        expect(await store.sweep()).toEqual([]);
      });
    });

    it('should never count below zero or above the people present under random churn', async () => {
      const next = random(20261130);
      const nodes = ['node-a', 'node-b', 'node-c'];
      const visitors = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
      const posts = [1, 2, 3];
      // The model: which (post, visitor, node) leases exist.
      const held = new Set<string>();
      for (let round = 0; round < 20; round++) {
        // Ops of one round run concurrently, each on a lease of its own, so their order cannot
        // change the outcome and the model knows exactly who must be counted.
        const used = new Set<string>();
        const ops: Promise<PostCount>[] = [];
        for (let i = 0; i < 15; i++) {
          const postId = posts[Math.floor(next() * posts.length)]!;
          const visitorId = visitors[Math.floor(next() * visitors.length)]!;
          const nodeId = nodes[Math.floor(next() * nodes.length)]!;
          const key = `${postId}/${visitorId}/${nodeId}`;
          if (used.has(key)) continue;
          used.add(key);
          if (next() < 0.55) {
            held.add(key);
            ops.push(store.join(postId, visitorId, nodeId, LONG_TTL_MS));
          } else {
            held.delete(key);
            ops.push(store.leave(postId, visitorId, nodeId));
          }
        }
        for (const result of await Promise.all(ops)) {
          expect(result.count).toBeGreaterThanOrEqual(0);
          expect(result.count).toBeLessThanOrEqual(visitors.length);
        }
        for (const postId of posts) {
          const present = new Set(
            [...held].filter((k) => k.startsWith(`${postId}/`)).map((k) => k.split('/')[1]),
          );
          expect(await countOf(store, postId)).toBe(present.size);
        }
      }
      // Then everyone leaves everywhere: every post is back at exactly zero.
      await Promise.all(
        posts.flatMap((postId) =>
          visitors.flatMap((visitorId) =>
            nodes.map((nodeId) => store.leave(postId, visitorId, nodeId)),
          ),
        ),
      );
      expect((await store.counts(posts)).map((c) => c.count)).toEqual([0, 0, 0]);
    });
  });
}
