import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FIGURES_END,
  FIGURES_START,
  extractFigures,
  figureRows,
  figuresSection,
  renderFigures,
  replaceFigures,
  type RunResults,
} from '../src/readme-figures.js';
import type { Row } from '../src/report.js';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');

const run = (rows: Row[], extra: Partial<RunResults> = {}): RunResults => ({
  startedAt: '2026-11-30T12:00:00.000Z',
  durationS: 512,
  partial: false,
  mode: 'full',
  machine: { nproc: 2, node: 'v20.20.2', loadavgAtStart: [0.5, 0.4, 0.3] },
  rows,
  misses: [],
  ...extra,
});

describe('the README figures table', () => {
  it('should match results/latest.json (run `node packages/bench/dist/readme-table.js`)', async () => {
    const readme = readFileSync(join(bench, 'README.md'), 'utf8');
    expect(extractFigures(readme)).toBe(await figuresSection(join(bench, 'results/latest.json')));
  });

  it('should list every figure with a target and the headline ones, not the rest', () => {
    const rows: Row[] = [
      {
        scenario: 'B',
        figure: 'updates per viewer per second',
        value: 1.8,
        unit: '/s',
        target: { op: '<=', limit: 4 },
        pass: true,
      },
      {
        scenario: 'B',
        figure: 'count messages received per second (all sockets)',
        value: 19_000,
        unit: '/s',
      },
      { scenario: 'B', figure: 'load generators CPU (5 processes)', value: 80, unit: '% core' },
    ];
    expect(figureRows(rows).map((r) => r.figure)).toEqual([
      'updates per viewer per second',
      'load generators CPU (5 processes)',
    ]);
  });

  it('should mark a miss, name it under the table and escape pipes in cells', () => {
    const rows: Row[] = [
      {
        scenario: 'Q',
        figure: 'warm join-to-visible p50',
        value: 140,
        unit: 'ms',
        target: { op: '<=', limit: 125 },
        pass: false,
      },
      {
        scenario: 'Q',
        figure: 'quiet join-to-visible p50',
        value: 3,
        unit: 'ms',
        target: { op: '<=', limit: 10 },
        pass: true,
        note: 'a | b',
      },
    ];
    const text = renderFigures(run(rows, { misses: ['Q: warm join-to-visible p50'] }));
    expect(text).toContain('| Q | warm join-to-visible p50 | 140 ms | <= 125 ms | **MISS** |');
    expect(text).toContain('|  | quiet join-to-visible p50 | 3 ms | <= 10 ms | ok |');
    expect(text).toContain('Misses: Q: warm join-to-visible p50.');
    expect(text).toContain('8 min 32 s plus the build');
  });

  it('should replace only what lies between the markers', () => {
    const readme = `# t\n\n${FIGURES_START}\n\nold\n\n${FIGURES_END}\n\n## after\n`;
    const next = replaceFigures(readme, 'new table\n');
    expect(next).toBe(`# t\n\n${FIGURES_START}\n\nnew table\n\n${FIGURES_END}\n\n## after\n`);
    expect(extractFigures(next)).toBe('new table');
    expect(() => extractFigures('# no markers\n')).toThrow(/markers are missing/);
  });
});
