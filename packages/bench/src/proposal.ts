/**
 * Builds a copy of packages/server with proposal diffs applied, without touching packages/server,
 * so the bench can measure a proposal against the same load:
 *
 *   node packages/bench/dist/proposal.js packages/bench/proposals/<name>.diff [...more.diff]
 *   npm run bench -- --only=B --server-cli=packages/bench/results/proposal-<name>/server/dist/cli.js
 *
 * Diffs are git-style, relative to the repository root (a/packages/server/src/...), so the lead
 * can also apply them with `git apply`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RESULTS_DIR, ROOT } from './procs.js';

const diffs = process.argv.slice(2).map((d) => resolve(d));
if (diffs.length === 0) {
  process.stderr.write('usage: proposal <file.diff> [...]\n');
  process.exit(1);
}
const name = diffs.map((d) => basename(d, '.diff')).join('+');
const dir = join(RESULTS_DIR, `proposal-${name}`, 'server');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
cpSync(join(ROOT, 'packages/server/src'), join(dir, 'src'), { recursive: true });
cpSync(join(ROOT, 'packages/server/package.json'), join(dir, 'package.json'));
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({
    extends: join(ROOT, 'tsconfig.base.json'),
    compilerOptions: { types: ['node'], rootDir: 'src', outDir: 'dist' },
    include: ['src'],
  }),
);
for (const diff of diffs) {
  // a/packages/server/src/x.ts -> src/x.ts
  execFileSync('patch', ['-p3', '--forward', '--batch', '-d', dir], {
    input: readFileSync(diff),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
}
execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
process.stdout.write(`${join(dir, 'dist/cli.js')}\n`);
