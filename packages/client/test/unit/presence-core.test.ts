import { ErrorCodes } from '@vip-presence/protocol';
import { describe, expect, it } from 'vitest';
import { createPresenceCore, type Command, type PresenceCore } from '../../src/presence-core.js';

const BACKOFF = { baseMs: 1_000, maxMs: 8_000, jitter: 0 };

function onlineCore(): PresenceCore {
  const core = createPresenceCore(BACKOFF, () => 0.5);
  core.online();
  return core;
}

/** The requests a drain sends, without ids and epochs. */
function sent(core: PresenceCore): Array<Record<string, unknown>> {
  return core.drain().commands.map(({ id: _id, epoch: _epoch, ...rest }) => rest);
}

function only(core: PresenceCore): Command {
  const { commands } = core.drain();
  expect(commands).toHaveLength(1);
  return commands[0] as Command;
}

const joined = (count: number, views = 7) => ({ ok: true, count, self: true, views });
const refused = (code: string) => ({ ok: false, error: { code, message: `refused: ${code}` } });

describe('presence core: what to send', () => {
  it('should send nothing before the connection is online', () => {
    const core = createPresenceCore(BACKOFF);
    core.addInterest(1, 'view');
    expect(core.drain().commands).toEqual([]);
    core.online();
    expect(sent(core)).toEqual([{ type: 'join', postId: 1 }]);
  });

  it('should join a post once however many subscriptions view it', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(1, 'view');
    core.addInterest(1, 'view');
    expect(sent(core)).toEqual([{ type: 'join', postId: 1 }]);
    expect(sent(core)).toEqual([]);
  });

  it('should send the view token of the post with its join', () => {
    const core = onlineCore();
    core.setToken(5, 'v1.5.123.sig');
    core.addInterest(5, 'view');
    expect(sent(core)).toEqual([{ type: 'join', postId: 5, token: 'v1.5.123.sig' }]);
  });

  it('should watch many posts with one request', () => {
    const core = onlineCore();
    for (const postId of [1, 2, 3]) core.addInterest(postId, 'watch');
    expect(sent(core)).toEqual([{ type: 'watch', postIds: [1, 2, 3] }]);
  });

  it('should join and watch a post independently when the page both views and watches it', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(1, 'watch');
    expect(sent(core)).toEqual([
      { type: 'join', postId: 1 },
      { type: 'watch', postIds: [1] },
    ]);
  });

  it('should leave a post when its last viewer unsubscribes', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    core.removeInterest(1, 'view');
    expect(sent(core)).toEqual([]);
    core.removeInterest(1, 'view');
    expect(sent(core)).toEqual([{ type: 'leave', postId: 1 }]);
  });

  it('should send nothing for a subscription that ends before anything was sent', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.removeInterest(1, 'view');
    core.addInterest(2, 'watch');
    core.removeInterest(2, 'watch');
    expect(sent(core)).toEqual([]);
  });

  it('should leave after the join is answered when the viewer unsubscribes meanwhile', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    const join = only(core);
    core.removeInterest(1, 'view');
    expect(sent(core)).toEqual([]); // one request per post at a time
    core.applyAck(join, joined(1));
    expect(sent(core)).toEqual([{ type: 'leave', postId: 1 }]);
  });

  it('should join again after the leave is answered when a viewer comes back meanwhile', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    core.removeInterest(1, 'view');
    const leave = only(core);
    core.addInterest(1, 'view');
    expect(sent(core)).toEqual([]);
    core.applyAck(leave, { ok: true });
    expect(sent(core)).toEqual([{ type: 'join', postId: 1 }]);
  });

  it('should leave nothing behind after many subscribe and unsubscribe cycles', () => {
    const core = onlineCore();
    const inFlight: Command[] = [];
    const joinedNow = new Set<number>();
    const answer = (command: Command) => {
      if (command.type === 'join') joinedNow.add(command.postId);
      if (command.type === 'leave') joinedNow.delete(command.postId);
      core.applyAck(command, command.type === 'join' ? joined(1) : { ok: true });
    };
    for (let cycle = 0; cycle < 50; cycle++) {
      core.addInterest(1, 'view');
      inFlight.push(...core.drain().commands);
      // Answer some requests now and some later, as a server under load would.
      if (cycle % 3 === 0) inFlight.splice(0).forEach(answer);
      core.removeInterest(1, 'view');
      inFlight.push(...core.drain().commands);
      expect(inFlight.length).toBeLessThanOrEqual(1);
      if (cycle % 2 === 0) inFlight.splice(0).forEach(answer);
    }
    while (inFlight.length) {
      inFlight.splice(0).forEach(answer);
      inFlight.push(...core.drain().commands);
    }
    expect(joinedNow.size).toBe(0);
  });

  it('should rejoin and rewatch everything exactly once after a reconnect', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(2, 'watch');
    core.addInterest(3, 'watch');
    for (const command of core.drain().commands) {
      core.applyAck(
        command,
        command.type === 'join' ? joined(1) : { ok: true, counts: { 2: 0, 3: 4 } },
      );
    }
    core.offline();
    expect(sent(core)).toEqual([]);
    core.online();
    expect(sent(core)).toEqual([
      { type: 'join', postId: 1 },
      { type: 'watch', postIds: [2, 3] },
    ]);
    expect(sent(core)).toEqual([]);
  });

  it('should ignore the answers of a previous connection', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    const oldJoin = only(core);
    core.offline();
    core.online();
    const newJoin = only(core);
    core.applyAck(oldJoin, joined(9));
    expect(core.snapshot(1, 'view').status).toBe('connecting');
    core.applyAck(newJoin, joined(2));
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'live', count: 2 });
  });

  it('should ask again when a request is not answered in time', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), undefined);
    const { commands, retries } = core.drain();
    expect(commands).toEqual([]);
    expect(retries).toEqual([expect.objectContaining({ postId: 1, kind: 'view', delayMs: 1_000 })]);
    core.retryDue(retries[0]!);
    expect(sent(core)).toEqual([{ type: 'join', postId: 1 }]);
  });
});

