/**
 * Scenario SER's pure part: the order of its runs (each workload with the series off and on,
 * interleaved so the machine's noise falls on both alike), and the side-by-side table of their
 * figures with the ratios on/off. No processes: test/series-comparison.test.ts checks it.
 */
import { formatValue } from './report.js';

/** The series of readers over time: off (`SERIES_BUCKET_MS=0`) or on (the server's setting). */
export type Variant = 'off' | 'on';

export interface Step<W extends string> {
  /** 0-based. */
  round: number;
  workload: W;
  variant: Variant;
}

/**
 * The runs in order: each round runs every workload twice in a row, off and on, and the order of
 * the pair flips from one round to the next (off on, on off, off on, ...). Over two rounds each
 * workload runs off, on, on, off: a drift of the machine's load over the run (another job
 * starting, the page cache warming) weighs on both settings alike, and neither always goes first.
 */
export function interleave<W extends string>(workloads: readonly W[], rounds: number): Step<W>[] {
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError('rounds must be >= 1');
  const steps: Step<W>[] = [];
  for (let round = 0; round < rounds; round++) {
    const pair: Variant[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const workload of workloads) {
      for (const variant of pair) steps.push({ round, workload, variant });
    }
  }
  return steps;
}

/** The order as one line: "A off on, B off on | A on off, B on off". */
export function describeOrder<W extends string>(steps: readonly Step<W>[]): string {
  const rounds: string[] = [];
  for (const [i, step] of steps.entries()) {
    const round = rounds[step.round] ?? '';
    const last = steps[i - 1];
    const sameWorkload = last?.round === step.round && last.workload === step.workload;
    rounds[step.round] = sameWorkload
      ? `${round} ${step.variant}`
      : `${round}${round ? ', ' : ''}${step.workload} ${step.variant}`;
  }
  return rounds.join(' | ');
}

/**
 * The server environment of each setting: off is `SERIES_BUCKET_MS=0`; on is the server's
 * default, or the bucket --server-env gives (unless that is 0).
 */
export function seriesEnv(
  serverEnv: Record<string, string>,
): Record<Variant, Record<string, string>> {
  const { SERIES_BUCKET_MS: given, ...rest } = serverEnv;
  return {
    off: { ...rest, SERIES_BUCKET_MS: '0' },
    on: given !== undefined && Number(given) !== 0 ? { ...rest, SERIES_BUCKET_MS: given } : rest,
  };
}

/** A number at a dotted path of a scenario's figures (`wave.latency.p99`, `cpu.node1`); NaN if none. */
export function figureAt(figures: unknown, path: string): number {
  let at: unknown = figures;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return NaN;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'number' ? at : NaN;
}

/** One figure the comparison shows, read from a workload's figures. */
export interface FigureSpec {
  figure: string;
  unit: string;
  /** Dotted path in the workload's figures, or a function of them. */
  at: string | ((figures: Record<string, unknown>) => number);
}

/** A run's figures as the comparison reads them. */
export interface RunFigures<W extends string> extends Step<W> {
  figures: Record<string, number>;
}

/** The figures of one run, by the specs' names. */
export function pickFigures(
  figures: Record<string, unknown>,
  specs: readonly FigureSpec[],
): Record<string, number> {
  return Object.fromEntries(
    specs.map((spec) => [
      spec.figure,
      typeof spec.at === 'string' ? figureAt(figures, spec.at) : spec.at(figures),
    ]),
  );
}

export interface ComparedFigure {
  workload: string;
  figure: string;
  unit: string;
  /** Each run's value, in run order. */
  off: number[];
  on: number[];
  offMedian: number;
  onMedian: number;
  /** onMedian / offMedian; NaN when off is 0 or missing. */
  ratio: number;
  /** (max - min) / median of each setting's runs: how far the same setting moved between rounds. */
  offSpread: number;
  onSpread: number;
}

/** Median (the mean of the middle two for an even count); NaN for none. Ignores NaN values. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function spread(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  const m = median(finite);
  if (finite.length < 2 || !(m !== 0)) return NaN;
  return (Math.max(...finite) - Math.min(...finite)) / Math.abs(m);
}

/** Every figure of every workload, off against on, in the order of the specs. */
export function compareRuns<W extends string>(
  runs: readonly RunFigures<W>[],
  specs: Readonly<Record<W, readonly FigureSpec[]>>,
): ComparedFigure[] {
  const out: ComparedFigure[] = [];
  for (const workload of Object.keys(specs) as W[]) {
    const mine = runs.filter((r) => r.workload === workload);
    if (mine.length === 0) continue;
    for (const { figure, unit } of specs[workload]) {
      const values = (variant: Variant) =>
        mine.filter((r) => r.variant === variant).map((r) => r.figures[figure] ?? NaN);
      const off = values('off');
      const on = values('on');
      const offMedian = median(off);
      const onMedian = median(on);
      out.push({
        workload,
        figure,
        unit,
        off,
        on,
        offMedian,
        onMedian,
        ratio: offMedian !== 0 ? onMedian / offMedian : NaN,
        offSpread: spread(off),
        onSpread: spread(on),
      });
    }
  }
  return out;
}

/**
 * The workloads whose settings ran on a machine busy to different degrees: the medians of a
 * `noise:` figure in % of a core (other processes' CPU) differ by more than `limit` points
 * between off and on, so their ratios say more about the machine than about the setting.
 */
export function unevenNoise(compared: readonly ComparedFigure[], limit = 25): string[] {
  return compared
    .filter((c) => c.figure.startsWith('noise:') && c.unit === '% core')
    .filter((c) => Math.abs(c.onMedian - c.offMedian) > limit)
    .map(
      (c) =>
        `${c.workload}: ${c.figure.slice('noise: '.length)} ${formatValue(c.offMedian)} off against ${formatValue(c.onMedian)} on (% core)`,
    );
}

const num = (v: number) => (Number.isFinite(v) ? formatValue(v) : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '-');

/** The comparison as a plain-text table, one line per figure. */
export function comparisonTable(compared: readonly ComparedFigure[]): string {
  const header = [
    '',
    'figure',
    'unit',
    'off runs',
    'on runs',
    'off',
    'on',
    'on/off',
    'spread off / on',
  ];
  const lines = compared.map((c) => [
    c.workload,
    c.figure,
    c.unit,
    c.off.map(num).join(', '),
    c.on.map(num).join(', '),
    num(c.offMedian),
    num(c.onMedian),
    Number.isFinite(c.ratio) ? `${c.ratio.toFixed(2)}x` : 'n/a',
    `${pct(c.offSpread)} / ${pct(c.onSpread)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  // Figures and names to the left, numbers to the right.
  const left = new Set([0, 1, 2]);
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const [i, l] of lines.entries()) {
    const workload = compared[i]?.workload ?? '';
    if (last && workload !== last) out.push('');
    last = workload;
    out.push(fmt(l));
  }
  return out.join('\n');
}
