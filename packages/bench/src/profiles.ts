/**
 * Summaries of V8 profiles taken by the bench (`--profile`): CPU profiles (.cpuprofile, from the
 * inspector's Profiler domain) and sampling heap profiles (.heapprofile: allocations of a window
 * still alive when sampling stopped).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
export interface HeapProfile {
  head: HeapNode;
}

/** Where a frame comes from: an npm package, a workspace package, node internals, or V8. */
export function origin(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/packages/')) {
    const rest = url.split('/packages/')[1] ?? '';
    return `packages/${rest.replace('/dist/', '/')}`;
  }
  if (url.startsWith('node:')) return 'node internals';
  return url || `(${frame.functionName || 'program'})`;
}

const label = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${origin(frame)}:${frame.lineNumber + 1}`;

type Ranked = [string, number][];
const rank = (m: Map<string, number>, top: number, total: number): Ranked =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => [k, Math.round((v / total) * 1000) / 10]);

export interface CpuSummary {
  sampledSeconds: number;
  /** [package, % of samples] */
  selfByOrigin: Ranked;
  selfByFunction: Ranked;
  inclusive: Ranked;
}

export function summarizeCpu(profile: CpuProfile, top = 20): CpuSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    byFunction.set(label(node.callFrame), (byFunction.get(label(node.callFrame)) ?? 0) + us);
    const o = origin(node.callFrame);
    byOrigin.set(o, (byOrigin.get(o) ?? 0) + us);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const name = `${node.callFrame.functionName || '(anonymous)'} ${origin(node.callFrame)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  return {
    sampledSeconds: Math.round(total / 1e5) / 10,
    selfByOrigin: rank(byOrigin, top, total),
    selfByFunction: rank(byFunction, top, total),
    inclusive: rank(inclusive, top, total),
  };
}

export interface HeapSummary {
  liveMB: number;
  /** [allocation site, MB] */
  bySite: [string, number][];
  /** [allocating stack, innermost first, 4 frames; MB] */
  byStack: [string, number][];
  byOrigin: [string, number][];
}

export function summarizeHeap(profile: HeapProfile, top = 20): HeapSummary {
  const bySite = new Map<string, number>();
  const byStack = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, stack: CallFrame[]) => {
    const frames = [node.callFrame, ...stack];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const site = label(node.callFrame);
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      const key = frames
        .slice(0, 4)
        .map((f) => label(f))
        .join(' < ');
      byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
      // Attribute to the innermost frame of our own code or a named package, not node internals.
      const owner =
        frames.find((f) => f.url && !f.url.startsWith('node:') && origin(f) !== '') ??
        node.callFrame;
      byOrigin.set(origin(owner), (byOrigin.get(origin(owner)) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, frames);
  };
  walk(profile.head, []);
  const mb = (m: Map<string, number>): [string, number][] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, Math.round((v / 1024 / 1024) * 100) / 100]);
  return {
    liveMB: Math.round((total / 1024 / 1024) * 10) / 10,
    bySite: mb(bySite),
    byStack: mb(byStack),
    byOrigin: mb(byOrigin),
  };
}