describe('presence core: what the page sees', () => {
  it('should show connecting until the join is answered, then live with the counts', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    const join = only(core);
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'connecting', count: 0, others: 0 });
    core.applyAck(join, { ok: true, count: 3, self: true, views: 42 });
    expect(core.snapshot(1, 'view')).toEqual({
      postId: 1,
      count: 3,
      others: 2,
      self: true,
      views: 42,
      status: 'live',
      error: null,
    });
  });

  it('should count others as the count when this visitor is not among it', () => {
    const core = onlineCore();
    core.addInterest(1, 'watch');
    core.applyAck(only(core), { ok: true, counts: { 1: 4 } });
    expect(core.snapshot(1, 'watch')).toMatchObject({
      status: 'live',
      count: 4,
      others: 4,
      self: false,
      views: null,
    });
    core.applyCount({ postId: 1, count: 5, self: true, seq: 3 });
    expect(core.snapshot(1, 'watch')).toMatchObject({ count: 5, others: 4, self: true });
  });

  it('should apply count updates and ignore one older than the last seq', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    expect(core.applyCount({ postId: 1, count: 2, self: true, seq: 10 })).toBe(true);
    expect(core.applyCount({ postId: 1, count: 5, self: true, seq: 8 })).toBe(false);
    expect(core.snapshot(1, 'view').count).toBe(2);
    expect(core.applyCount({ postId: 1, count: 3, self: true, seq: 11 })).toBe(true);
    expect(core.applyCount({ postId: 1, count: 4, self: true })).toBe(true); // no seq: taken
    expect(core.snapshot(1, 'view').count).toBe(4);
  });

  it('should accept a lower seq after a reconnect', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    core.applyCount({ postId: 1, count: 2, self: true, seq: 900 });
    core.offline();
    core.online();
    core.applyAck(only(core), joined(1));
    expect(core.applyCount({ postId: 1, count: 3, self: true, seq: 2 })).toBe(true);
    expect(core.snapshot(1, 'view').count).toBe(3);
  });

  it('should accept a lower seq when it follows a post again after leaving it', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(1, 'watch'); // refused below: keeps the post known while nothing follows it
    for (const command of core.drain().commands) {
      core.applyAck(
        command,
        command.type === 'join' ? joined(1) : refused(ErrorCodes.InvalidPayload),
      );
    }
    core.applyCount({ postId: 1, count: 1, self: true, seq: 900 });
    core.removeInterest(1, 'view');
    core.applyAck(only(core), { ok: true });
    core.addInterest(1, 'view');
    expect(sent(core)).toEqual([{ type: 'join', postId: 1 }]);
    expect(core.applyCount({ postId: 1, count: 1, self: true, seq: 1 })).toBe(true);
  });

  it('should keep a count update that arrived before the watch ack it is newer than', () => {
    const core = onlineCore();
    core.addInterest(1, 'watch');
    const watch = only(core);
    core.applyCount({ postId: 1, count: 6, self: false, seq: 4 });
    core.applyAck(watch, { ok: true, counts: { 1: 5 } });
    expect(core.snapshot(1, 'watch')).toMatchObject({ status: 'live', count: 6 });
  });

  it('should ignore malformed updates and updates of posts it does not follow', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    for (const payload of [
      null,
      'x',
      { postId: 2, count: 1, self: false },
      { postId: 1, count: -1, self: false },
      { postId: 1, count: 1.5, self: false },
      { postId: '1', count: 1, self: false },
    ]) {
      expect(core.applyCount(payload)).toBe(false);
    }
    expect(core.snapshot(1, 'view').count).toBe(1);
  });

  it('should show offline after the connection drops, with the last count', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(3));
    core.offline();
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'offline', count: 3 });
    expect(core.status()).toBe('offline');
  });

  it('should show connecting, not offline, before the first connection', () => {
    const core = createPresenceCore(BACKOFF);
    core.addInterest(1, 'view');
    expect(core.snapshot(1, 'view').status).toBe('connecting');
    expect(core.status()).toBe('connecting');
  });

  it('should show a watcher of a joined post live even before its own watch is answered', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(2));
    core.addInterest(1, 'watch');
    only(core);
    expect(core.snapshot(1, 'watch')).toMatchObject({ status: 'live', count: 2, self: true });
  });
});

