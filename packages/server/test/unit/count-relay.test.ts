import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountRelay } from '../../src/count-relay.js';
import type { PostCount } from '@vip-presence/store';

function setup(audience = 10) {
  const delivered: PostCount[] = [];
  const published: PostCount[][] = [];
  const relay = new CountRelay({
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

  it('should hand every newer count to the fan-out at once, in seq order', () => {
    const { relay, delivered } = setup();
    relay.offer({ postId: 1, count: 1, seq: 1 }, false);
    relay.offer({ postId: 1, count: 2, seq: 2 }, false);
    relay.offer({ postId: 1, count: 3, seq: 3 }, false);
    expect(delivered.map((u) => u.seq)).toEqual([1, 2, 3]);
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
});
