import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  runToExit as run,
  startProcess as start,
  type StartedProcess,
} from '@vip-presence/test-kit';

export const SERVER_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface NodeProcess {
  child: ChildProcess;
  /** The public listener (Socket.IO, probes); for the gc, what `ready` captured. */
  url: string;
  /** A server's private listener (`/metrics`, the read API); '' for the gc. */
  privateUrl: string;
  output(): string;
  /** Resolves once its output matches `pattern`; fails at once if it exits first. */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Its exit, whenever it comes. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: no cleanup at all. */
  crash(): Promise<void>;
  /** SIGTERM and wait for exit (kill -9 after 5 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<StartedProcess>();

/** Only PATH from this environment: a REDIS_URL of the machine must not reach the child. */
const environment = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', ...env });

/** Starts an executable (the built server or gc CLI) and waits for its "listening"/ready line. */
export async function startProcess(
  cli: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<NodeProcess> {
  const started = start(process.execPath, [cli], {
    name: cli,
    env: environment({ LOG_LEVEL: 'warn', ...env }),
  });
  running.add(started);
  void started.exited.then(() => running.delete(started));
  const match = await started.waitForOutput(ready, { timeoutMs: 15_000 });
  return {
    child: started.child,
    url: match[1] ?? '',
    privateUrl: /"privateUrl":"(http:\/\/[^"]+)"/.exec(match[0])?.[1] ?? '',
    output: () => started.output(),
    waitForOutput: (pattern) => started.waitForOutput(pattern, { timeoutMs: 5_000 }),
    exited: started.exited,
    crash: async () => void (await started.kill()),
    stop: async () => (await started.stop()).code,
  };
}

export function startServerProcess(env: Record<string, string>): Promise<NodeProcess> {
  return startProcess(
    SERVER_CLI,
    // No drain: SIGTERM closes at once, as the tests stop nodes (test/integration/drain.test.ts
    // sets its own).
    { PORT: '0', HOST: '127.0.0.1', PRIVATE_PORT: '0', DRAIN_SECONDS: '0', ...env },
    /"url":"(http:\/\/[^"]+)","privateUrl":"http:\/\/[^"]+"/,
  );
}

/** Runs an executable (with `args`) to its exit; resolves with its code and output. */
export async function runToExit(
  cli: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const { code, output } = await run(process.execPath, [cli, ...args], {
    name: cli,
    env: environment(env),
    timeoutMs: 15_000,
  });
  return { code, output };
}

export async function killAllProcesses(): Promise<void> {
  await Promise.all([...running].map((started) => started.kill()));
}
