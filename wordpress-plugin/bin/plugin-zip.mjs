#!/usr/bin/env node
/**
 * Builds vip-presence.zip: the installable plugin, in a `vip-presence/` folder, with only what
 * WordPress runs (main file, uninstall.php, readme.txt, includes/, build/, languages/ if any).
 * No tests, sources, node_modules, package.json or dev configs.
 *
 * Our own writer rather than `wp-scripts plugin-zip`: that one names the zip and its folder after
 * the npm package name (`@vip-presence/wordpress-plugin`) and, to find `vip-presence.php`, needs a
 * `files` field, which also puts package.json in the zip.
 *
 * Usage: node bin/plugin-zip.mjs [output.zip]   (default: ./vip-presence.zip)
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const SLUG = 'vip-presence';
const pluginDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = resolve(process.cwd(), process.argv[2] ?? `${SLUG}.zip`);

const ROOT_FILES = [`${SLUG}.php`, 'uninstall.php', 'readme.txt'];
const DIRECTORIES = ['includes', 'build', 'languages'];
const REQUIRED = [...ROOT_FILES, 'includes', 'build/widget.js', 'build/widget.asset.php', 'build/block/block.json'];

for (const path of REQUIRED) {
  if (!existsSync(join(pluginDir, path))) {
    console.error(`plugin-zip: ${path} is missing${path.startsWith('build') ? ' (run `npm run build` first)' : ''}`);
    process.exit(1);
  }
}

function walk(directory) {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return [path + sep, ...walk(path)];
      return entry.isFile() && !entry.name.endsWith('.map') ? [path] : [];
    });
}

const paths = [
  ...ROOT_FILES.map((file) => join(pluginDir, file)),
  ...DIRECTORIES.filter((dir) => existsSync(join(pluginDir, dir))).flatMap((dir) => [
    join(pluginDir, dir) + sep,
    ...walk(join(pluginDir, dir)),
  ]),
];

// CRC-32 (IEEE), as zip needs it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function dosDateTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

const locals = [];
const centrals = [];
let offset = 0;
for (const path of paths) {
  const isDirectory = path.endsWith(sep);
  const name = `${SLUG}/${relative(pluginDir, path).split(sep).join('/')}${isDirectory ? '/' : ''}`;
  const nameBytes = Buffer.from(name, 'utf8');
  const data = isDirectory ? Buffer.alloc(0) : readFileSync(path);
  const deflated = isDirectory ? data : deflateRawSync(data, { level: 9 });
  const method = !isDirectory && deflated.length < data.length ? 8 : 0;
  const body = method === 8 ? deflated : data;
  const crc = crc32(data);
  const { time, day } = dosDateTime(statSync(path).mtime);
  const mode = isDirectory ? 0o40755 : 0o100644;

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(day, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, nameBytes, body);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(day, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(((mode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38);
  central.writeUInt32LE(offset, 42);
  centrals.push(central, nameBytes);

  offset += local.length + nameBytes.length + body.length;
}

const centralSize = centrals.reduce((sum, buffer) => sum + buffer.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(paths.length, 8);
end.writeUInt16LE(paths.length, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);

const zip = Buffer.concat([...locals, ...centrals, end]);
writeFileSync(output, zip);
const files = paths.filter((path) => !path.endsWith(sep)).length;
console.log(`plugin-zip: ${relative(process.cwd(), output) || output} (${files} files, ${(zip.length / 1024).toFixed(1)} KB)`);
