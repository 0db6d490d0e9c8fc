import { describe, expect, it } from 'vitest';
import { PresenceCore } from '../../src/presence-core.js';
import type { Effect, JoinStarted, WatchStarted } from '../../src/presence-effects.js';

function core(maxPostsPerSocket = 10) {
  return new PresenceCore({ maxPostsPerSocket });
}

/** A join the store took: its count in the ack, and what the core answered. */
function joinNow(presence: PresenceCore, socketId: string, postId: number, count = 1, seq = 1) {
  const start = presence.join(socketId, postId) as JoinStarted;
  expect(start.ok).toBe(true);
  return { start, effects: presence.joined(start, { postId, count, seq }) };
}

function watchNow(presence: PresenceCore, socketId: string, postId: number, count = 0, seq = 1) {
  const start = presence.watch(socketId, [postId]) as WatchStarted;
  expect(start.ok).toBe(true);
  return presence.watched(start, [{ postId, count, seq }]);
}

const readerIds = (presence: PresenceCore, postId: number) => [
  ...(presence.readers(postId)?.keys() ?? []),
];
const ofType = <T extends Effect['type']>(effects: readonly Effect[], type: T) =>
  effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);

describe('PresenceCore', () => {
  describe('people, not tabs', () => {
    it('should take one lease for a visitor however many tabs view the post', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'alice');
      expect(presence.join('s1', 7)).toMatchObject({ ok: true, firstForVisitor: true });
      expect(presence.join('s2', 7)).toMatchObject({ ok: true, firstForVisitor: false });
      expect(presence.renewals()).toEqual(new Map([[7, ['alice']]]));
      expect(presence.leaseCount).toBe(1);
    });

    it('should drop the lease only when the last tab leaves', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'alice');
      joinNow(presence, 's1', 7);
      joinNow(presence, 's2', 7);
      expect(presence.leave('s1', 7)).toEqual([]);
      expect(presence.leaseCount).toBe(1);
      expect(presence.leave('s2', 7)).toEqual([
        { type: 'drop', postId: 7, visitorId: 'alice' },
        { type: 'unfollow', postId: 7 },
      ]);
      expect(presence.leaseCount).toBe(0);
      expect(presence.renewals().size).toBe(0);
    });

    it('should count the leases it holds, one per post and visitor', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'alice');
      presence.connect('s3', 'bob');
      joinNow(presence, 's1', 1);
      joinNow(presence, 's2', 1);
      joinNow(presence, 's1', 2);
      joinNow(presence, 's3', 2);
      expect(presence.leaseCount).toBe(3);
      presence.disconnect('s1');
      expect(presence.leaseCount).toBe(2);
    });

    it('should ignore a leave of a post the socket never joined, and of an unknown socket', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      expect(presence.leave('s1', 7)).toEqual([]);
      expect(presence.leave('nope', 7)).toEqual([]);
      watchNow(presence, 's1', 7);
      expect(presence.leave('s1', 7)).toEqual([]);
      expect(readerIds(presence, 7)).toEqual(['s1']);
    });

    it('should leave every post of a socket that disconnects, and forget it', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'bob');
      joinNow(presence, 's1', 1);
      joinNow(presence, 's1', 2);
      watchNow(presence, 's1', 3);
      joinNow(presence, 's2', 2);
      expect(presence.disconnect('s1')).toEqual([
        { type: 'drop', postId: 1, visitorId: 'alice' },
        { type: 'unfollow', postId: 1 },
        { type: 'drop', postId: 2, visitorId: 'alice' },
        { type: 'unfollow', postId: 3 },
      ]);
      expect(presence.socketCount).toBe(1);
      expect(readerIds(presence, 2)).toEqual(['s2']);
      expect(presence.disconnect('s1')).toEqual([]);
      expect(presence.join('s1', 4)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    });
  });

  describe('watching and self', () => {
    it('should not count a watcher, and tell it the count with self false', () => {
      const presence = core();
      presence.connect('w', 'walter');
      const effects = watchNow(presence, 'w', 7, 3, 5);
      expect(presence.leaseCount).toBe(0);
      expect(presence.renewals()).toEqual(new Map([[7, []]]));
      expect(ofType(effects, 'send')).toEqual([
        { type: 'send', socketId: 'w', payload: { postId: 7, count: 3, self: false, seq: 5 } },
      ]);
    });

    it('should mark every socket of a viewing visitor as self, a watching tab too', () => {
      const presence = core();
      presence.connect('archive', 'alice');
      presence.connect('article', 'alice');
      presence.connect('other', 'bob');
      watchNow(presence, 'archive', 7);
      watchNow(presence, 'other', 7);
      joinNow(presence, 'article', 7, 1, 2);
      expect(presence.tell({ postId: 7, count: 1, seq: 2 }, 'archive')).toBe(true);
      expect(presence.tell({ postId: 7, count: 1, seq: 2 }, 'other')).toBe(false);
      presence.leave('article', 7);
      expect(presence.tell({ postId: 7, count: 0, seq: 3 }, 'archive')).toBe(false);
    });

    it('should tell a tab that starts watching that its visitor already views the post', () => {
      const presence = core();
      presence.connect('article', 'alice');
      presence.connect('archive', 'alice');
      joinNow(presence, 'article', 7, 1, 2);
      expect(ofType(watchNow(presence, 'archive', 7, 1, 2), 'send')).toEqual([
        { type: 'send', socketId: 'archive', payload: { postId: 7, count: 1, self: true, seq: 2 } },
      ]);
    });

    it('should keep a socket reading a post it still watches after leaving it', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      watchNow(presence, 's1', 7);
      joinNow(presence, 's1', 7);
      expect(presence.leave('s1', 7)).toEqual([{ type: 'drop', postId: 7, visitorId: 'alice' }]);
      expect(readerIds(presence, 7)).toEqual(['s1']);
      expect(presence.unwatch('s1', [7])).toEqual([{ type: 'unfollow', postId: 7 }]);
      expect(presence.readers(7)).toBeUndefined();
    });

    it('should list posts only watched here for the heartbeat, with no visitors', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'bob');
      watchNow(presence, 's1', 1);
      watchNow(presence, 's1', 2);
      joinNow(presence, 's2', 2);
      expect(presence.renewals()).toEqual(
        new Map([
          [1, []],
          [2, ['bob']],
        ]),
      );
    });

    it('should hold a socket to its posts limit across joins and watches', () => {
      const presence = core(3);
      presence.connect('s1', 'alice');
      expect(presence.watch('s1', [1, 2])).toMatchObject({ ok: true });
      expect(presence.join('s1', 1)).toMatchObject({ ok: true });
      expect(presence.join('s1', 3)).toMatchObject({ ok: true });
      expect(presence.join('s1', 4)).toMatchObject({
        ok: false,
        error: { code: 'too_many_posts' },
      });
      expect(presence.watch('s1', [3, 5])).toMatchObject({
        ok: false,
        error: { code: 'too_many_posts' },
      });
      expect(presence.watch('s1', [1, 3])).toMatchObject({ ok: true, added: [3] });
    });
  });

  describe('counts in seq order, each once per reader', () => {
    it('should drop a count older than the latest known', () => {
      const presence = core();
      presence.connect('w', 'walter');
      watchNow(presence, 'w', 7, 0, 1);
      expect(presence.heard({ postId: 7, count: 5, seq: 10 })).toEqual([
        { type: 'deliver', count: { postId: 7, count: 5, seq: 10 } },
      ]);
      expect(presence.heard({ postId: 7, count: 4, seq: 9 })).toEqual([]);
      expect(presence.stored({ postId: 7, count: 4, seq: 10 })).toEqual([]);
    });

    it('should publish a change made here even when nobody here reads the post', () => {
      const presence = core();
      const count = { postId: 7, count: 0, seq: 4 };
      expect(presence.stored(count)).toEqual([{ type: 'publish', count, announce: true }]);
      expect(presence.heard(count)).toEqual([]);
    });

    it('should never tell a reader the same seq twice', () => {
      const presence = core();
      presence.connect('w', 'walter');
      watchNow(presence, 'w', 7, 0, 1);
      const count = { postId: 7, count: 1, seq: 2 };
      expect(presence.tell(count, 'w')).toBe(false);
      expect(presence.tell(count, 'w')).toBeUndefined();
      expect(presence.tell({ postId: 7, count: 0, seq: 1 }, 'w')).toBeUndefined();
      expect(presence.tell(count, 'stranger')).toBeUndefined();
    });

    it('should count the join ack as telling the joiner, so the fan-out skips it', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      const { effects } = joinNow(presence, 's1', 7, 1, 3);
      const count = { postId: 7, count: 1, seq: 3 };
      expect(effects).toEqual([
        { type: 'deliver', count },
        { type: 'publish', count, announce: true },
      ]);
      expect(presence.tell(count, 's1')).toBeUndefined();
    });

    it('should send a watcher the newest count once, not again by the fan-out', () => {
      const presence = core();
      presence.connect('w', 'walter');
      const effects = watchNow(presence, 'w', 7, 2, 4);
      expect(ofType(effects, 'send')).toHaveLength(1);
      expect(presence.tell({ postId: 7, count: 2, seq: 4 }, 'w')).toBeUndefined();
      // A second watch of the same post has nothing newer to send.
      expect(ofType(watchNow(presence, 'w', 7, 2, 4), 'send')).toEqual([]);
    });

    it('should send a joiner a newer count known here at once, over its ack', () => {
      const presence = core();
      presence.connect('w', 'walter');
      presence.connect('s1', 'alice');
      watchNow(presence, 'w', 7, 0, 1);
      const start = presence.join('s1', 7) as JoinStarted;
      presence.heard({ postId: 7, count: 2, seq: 9 });
      const effects = presence.joined(start, { postId: 7, count: 1, seq: 8 });
      expect(effects).toEqual([
        { type: 'send', socketId: 's1', payload: { postId: 7, count: 2, self: true, seq: 9 } },
      ]);
    });

    it('should send the count as an update to a joiner that already read the post', () => {
      // Updates may be on their way to it; the client keeps those, not the ack's count.
      const presence = core();
      presence.connect('s1', 'alice');
      watchNow(presence, 's1', 7, 0, 1);
      const { effects } = joinNow(presence, 's1', 7, 1, 2);
      expect(ofType(effects, 'send')).toEqual([
        { type: 'send', socketId: 's1', payload: { postId: 7, count: 1, self: true, seq: 2 } },
      ]);
      expect(presence.tell({ postId: 7, count: 1, seq: 2 }, 's1')).toBeUndefined();
    });

    it('should start afresh for a socket that reads a post again', () => {
      const presence = core();
      presence.connect('w', 'walter');
      watchNow(presence, 'w', 7, 1, 5);
      presence.unwatch('w', [7]);
      expect(ofType(watchNow(presence, 'w', 7, 1, 5), 'send')).toHaveLength(1);
    });
  });

  describe('the counts channel', () => {
    it('should follow a post before the store op of every join and watch', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      expect(presence.join('s1', 7)).toMatchObject({ follow: [7] });
      expect(presence.watch('s1', [7, 8])).toMatchObject({ follow: [7, 8] });
    });

    it('should unfollow a post when its last reader here goes, not before', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'bob');
      joinNow(presence, 's1', 7);
      watchNow(presence, 's2', 7);
      expect(ofType(presence.leave('s1', 7), 'unfollow')).toEqual([]);
      expect(presence.unwatch('s2', [7])).toEqual([{ type: 'unfollow', postId: 7 }]);
    });
  });

  describe('store failures', () => {
    it('should undo the membership of a join the store failed, with no lease to drop', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      const start = presence.join('s1', 7) as JoinStarted;
      expect(presence.joinFailed(start)).toEqual([{ type: 'unfollow', postId: 7 }]);
      expect(presence.readers(7)).toBeUndefined();
      expect(presence.leaseCount).toBe(0);
      expect(presence.renewals().size).toBe(0);
    });

    it('should keep the view of a socket whose second join of the post failed', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      joinNow(presence, 's1', 7);
      const again = presence.join('s1', 7) as JoinStarted;
      expect(presence.joinFailed(again)).toEqual([]);
      expect(presence.renewals()).toEqual(new Map([[7, ['alice']]]));
    });

    it('should undo only the posts a failed watch added', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      joinNow(presence, 's1', 1);
      watchNow(presence, 's1', 2);
      const start = presence.watch('s1', [1, 2, 3]) as WatchStarted;
      expect(start.added).toEqual([1, 3]);
      expect(presence.watchFailed(start)).toEqual([{ type: 'unfollow', postId: 3 }]);
      expect(readerIds(presence, 1)).toEqual(['s1']);
      expect(readerIds(presence, 2)).toEqual(['s1']);
      expect(presence.unwatch('s1', [1])).toEqual([]);
    });
  });

  describe('heartbeat and close', () => {
    it('should put every renewed count into the top index once and announce only changes', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      joinNow(presence, 's1', 1, 1, 5);
      watchNow(presence, 's1', 2, 3, 6);
      const same = { postId: 1, count: 1, seq: 5 };
      const pruned = { postId: 2, count: 2, seq: 7 };
      expect(presence.renewed([same, pruned])).toEqual([
        { type: 'publish', count: same, announce: false },
        { type: 'deliver', count: pruned },
        { type: 'publish', count: pruned, announce: true },
      ]);
    });

    it('should drop every lease on close and forget every socket', () => {
      const presence = core();
      presence.connect('s1', 'alice');
      presence.connect('s2', 'bob');
      joinNow(presence, 's1', 1);
      joinNow(presence, 's2', 1);
      watchNow(presence, 's2', 2);
      expect(presence.close()).toEqual([
        { type: 'drop', postId: 1, visitorId: 'alice' },
        { type: 'drop', postId: 1, visitorId: 'bob' },
      ]);
      expect(presence.socketCount).toBe(0);
      expect(presence.leaseCount).toBe(0);
      expect(presence.disconnect('s1')).toEqual([]);
    });
  });
});
