import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.js';

function store() {
  let now = 1_000_000;
  const s = new MemoryStore({ viewWindowMs: 60_000, now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe('MemoryStore', () => {
  it('should count a visitor once across nodes and keep them until their last lease goes', async () => {
    const { s } = store();
    await s.join(1, 'alice', 'nodeA', 10_000);
    expect((await s.join(1, 'alice', 'nodeB', 10_000)).count).toBe(1);
    expect((await s.leave(1, 'alice', 'nodeA')).count).toBe(1);
    expect((await s.leave(1, 'alice', 'nodeB')).count).toBe(0);
  });

  it('should stop counting an expired lease before anything sweeps it', async () => {
    const { s, advance } = store();
    await s.join(1, 'alice', 'nodeA', 10_000);
    advance(10_001);
    expect(await s.counts([1])).toEqual([{ postId: 1, count: 0, seq: expect.any(Number) }]);
    expect(await s.top(10)).toEqual([]);
  });

  it('should raise seq on every change and report swept posts', async () => {
    const { s, advance } = store();
    const joined = await s.join(1, 'alice', 'nodeA', 10_000);
    const renewed = await s.refresh('nodeA', 10_000, new Map([[1, ['alice']]]));
    expect(renewed[0]?.seq).toBe(joined.seq);
    advance(20_000);
    const swept = await s.sweep();
    expect(swept).toEqual([{ postId: 1, count: 0, seq: expect.any(Number) }]);
    expect(swept[0]!.seq).toBeGreaterThan(joined.seq);
    expect(await s.sweep()).toEqual([]);
  });

  it('should count a view once per visitor within the view window', async () => {
    const { s, advance } = store();
    expect((await s.join(1, 'alice', 'nodeA', 10_000)).views).toBe(1);
    await s.leave(1, 'alice', 'nodeA');
    expect((await s.join(1, 'alice', 'nodeA', 10_000)).views).toBe(1);
    advance(60_001);
    expect((await s.join(1, 'alice', 'nodeA', 10_000)).views).toBe(2);
  });

  it('should re-assert leases on refresh after they were lost', async () => {
    const { s } = store();
    const [result] = await s.refresh('nodeA', 10_000, new Map([[3, ['bob', 'carol']]]));
    expect(result).toMatchObject({ postId: 3, count: 2 });
  });
});
