/** What every scenario gets from the orchestrator (run.ts), and what it gives back. */
import type { Report } from './report.js';
import type { Scope } from './scope.js';

export interface Settings {
  quick: boolean;
  /** 1 for the full run, 0.1 for --quick. */
  scale: number;
  profile: boolean;
  /** Length of scenario B's churn window. */
  churnSeconds: number;
  runId: string;
  secret: string;
  /** Another server build (--server-cli) and extra server environment (--server-env), for experiments. */
  serverCli?: string;
  serverEnv: Record<string, string>;
  log: (line: string) => void;
}

/**
 * One scenario's run: the settings, the report its rows go to, and the scope that owns its
 * processes (the caller stops them all at the end, whatever happens).
 */
export interface ScenarioContext {
  /** As in --only (A, S15, B2, ...); names of processes, logs and profiles start with it. */
  name: string;
  s: Settings;
  report: Report;
  scope: Scope;
}

/** A scenario's raw figures: `scenarios.<name>` in results/latest.json. */
export type Figures = Record<string, unknown>;
