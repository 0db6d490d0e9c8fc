/**
 * I. Idle CPU against the engine's ping interval (evidence for the idle-CPU figure of A).
 *
 * The presence server and the bare baseline side by side, both with PING_INTERVAL_MS=`pingMs`,
 * 10,000 connections each (the presence viewers joined over 1,000 posts), idle over one full
 * ping cycle. Run at other intervals than A and F (the server's default, 45 s), it shows how
 * much of the idle CPU is the engine's heartbeat rather than presence work.
 */
import type { Figures, ScenarioContext } from '../context.js';
import type { Loader } from '../procs.js';
import { PING_TIMEOUT_MS } from '../server-defaults.js';
import { sleep } from '../stats.js';
import { connectAll, joinWave } from '../waves.js';
import { idleWindow } from '../window.js';

export async function scenarioI(
  { s, report, scope }: ScenarioContext,
  pingMs: number,
): Promise<Figures> {
  const viewers = Math.round(10_000 * s.scale);
  const posts = Math.round(1000 * s.scale);
  const ping = { PING_INTERVAL_MS: String(pingMs), PING_TIMEOUT_MS: String(PING_TIMEOUT_MS) };
  const redis = await scope.redis('I-redis');
  const server = await scope.server('I-node1', redis.url, ping);
  const gc = scope.gc('I-gc', redis.url);
  const bare = await scope.bareServer('I-bare', ping);
  const loaders = [0, 1, 2, 3].map((i) => scope.loader(`I-l${i}`));
  const half = Math.ceil(viewers / 2);
  const counts = [half, viewers - half];
  const presencePlan = [0, 1].map((i) => ({
    loader: loaders[i] as Loader,
    url: server.url,
    count: counts[i] ?? 0,
  }));
  const barePlan = [2, 3].map((i) => ({
    loader: loaders[i] as Loader,
    url: bare.url,
    count: counts[i - 2] ?? 0,
  }));
  const [connected, bareConnected] = await Promise.all([
    connectAll(presencePlan, 'v', `i${s.runId}`),
    connectAll(barePlan, 'v', `ib${s.runId}`),
  ]);
  const offsets = [0, half];
  const wave = await joinWave(presencePlan, 'v', (li, i) => 1 + (((offsets[li] ?? 0) + i) % posts));
  await sleep(3000);
  const prof = await scope.profiling(server, 'I-node1');
  const pids = {
    presence: server.pid,
    bare: bare.pid,
    redis: redis.child.pid ?? 0,
    gc: gc.pid ?? 0,
    ...Object.fromEntries(loaders.map((l, i) => [`loader${i}`, l.pid])),
  };
  const win = await idleWindow(pids, pingMs, prof);
  const sc = `I idle vs ping interval`;
  report.add(
    sc,
    'connected presence (joined) / bare',
    `${connected.connected} / ${bareConnected.connected}`,
  );
  report.add(
    sc,
    `idle CPU, presence server, PING_INTERVAL_MS=${pingMs}`,
    win.cpu.presence ?? NaN,
    '% core',
    undefined,
    `over ${win.seconds.toFixed(0)} s = one ping cycle`,
  );
  report.add(
    sc,
    `idle CPU, bare socket.io, PING_INTERVAL_MS=${pingMs}`,
    win.cpu.bare ?? NaN,
    '% core',
  );
  report.add(sc, 'idle: CPU of other processes (not the bench)', win.othersPercent, '% core');
  return { pingMs, viewers, connected, bareConnected, wave, idle: win, profiles: prof.summaries };
}
