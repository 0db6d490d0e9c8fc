import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const SERVER_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface NodeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** kill -9: no cleanup at all. */
  crash(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts an executable (the built server or gc CLI) and waits for its "listening"/ready line. */
export async function startProcess(
  cli: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [cli], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cli} did not start: ${output}`)), 15_000);
    const check = () => {
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cli} exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    url: match[1] ?? '',
    output: () => output,
    async crash() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export function startServerProcess(env: Record<string, string>): Promise<NodeProcess> {
  return startProcess(
    SERVER_CLI,
    { PORT: '0', HOST: '127.0.0.1', ...env },
    /listening on (http:\/\/[^\s]+)/,
  );
}

/** Runs an executable to its exit; resolves with its code and output. */
export async function runToExit(
  cli: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

export async function killAllProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
}
