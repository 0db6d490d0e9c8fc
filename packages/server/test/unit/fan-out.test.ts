import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CountPayload } from '@vip-presence/protocol';
import { describe, expect, it } from 'vitest';
import { FanOut } from '../../src/fan-out.js';

/** A room of `readers` sockets r0..; the first `viewers` of them view the post (self: true). */
function setup(readers: number, viewers: number, chunkSize = 4) {
  const room = new Set(Array.from({ length: readers }, (_, i) => `r${i}`));
  const selfRoom = new Set([...room].slice(0, viewers));
  /** What each socket received, in order. */
  const received = new Map<string, CountPayload[]>();
  const emits: string[][] = [];
  const give = (id: string, payload: CountPayload) =>
    received.set(id, [...(received.get(id) ?? []), payload]);
  const fanOut = new FanOut({
    chunkSize,
    readers: () => room,
    viewers: () => selfRoom,
    emitRoom(_postId, payload) {
      emits.push([...room]);
      for (const id of room) give(id, payload(selfRoom.has(id)));
    },
    emitTo(ids, payload) {
      emits.push(ids);
      for (const id of ids) give(id, payload);
    },
  });
  return { fanOut, room, received, emits };
}

/** Lets queued chunks run, one turn of the event loop each. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextTurn();
}

describe('FanOut', () => {
  it('should send a small room its count in one emit, at once', () => {
    const { fanOut, received, emits } = setup(4, 1);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    expect(emits).toHaveLength(1);
    expect(received.get('r0')).toEqual([{ postId: 7, count: 1, self: true, seq: 1 }]);
    expect(received.get('r3')).toEqual([{ postId: 7, count: 1, self: false, seq: 1 }]);
    expect(fanOut.inProgress).toBe(0);
  });

  it('should send a big room its count in chunks, one per turn of the event loop, each socket once', async () => {
    const { fanOut, room, received, emits } = setup(10, 6);
    fanOut.send({ postId: 7, count: 6, seq: 1 });
    // First chunk at once, the rest later: the event loop is free in between.
    expect(emits).toEqual([['r0', 'r1', 'r2', 'r3']]);
    expect(fanOut.inProgress).toBe(1);
    await turns(1);
    expect(emits).toHaveLength(2);
    await turns(3);
    expect(emits.map((ids) => ids.length)).toEqual([4, 2, 4]);
    expect(fanOut.inProgress).toBe(0);
    for (const id of room) {
      const self = Number(id.slice(1)) < 6;
      expect(received.get(id)).toEqual([{ postId: 7, count: 6, self, seq: 1 }]);
    }
  });

  it('should hold a newer count until the running fan-out is done, keeping only the newest, so every socket sees counts in order', async () => {
    const { fanOut, room, received } = setup(12, 0);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    fanOut.send({ postId: 7, count: 2, seq: 2 });
    fanOut.send({ postId: 7, count: 3, seq: 3 });
    fanOut.send({ postId: 7, count: 0, seq: 2 }); // older than what waits: dropped
    await turns(10);
    expect(fanOut.inProgress).toBe(0);
    for (const id of room) {
      expect(received.get(id)?.map((p) => p.seq)).toEqual([1, 3]);
    }
  });

  it('should reach the last sockets of a big room even when counts change faster than a fan-out', async () => {
    const { fanOut, received } = setup(40, 0);
    for (let seq = 1; seq <= 30; seq++) {
      fanOut.send({ postId: 7, count: seq, seq });
      await nextTurn();
    }
    await turns(30);
    const seqs = (received.get('r39') ?? []).map((p) => p.seq ?? 0);
    expect(seqs.length).toBeGreaterThan(1);
    expect(seqs.at(-1)).toBe(30);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('should stop sending when closed', async () => {
    const { fanOut, emits } = setup(12, 0);
    fanOut.send({ postId: 7, count: 1, seq: 1 });
    fanOut.close();
    await turns(5);
    expect(emits).toHaveLength(1);
    expect(fanOut.inProgress).toBe(0);
  });
});
