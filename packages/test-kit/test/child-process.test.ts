import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptProcess, isAlive, runToExit, startProcess, stopAll, waitFor } from '../src/index.js';

const KIT = new URL('../src/index.js', import.meta.url).href;
const dir = mkdtempSync(path.join(tmpdir(), 'test-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A node process running `code`. */
const node = (code: string, options = {}) =>
  startProcess(process.execPath, ['-e', code], { name: 'node', ...options });
const FOREVER = 'setInterval(() => {}, 1000);';

describe('startProcess', () => {
  it('should keep the output in memory and wait for a line of it', async () => {
    const started = node(`console.log('listening on 4242'); ${FOREVER}`);
    const match = await started.waitForOutput(/listening on (\d+)/);
    expect(match[1]).toBe('4242');
    expect(await started.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(started.running).toBe(false);
  });

  it('should have the child write its output to the log file', async () => {
    const logFile = path.join(dir, 'logs', 'child.log');
    const started = node(`console.log('to stdout'); console.error('to stderr');`, { logFile });
    expect(await started.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(logFile, 'utf8')).toBe('to stdout\nto stderr\n');
    expect(started.output()).toBe('to stdout\nto stderr\n');
  });

  it('should fail a wait for output at once, with the output, when the process exits', async () => {
    const started = node(`console.error('no REDIS_URL'); process.exit(3);`);
    const waiting = started.waitForOutput('listening', { timeoutMs: 10_000 });
    await expect(waiting).rejects.toThrow(/node exited \(code 3\).*no REDIS_URL/s);
  });

  it('should kill -9 a process that ignores SIGTERM once the grace period is over', async () => {
    const started = node(`process.on('SIGTERM', () => {}); console.log('ready'); ${FOREVER}`);
    await started.waitForOutput('ready');
    expect(await started.stop({ graceMs: 200 })).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('should stop the whole process group of a detached process', async () => {
    const started = startProcess('sh', ['-c', 'sleep 600 & echo "child $!"; wait'], {
      detached: true,
    });
    const grandchild = Number((await started.waitForOutput(/child (\d+)/))[1]);
    expect(isAlive(grandchild)).toBe(true);
    await started.stop();
    expect(isAlive(grandchild)).toBe(false);
  });

  it('should say which command could not start', () => {
    expect(() => startProcess('/nonexistent/redis-server', [])).toThrow(
      'could not start redis-server: /nonexistent/redis-server is missing or cannot be run',
    );
  });
});

describe('stopping everything', () => {
  it('should stop every process it started or adopted with stopAll()', async () => {
    const forked = fork('-e', [FOREVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const adopted = adoptProcess(forked, { name: 'fork' });
    expect(adoptProcess(forked)).toBe(adopted);
    const started = [node(FOREVER), node(FOREVER), adopted];
    await stopAll();
    expect(started.map((s) => s.running)).toEqual([false, false, false]);
  });

  it('should kill what it started when this process exits', async () => {
    const script = `
      import { startProcess } from ${JSON.stringify(KIT)};
      console.log(startProcess('sleep', ['600']).pid);
      process.exit(0);`;
    const { code, output } = await runToExit(process.execPath, [
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(code).toBe(0);
    const pid = Number(output.trim());
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !isAlive(pid), { timeoutMs: 2_000, what: `sleep (pid ${pid}) to end` });
  });
});

describe('runToExit', () => {
  it('should resolve with the exit code and output of a command', async () => {
    const result = await runToExit(process.execPath, [
      '-e',
      'console.log("done"); process.exit(2)',
    ]);
    expect(result).toEqual({ code: 2, signal: null, output: 'done\n' });
  });

  it('should kill a command that runs past its timeout', async () => {
    await expect(
      runToExit(process.execPath, ['-e', `console.log('hanging'); ${FOREVER}`], {
        name: 'hanger',
        timeoutMs: 500,
      }),
    ).rejects.toThrow(/hanger did not finish within 0.5 s.*hanging/s);
  });
});
