import { expect, test } from '../support/fixtures.js';
import {
  ONLY_ONE_HERE,
  expectWidget,
  liveCounts,
  liveTexts,
  metric,
  othersViewing,
  parseV2Token,
  widget,
  wordpressSiteKey,
} from '../support/presence.js';

/*
 * Signed view tokens (DESIGN.md, points 10 and 11): a reader whose page carries a tampered token
 * is refused, shows nothing, and is not counted by anyone.
 */
test.describe('View tokens', () => {
  test('should refuse a tampered token and leave the count alone', async ({
    page: honest,
    newReader,
    requestUtils,
  }) => {
    const post = await requestUtils.createPost({
      title: 'Guarded by a signed token',
      content: '<p>Only real readers count.</p>',
    });
    await honest.goto(post.link);
    await expectWidget(widget(honest), ONLY_ONE_HERE);
    const refusals = await metric('vip_presence_refusals_total', { code: 'invalid_token' });

    // The forger's page changes one character of the token's signature before the SDK reads it,
    // and drops the tokens route (DESIGN.md 22), which would hand it an honest token.
    // (Rewriting the HTML with page.route() would not do: Chromium's Local Network Access checks
    // then block the page's WebSocket to 127.0.0.1, since a fulfilled document has no address.)
    const forger = await newReader();
    await forger.addInitScript(() => {
      let settings: { tokens?: Record<string, string> } | undefined;
      Object.defineProperty(window, 'vipPresenceSettings', {
        configurable: true,
        get: () => settings,
        set(value: { tokens?: Record<string, string>; tokensUrl?: string }) {
          delete value.tokensUrl;
          for (const [postId, token] of Object.entries(value.tokens ?? {})) {
            const dot = token.lastIndexOf('.');
            const flipped = token[dot + 1] === 'A' ? 'B' : 'A';
            value.tokens![postId] = `${token.slice(0, dot + 1)}${flipped}${token.slice(dot + 2)}`;
            (window as unknown as { tamperedFrom: string }).tamperedFrom = token;
          }
          settings = value;
        },
      });
    });
    await forger.goto(post.link);
    const { original, sent } = await forger.evaluate(() => ({
      original: (window as unknown as { tamperedFrom?: string }).tamperedFrom,
      sent: (window as unknown as { vipPresenceSettings: { tokens: Record<string, string> } })
        .vipPresenceSettings.tokens,
    }));
    expect(
      parseV2Token(original),
      'the page carried a v2 token of the post, for its site, to tamper with',
    ).toMatchObject({ site: await wordpressSiteKey(), postId: post.id });
    expect(sent[post.id]).not.toBe(original);
    expect(sent[post.id]?.length).toBe(original?.length);
    await expect(widget(forger)).toHaveAttribute('data-vip-presence-status', 'error');
    await expect(widget(forger)).toHaveText('');
    expect(await metric('vip_presence_refusals_total', { code: 'invalid_token' })).toBe(
      refusals + 1,
    );
    expect(await liveCounts([post.id])).toEqual({ [post.id]: 1 });

    // A second honest reader sees one other person (not two), and so does the first.
    const second = await newReader();
    await second.goto(post.link);
    await expectWidget(widget(second), othersViewing(1));
    await expect(widget(honest)).toHaveText(othersViewing(1), { timeout: 1_000 });
    expect(await liveTexts(honest)).toEqual([ONLY_ONE_HERE, othersViewing(1)]);
    await expect(widget(forger)).toHaveText('');
    expect(await liveTexts(forger)).toEqual([]);
  });
});
