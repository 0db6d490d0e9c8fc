/**
 * The "Figures" table of the bench's README, generated from a run's results (results/latest.json)
 * between two marker comments: every figure that has a target, and the headline figures that
 * explain them (CPU, memory, latency spreads). A full run rewrites it (run.ts);
 * `node packages/bench/dist/readme-table.js` does it by hand, and test/readme-figures.test.ts
 * checks that the README and results/latest.json agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatValue, type Row } from './report.js';

export const FIGURES_START =
  '<!-- figures:start: generated from results/latest.json by `node packages/bench/dist/readme-table.js`; edits here are overwritten -->';
export const FIGURES_END = '<!-- figures:end -->';

/** What the table needs of a run's results (run.ts writes more). */
export interface RunResults {
  startedAt: string;
  durationS: number;
  /** Seconds from the start of the command to the bench's (the build); older runs lack it. */
  buildS?: number;
  partial: boolean;
  mode: string;
  settings?: { serverCli?: string; serverEnv?: Record<string, string> };
  machine: { nproc: number; node: string; loadavgAtStart: number[] };
  rows: Row[];
  misses: string[];
}

/** Figures without a target that still belong in the README's table. */
const HEADLINES: readonly RegExp[] = [
  /^vip-presence\.min\.js (brotli|minified)$/,
  /^connect rate$/,
  /per connection after full GC/,
  /^idle CPU/,
  /^join wave: all joins acked$/,
  /^server CPU/,
  /^redis CPU( during wave)?$/,
  /^load generators CPU/,
  /^measuring clients waiting for a CPU/,
  /^server event-loop delay/,
  /^churn join ack latency/,
  /^join-to-visible/,
  /^quiet join-to-visible/,
  /^warm join-to-visible/,
  /^coalescing window/,
  /^Redis commands per join, top-level \(all sources\)$/,
  /^CPU of other processes/,
  /^idle: CPU of other processes/,
];

/** The rows of the README's table: targets first in importance, then the headlines, in run order. */
export function figureRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.target || HEADLINES.some((h) => h.test(r.figure)));
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const withUnit = (value: number | string, unit: string) =>
  `${formatValue(value)}${unit ? ` ${unit}` : ''}`;

/** The section between the markers, as plain Markdown (formatMarkdown pads it as Prettier does). */
export function renderFigures(run: RunResults): string {
  const started = run.startedAt.slice(0, 16).replace('T', ' ');
  const minutes = Math.floor(run.durationS / 60);
  const seconds = String(run.durationS % 60).padStart(2, '0');
  const experiment =
    run.settings?.serverCli || Object.keys(run.settings?.serverEnv ?? {}).length > 0
      ? ` **Experiment**: server ${run.settings?.serverCli ?? 'packages/server/dist/cli.js'}, env \`${JSON.stringify(run.settings?.serverEnv ?? {})}\`.`
      : '';
  const lines = [
    `Run of ${started} UTC, \`npm run bench\` (${run.mode}${run.partial ? ', **partial**' : ''}; ` +
      `${minutes} min ${seconds} s plus ${run.buildS === undefined ? 'the build' : `${run.buildS} s of build`}; \`results/latest.json\`): ` +
      `${run.machine.nproc} cores, Node ${run.machine.node}, load average ` +
      `${run.machine.loadavgAtStart[0] ?? 'n/a'} at start. ` +
      `Misses: ${run.misses.length === 0 ? 'none' : run.misses.map(cell).join('; ')}.${experiment}`,
    '',
    '| scenario | figure | value | target | |',
    '| --- | --- | --- | --- | --- |',
  ];
  let last = '';
  for (const r of figureRows(run.rows)) {
    const scenario = r.scenario === last ? '' : r.scenario;
    last = r.scenario;
    const target = r.target ? `${r.target.op} ${withUnit(r.target.limit, r.unit)}` : '';
    const result = r.pass === undefined ? '' : r.pass ? 'ok' : '**MISS**';
    lines.push(
      `| ${cell(scenario)} | ${cell(r.figure)} | ${cell(withUnit(r.value, r.unit))} | ${cell(target)} | ${result} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Markdown as the repository's Prettier writes it (printWidth 100). */
export async function formatMarkdown(markdown: string): Promise<string> {
  const prettier = await import('prettier');
  return prettier.format(markdown, { parser: 'markdown', singleQuote: true, printWidth: 100 });
}

/** The generated section of a README (without the markers, trimmed); throws if a marker is missing. */
export function extractFigures(readme: string): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) throw new Error('README.md: the figures markers are missing');
  return readme.slice(start + FIGURES_START.length, end).trim();
}

/** The README with `section` between the markers. */
export function replaceFigures(readme: string, section: string): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) throw new Error('README.md: the figures markers are missing');
  return `${readme.slice(0, start + FIGURES_START.length)}\n\n${section.trim()}\n\n${readme.slice(end)}`;
}

/** The section for the results in `resultsPath`, formatted and trimmed. */
export async function figuresSection(resultsPath: string): Promise<string> {
  const run = JSON.parse(readFileSync(resultsPath, 'utf8')) as RunResults;
  return (await formatMarkdown(renderFigures(run))).trim();
}

/** Rewrites the table of `readmePath` from `resultsPath`; true if the README changed. */
export async function writeReadmeFigures(
  resultsPath: string,
  readmePath: string,
): Promise<boolean> {
  const readme = readFileSync(readmePath, 'utf8');
  const next = replaceFigures(readme, await figuresSection(resultsPath));
  if (next === readme) return false;
  writeFileSync(readmePath, next);
  return true;
}
