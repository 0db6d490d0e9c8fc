/**
 * Prints the summary of a profile written by `npm run bench -- --profile`:
 *
 *   node packages/bench/dist/profile-top.js packages/bench/results/profiles/B-churn-node1.cpuprofile [top]
 *   node packages/bench/dist/profile-top.js packages/bench/results/profiles/A-wave-node1.heapprofile [top]
 */
import { readFileSync } from 'node:fs';
import { summarizeCpu, summarizeHeap, type CpuProfile, type HeapProfile } from './profiles.js';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top <file.cpuprofile|file.heapprofile> [top]\n');
  process.exit(1);
}
const top = Number(topArg ?? 25);
const print = (line: string) => process.stdout.write(`${line}\n`);
const list = (title: string, rows: [string, number][], unit: string) => {
  print(`\n${title}:`);
  for (const [k, v] of rows)
    print(`  ${v.toFixed(unit === '%' ? 1 : 2).padStart(7)} ${unit}  ${k}`);
};
const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
if (file.endsWith('.heapprofile')) {
  const s = summarizeHeap(data as HeapProfile, top);
  print(`${file}: ${s.liveMB} MB sampled live allocations`);
  list('by package (innermost non-internal frame)', s.byOrigin, 'MB');
  list('by allocation site', s.bySite, 'MB');
  list('by stack (4 frames, innermost first)', s.byStack, 'MB');
} else {
  const s = summarizeCpu(data as CpuProfile, top);
  print(`${file}: ${s.sampledSeconds} s sampled`);
  list('self time by package', s.selfByOrigin, '%');
  list('self time by function', s.selfByFunction, '%');
  list('inclusive time', s.inclusive, '%');
}
