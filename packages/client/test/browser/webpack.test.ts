import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PresenceServer } from '@vip-presence/server';
import type { Browser, BrowserContext } from 'playwright-core';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, waitForState } from './helpers/browser.js';
import { startPresenceServer } from './helpers/presence-server.js';
import { startStaticSite, type StaticSite } from './helpers/static-site.js';

/** Bundles the plugin's entry with webpack in production mode, as @wordpress/scripts would. */
async function bundleWithWebpack(outputDir: string): Promise<string> {
  const compiler = webpack({
    mode: 'production',
    target: 'web',
    context: fileURLToPath(new URL('.', import.meta.url)),
    entry: './fixtures/wordpress-plugin-entry.js',
    output: { path: outputDir, filename: 'plugin.js' },
    devtool: false,
    // Production semantics (used exports, `sideEffects`) without the slow minifier.
    optimization: { minimize: false },
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((error, result) => (error || !result ? reject(error) : resolve(result))),
  );
  await new Promise((resolve) => compiler.close(resolve));
  expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({
    errors: [],
    warnings: [],
  });
  return readFileSync(join(outputDir, 'plugin.js'), 'utf8');
}

describe('the browser entry bundled by webpack', () => {
  let outputDir: string;
  let browser: Browser;
  let site: StaticSite;
  let server: PresenceServer;
  let context: BrowserContext;

  beforeAll(async () => {
    outputDir = mkdtempSync(join(tmpdir(), 'vip-presence-webpack-'));
    [browser, site, server] = await Promise.all([
      launchChromium(),
      startStaticSite(),
      startPresenceServer(),
    ]);
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await Promise.all([browser?.close(), site?.close(), server?.close()]);
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('should define window.vipPresence from the settings the plugin prints', async () => {
    site.addScript('/plugin.js', await bundleWithWebpack(outputDir));
    const reader = await openPage(
      context,
      site.postUrl({ serverUrl: server.url, view: 11, sdk: '/plugin.js' }),
    );
    await waitForState(reader, '11', { status: 'live', count: 1, self: true });
    expect(await reader.page.evaluate(() => window.vipPresence?.version)).toBe('0.2.0');
    expect(reader.pageErrors).toEqual([]);
  });
});
