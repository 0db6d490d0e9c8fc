import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { documentedVariables } from '@vip-presence/store';
import { freePort, startProcess } from '@vip-presence/test-kit';
import { SERVER_VARIABLES, type ServerVariable } from '../../src/config.js';
import {
  killAllProcesses,
  runToExit,
  SERVER_CLI,
  startServerProcess,
} from '../helpers/processes.js';

/** A value of each variable that the executable must refuse at start. */
const INVALID: Record<ServerVariable, string> = {
  PORT: '70000',
  HOST: 'http://example.com',
  PRIVATE_PORT: 'ninety',
  PRIVATE_HOST: 'localhost:3001',
  DRAIN_SECONDS: '15s',
  REDIS_URL: 'localhost:6379',
  REDIS_CLUSTER_NODES: '10.0.0.1',
  // Alone, each of these is refused: it needs Redis (or sentinels) set.
  REDIS_SENTINELS: 'sentinel.example',
  REDIS_SENTINEL_MASTER: 'main',
  REDIS_SENTINEL_PASSWORD: 's3cret',
  REDIS_USERNAME: 'app',
  REDIS_PASSWORD: 'pw',
  REDIS_PASSWORD_FILE: '/nonexistent/password',
  REDIS_TLS: 'yes',
  REDIS_TLS_CA_FILE: '/nonexistent/ca.pem',
  REDIS_TLS_SERVERNAME: 'redis.example',
  ADAPTER_MODE: 'fast',
  KEY_PREFIX: 'has space',
  PRESENCE_SECRET: 'short',
  READ_API_TOKEN: 'tiny',
  ALLOWED_ORIGINS: 'https://a.example/path',
  HEARTBEAT_INTERVAL_MS: '50',
  SESSION_TTL_MS: '9999',
  COALESCE_WINDOW_MS: '-1',
  MAX_DELIVERIES_PER_SECOND: '1e6',
  FAN_OUT_CHUNK_SIZE: '0',
  VIEW_WINDOW_MS: 'an hour',
  MAX_POSTS_PER_SOCKET: '2.5',
  EVENTS_PER_SECOND: 'ten',
  EVENT_BURST: '0x10',
  MAX_PAYLOAD_BYTES: '16k',
  MAX_CONNECTIONS_PER_IP: '99999999999999999999',
  MAX_VISITORS_PER_IP_AND_POST: 'many',
  PING_INTERVAL_MS: '45s',
  PING_TIMEOUT_MS: '-5',
  SWEEP_INTERVAL_MS: 'often',
  SERIES_BUCKET_MS: '1000',
  TRUST_PROXY: 'yes',
  NODE_ID: 'node one',
  LOG_LEVEL: 'verbose',
};

describe('the vip-presence-server executable', () => {
  // A few at a time (vitest's maxConcurrency): each is a Node process on two shared cores.
  it.concurrent.for(SERVER_VARIABLES)(
    'should exit 1 with one line naming %s when it is invalid',
    async (variable, { expect }) => {
      const { code, output } = await runToExit(SERVER_CLI, {
        PORT: '0',
        HOST: '127.0.0.1',
        [variable]: INVALID[variable],
      });
      expect({ code, output }).toEqual({
        code: 1,
        output: expect.stringMatching(
          new RegExp(`^vip-presence-server: invalid configuration: ${variable}: [^\\n]+\\n$`),
        ),
      });
    },
  );

  it('should write only JSON lines to stdout, its start line with a URL that serves', async () => {
    const server = startProcess(process.execPath, [SERVER_CLI], {
      name: 'vip-presence-server',
      // warn, as the tests run it: the start line shows at every level but silent.
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        PRIVATE_PORT: '0',
        DRAIN_SECONDS: '0',
        LOG_LEVEL: 'warn',
      },
    });
    let stdout = '';
    server.child.stdout?.on('data', (chunk: string) => (stdout += chunk));
    let exit;
    try {
      const [, url] = await server.waitForOutput(/"url":"(http:\/\/[^"]+)"/);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      exit = await server.stop();
    }
    expect(exit.code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const logged = lines.map((line) => {
      expect(() => JSON.parse(line), line).not.toThrow();
      return JSON.parse(line) as { msg: string; url?: string; store?: string };
    });
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'listening', url: expect.any(String), store: 'memory' }),
    );
  });
});

