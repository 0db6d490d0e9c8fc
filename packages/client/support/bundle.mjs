// Builds the IIFE bundles dist/vip-presence.js and dist/vip-presence.min.js: esbuild bundles the
// ESM sources with socket.io-client's ESM build (the `import` condition, without `debug`), so the
// parts the SDK does not use fall away; terser minifies (about 4% smaller gzip than esbuild's
// minifier on this bundle, which matters against the 16 KB budget).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version, license } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const banner = `/*! vip-presence client v${version} | ${license} */`;

/**
 * engine.io-client registers every transport it has in one map, so none can fall away by tree
 * shaking. The SDK asks only for "websocket" (and "polling" with `allowPolling`): leave the
 * WebTransport transport out of the map, and so out of the bundle.
 */
const withoutWebTransport = {
  name: 'without-webtransport',
  setup(build) {
    const transportsIndex = /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/;
    build.onLoad({ filter: transportsIndex }, (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: [
        // The package's `browser` field maps these two to their browser versions.
        "import { XHR } from './polling-xhr.node.js';",
        "import { WS } from './websocket.node.js';",
        'export const transports = { websocket: WS, polling: XHR };',
      ].join('\n'),
    }));
  },
};

/**
 * Property names internal to the SDK (the pure core's methods and the fields of its state): they
 * never meet a name from outside the bundle, so terser may shorten them too (about 70 bytes of
 * gzip). Never list a public name here (the API, `PresenceState` fields, options, payloads).
 */
const INTERNAL_PROPERTIES = new RegExp(
  '^(' +
    ['addInterest', 'removeInterest', 'setToken', 'applyAck', 'retryDue', 'applyCount', 'snapshot']
      .concat(['commands', 'refusals', 'delayMs', 'wanted', 'refused', 'waiting', 'newer', 'fresh'])
      .join('|') +
    ')$',
);

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/browser-entrypoint.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  conditions: ['import', 'browser'],
  // Browsers WordPress supports (its browserslist: last 2 versions, > 1%), with headroom.
  target: ['es2020', 'chrome91', 'edge91', 'firefox90', 'safari15'],
  tsconfig: 'tsconfig.build.json',
  banner: { js: banner },
  legalComments: 'none',
  plugins: [withoutWebTransport],
  write: false,
  logLevel: 'warning',
});
const code = result.outputFiles[0].text;
writeFileSync(join(root, 'dist/vip-presence.js'), code);

const minified = await minify(code, {
  ecma: 2020,
  toplevel: true,
  compress: { passes: 3 },
  mangle: { properties: { regex: INTERNAL_PROPERTIES } },
  format: { comments: false, preamble: banner },
});
writeFileSync(join(root, 'dist/vip-presence.min.js'), minified.code);
