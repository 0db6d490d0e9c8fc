/**
 * The operator's files in deploy/ (docs/operating.md): every vip_presence_* metric named by the
 * alert rules and the dashboard is one a real node serves on /metrics, nginx reaches the nodes'
 * public port and Prometheus their private one, and the systemd units pass
 * `systemd-analyze verify` (on machines that have it, as Debian does).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOSE_TIMEOUT_SECONDS,
  createPresenceServer,
  DEFAULT_DRAIN_SECONDS,
  DEFAULT_PRIVATE_PORT,
  readServerConfig,
  type PresenceServer,
} from '../../src/index.js';

const DEPLOY = new URL('../../../../deploy/', import.meta.url);
const run = promisify(execFile);

let server: PresenceServer;
/** Metric families served on /metrics: name -> type. */
let served: Map<string, string>;

beforeAll(async () => {
  server = createPresenceServer({});
  await server.listen();
  const text = await (await fetch(`${server.privateUrl}/metrics`)).text();
  served = new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
});
afterAll(() => server?.close());

/** The metric family a series name belongs to (`x_bucket` of histogram `x` is `x`). */
function family(name: string): string | undefined {
  if (served.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = served.get(base);
  return type === 'histogram' || type === 'summary' ? base : undefined;
}

const namesIn = (text: string) => [...new Set(text.match(/\bvip_presence_[a-z0-9_]+/g) ?? [])];
/** The gc's names, checked against a real gc by packages/gc/test/integration/operator-files.test.ts. */
const isGcName = (name: string) => name.startsWith('vip_presence_gc_');

describe('operator files', () => {
  it.each(['prometheus/vip-presence-alerts.yml', 'grafana/vip-presence-dashboard.json'])(
    'should name only metrics a node serves, in %s',
    async (file) => {
      const names = namesIn(await readFile(new URL(file, DEPLOY), 'utf8')).filter(
        (name) => !isGcName(name),
      );
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((name) => !family(name))).toEqual([]);
    },
  );

  it('should keep the dashboard a Grafana dashboard of Prometheus queries', async () => {
    const dashboard = JSON.parse(
      await readFile(new URL('grafana/vip-presence-dashboard.json', DEPLOY), 'utf8'),
    ) as { panels: { type: string; title: string; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    // A row only heads the panels under it (the gc's).
    for (const panel of dashboard.panels.filter(({ type }) => type !== 'row')) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets)
        expect(namesIn(expr).length, panel.title).toBeGreaterThan(0);
    }
  });

  it("should put only the nodes' public port behind nginx, and scrape their private port", async () => {
    const publicPort = readServerConfig({}).port;
    const nginx = await readFile(new URL('nginx/vip-presence.conf', DEPLOY), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server ([\d.]+):(\d+);/gm)].map((m) => Number(m[2]));
    expect(upstream.length).toBeGreaterThan(1);
    expect(new Set(upstream)).toEqual(new Set([publicPort]));
    const scrape = await readFile(new URL('prometheus/vip-presence-scrape.yml', DEPLOY), 'utf8');
    expect(scrape).toMatch(/^\s*- job_name: vip-presence-server$/m);
    // The server job's targets (the gc has a job of its own, checked by the gc's tests).
    const job = scrape
      .split(/^\s*- job_name: /m)
      .find((text) => text.startsWith('vip-presence-server'));
    const targets = [...(job ?? '').matchAll(/^\s*- ([\d.]+):(\d+)$/gm)].map((m) => Number(m[2]));
    expect(targets.length).toBeGreaterThan(1);
    expect(new Set(targets)).toEqual(new Set([DEFAULT_PRIVATE_PORT]));
    // The alert rules watch the job the scrape configuration names.
    const alerts = await readFile(new URL('prometheus/vip-presence-alerts.yml', DEPLOY), 'utf8');
    expect(alerts).toContain('up{job="vip-presence-server"}');
  });

  it('should ship systemd units that systemd-analyze verifies without a warning', async () => {
    const folder = new URL('systemd/', DEPLOY);
    const units = (await readdir(folder)).filter((file) => file.endsWith('.service'));
    expect(units.sort()).toEqual(['vip-presence-gc.service', 'vip-presence-server.service']);
    const analyze = await run('which', ['systemd-analyze']).then(
      ({ stdout }) => stdout.trim(),
      () => undefined,
    );
    for (const unit of units) {
      const text = await readFile(new URL(unit, folder), 'utf8');
      expect(text).toMatch(
        /^ExecStart=\/usr\/bin\/node \/opt\/vip-presence\/node_modules\/@vip-presence\/(server|gc)\/dist\/cli\.js$/m,
      );
      expect(text).toMatch(/^KillSignal=SIGTERM$/m);
      // systemd kills (SIGKILL) a unit still running after TimeoutStopSec: the server's drain and
      // its close must fit in it, with time to spare.
      const timeout = Number(/^TimeoutStopSec=(\d+)$/m.exec(text)?.[1]);
      if (unit === 'vip-presence-server.service')
        expect(timeout).toBeGreaterThan(DEFAULT_DRAIN_SECONDS + CLOSE_TIMEOUT_SECONDS);
      if (!analyze) continue; // not a systemd machine: the lines above are what can be checked
      const { stderr } = await run(analyze, ['verify', '--man=no', new URL(unit, folder).pathname]);
      expect(stderr, unit).toBe('');
    }
  });
});
