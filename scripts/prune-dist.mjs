#!/usr/bin/env node
// After `tsc` in a published package (`npm run build`): removes from dist/ what no source in src/
// makes any more (a module renamed or deleted since an earlier build: its .js, .d.ts and maps),
// so that `npm pack` ships only the modules of the sources. tsc itself never deletes; pruning
// after it, rather than emptying dist/ before, leaves no moment without a dist/cli.js for the
// processes that run it meanwhile.
//
//   node ../../scripts/prune-dist.mjs        (in the package's folder)
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const OUTPUT = /(\.d\.ts|\.js)(\.map)?$/;
const SOURCES = ['.ts', '.js', '.mts'];

/** Removes the outputs under `dist` (relative path `relative`) whose source is gone from `src`. */
function prune(dist, src, relative = '') {
  for (const entry of readdirSync(path.join(dist, relative), { withFileTypes: true })) {
    const file = path.join(relative, entry.name);
    if (entry.isDirectory()) {
      prune(dist, src, file);
      continue;
    }
    if (!OUTPUT.test(entry.name)) continue;
    const stem = file.replace(OUTPUT, '');
    if (SOURCES.some((extension) => existsSync(path.join(src, stem + extension)))) continue;
    rmSync(path.join(dist, file));
    console.error(`prune-dist: removed dist/${file} (no src/${stem}.ts any more)`);
  }
}

if (existsSync('dist')) prune('dist', 'src');
