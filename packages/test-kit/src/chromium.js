// The browser of the tests: Debian's Chromium (no browser download on these machines), headless,
// with the arguments every Playwright launch here uses.
import { existsSync } from 'node:fs';

/** The Chromium executable: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Headless, no sandbox (containers), nothing that reaches out to the network by itself, and the
 * user agent of an ordinary desktop Chrome: headless Chromium's own says "HeadlessChrome", which
 * the presence server takes for a bot and never counts.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/**
 * Playwright's launch options for that browser: `{ executablePath, args }`.
 * @returns {{ executablePath: string, args: string[] }}
 */
export function chromiumLaunchOptions() {
  return { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] };
}

/** Throws, saying how to install it, when the executable is missing. */
export function assertChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's Chromium (apt-get install -y --no-install-recommends chromium, or bash scripts/install-system-deps.sh), or set CHROMIUM_PATH`,
    );
  }
}