describe('presence core: refusals', () => {
  it('should report a refused join once and not ask again with the same token', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), refused(ErrorCodes.InvalidToken));
    expect(core.drain().refreshes).toEqual([1]);
    core.tokenRefreshed(1, undefined);
    const { commands, refusals, retries } = core.drain();
    expect(commands).toEqual([]);
    expect(retries).toEqual([]);
    expect(refusals).toEqual([
      {
        postId: 1,
        kind: 'view',
        error: { code: 'invalid_token', message: 'refused: invalid_token' },
      },
    ]);
    expect(core.snapshot(1, 'view')).toMatchObject({
      status: 'error',
      error: { code: 'invalid_token' },
    });
    expect(core.drain().refusals).toEqual([]);
  });

  it('should keep a token refusal across reconnects and ask again when a new token arrives', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), refused(ErrorCodes.TokenExpired));
    core.tokenRefreshed(1, undefined);
    core.offline();
    core.online();
    expect(sent(core)).toEqual([]);
    expect(core.snapshot(1, 'view').status).toBe('error');
    core.setToken(1, 'fresh');
    expect(sent(core)).toEqual([{ type: 'join', postId: 1, token: 'fresh' }]);
  });

  it('should retry a rate limited join with a growing delay and clear the error once joined', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), refused(ErrorCodes.RateLimited));
    let output = core.drain();
    expect(output.retries.map((retry) => retry.delayMs)).toEqual([1_000]);
    expect(core.snapshot(1, 'view')).toMatchObject({
      status: 'error',
      error: { code: 'rate_limited' },
    });
    core.retryDue(output.retries[0]!);
    core.applyAck(only(core), refused(ErrorCodes.RateLimited));
    output = core.drain();
    expect(output.retries.map((retry) => retry.delayMs)).toEqual([2_000]);
    core.retryDue(output.retries[0]!);
    core.applyAck(only(core), joined(1));
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'live', error: null });
  });

  it('should retry a refused leave without telling the page', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), joined(1));
    core.removeInterest(1, 'view');
    core.applyAck(only(core), refused(ErrorCodes.RateLimited));
    const { retries, refusals, commands } = core.drain();
    expect(refusals).toEqual([]);
    expect(commands).toEqual([]);
    core.retryDue(retries[0]!);
    expect(sent(core)).toEqual([{ type: 'leave', postId: 1 }]);
  });

  it('should show a connection refusal on every subscription until connected', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(2, 'watch');
    core.refused({ code: ErrorCodes.OriginNotAllowed, message: 'no' });
    for (const [postId, kind] of [
      [1, 'view'],
      [2, 'watch'],
    ] as const) {
      expect(core.snapshot(postId, kind)).toMatchObject({
        status: 'error',
        error: { code: 'origin_not_allowed' },
      });
    }
    expect(core.status()).toBe('error');
    core.online();
    expect(core.snapshot(1, 'view').status).toBe('connecting');
  });

  it('should refuse watches of a whole batch at once', () => {
    const core = onlineCore();
    core.addInterest(1, 'watch');
    core.addInterest(2, 'watch');
    core.applyAck(only(core), refused(ErrorCodes.TooManyPosts));
    expect(core.drain().refusals.map((refusal) => refusal.postId)).toEqual([1, 2]);
    expect(core.snapshot(2, 'watch')).toMatchObject({
      status: 'error',
      error: { code: 'too_many_posts' },
    });
  });

  it('should stand in internal_error for an answer it does not understand', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.applyAck(only(core), 'what?');
    expect(core.snapshot(1, 'view').error?.code).toBe('internal_error');
  });
});

