/**
 * Summarizes a V8 .cpuprofile (from `npm run bench -- --profile`): self time by function and by
 * package, and inclusive time of chosen functions.
 *
 *   node packages/bench/dist/profile-top.js packages/bench/results/profiles/B-node1.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top <file.cpuprofile> [top]\n');
  process.exit(1);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node from samples and time deltas (µs).
const self = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) {
  const id = samples[i] as number;
  const dt = deltas[i + 1] ?? deltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/packages/'))
    return `packages/${url.split('/packages/')[1]?.split('/')[0] ?? ''}`;
  if (url.startsWith('node:')) return 'node internals';
  return url ? url : `(${n.callFrame.functionName || 'program'})`;
};

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const name = `${n.callFrame.functionName || '(anonymous)'}  ${where(n)}:${n.callFrame.lineNumber + 1}`;
  fnSelf.set(name, (fnSelf.get(name) ?? 0) + us);
  pkgSelf.set(where(n), (pkgSelf.get(where(n)) ?? 0) + us);
}

// Inclusive time per function name (a name counted once per stack).
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const name = `${n.callFrame.functionName || '(anonymous)'}  ${where(n)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const print = (line: string) => process.stdout.write(`${line}\n`);
print(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
);
print('\nself time by package:');
for (const [k, v] of [...pkgSelf].sort((a, b) => b[1] - a[1]).slice(0, 15))
  print(`  ${pct(v)}  ${k}`);
print(`\nself time by function (top ${top}):`);
for (const [k, v] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top))
  print(`  ${pct(v)}  ${k}`);
print(`\ninclusive time (top ${top}):`);
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
  print(`  ${pct(v)}  ${k}`);
