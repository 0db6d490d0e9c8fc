import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PostCount } from '@vip-presence/store';
import { CountPublisher } from '../../src/count-publisher.js';

function setup() {
  const batches: { announced: PostCount[]; recorded: PostCount[] }[] = [];
  const publisher = new CountPublisher({
    delayMs: 20,
    publish: (announced, recorded) => batches.push({ announced, recorded }),
  });
  return { publisher, batches };
}

describe('CountPublisher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('should batch counts for a few ms, one per post, the newest', () => {
    const { publisher, batches } = setup();
    publisher.enqueue({ postId: 1, count: 1, seq: 1 }, true);
    publisher.enqueue({ postId: 1, count: 2, seq: 2 }, true);
    publisher.enqueue({ postId: 1, count: 0, seq: 1 }, true); // older: dropped
    publisher.enqueue({ postId: 2, count: 1, seq: 1 }, true);
    vi.advanceTimersByTime(19);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    const newest = [
      { postId: 1, count: 2, seq: 2 },
      { postId: 2, count: 1, seq: 1 },
    ];
    expect(batches).toEqual([{ announced: newest, recorded: newest }]);
  });

  it('should record every count but announce only the changes made here', () => {
    const { publisher, batches } = setup();
    publisher.enqueue({ postId: 1, count: 1, seq: 1 }, false);
    publisher.enqueue({ postId: 2, count: 1, seq: 1 }, true);
    vi.runAllTimers();
    expect(batches).toEqual([
      {
        announced: [{ postId: 2, count: 1, seq: 1 }],
        recorded: [
          { postId: 1, count: 1, seq: 1 },
          { postId: 2, count: 1, seq: 1 },
        ],
      },
    ]);
  });

  it('should still announce a change when the same count is queued again by a renewal', () => {
    const { publisher, batches } = setup();
    publisher.enqueue({ postId: 1, count: 1, seq: 3 }, true);
    publisher.enqueue({ postId: 1, count: 1, seq: 3 }, false);
    vi.runAllTimers();
    expect(batches[0]?.announced).toEqual([{ postId: 1, count: 1, seq: 3 }]);
  });

  it('should write at once on flush and nothing after close', () => {
    const { publisher, batches } = setup();
    publisher.enqueue({ postId: 1, count: 1, seq: 1 }, true);
    publisher.flush();
    expect(batches).toHaveLength(1);
    publisher.close();
    publisher.enqueue({ postId: 1, count: 2, seq: 2 }, true);
    vi.runAllTimers();
    expect(batches).toHaveLength(1);
  });
});
