/**
 * E. SDK size: minified, gzip and brotli bytes of the browser bundle
 * (packages/client/dist/vip-presence.min.js), measured here with node:zlib at its default levels
 * (as packages/client/support/bundle-size.mjs and socket.io's support/bundle-size.js do). No
 * process to start; the bundle is the one `npm run build` made.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Figures } from '../context.js';
import { ROOT } from '../procs.js';
import type { Report } from '../report.js';

export const SDK_BUNDLE = 'packages/client/dist/vip-presence.min.js';
/** The SDK's budget: 15 KB gzip, socket.io-client included. */
export const SDK_GZIP_BUDGET_BYTES = 15 * 1024;

export function scenarioE(report: Report): Figures {
  const sc = 'E sdk size';
  const bundle = join(ROOT, SDK_BUNDLE);
  if (!existsSync(bundle)) {
    report.add(sc, 'vip-presence.min.js gzip', 'n/a', '', undefined, `${SDK_BUNDLE} is missing`);
    return { bundle: SDK_BUNDLE, missing: true };
  }
  const bytes = readFileSync(bundle);
  const gzip = gzipSync(bytes).length;
  const brotli = brotliCompressSync(bytes).length;
  report.add(sc, 'vip-presence.min.js gzip', gzip, 'B', {
    op: '<=',
    limit: SDK_GZIP_BUDGET_BYTES,
  });
  report.add(sc, 'vip-presence.min.js brotli', brotli, 'B');
  report.add(sc, 'vip-presence.min.js minified', bytes.length, 'B');
  return { bundle: SDK_BUNDLE, minBytes: bytes.length, gzipBytes: gzip, brotliBytes: brotli };
}
