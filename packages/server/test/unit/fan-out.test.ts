import type { CountPayload } from '@vip-presence/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FanOut } from '../../src/fan-out.js';

interface Received extends CountPayload {
  at: number;
}

/**
 * A room of `readers` sockets r0..; the first `viewers` of them view the post (self: true).
 * `tell` stands for the presence core: each socket is told a `seq` once, never an older one.
 * Defaults: chunks of 4, 40 deliveries per second (one chunk per 100 ms), a 50 ms window.
 */
function setup(readers: number, viewers: number, settings: Partial<{ rate: number }> = {}) {
  const room = new Set(Array.from({ length: readers }, (_, i) => `r${i}`));
  const selfRoom = new Set([...room].slice(0, viewers));
  const told = new Map<string, number>();
  /** What each socket received, in order, with the (fake) time. */
  const received = new Map<string, Received[]>();
  const emits: string[][] = [];
  let delivered = 0;
  const give = (id: string, payload: CountPayload) =>
    received.set(id, [...(received.get(id) ?? []), { ...payload, at: Date.now() }]);
  const fanOut = new FanOut({
    windowMs: 50,
    maxDeliveriesPerSecond: settings.rate ?? 40,
    chunkSize: 4,
    readers: () => room,
    tell(count, id) {
      if (!room.has(id) || (told.get(id) ?? -1) >= count.seq) return undefined;
      told.set(id, count.seq);
      return selfRoom.has(id);
    },
    emitTo(ids, payload) {
      emits.push(ids);
      for (const id of ids) give(id, payload);
    },
    delivered: (n) => (delivered += n),
  });
  return {
    fanOut,
    room,
    told,
    received,
    emits,
    seqs: (id: string) => (received.get(id) ?? []).map((p) => p.seq ?? 0),
    delivered: () => delivered,
  };
}

describe('FanOut', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('should send a small room its count at once, in one emit per self flag', () => {
    const { fanOut, received, emits, delivered } = setup(4, 1);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.advanceTimersByTime(0);
    expect(emits).toEqual([['r0'], ['r1', 'r2', 'r3']]);
    expect(received.get('r0')).toMatchObject([{ postId: 7, count: 1, self: true, seq: 1 }]);
    expect(received.get('r3')).toMatchObject([{ postId: 7, count: 1, self: false, seq: 1 }]);
    expect(delivered()).toBe(4);
  });

  it('should merge the changes within a window into one update, the newest', () => {
    const { fanOut, seqs, emits } = setup(4, 0, { rate: 1_000 });
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.advanceTimersByTime(0);
    fanOut.send({ postId: 7, count: 2, seq: 2 });
    fanOut.send({ postId: 7, count: 3, seq: 3 });
    fanOut.send({ postId: 7, count: 0, seq: 2 }); // older than the newest: dropped
    vi.advanceTimersByTime(49);
    expect(emits).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(emits).toHaveLength(2);
    vi.runAllTimers();
    expect(seqs('r2')).toEqual([1, 3]);
    expect(fanOut.inProgress).toBe(0);
  });

  it('should walk a big room in chunks paced to the delivery budget, each socket once, with the right self', () => {
    const { fanOut, room, received, emits, delivered } = setup(10, 6);
    fanOut.send({ postId: 7, count: 6, seq: 1 });
    vi.advanceTimersByTime(0);
    // 40 deliveries per second: a chunk of 4 every 100 ms, the event loop free in between.
    expect(emits).toEqual([['r0', 'r1', 'r2', 'r3']]);
    vi.advanceTimersByTime(99);
    expect(emits).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(emits.slice(1)).toEqual([
      ['r4', 'r5'],
      ['r6', 'r7'],
    ]);
    vi.advanceTimersByTime(100);
    expect(emits.slice(3)).toEqual([['r8', 'r9']]);
    vi.runAllTimers();
    expect(delivered()).toBe(10);
    for (const id of room) {
      const self = Number(id.slice(1)) < 6;
      expect(received.get(id)).toMatchObject([{ postId: 7, count: 6, self, seq: 1 }]);
    }
    expect(fanOut.inProgress).toBe(0);
  });

  it('should give each chunk the newest count, then bring the sockets passed before it up to date, skipping those that have it', () => {
    const { fanOut, room, seqs, delivered } = setup(12, 0);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.advanceTimersByTime(0); // r0..r3 get seq 1
    fanOut.send({ postId: 7, count: 2, seq: 2 });
    vi.runAllTimers();
    expect(seqs('r0')).toEqual([1, 2]);
    expect(seqs('r4')).toEqual([2]);
    expect(seqs('r11')).toEqual([2]);
    // 12 in the first pass, then only the 4 that were behind.
    expect(delivered()).toBe(16);
    for (const id of room) expect(seqs(id).at(-1)).toBe(2);
  });

  it('should reach every reader of a big room within about one window of a change, however fast the count changes', () => {
    // 40 readers at 200 deliveries per second: a pass takes 200 ms, the room's window.
    const { fanOut, room, received, delivered } = setup(40, 10, { rate: 200 });
    expect(fanOut.windowFor(40)).toBe(200);
    const changes: { seq: number; at: number }[] = [];
    for (let seq = 1; seq <= 100; seq++) {
      changes.push({ seq, at: Date.now() });
      fanOut.send({ postId: 7, count: seq, seq });
      vi.advanceTimersByTime(10);
    }
    vi.runAllTimers();
    for (const id of room) {
      const got = received.get(id) ?? [];
      const order = got.map((p) => p.seq ?? 0);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(got.at(-1)?.seq).toBe(100);
      // About one update per window: 1 s of changes, 200 ms windows.
      expect(got.length).toBeLessThanOrEqual(7);
      for (const change of changes) {
        const seen = got.find((p) => (p.seq ?? 0) >= change.seq);
        expect(seen && seen.at - change.at).toBeLessThanOrEqual(200 + 20);
      }
    }
    // The budget holds: 200 deliveries per second over the ~1.2 s the changes went out.
    expect(delivered()).toBeLessThanOrEqual(200 * 1.2 + 4);
  });

  it('should reach sockets that join during a pass and not those that left', () => {
    const { fanOut, room, seqs } = setup(8, 0);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.advanceTimersByTime(0);
    room.delete('r6');
    room.add('late');
    vi.runAllTimers();
    expect(seqs('late')).toEqual([1]);
    expect(seqs('r6')).toEqual([]);
    expect(seqs('r7')).toEqual([1]);
  });

  it('should skip the readers who already have the count, as from their join ack', () => {
    const { fanOut, told, seqs, delivered } = setup(4, 0);
    told.set('r1', 1);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.runAllTimers();
    expect(seqs('r1')).toEqual([]);
    expect(seqs('r0')).toEqual([1]);
    expect(delivered()).toBe(3);
  });

  it('should stop sending when closed', () => {
    const { fanOut, emits } = setup(12, 0);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    vi.advanceTimersByTime(0);
    fanOut.close();
    vi.runAllTimers();
    expect(emits).toHaveLength(1);
    expect(fanOut.inProgress).toBe(0);
  });
});
