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
 * What the bundle takes from engine.io-client: its `Socket` and the WebSocket transport, and for
 * `allowPolling` the long-polling transport built on `fetch()` (`Fetch`, engine.io-client's own
 * alternative to its XMLHttpRequest one: about 770 bytes gzip smaller, and supported by every
 * browser the SDK targets). Its index re-exports every transport, and the XMLHttpRequest one runs
 * code when loaded, so neither falls away by tree shaking: both files are narrowed here.
 * WebTransport is left out too (the SDK never asks for it).
 */
const engineIoClientTransports = {
  name: 'engine.io-client-transports',
  setup(build) {
    const esm = /engine\.io-client[\\/]build[\\/]esm[\\/]/;
    const file = (name) => new RegExp(esm.source + name.replace('.', '\\.') + '$');
    const module = (lines) => (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: lines.join('\n'),
    });
    // The transports by name, as `Socket` looks them up.
    build.onLoad(
      { filter: file('transports[\\/]index.js') },
      module([
        "import { Fetch } from './polling-fetch.js';",
        // The package's `browser` field maps this one to its browser version.
        "import { WS } from './websocket.node.js';",
        'export const transports = { websocket: WS, polling: Fetch };',
      ]),
    );
    // What socket.io-client imports from engine.io-client; the transports it re-exports are
    // never used by the SDK.
    build.onLoad(
      { filter: file('index.js') },
      module([
        "export { Socket } from './socket.js';",
        "export { installTimerFunctions } from './util.js';",
        "export { parse } from './contrib/parseuri.js';",
        "export { nextTick } from './globals.node.js';",
        'export const Fetch = undefined, NodeXHR = undefined, XHR = undefined;',
        'export const NodeWebSocket = undefined, WebSocket = undefined, WebTransport = undefined;',
      ]),
    );
  },
};

/**
 * The SDK's messages are JSON text both ways (wire protocol v1): no binary attachment ever
 * travels. socket.io-parser's and engine.io-parser's binary paths (ArrayBuffer and Blob
 * detection, placeholders, base64) are left out, about 1 KB gzip: text packets are encoded and
 * decoded as before, and a binary frame, which the server never sends, is a parse error that
 * closes the connection (the SDK reconnects).
 */
const textOnlyParsers = {
  name: 'text-only-parsers',
  setup(build) {
    const replace = (filter, lines) =>
      build.onLoad({ filter }, (args) => ({
        resolveDir: dirname(args.path),
        loader: 'js',
        contents: lines.join('\n'),
      }));
    const socketIoParser = /socket\.io-parser[\\/]build[\\/]esm[\\/]/.source;
    const engineIoParser = /engine\.io-parser[\\/]build[\\/]esm[\\/]/.source;
    replace(new RegExp(socketIoParser + 'is-binary\\.js$'), [
      'export const isBinary = () => false;',
      'export const hasBinary = () => false;',
    ]);
    replace(new RegExp(socketIoParser + 'binary\\.js$'), [
      'export const deconstructPacket = undefined, reconstructPacket = undefined;',
    ]);
    replace(new RegExp(engineIoParser + 'encodePacket\\.browser\\.js$'), [
      "import { PACKET_TYPES } from './commons.js';",
      "export const encodePacket = ({ type, data }, _binary, callback) => callback(PACKET_TYPES[type] + (data || ''));",
      'export const encodePacketToBinary = undefined;',
    ]);
    replace(new RegExp(engineIoParser + 'decodePacket\\.browser\\.js$'), [
      "import { ERROR_PACKET, PACKET_TYPES_REVERSE } from './commons.js';",
      'export const decodePacket = (packet) => {',
      "  const type = typeof packet === 'string' && PACKET_TYPES_REVERSE[packet.charAt(0)];",
      '  return !type ? ERROR_PACKET : packet.length > 1 ? { type, data: packet.substring(1) } : { type };',
      '};',
    ]);
  },
};

/**
 * Property names internal to the bundle, which terser may shorten: they never meet a name from
 * outside it. Never list a public name here (the API, `PresenceState` fields, options, payloads).
 * - The SDK's: the pure core's methods and the fields of its state (about 70 bytes of gzip).
 * - socket.io-client's and engine.io-client's private members, which all start with `_`
 *   (`_readyState`, `_reconnectionDelayMax`, `_anyOutgoingListeners`...; about 230 bytes of
 *   gzip); none is part of a message or of the options the SDK passes. `_placeholder`, which is
 *   (binary attachments), is kept all the same.
 */
const INTERNAL_PROPERTIES = new RegExp(
  '^(' +
    ['addInterest', 'removeInterest', 'setToken', 'setAway', 'applyAck', 'retryDue', 'applyCount']
      .concat(['snapshot', 'commands', 'refusals', 'delayMs', 'wanted', 'refused', 'waiting'])
      .concat(['newer', 'fresh'])
      .join('|') +
    ')$|^_(?!placeholder$)[A-Za-z]',
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
  plugins: [engineIoClientTransports, textOnlyParsers],
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
