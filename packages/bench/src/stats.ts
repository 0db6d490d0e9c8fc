import type { Summary } from './messages.js';

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: NaN, p50: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Merges per-loader summaries approximately (exact n, mean and max; p50/p99 by weight). */
export function mergeSummaries(parts: readonly Summary[]): Summary {
  const live = parts.filter((p) => p.n > 0);
  if (live.length === 0) return { n: 0, mean: NaN, p50: NaN, p99: NaN, max: NaN };
  const n = live.reduce((a, p) => a + p.n, 0);
  const weighted = (f: (p: Summary) => number) => live.reduce((a, p) => a + f(p) * p.n, 0) / n;
  return {
    n,
    mean: weighted((p) => p.mean),
    // Worst loader's p99 is an upper bound of the merged p99; use it rather than a guess.
    p50: weighted((p) => p.p50),
    p99: Math.max(...live.map((p) => p.p99)),
    max: Math.max(...live.map((p) => p.max)),
  };
}

export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
