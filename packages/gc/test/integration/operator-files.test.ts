/**
 * The gc's half of the operator files' check (the server's is
 * packages/server/test/integration/operator-files.test.ts, which leaves `vip_presence_gc_*` names
 * to this one): every gc metric the alert rules and the dashboard name is one a real gc serves on
 * /metrics, Prometheus scrapes the gc where it listens by default, and systemd gives it time to
 * stop.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@vip-presence/test-kit';
import { GC_DEFAULTS, STOP_GRACE_MS } from '../../src/index.js';
import { killAllProcesses, startProcess } from '../../../server/test/helpers/processes.js';

const DEPLOY = new URL('../../../../deploy/', import.meta.url);
const GC_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const read = (file: string) => readFile(new URL(file, DEPLOY), 'utf8');

let redis: RedisServer;
/** Metric families the gc serves on /metrics: name -> type. */
let served: Map<string, string>;

beforeAll(async () => {
  redis = await startRedisServer();
  const gc = await startProcess(
    GC_CLI,
    { REDIS_URL: redis.url, GC_PORT: '0', LOG_LEVEL: 'info' },
    /"url":"(http:\/\/[^"]+)","msg":"listening"/,
  );
  const text = await (await fetch(`${gc.url}/metrics`)).text();
  served = new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
});
afterAll(async () => {
  await killAllProcesses();
  await redis?.kill();
});

/** The metric family a series name belongs to (`x_bucket` of histogram `x` is `x`). */
function family(name: string): string | undefined {
  if (served.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = served.get(base);
  return type === 'histogram' || type === 'summary' ? base : undefined;
}

const gcNamesIn = (text: string) => [...new Set(text.match(/\bvip_presence_gc_[a-z0-9_]+/g) ?? [])];

describe('operator files: the gc', () => {
  it.each(['prometheus/vip-presence-alerts.yml', 'grafana/vip-presence-dashboard.json'])(
    'should name only gc metrics a gc serves, in %s',
    async (file) => {
      const names = gcNamesIn(await read(file));
      expect(names.length).toBeGreaterThanOrEqual(3);
      expect(names.filter((name) => !family(name))).toEqual([]);
    },
  );

  it('should alert when a gc is down, when none is up, and when its sweeps go stale', async () => {
    const alerts = await read('prometheus/vip-presence-alerts.yml');
    expect(alerts).toContain('up{job="vip-presence-gc"} == 0');
    expect(alerts).toContain('absent(up{job="vip-presence-gc"} == 1)');
    expect(alerts).toMatch(
      /vip_presence_gc_last_good_sweep_age_seconds - vip_presence_gc_unhealthy_after_seconds/,
    );
  });

  it('should give the dashboard a gc row whose every panel asks the gc', async () => {
    const { panels } = JSON.parse(await read('grafana/vip-presence-dashboard.json')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const row = panels.findIndex((panel) => panel.type === 'row' && /\bgc\b/.test(panel.title));
    expect(row).toBeGreaterThanOrEqual(0);
    const gcPanels = panels.slice(row + 1);
    expect(gcPanels.length).toBeGreaterThanOrEqual(4);
    for (const panel of gcPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? [])
        expect(gcNamesIn(expr).length, panel.title).toBeGreaterThan(0);
    }
  });

  it('should scrape the gc as job vip-presence-gc on its default port', async () => {
    const scrape = await read('prometheus/vip-presence-scrape.yml');
    const job = scrape
      .split(/^\s*- job_name: /m)
      .find((text) => text.startsWith('vip-presence-gc'));
    expect(job).toBeDefined();
    const targets = [...job!.matchAll(/^\s*- ([\d.]+):(\d+)$/gm)].map((m) => Number(m[2]));
    expect(targets.length).toBeGreaterThan(0);
    expect(new Set(targets)).toEqual(new Set([GC_DEFAULTS.port]));
  });

  it('should let systemd wait longer than the gc gives a stuck sweep on SIGTERM', async () => {
    const unit = await read('systemd/vip-presence-gc.service');
    const timeout = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    expect(timeout * 1_000).toBeGreaterThan(STOP_GRACE_MS);
  });
});