describe('the command line of the vip-presence-server executable', () => {
  const README = new URL('../../README.md', import.meta.url);
  const { version, description } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string; description: string };
  // A bad setting too: the command line is answered before the environment is read.
  const env = { PORT: 'eighty' };

  it('should print its version on --version and -v, and exit 0', async () => {
    for (const flag of ['--version', '-v'])
      expect(await runToExit(SERVER_CLI, env, [flag])).toEqual({ code: 0, output: `${version}\n` });
  });

  it('should print what it is, every variable with its default and meaning, and where its README is, on --help', async () => {
    const { code, output } = await runToExit(SERVER_CLI, env, ['--help']);
    expect(code).toBe(0);
    expect(output.startsWith(`vip-presence-server ${version}: ${description}\n`)).toBe(true);
    const documented = documentedVariables(readFileSync(README, 'utf8'));
    expect(documented.map((row) => row.name)).toEqual([...SERVER_VARIABLES]);
    for (const row of documented) {
      const at = output.indexOf(`\n  ${row.name} `);
      expect(at, row.name).toBeGreaterThan(0);
      // Name and default on one line, then the meaning, wrapped and indented.
      const [line = '', ...meaning] = output.slice(at + 1).split('\n');
      expect(line.trim().split(/ {2,}/), row.name).toEqual([row.name, row.default]);
      const next = meaning.findIndex((text) => !text.startsWith('      '));
      expect(
        meaning
          .slice(0, next)
          .map((text) => text.trim())
          .join(' '),
        row.name,
      ).toBe(row.meaning);
    }
    expect(output).toContain(`Documentation:\n  ${README.href}\n`);
  });

  it.each([['--port=3000'], ['serve'], ['--help', '--version']])(
    'should exit 2 with a usage line on %s',
    async (...args) => {
      const { code, output } = await runToExit(SERVER_CLI, env, args);
      expect({ code, output }).toEqual({
        code: 2,
        output: expect.stringMatching(
          /^vip-presence-server: unknown argument "[^"]+"; usage: vip-presence-server \[--help \| --version\] [^\n]+\n$/,
        ),
      });
    },
  );
});

describe('the two listeners of the vip-presence-server executable', () => {
  afterEach(killAllProcesses);

  /** The status of a GET, or the error code of a connection that failed (ECONNREFUSED). */
  const status = (url: string) =>
    fetch(url).then(
      (response) => response.status,
      (error: Error) => (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message,
    );

  it('should serve /metrics and the read API on PRIVATE_PORT, on 127.0.0.1 only by default, and 404 them on PORT', async () => {
    const privatePort = await freePort();
    const node = await startServerProcess({ PRIVATE_PORT: String(privatePort) });
    expect(node.privateUrl).toBe(`http://127.0.0.1:${privatePort}`);
    for (const path of [
      '/metrics',
      '/api/v1/counts?postIds=1',
      '/api/v1/top',
      '/healthz',
      '/readyz',
    ])
      expect([path, await status(`${node.privateUrl}${path}`)]).toEqual([path, 200]);
    for (const [path, expected] of [
      ['/metrics', 404],
      ['/api/v1/counts?postIds=1', 404],
      ['/api/v1/top', 404],
      ['/healthz', 200],
      ['/readyz', 200],
    ] as const)
      expect([path, await status(`${node.url}${path}`)]).toEqual([path, expected]);
    // Bound to 127.0.0.1 alone, not to every address: another address of the machine (another
    // loopback one here, which every Linux machine has) gets no answer on that port.
    expect(await status(`http://127.0.0.2:${privatePort}/metrics`)).toBe('ECONNREFUSED');
    expect(await node.stop()).toBe(0);
  });

  it('should bind the private listener to PRIVATE_HOST', async () => {
    const privatePort = await freePort();
    const node = await startServerProcess({
      PRIVATE_PORT: String(privatePort),
      PRIVATE_HOST: '127.0.0.2',
    });
    expect(node.privateUrl).toBe(`http://127.0.0.2:${privatePort}`);
    expect(await status(`http://127.0.0.2:${privatePort}/metrics`)).toBe(200);
    expect(await status(`http://127.0.0.1:${privatePort}/metrics`)).toBe('ECONNREFUSED');
    expect(await node.stop()).toBe(0);
  });

  it('should exit 1 with one line naming PRIVATE_PORT and PRIVATE_HOST when that port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { code, output } = await runToExit(SERVER_CLI, {
        PORT: '0',
        HOST: '127.0.0.1',
        PRIVATE_PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      expect({ code, output: output.split('\n').filter((line) => !line.startsWith('{')) }).toEqual({
        code: 1,
        output: [
          `vip-presence-server: cannot listen on 127.0.0.1:${port} (EADDRINUSE): check PRIVATE_PORT and PRIVATE_HOST`,
          '',
        ],
      });
    } finally {
      taken.close();
    }
  });
});
