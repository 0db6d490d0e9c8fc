/** How the scenarios print figures in the report's cells. */
import type { Report, Target } from './report.js';
import type { ExpectFigures } from './waves.js';

export const MB = 1024 * 1024;

/** Milliseconds, rounded; 'n/a' when there is no value. */
export function fmtMs(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v)) : 'n/a';
}

/** Bytes as KB with one decimal. */
export const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/**
 * The row of a wait until every count was right: the seconds it took, or NaN (a miss against
 * `target`, if any) with how many counts were wrong and a sample of them.
 */
export function addCountsRight(
  report: Report,
  scenario: string,
  figure: string,
  check: ExpectFigures,
  seconds: number,
  { target, note }: { target?: Target; note?: string } = {},
): void {
  const wrong = `${check.wrong} wrong: ${JSON.stringify(check.sample)}`;
  report.add(scenario, figure, check.ok ? seconds : NaN, 's', target, check.ok ? note : wrong);
}
