/*
 * Stopping and restarting the presence server from a test.
 *
 * The services of a run belong to the Playwright runner process (global-setup.ts starts them and
 * its teardown stops them); tests run in worker processes, which Playwright may replace after a
 * failure. So the runner keeps the server and serves a tiny control API on 127.0.0.1 (a random
 * port, a per-run token): a worker asks it to stop the server or start it again on the same port,
 * with the same options and the same Redis. Whatever a test leaves stopped is started again by
 * the `presenceServer` fixture, and the runner's teardown stops whatever runs at the end.
 *
 * Runner side: RestartablePresenceServer, startControlServer(). Worker side: callControl().
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceGroup } from '../../scripts/lib/processes.mjs';
import { startPresenceServer } from '../../scripts/lib/services.mjs';

type ServerOptions = Parameters<typeof startPresenceServer>[1];

/** A presence server of a ServiceGroup that can be stopped (SIGTERM) and started again. */
export class RestartablePresenceServer {
  private pid: number | undefined;
  private starts = 0;

  constructor(
    private readonly group: ServiceGroup,
    private readonly options: ServerOptions,
  ) {}

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** Starts the server (no-op when it runs) and waits for /healthz. */
  async start(): Promise<{ pid: number; url: string }> {
    if (this.pid === undefined) {
      this.starts += 1;
      const name = this.options.name ?? 'server';
      // A new log per start, so the first one survives a restart.
      const started = await startPresenceServer(this.group, {
        ...this.options,
        name: this.starts === 1 ? name : `${name}-restart-${this.starts - 1}`,
      });
      this.pid = started.pid;
    }
    return { pid: this.pid, url: this.url };
  }

  /** Stops the server the way an orchestrator does (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<{ stopped: number | null }> {
    const pid = this.pid;
    if (pid === undefined) return { stopped: null };
    await this.group.stop(pid, { graceMs: 5_000 });
    this.pid = undefined;
    return { stopped: pid };
  }

  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.options.port}`;
  }
}

export type ControlActions = Record<string, () => Promise<unknown>>;

const TOKEN_HEADER = 'x-vip-presence-e2e-control';

/**
 * Serves `POST /<action>` on 127.0.0.1 (random port), one action at a time, for requests that
 * carry the run's token. Sets E2E_CONTROL_URL and E2E_CONTROL_TOKEN for the workers.
 */
export async function startControlServer(
  actions: ControlActions,
  log: (line: string) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const token = randomBytes(24).toString('base64url');
  let queue: Promise<unknown> = Promise.resolve();
  const server = http.createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://control').pathname.slice(1);
    const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (request.method !== 'POST' || request.headers[TOKEN_HEADER] !== token || !action) {
      response.writeHead(404).end();
      return;
    }
    request.resume();
    const run = queue.then(action);
    queue = run.catch(() => undefined);
    run.then(
      (result) => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(result ?? {}));
      },
      (error: unknown) => {
        log(`control: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        response
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  process.env.E2E_CONTROL_URL = url;
  process.env.E2E_CONTROL_TOKEN = token;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs a control action in the runner (from a worker); throws with the runner's message. */
export async function callControl<T = unknown>(action: string, timeoutMs = 60_000): Promise<T> {
  const base = process.env.E2E_CONTROL_URL;
  const token = process.env.E2E_CONTROL_TOKEN;
  if (!base || !token)
    throw new Error('E2E_CONTROL_URL is not set: run the tests through playwright.config.ts');
  const response = await fetch(`${base}/${action}`, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: token },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`control action ${action} failed (${response.status}): ${text}`);
  return JSON.parse(text) as T;
}
