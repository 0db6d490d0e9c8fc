// Prints the minified, gzip and brotli sizes of the IIFE bundle, and exits 1 above budget.
// Run after `npm run build`. Budget: 15 KB (15,360 bytes) gzip, socket.io-client included.
// Compression at zlib's default levels, like socket.io's own support/bundle-size.js.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const GZIP_BUDGET_BYTES = 15 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'dist/vip-presence.min.js');

let source;
try {
  source = readFileSync(file);
} catch {
  console.error(`${file} is missing: run "npm run build" first`);
  process.exit(1);
}

const gzip = gzipSync(source).length;
const brotli = brotliCompressSync(source).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB (${bytes} bytes)`;

console.log('dist/vip-presence.min.js (socket.io-client included)');
console.log(`  min:    ${kb(source.length)}`);
console.log(`  gzip:   ${kb(gzip)}, budget ${kb(GZIP_BUDGET_BYTES)}`);
console.log(`  brotli: ${kb(brotli)}`);

if (gzip > GZIP_BUDGET_BYTES) {
  console.error(`over budget by ${gzip - GZIP_BUDGET_BYTES} bytes gzip`);
  process.exit(1);
}
