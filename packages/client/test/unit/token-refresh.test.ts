import { Events } from '@vip-presence/protocol';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { createPresenceClientWith, type PresenceClient } from '../../src/presence-client.js';
import type { PresenceState } from '../../src/types.js';
import { fakeEnvironment, settle, type FakeEnvironment } from './helpers/fake-environment.js';

/*
 * DESIGN.md point 22, the transport's half: the SDK fetches the fresh tokens the core asks for
 * from the plugin's route, with backoff on failure, and hands them back to the core.
 */

const URL = 'http://presence.test:3000';
const TOKENS_URL = 'http://blog.test/wp-json/vip-presence/v1/tokens';
const expired = { ok: false, error: { code: 'token_expired', message: 'token has expired' } };
const joined = { ok: true, count: 2, self: true, views: 9 };

describe('presence client: fresh tokens', () => {
  let env: FakeEnvironment;
  let warn: Mock<(...data: unknown[]) => void>;
  let client: PresenceClient;

  /** Subscribes to the posts (counted), connects, and answers their joins with `expired`. */
  async function refusedFor(postIds: number[]): Promise<Array<() => PresenceState | undefined>> {
    const lasts = postIds.map((postId) => {
      const states: PresenceState[] = [];
      client.subscribe(postId, (state) => states.push(state), { token: `v1.${postId}.1.old` });
      return () => states[states.length - 1];
    });
    await settle();
    env.sockets[0]!.accept();
    await settle();
    env.sockets[0]!.answerAll(() => expired);
    await settle();
    return lasts;
  }

  beforeEach(() => {
    env = fakeEnvironment();
    warn = vi.fn();
    client = createPresenceClientWith(
      { url: URL, tokensUrl: TOKENS_URL, logger: { warn, error: vi.fn() } },
      env,
    );
  });

  it('should fetch fresh tokens of every refused post in one request and join again with them', async () => {
    const [first, second] = await refusedFor([5, 6]);
    expect(env.fetches.map((fetch) => fetch.url)).toEqual([`${TOKENS_URL}?posts=5,6`]);
    expect(first!()).toMatchObject({ status: 'connecting', error: null });
    env.fetches[0]!.respond(200, { tokens: { 5: 'v1.5.2.new', 6: 'v1.6.2.new' }, errors: {} });
    await settle();
    expect(env.sockets[0]!.take()).toEqual([
      [Events.Join, { postId: 5, token: 'v1.5.2.new' }],
      [Events.Join, { postId: 6, token: 'v1.6.2.new' }],
    ]);
    env.sockets[0]!.answerAll(() => joined);
    await settle();
    expect(first!()).toMatchObject({ status: 'live', count: 2, others: 1 });
    expect(second!()).toMatchObject({ status: 'live', count: 2, others: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('should report a post the site gives no token for, and join the others', async () => {
    const [draft, published] = await refusedFor([7, 8]);
    env.fetches[0]!.respond(200, {
      tokens: { 8: 'v1.8.2.new' },
      errors: { 7: { code: 'vip_presence_post_not_viewable' } },
    });
    await settle();
    expect(env.sockets[0]!.take()).toEqual([[Events.Join, { postId: 8, token: 'v1.8.2.new' }]]);
    expect(draft!()).toMatchObject({ status: 'error', error: { code: 'token_expired' } });
    expect(published!()).toMatchObject({ status: 'connecting' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/post 7 \(token_expired\)/);
  });

  it('should try a failed fetch again after a growing delay, then report the refusal', async () => {
    const [last] = await refusedFor([5]);
    env.fetches.shift()!.fail();
    await settle();
    expect(env.timers.map((timer) => timer.ms)).toEqual([1_000]);
    env.runTimers();
    expect(env.fetches).toHaveLength(1);
    env.fetches.shift()!.respond(503);
    await settle();
    expect(env.timers.map((timer) => timer.ms)).toEqual([2_000]);
    env.runTimers();
    env.fetches.shift()!.fail();
    await settle();
    expect(env.timers).toEqual([]);
    expect(env.fetches).toEqual([]);
    expect(last!()).toMatchObject({ status: 'error', error: { code: 'token_expired' } });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should take a 4xx answer of the route as final, and never ask it twice for one refusal', async () => {
    const [last] = await refusedFor([5]);
    env.fetches.shift()!.respond(404, { code: 'vip_presence_post_not_viewable' });
    await settle();
    expect(env.timers).toEqual([]);
    expect(last!()).toMatchObject({ status: 'error', error: { code: 'token_expired' } });
    env.sockets[0]!.drop();
    env.sockets[0]!.accept();
    await settle();
    expect(env.sockets[0]!.take()).toEqual([]);
    expect(env.fetches).toEqual([]);
  });

  it('should add the post ids to a tokens URL that already has a query (plain permalinks)', async () => {
    client.configure({ tokensUrl: 'http://blog.test/?rest_route=/vip-presence/v1/tokens' });
    await refusedFor([5]);
    expect(env.fetches[0]!.url).toBe(
      'http://blog.test/?rest_route=/vip-presence/v1/tokens&posts=5',
    );
  });

  it('should report a refused token at once when the page printed no tokens URL', async () => {
    client = createPresenceClientWith({ url: URL, logger: { warn, error: vi.fn() } }, env);
    env.sockets.length = 0;
    const [last] = await refusedFor([5]);
    expect(env.fetches).toEqual([]);
    expect(last!()).toMatchObject({ status: 'error', error: { code: 'token_expired' } });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
