import { ErrorCodes } from '@vip-presence/protocol';
import { describe, expect, it } from 'vitest';
import { createPresenceCore, type Command, type PresenceCore } from '../../src/presence-core.js';

/*
 * DESIGN.md point 22, the core's half: a join refused for its token asks for a fresh token once
 * (an output, like a retry), joins again with it, and a second refusal is reported.
 */

const BACKOFF = { baseMs: 1_000, maxMs: 8_000, jitter: 0 };
const refused = (code: string) => ({ ok: false, error: { code, message: `refused: ${code}` } });
const joined = { ok: true, count: 1, self: true, views: 3 };

/** An online core viewing post 1 with `token`, its join sent. */
function joining(token = 'v1.1.100.old'): { core: PresenceCore; join: Command } {
  const core = createPresenceCore(BACKOFF, () => 0.5);
  core.online();
  core.setToken(1, token);
  core.addInterest(1, 'view');
  const { commands } = core.drain();
  expect(commands).toMatchObject([{ type: 'join', postId: 1, token }]);
  return { core, join: commands[0] as Command };
}

describe('presence core: fresh tokens', () => {
  for (const code of [ErrorCodes.TokenExpired, ErrorCodes.InvalidToken]) {
    it(`should ask for a fresh token once when a join is refused with ${code}, telling no one yet`, () => {
      const { core, join } = joining();
      core.applyAck(join, refused(code));
      expect(core.drain()).toEqual({ commands: [], retries: [], refusals: [], refreshes: [1] });
      expect(core.snapshot(1, 'view')).toMatchObject({ status: 'connecting', error: null });
      // Waiting for the token: nothing more is asked, not even after a reconnect.
      core.offline();
      core.online();
      expect(core.drain()).toEqual({ commands: [], retries: [], refusals: [], refreshes: [] });
    });
  }

  it('should join again with the fresh token and go live', () => {
    const { core, join } = joining();
    core.applyAck(join, refused(ErrorCodes.TokenExpired));
    core.drain();
    core.tokenRefreshed(1, 'v1.1.200.new');
    const { commands, refusals } = core.drain();
    expect(refusals).toEqual([]);
    expect(commands).toMatchObject([{ type: 'join', postId: 1, token: 'v1.1.200.new' }]);
    core.applyAck(commands[0] as Command, joined);
    expect(core.snapshot(1, 'view')).toMatchObject({ status: 'live', count: 1, error: null });
  });

  it('should report a second refusal after a refresh instead of refreshing again', () => {
    const { core, join } = joining();
    core.applyAck(join, refused(ErrorCodes.TokenExpired));
    core.drain();
    core.tokenRefreshed(1, 'v1.1.200.new');
    const rejoin = core.drain().commands[0] as Command;
    core.applyAck(rejoin, refused(ErrorCodes.InvalidToken));
    const { commands, refusals, refreshes } = core.drain();
    expect({ commands, refreshes }).toEqual({ commands: [], refreshes: [] });
    expect(refusals).toMatchObject([{ postId: 1, kind: 'view', error: { code: 'invalid_token' } }]);
    expect(core.snapshot(1, 'view').error?.code).toBe('invalid_token');
    core.offline();
    core.online();
    expect(core.drain()).toEqual({ commands: [], retries: [], refusals: [], refreshes: [] });
  });

  it('should report the held refusal when no fresh token comes, or the same one', () => {
    for (const answer of [undefined, 'v1.1.100.old']) {
      const { core, join } = joining();
      core.applyAck(join, refused(ErrorCodes.TokenExpired));
      core.drain();
      core.tokenRefreshed(1, answer);
      const { commands, refusals, refreshes } = core.drain();
      expect({ commands, refreshes }).toEqual({ commands: [], refreshes: [] });
      expect(refusals).toMatchObject([
        { postId: 1, kind: 'view', error: { code: 'token_expired' } },
      ]);
      expect(core.snapshot(1, 'view')).toMatchObject({
        status: 'error',
        error: { code: 'token_expired' },
      });
    }
  });

  it('should refresh once per refusal: a post joined with its fresh token may refresh again later', () => {
    const { core, join } = joining();
    core.applyAck(join, refused(ErrorCodes.TokenExpired));
    core.drain();
    core.tokenRefreshed(1, 'v1.1.200.new');
    core.applyAck(core.drain().commands[0] as Command, joined);
    // Days later the connection drops and the rejoin finds that token expired too.
    core.offline();
    core.online();
    const rejoin = core.drain().commands[0] as Command;
    expect(rejoin).toMatchObject({ type: 'join', token: 'v1.1.200.new' });
    core.applyAck(rejoin, refused(ErrorCodes.TokenExpired));
    expect(core.drain()).toMatchObject({ refusals: [], refreshes: [1] });
  });

  it('should not ask for tokens on other refusals, nor for watches', () => {
    const { core, join } = joining();
    core.applyAck(join, refused(ErrorCodes.InvalidPayload));
    expect(core.drain()).toMatchObject({ refreshes: [], refusals: [{ postId: 1 }] });
    core.addInterest(2, 'watch');
    const watch = core.drain().commands[0] as Command;
    core.applyAck(watch, refused(ErrorCodes.InvalidToken));
    expect(core.drain()).toMatchObject({ refreshes: [], refusals: [{ postId: 2, kind: 'watch' }] });
  });

  it('should take a token the page gives meanwhile and drop the held refusal', () => {
    const { core, join } = joining();
    core.applyAck(join, refused(ErrorCodes.TokenExpired));
    core.drain();
    core.setToken(1, 'v1.1.300.page');
    expect(core.drain().commands).toMatchObject([{ type: 'join', token: 'v1.1.300.page' }]);
    core.tokenRefreshed(1, undefined); // the fetch ends later, with nothing: nothing to report
    expect(core.drain()).toMatchObject({ refusals: [], refreshes: [] });
  });
});
