import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GC_VARIABLES, readGcConfig } from '../../src/index.js';

describe('the gc configuration', () => {
  it('should document exactly the variables it reads, in its README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...GC_VARIABLES]);
  });

  it('should read every variable', () => {
    expect(
      readGcConfig({
        REDIS_CLUSTER_NODES: 'a.example:7000, b.example:7001',
        ADAPTER_MODE: 'classic',
        KEY_PREFIX: 'site1',
        GC_INTERVAL_MS: '250',
        GC_UNHEALTHY_AFTER_MS: '500',
        GC_PORT: '9102',
        GC_HOST: '::',
        VIEW_WINDOW_MS: '600000',
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      target: { nodes: ['a.example:7000', 'b.example:7001'] },
      pubSubMode: 'classic',
      keyPrefix: 'site1',
      intervalMs: 250,
      unhealthyAfterMs: 500,
      port: 9102,
      host: '::',
      viewWindowMs: 600_000,
      logLevel: 'warn',
    });
  });

  it("should default to the servers' defaults", () => {
    expect(readGcConfig({ REDIS_URL: 'redis://r:6379' })).toEqual({
      target: { url: 'redis://r:6379' },
      keyPrefix: 'vp',
      intervalMs: 5_000,
      unhealthyAfterMs: 30_000,
      port: 3002,
      host: '127.0.0.1',
      viewWindowMs: 1_800_000,
      logLevel: 'info',
    });
  });

  it('should call the gc unhealthy after six intervals without a good sweep, at least 30 s', () => {
    const after = (interval: string) =>
      readGcConfig({ REDIS_URL: 'redis://r:6379', GC_INTERVAL_MS: interval }).unhealthyAfterMs;
    expect(after('100')).toBe(30_000);
    expect(after('5000')).toBe(30_000);
    expect(after('20000')).toBe(120_000);
  });

  it.each([
    ['GC_UNHEALTHY_AFTER_MS', { GC_INTERVAL_MS: '1000', GC_UNHEALTHY_AFTER_MS: '1999' }, /2000 ms/],
    ['GC_UNHEALTHY_AFTER_MS', { GC_UNHEALTHY_AFTER_MS: '30s' }, /"30s"/],
    ['GC_PORT', { GC_PORT: '65536' }, /0-65535/],
    ['GC_PORT', { GC_PORT: '-1' }, /0-65535/],
    ['GC_HOST', { GC_HOST: 'http://0.0.0.0' }, /hostname/],
    ['GC_HOST', { GC_HOST: '127.0.0.1:3002' }, /no port/],
    ['VIEW_WINDOW_MS', { VIEW_WINDOW_MS: '30m' }, /servers' VIEW_WINDOW_MS/],
  ])('should refuse a bad %s, naming it', (variable, env, message) => {
    expect(() => readGcConfig({ REDIS_URL: 'redis://r:6379', ...env })).toThrow(
      expect.objectContaining({ setting: variable, message: expect.stringMatching(message) }),
    );
  });
});
