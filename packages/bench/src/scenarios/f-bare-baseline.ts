/**
 * F. Bare Socket.IO baseline: bare-server.ts with the presence server's engine settings, 2 load
 * processes connecting; connect rate, RSS and heap per connection, idle CPU over one ping cycle.
 * A and S15 compare their memory and connect rate to these figures.
 */
import type { Figures, ScenarioContext } from '../context.js';
import { MB, kb } from '../format.js';
import { inspectorMemory } from '../inspector.js';
import { sampleProc } from '../procs.js';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from '../server-defaults.js';
import { sleep } from '../stats.js';
import { connectAll } from '../waves.js';
import { Window, idleWindow } from '../window.js';

export async function scenarioF({ s, report, scope }: ScenarioContext): Promise<Figures> {
  const viewers = Math.round(10_000 * s.scale);
  const bare = await scope.bareServer('F-bare', {
    PING_INTERVAL_MS: String(PING_INTERVAL_MS),
    PING_TIMEOUT_MS: String(PING_TIMEOUT_MS),
  });
  const loaders = [scope.loader('F-l0'), scope.loader('F-l1')];
  const pids = { server: bare.pid, loader0: loaders[0]?.pid ?? 0, loader1: loaders[1]?.pid ?? 0 };
  await sleep(1000);
  const mem0 = await inspectorMemory(bare.inspectPort, true);
  const before = sampleProc(bare.pid);
  const prof = await scope.profiling(bare, 'F-bare');
  await prof.startHeap();
  const half = Math.ceil(viewers / 2);
  const w = new Window(pids);
  const connect = await connectAll(
    loaders.map((loader, i) => ({ loader, url: bare.url, count: i === 0 ? half : viewers - half })),
    'v',
    `f${s.runId}`,
  );
  const connectWindow = w.end();
  s.log(`F: ${connect.connected} connected in ${connect.seconds.toFixed(1)} s`);
  await sleep(2000);
  const idle = await idleWindow(pids, PING_INTERVAL_MS, prof);
  const after = sampleProc(bare.pid);
  const mem1 = await inspectorMemory(bare.inspectPort, true);
  const afterGc = sampleProc(bare.pid);
  await prof.stopHeap('connections');
  const n = connect.connected;
  const rssPerConnection = (after.rssBytes - before.rssBytes) / n;
  const rssPerConnectionGc = (afterGc.rssBytes - before.rssBytes) / n;
  const heapPerConnection = (mem1.heapUsed - mem0.heapUsed) / n;
  const range = idle.rssRange.server ?? { min: NaN, max: NaN };
  const rssRangePerConnection = {
    min: (range.min - before.rssBytes) / n,
    max: (range.max - before.rssBytes) / n,
  };
  report.add('F baseline', 'connections (bare socket.io)', n, '');
  report.add('F baseline', 'connect rate', connect.perSecond, '/s');
  report.add('F baseline', 'RSS per connection', rssPerConnection / 1024, 'KB');
  report.add(
    'F baseline',
    'RSS per connection over the idle window, lowest / highest',
    `${kb(rssRangePerConnection.min)} / ${kb(rssRangePerConnection.max)}`,
    'KB',
  );
  report.add('F baseline', 'RSS per connection after full GC', rssPerConnectionGc / 1024, 'KB');
  report.add('F baseline', 'heap per connection after full GC', heapPerConnection / 1024, 'KB');
  report.add(
    'F baseline',
    `idle CPU, ${PING_INTERVAL_MS / 1000} s (one ping cycle)`,
    idle.cpu.server ?? NaN,
    '% core',
  );
  report.add(
    'F baseline',
    'idle: CPU of other processes (not the bench)',
    idle.othersPercent,
    '% core',
  );
  return {
    viewers,
    connect,
    connectWindow,
    rssBeforeMB: before.rssBytes / MB,
    rssAfterMB: after.rssBytes / MB,
    rssAfterGcMB: afterGc.rssBytes / MB,
    heapMB: [mem0.heapUsed / MB, mem1.heapUsed / MB],
    rssPerConnectionBytes: rssPerConnection,
    rssRangePerConnectionBytes: rssRangePerConnection,
    rssPerConnectionGcBytes: rssPerConnectionGc,
    heapPerConnectionBytes: heapPerConnection,
    idle,
    profiles: prof.summaries,
  };
}
