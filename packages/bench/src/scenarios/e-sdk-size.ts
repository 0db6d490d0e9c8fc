/**
 * E. SDK size: gzip and brotli bytes of the browser bundle, by the client's own size script
 * (fallback: node:zlib on packages/client/dist/vip-presence.min.js). No process to start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Figures } from '../context.js';
import { ROOT } from '../procs.js';
import type { Report } from '../report.js';

export function scenarioE(report: Report): Figures {
  const script = join(ROOT, 'packages/client/support/bundle-size.mjs');
  const bundle = join(ROOT, 'packages/client/dist/vip-presence.min.js');
  let gzip = NaN;
  let brotli = NaN;
  let source = 'n/a';
  let output = '';
  if (existsSync(script)) {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    output = `${run.stdout}${run.stderr}`.trim();
    gzip = Number(/gzip:.*\((\d+) bytes\)/.exec(output)?.[1] ?? NaN);
    brotli = Number(/brotli:.*\((\d+) bytes\)/.exec(output)?.[1] ?? NaN);
    if (Number.isFinite(gzip)) source = 'packages/client/support/bundle-size.mjs';
  }
  if (!Number.isFinite(gzip) && existsSync(bundle)) {
    const bytes = readFileSync(bundle);
    gzip = gzipSync(bytes).length;
    brotli = brotliCompressSync(bytes).length;
    source = 'node:zlib on packages/client/dist/vip-presence.min.js';
  }
  if (Number.isFinite(gzip)) {
    report.add('E sdk size', 'vip-presence.min.js gzip', gzip, 'B', { op: '<=', limit: 16 * 1024 });
    report.add('E sdk size', 'vip-presence.min.js brotli', brotli, 'B');
  } else report.add('E sdk size', 'vip-presence.min.js gzip', 'n/a');
  return { gzipBytes: gzip, brotliBytes: brotli, source, output };
}
