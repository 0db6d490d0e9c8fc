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
        VIEW_WINDOW_MS: '600000',
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      target: { nodes: ['a.example:7000', 'b.example:7001'] },
      pubSubMode: 'classic',
      keyPrefix: 'site1',
      intervalMs: 250,
      viewWindowMs: 600_000,
      logLevel: 'warn',
    });
  });

  it("should default to the servers' defaults", () => {
    expect(readGcConfig({ REDIS_URL: 'redis://r:6379' })).toEqual({
      target: { url: 'redis://r:6379' },
      keyPrefix: 'vp',
      intervalMs: 5_000,
      viewWindowMs: 1_800_000,
      logLevel: 'info',
    });
  });
});
