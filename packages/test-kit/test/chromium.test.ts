import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumLaunchOptions, runToExit } from '../src/index.js';

const KIT = new URL('../src/index.js', import.meta.url).href;

describe('Chromium', () => {
  it('should render a page headless with the launch arguments', async () => {
    const { executablePath, args } = chromiumLaunchOptions();
    expect(executablePath).toBe(CHROMIUM_PATH);
    // A profile of its own: another Chromium running on the machine must not hold it.
    const profile = mkdtempSync(path.join(tmpdir(), 'test-kit-chromium-'));
    try {
      const { code, output } = await runToExit(
        executablePath,
        [...args, `--user-data-dir=${profile}`, '--dump-dom', 'data:text/html,<p id="x">ok</p>'],
        { timeoutMs: 30_000 },
      );
      expect(code).toBe(0);
      expect(output).toContain('<p id="x">ok</p>');
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('should say how to install Chromium when the executable is missing', async () => {
    const { code, output } = await runToExit(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { assertChromium } from ${JSON.stringify(KIT)}; assertChromium();`,
      ],
      { env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' } },
    );
    expect(code).toBe(1);
    expect(output).toContain('/nonexistent/chromium is missing: install');
  });
});
