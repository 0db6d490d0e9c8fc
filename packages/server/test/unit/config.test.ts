import { describe, expect, it } from 'vitest';
import { ConfigError, readServerConfig } from '../../src/index.js';
import { runToExit, SERVER_CLI } from '../helpers/processes.js';

describe('configuration from the environment', () => {
  it('should default to port 3000 and the embedded store', () => {
    expect(readServerConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      options: { keyPrefix: 'vp' },
    });
  });

  it('should read every documented variable', () => {
    const config = readServerConfig({
      PORT: '4000',
      REDIS_URL: 'redis://localhost:6379',
      PRESENCE_SECRET: 'x'.repeat(32),
      ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080',
      HEARTBEAT_INTERVAL_MS: '2000',
      SESSION_TTL_MS: '6000',
      TRUST_PROXY: 'true',
    });
    expect(config.port).toBe(4000);
    expect(config.options).toMatchObject({
      redisUrl: 'redis://localhost:6379',
      allowedOrigins: ['https://a.example', 'http://b.example:8080'],
      heartbeatIntervalMs: 2000,
      sessionTtlMs: 6000,
      trustProxy: true,
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['PRESENCE_SECRET', { PRESENCE_SECRET: 'short' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://a.example/path' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'not a url' }],
    ['SESSION_TTL_MS', { HEARTBEAT_INTERVAL_MS: '5000', SESSION_TTL_MS: '6000' }],
    ['HEARTBEAT_INTERVAL_MS', { HEARTBEAT_INTERVAL_MS: '5' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }],
    ['MAX_POSTS_PER_SOCKET', { MAX_POSTS_PER_SOCKET: '-1' }],
  ])('should name %s when it is invalid', (variable, env) => {
    let error: unknown;
    try {
      readServerConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
  });

  it('should exit 1 with a message naming the variable when started with a bad value', async () => {
    const { code, output } = await runToExit(SERVER_CLI, {
      SESSION_TTL_MS: '10',
      HEARTBEAT_INTERVAL_MS: '1000',
    });
    expect(code).toBe(1);
    expect(output).toContain('SESSION_TTL_MS: must be at least 2 x heartbeatIntervalMs');
  });
});
