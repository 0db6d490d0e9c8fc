import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountRelay } from '../../src/count-relay.js';
import type { PostCount } from '../../src/store/types.js';

function setup(audience = 10) {
  const delivered: PostCount[] = [];
  const published: PostCount[][] = [];
  const relay = new CountRelay({
    windowMs: 250,
    maxDeliveriesPerSecond: 1_000,
    publishDelayMs: 20,
    audience: () => audience,
    deliver: (u) => delivered.push(u),
    publish: (u) => published.push(u),
  });
  return { relay, delivered, published };
}

describe('CountRelay', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('should deliver the first change at once and merge later ones within the window', () => {
    const { relay, delivered } = setup();
    relay.offer({ postId: 1, count: 1, seq: 1 }, false);
    vi.advanceTimersByTime(0);
    expect(delivered).toEqual([{ postId: 1, count: 1, seq: 1 }]);
    relay.offer({ postId: 1, count: 2, seq: 2 }, false);
    relay.offer({ postId: 1, count: 3, seq: 3 }, false);
    vi.advanceTimersByTime(249);
    expect(delivered).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(delivered.at(-1)).toEqual({ postId: 1, count: 3, seq: 3 });
    expect(delivered).toHaveLength(2);
  });

  it('should drop counts older than the latest known', () => {
    const { relay, delivered } = setup();
    relay.offer({ postId: 1, count: 5, seq: 10 }, false);
    relay.offer({ postId: 1, count: 4, seq: 9 }, false);
    vi.runAllTimers();
    expect(delivered).toEqual([{ postId: 1, count: 5, seq: 10 }]);
  });

  it('should publish only changes made on this node, batched and deduplicated per post', () => {
    const { relay, published } = setup();
    relay.offer({ postId: 1, count: 1, seq: 1 }, true);
    relay.offer({ postId: 1, count: 2, seq: 2 }, true);
    relay.offer({ postId: 2, count: 1, seq: 1 }, true);
    relay.offer({ postId: 3, count: 1, seq: 1 }, false);
    vi.advanceTimersByTime(20);
    expect(published).toEqual([
      [
        { postId: 1, count: 2, seq: 2 },
        { postId: 2, count: 1, seq: 1 },
      ],
    ]);
  });

  it('should publish a change even when nobody here reads the post', () => {
    const { relay, published, delivered } = setup(0);
    relay.offer({ postId: 1, count: 0, seq: 4 }, true);
    vi.runAllTimers();
    expect(published).toEqual([[{ postId: 1, count: 0, seq: 4 }]]);
    expect(delivered).toEqual([]);
  });

  it('should widen the window of a big room to hold the delivery budget', () => {
    const { relay } = setup();
    expect(relay.windowFor(10)).toBe(250);
    expect(relay.windowFor(1_000)).toBe(1_000);
  });
});
