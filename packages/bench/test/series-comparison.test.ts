import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  comparisonTable,
  describeOrder,
  figureAt,
  interleave,
  median,
  pickFigures,
  seriesEnv,
  unevenNoise,
  type RunFigures,
} from '../src/series-comparison.js';

describe('the order of the series comparison runs', () => {
  it('should run each workload off and on back to back, flipping the pair every round', () => {
    const steps = interleave(['A', 'B'], 2);
    expect(steps.map((s) => `${s.workload}-${s.variant}`)).toEqual([
      'A-off',
      'A-on',
      'B-off',
      'B-on',
      'A-on',
      'A-off',
      'B-on',
      'B-off',
    ]);
    expect(describeOrder(steps)).toBe('A off on, B off on | A on off, B on off');
  });

  it('should give every workload as many off runs as on runs over any number of rounds', () => {
    for (const rounds of [1, 2, 3, 4]) {
      const steps = interleave(['A', 'B'], rounds);
      for (const w of ['A', 'B']) {
        const mine = steps.filter((s) => s.workload === w);
        expect(mine.filter((s) => s.variant === 'off')).toHaveLength(rounds);
        expect(mine.filter((s) => s.variant === 'on')).toHaveLength(rounds);
      }
    }
  });

  it('should refuse less than one round', () => {
    expect(() => interleave(['A'], 0)).toThrow(RangeError);
  });
});

describe('the series settings of the comparison', () => {
  it("should turn the series off with 0 and leave the server's default on", () => {
    const env = seriesEnv({ MAX_DELIVERIES_PER_SECOND: '15000' });
    expect(env.off).toEqual({ MAX_DELIVERIES_PER_SECOND: '15000', SERIES_BUCKET_MS: '0' });
    expect(env.on).toEqual({ MAX_DELIVERIES_PER_SECOND: '15000' });
  });

  it('should keep a bucket given by --server-env for the on runs, but never 0', () => {
    expect(seriesEnv({ SERIES_BUCKET_MS: '10000' }).on).toEqual({ SERIES_BUCKET_MS: '10000' });
    expect(seriesEnv({ SERIES_BUCKET_MS: '0' }).on).toEqual({});
  });
});

describe('the side-by-side figures', () => {
  it('should read figures at dotted paths, NaN where there is none', () => {
    const figures = { wave: { latency: { p99: 120 } }, loopLagMs: [{ p99: 4 }] };
    expect(figureAt(figures, 'wave.latency.p99')).toBe(120);
    expect(figureAt(figures, 'loopLagMs.0.p99')).toBe(4);
    expect(figureAt(figures, 'wave.seconds')).toBeNaN();
    expect(
      pickFigures(figures, [
        { figure: 'p99', unit: 'ms', at: 'wave.latency.p99' },
        { figure: 'twice', unit: 'ms', at: (f) => 2 * figureAt(f, 'wave.latency.p99') },
      ]),
    ).toEqual({ p99: 120, twice: 240 });
  });

  it('should take medians of the finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('should compare the medians of each setting and say how far each spread', () => {
    const run = (
      workload: 'A' | 'B',
      variant: 'off' | 'on',
      round: number,
      p99: number,
    ): RunFigures<'A' | 'B'> => ({ workload, variant, round, figures: { p99 } });
    const specs = { A: [], B: [{ figure: 'p99', unit: 'ms', at: 'p99' }] };
    const [c] = compareRuns(
      [
        run('B', 'off', 0, 400),
        run('B', 'on', 0, 420),
        run('B', 'on', 1, 460),
        run('B', 'off', 1, 400),
      ],
      specs,
    );
    expect(c).toMatchObject({
      workload: 'B',
      off: [400, 400],
      on: [420, 460],
      offMedian: 400,
      onMedian: 440,
      offSpread: 0,
    });
    expect(c?.ratio).toBeCloseTo(1.1);
    expect(c?.onSpread).toBeCloseTo(40 / 440);
    const table = comparisonTable(c ? [c] : []);
    expect(table).toContain('1.10x');
    expect(table).toContain('400, 400');
    expect(table).toContain('0 % / 9 %');
  });

  it('should print no ratio when the off median is 0', () => {
    const [c] = compareRuns(
      [
        { workload: 'B', variant: 'off', round: 0, figures: { dropped: 0 } },
        { workload: 'B', variant: 'on', round: 0, figures: { dropped: 2 } },
      ],
      { B: [{ figure: 'dropped', unit: '', at: 'dropped' }] },
    );
    expect(c?.ratio).toBeNaN();
    expect(comparisonTable(c ? [c] : [])).toContain('n/a');
  });

  it('should name a workload whose settings ran on a machine busy to different degrees', () => {
    const figure = 'noise: CPU of other processes';
    const noise = (off: number[], on: number[]) =>
      compareRuns(
        [
          ...off.map((v, round) => ({
            workload: 'A' as const,
            variant: 'off' as const,
            round,
            figures: { [figure]: v },
          })),
          ...on.map((v, round) => ({
            workload: 'A' as const,
            variant: 'on' as const,
            round,
            figures: { [figure]: v },
          })),
        ],
        { A: [{ figure, unit: '% core', at: 'unused' }] },
      );
    expect(unevenNoise(noise([21, 3], [111, 91]))).toEqual([
      'A: CPU of other processes 12 off against 101 on (% core)',
    ]);
    expect(unevenNoise(noise([21, 3], [30, 10]))).toEqual([]);
  });
});