describe('presence core: a page away (hidden too long)', () => {
  /** Answers every request of a drain as the server would; returns what was sent. */
  function answerAll(core: PresenceCore, counts: Record<number, number> = {}) {
    const { commands } = core.drain();
    for (const command of commands) {
      core.applyAck(
        command,
        command.type === 'join'
          ? joined(counts[command.postId] ?? 1)
          : command.type === 'watch'
            ? { ok: true, counts }
            : { ok: true },
      );
    }
    return commands.map(({ id: _id, epoch: _epoch, ...rest }) => rest);
  }

  function viewing(postId: number): PresenceCore {
    const core = onlineCore();
    core.addInterest(postId, 'view');
    answerAll(core, { [postId]: 2 });
    return core;
  }

  it('should leave the posts it views and watch them instead, keeping their counts', () => {
    const core = viewing(1);
    core.setAway(true);
    expect(answerAll(core, { 1: 1 })).toEqual([
      { type: 'leave', postId: 1 },
      { type: 'watch', postIds: [1] },
    ]);
    expect(core.snapshot(1, 'view')).toMatchObject({
      status: 'live',
      count: 1,
      others: 1,
      self: false,
      views: 7,
    });
    expect(sent(core)).toEqual([]);
  });

  it('should join again when back, and watch until the join is answered', () => {
    const core = viewing(1);
    core.setAway(true);
    answerAll(core, { 1: 1 });
    core.setAway(false);
    const join = only(core);
    expect(join).toMatchObject({ type: 'join', postId: 1 });
    // Still watching while the join is on its way: the widget stays live.
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'live', count: 1 });
    expect(core.applyCount({ postId: 1, count: 2, self: true, seq: 5 })).toBe(true);
    core.applyAck(join, joined(2));
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'live', count: 2, self: true });
    expect(sent(core)).toEqual([{ type: 'unwatch', postIds: [1] }]);
  });

  it('should only watch after a reconnect while away', () => {
    const core = viewing(1);
    core.setAway(true);
    answerAll(core);
    core.offline();
    core.online();
    expect(sent(core)).toEqual([{ type: 'watch', postIds: [1] }]);
  });

  it('should leave a watch of the page itself alone when it goes and comes back', () => {
    const core = onlineCore();
    core.addInterest(1, 'view');
    core.addInterest(1, 'watch');
    answerAll(core);
    core.setAway(true);
    expect(answerAll(core)).toEqual([{ type: 'leave', postId: 1 }]);
    core.setAway(false);
    expect(answerAll(core)).toEqual([{ type: 'join', postId: 1 }]);
    expect(sent(core)).toEqual([]);
  });

  it('should stop watching a post nobody on the page views any more', () => {
    const core = viewing(1);
    core.setAway(true);
    answerAll(core);
    core.removeInterest(1, 'view');
    expect(answerAll(core)).toEqual([{ type: 'unwatch', postIds: [1] }]);
    core.setAway(false);
    expect(sent(core)).toEqual([]);
  });

  it('should watch, not join, a post the page starts to view while away', () => {
    const core = onlineCore();
    core.setAway(true);
    core.addInterest(3, 'view');
    expect(sent(core)).toEqual([{ type: 'watch', postIds: [3] }]);
  });
});
