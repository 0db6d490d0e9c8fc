import { Events } from '@vip-presence/protocol';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { createPresenceClientWith, type PresenceClient } from '../../src/presence-client.js';
import type { PresenceState } from '../../src/types.js';
import {
  fakeEnvironment,
  pageEvent,
  setVisibility,
  settle,
  type FakeEnvironment,
  type FakeSocket,
} from './helpers/fake-environment.js';

const URL = 'http://presence.test:3000';

/** The server's side of the protocol, as simply as the tests need it. */
function serve(event: string, payload: unknown): unknown {
  if (event === Events.Join) return { ok: true, count: 1, self: true, views: 10 };
  if (event === Events.Watch) {
    const { postIds } = payload as { postIds: number[] };
    return { ok: true, counts: Object.fromEntries(postIds.map((id) => [id, 2])) };
  }
  return { ok: true };
}

describe('presence client', () => {
  let env: FakeEnvironment;
  let logger: {
    warn: Mock<(...data: unknown[]) => void>;
    error: Mock<(...data: unknown[]) => void>;
  };
  let client: PresenceClient;

  const socket = (): FakeSocket => {
    expect(env.sockets).toHaveLength(1);
    return env.sockets[0]!;
  };

  /** Subscribes and records every state the callback receives. */
  const record = (postId: number | string, options?: { count?: boolean; token?: string }) => {
    const states: PresenceState[] = [];
    const unsubscribe = client.subscribe(postId, (state) => states.push(state), options);
    return { states, unsubscribe, last: () => states[states.length - 1] };
  };

  beforeEach(() => {
    env = fakeEnvironment();
    logger = { warn: vi.fn(), error: vi.fn() };
    client = createPresenceClientWith({ url: URL, logger }, env);
  });

  it('should open one socket for the page however many subscriptions it has', async () => {
    record(1);
    record(1);
    record(2, { count: false });
    record(3, { count: false });
    await settle();
    socket().accept();
    await settle();
    expect(socket().take()).toEqual([
      [Events.Join, { postId: 1 }],
      [Events.Watch, { postIds: [2, 3] }],
    ]);
  });

  it('should open its socket in a task after the one that subscribed, not within it', async () => {
    const states = record(1).states;
    // The subscribing task and every microtask it queued: state told, no socket yet.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.resolve();
    expect(states).toEqual([expect.objectContaining({ status: 'connecting' })]);
    expect(env.sockets).toHaveLength(0);
    // Made in the next task, and connected in the one after (not by socket.io on its own).
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(socket().options.autoConnect).toBe(false);
    expect(socket().connectCalls).toBe(0);
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(socket().connectCalls).toBe(1);
    client.close();
  });

  it('should not open a socket for a subscription gone before its task ran', async () => {
    record(1).unsubscribe();
    await settle();
    expect(env.sockets).toHaveLength(0);
  });

  it('should not connect before it has a url, and say so once', async () => {
    client = createPresenceClientWith({ logger }, env);
    record(1);
    record(2);
    await settle();
    expect(env.sockets).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/no server url/);
    client.configure({ url: URL });
    await settle();
    expect(socket().url).toBe(URL);
  });

  it('should connect over WebSocket only unless polling is allowed', async () => {
    record(1);
    await settle();
    expect(socket().options.transports).toEqual(['websocket']);
    const other = fakeEnvironment();
    createPresenceClientWith({ url: URL, allowPolling: true }, other).subscribe(1, () => undefined);
    await settle();
    expect(other.sockets[0]?.options.transports).toEqual(['websocket', 'polling']);
  });

  it('should send the visitor id kept in storage in the handshake', async () => {
    env.storageData.set('vipPresence.visitorId', 'visitor_from_other_tab');
    record(1);
    await settle();
    expect(socket().auth()).toEqual({ visitorId: 'visitor_from_other_tab' });
  });

  it('should call back with connecting, then live with the count and the others', async () => {
    const { states } = record('7');
    expect(states).toEqual([]); // never synchronously
    await settle();
    expect(states.map((state) => state.status)).toEqual(['connecting']);
    socket().accept();
    await settle();
    socket().answerAll(() => ({ ok: true, count: 3, self: true, views: 99 }));
    await settle();
    expect(states[states.length - 1]).toEqual({
      postId: 7,
      count: 3,
      others: 2,
      self: true,
      views: 99,
      status: 'live',
      error: null,
    });
    socket().fire(Events.Count, { postId: 7, count: 1, self: true, seq: 4 });
    await settle();
    expect(states[states.length - 1]).toMatchObject({ count: 1, others: 0 });
  });

  it('should only call back when what it shows changes', async () => {
    const { states } = record(1);
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(serve);
    await settle();
    const before = states.length;
    socket().fire(Events.Count, { postId: 1, count: 1, self: true, seq: 5 });
    socket().fire(Events.Count, { postId: 1, count: 1, self: true, seq: 6 });
    await settle();
    expect(states.length).toBe(before);
  });

  it('should rejoin everything once after a reconnect, and ignore answers of the old connection', async () => {
    const viewer = record(1);
    record(2, { count: false });
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(serve);
    await settle();
    record(3); // its join is in flight when the connection drops
    await settle();
    socket().drop();
    await settle();
    expect(viewer.last()?.status).toBe('offline');
    socket().accept();
    await settle();
    expect(socket().take()).toEqual([
      [Events.Join, { postId: 1 }],
      [Events.Join, { postId: 3 }],
      [Events.Watch, { postIds: [2] }],
    ]);
    socket().answerAll(serve);
    await settle();
    expect(viewer.last()?.status).toBe('live');
    expect(socket().take()).toEqual([]);
  });

  it('should leave a post when its last subscription ends', async () => {
    const first = record(1);
    const second = record(1);
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(serve);
    first.unsubscribe();
    await settle();
    expect(socket().take()).toEqual([]);
    second.unsubscribe();
    second.unsubscribe(); // twice does nothing more
    await settle();
    expect(socket().take()).toEqual([[Events.Leave, { postId: 1 }]]);
  });

  it('should never call a callback after its unsubscribe', async () => {
    const { states, unsubscribe } = record(1);
    await settle();
    unsubscribe();
    socket().accept();
    await settle();
    expect(states.map((state) => state.status)).toEqual(['connecting']);
  });

  it('should report a refused join as an error state and one warning', async () => {
    const first = record(5, { token: 'v1.5.1.bad' });
    const second = record(5);
    await settle();
    socket().accept();
    await settle();
    expect(socket().take()).toEqual([[Events.Join, { postId: 5, token: 'v1.5.1.bad' }]]);
    socket().answerAll(() => ({ ok: false, error: { code: 'invalid_token', message: 'forged' } }));
    await settle();
    for (const { last } of [first, second]) {
      expect(last()).toMatchObject({
        status: 'error',
        error: { code: 'invalid_token', message: 'forged' },
      });
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/post 5 \(invalid_token\)/);
  });

  it('should retry a rate limited join after a delay', async () => {
    const { last } = record(1);
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(() => ({
      ok: false,
      error: { code: 'rate_limited', message: 'slow down' },
    }));
    await settle();
    expect(last()).toMatchObject({ status: 'error', error: { code: 'rate_limited' } });
    expect(socket().take()).toEqual([]);
    env.runTimers();
    await settle();
    expect(socket().take()).toEqual([[Events.Join, { postId: 1 }]]);
    socket().answerAll(serve);
    await settle();
    expect(last()).toMatchObject({ status: 'live', error: null });
  });

  it('should keep calling the other callbacks when one throws, and report the error', async () => {
    client.subscribe(1, () => {
      throw new Error('theme bug');
    });
    const healthy = record(1);
    await settle();
    expect(healthy.states).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/callback of post 1 threw/),
      expect.objectContaining({ message: 'theme bug' }),
    );
  });

  it('should never throw into the page, whatever it is given', async () => {
    const calls: PresenceState[] = [];
    expect(() => client.subscribe(null as never, null as never)).not.toThrow();
    expect(() => client.subscribe('abc', (state) => calls.push(state))).not.toThrow();
    expect(() => client.configure('nonsense' as never)).not.toThrow();
    expect(() => client.configure({ url: 42, tokens: [1] } as never)).not.toThrow();
    await settle();
    expect(calls).toEqual([
      expect.objectContaining({
        status: 'error',
        error: expect.objectContaining({ code: 'invalid_payload' }),
      }),
    ]);
    expect(env.sockets).toEqual([]);
  });

  it('should leave on pagehide and rejoin when the page comes back from the back-forward cache', async () => {
    const { last } = record(1);
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(serve);
    env.page.dispatchEvent(pageEvent('pagehide', { persisted: true }));
    await settle();
    expect(socket().disconnectCalls).toBe(1);
    env.page.dispatchEvent(pageEvent('pageshow', { persisted: false }));
    await settle();
    expect(env.sockets).toHaveLength(1);
    env.page.dispatchEvent(pageEvent('pageshow', { persisted: true }));
    await settle();
    expect(env.sockets).toHaveLength(2);
    const restored = env.sockets[1]!;
    restored.accept();
    await settle();
    expect(restored.take()).toEqual([[Events.Join, { postId: 1 }]]);
    restored.answerAll(serve);
    await settle();
    expect(last()?.status).toBe('live');
  });

  /** A page counted on post 1, its join answered. */
  async function counted() {
    const recorded = record(1);
    await settle();
    socket().accept();
    await settle();
    socket().answerAll(serve);
    await settle();
    return recorded;
  }

  it('should keep a hidden tab counted for hiddenTimeoutMs, then leave and only watch', async () => {
    const { last } = await counted();
    setVisibility(env, 'hidden');
    await settle();
    expect(socket().take()).toEqual([]);
    expect(env.timers.map(({ ms }) => ms)).toEqual([300_000]);
    env.runTimers();
    await settle();
    expect(socket().take()).toEqual([
      [Events.Leave, { postId: 1 }],
      [Events.Watch, { postIds: [1] }],
    ]);
    socket().answerAll(serve);
    await settle();
    // The widget still shows the post's count, without this visitor among it.
    expect(last()).toMatchObject({ status: 'live', count: 2, self: false, views: 10 });
  });

  it('should join again at once when a tab hidden too long is shown', async () => {
    await counted();
    setVisibility(env, 'hidden');
    env.runTimers();
    await settle();
    socket().answerAll(serve);
    setVisibility(env, 'visible');
    await settle();
    expect(socket().take()).toEqual([[Events.Join, { postId: 1 }]]);
    expect(env.timers).toEqual([]);
  });

  it('should stay counted when the tab is shown again before hiddenTimeoutMs', async () => {
    await counted();
    setVisibility(env, 'hidden');
    setVisibility(env, 'visible');
    env.runTimers(); // the browser runs the stale timer late
    await settle();
    expect(socket().take()).toEqual([]);
  });

  it('should never stop counting a hidden tab with hiddenTimeoutMs 0', async () => {
    client.configure({ hiddenTimeoutMs: 0 });
    await counted();
    setVisibility(env, 'hidden');
    await settle();
    expect(env.timers).toEqual([]);
    expect(socket().take()).toEqual([]);
  });

  it('should start the hidden time at once for a tab opened in the background', async () => {
    env.page.document.visibilityState = 'hidden';
    client = createPresenceClientWith({ url: URL, logger, hiddenTimeoutMs: 60_000 }, env);
    await counted();
    expect(env.timers.map(({ ms }) => ms)).toEqual([60_000]);
  });

  it('should not connect while the page is prerendered, and join once it is shown', async () => {
    env.page.document.prerendering = true;
    client = createPresenceClientWith({ url: URL, logger }, env);
    const { last } = record(1);
    await settle();
    expect(env.sockets).toEqual([]);
    expect(last()).toMatchObject({ status: 'connecting', count: 0 });
    env.page.document.prerendering = false;
    env.page.document.dispatchEvent(new Event('prerenderingchange'));
    await settle();
    socket().accept();
    await settle();
    expect(socket().take()).toEqual([[Events.Join, { postId: 1 }]]);
  });

  it('should come back by itself when the server disconnects the socket on purpose', async () => {
    record(1);
    await settle();
    socket().accept();
    await settle();
    socket().active = false;
    socket().drop('io server disconnect');
    await settle();
    expect(env.timers).toHaveLength(1);
    env.runTimers();
    expect(socket().connectCalls).toBe(2); // its first connect, and this one
  });

  it('should show a refused connection on every subscription and retry only temporary refusals', async () => {
    const viewer = record(1);
    const watcher = record(2, { count: false });
    await settle();
    socket().active = false;
    socket().fire(
      'connect_error',
      Object.assign(new Error('too many'), { data: { code: 'too_many_connections' } }),
    );
    await settle();
    for (const { last } of [viewer, watcher]) {
      expect(last()).toMatchObject({ status: 'error', error: { code: 'too_many_connections' } });
    }
    expect(env.timers).toHaveLength(1);
    env.runTimers();
    expect(socket().connectCalls).toBe(2); // its first connect, and the retry
    socket().active = false; // socket.io-client gives up after a refusal
    socket().fire(
      'connect_error',
      Object.assign(new Error('go away'), { data: { code: 'origin_not_allowed' } }),
    );
    await settle();
    expect(viewer.last()?.error?.code).toBe('origin_not_allowed');
    expect(env.timers).toHaveLength(0);
    expect(client.getStatus()).toBe('error');
  });

  it('should show offline, not an error, while the network is down', async () => {
    const { last } = record(1);
    await settle();
    socket().fire('connect_error', new Error('websocket error'));
    await settle();
    expect(last()?.status).toBe('offline');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('should take the visitor id another tab wrote and reconnect with it', async () => {
    record(1);
    await settle();
    const first = socket();
    first.accept();
    await settle();
    const theirs = 'visitor_of_the_other_tab';
    env.page.dispatchEvent(
      pageEvent('storage', { key: 'vipPresence.visitorId', newValue: theirs }),
    );
    await settle();
    expect(first.disconnectCalls).toBe(1);
    expect(env.sockets[1]?.auth()).toEqual({ visitorId: theirs });
  });

  it('should disconnect and stop calling back when closed', async () => {
    const { states } = record(1);
    await settle();
    socket().accept();
    client.close();
    await settle();
    expect(socket().disconnectCalls).toBe(1);
    const count = states.length;
    socket().fire(Events.Count, { postId: 1, count: 9, self: false });
    await settle();
    expect(states.length).toBe(count);
    expect(client.subscribe(1, () => undefined)).toBeTypeOf('function');
  });
});
