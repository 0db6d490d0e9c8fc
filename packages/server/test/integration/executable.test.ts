import { describe, expect, it } from 'vitest';
import { startProcess } from '@vip-presence/test-kit';
import { SERVER_VARIABLES, type ServerVariable } from '../../src/config.js';
import { runToExit, SERVER_CLI } from '../helpers/processes.js';

/** A value of each variable that the executable must refuse at start. */
const INVALID: Record<ServerVariable, string> = {
  PORT: '70000',
  HOST: 'http://example.com',
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
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
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
