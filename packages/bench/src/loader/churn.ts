/**
 * Load over time: churn (joins and leaves at given rates on one post) and probes (joins at a
 * given rate, each held a while, their emit and ack times kept for latency analysis).
 */
import type { ChurnArgs, ChurnResult, Probe, ProbeArgs } from '../messages.js';
import { sleep, summarize } from '../stats.js';
import { group, type Client } from './clients.js';
import { applyJoinAck, emitJoin, leave } from './presence.js';

/** Random pick-and-remove from a pool. */
function take<T>(pool: T[]): T | undefined {
  if (pool.length === 0) return undefined;
  const i = Math.floor(Math.random() * pool.length);
  const item = pool[i] as T;
  pool[i] = pool[pool.length - 1] as T;
  pool.pop();
  return item;
}

export async function churn(args: ChurnArgs): Promise<ChurnResult> {
  const clients = group(args.group).filter((c) => c.connected);
  const out: Client[] = clients.filter((c) => !c.joined);
  const inn: Client[] = clients.filter((c) => c.joined);
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let joinsSent = 0;
  let joinsAcked = 0;
  let leavesSent = 0;
  let leavesAcked = 0;
  let failed = 0;
  let starved = 0;
  const started = Date.now();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const joinOne = async (c: Client) => {
    joinsSent += 1;
    c.post = args.postId;
    c.busy = true;
    const t0 = Date.now();
    const { ack, code } = await emitJoin(c, args.postId, args.timeoutMs);
    c.busy = false;
    if (ack) {
      applyJoinAck(c, ack);
      joinsAcked += 1;
      latencies.push(Date.now() - t0);
      inn.push(c);
    } else {
      failed += 1;
      errors[code ?? 'unknown'] = (errors[code ?? 'unknown'] ?? 0) + 1;
      c.post = 0;
      out.push(c);
    }
  };
  const leaveOne = async (c: Client) => {
    leavesSent += 1;
    if (await leave(c, args.timeoutMs)) leavesAcked += 1;
    else failed += 1;
    out.push(c);
  };
  /** Runs `action` on a socket taken from `pool` for each slot up to `due`; counts slots with none. */
  const fill = (
    slots: number,
    due: number,
    pool: Client[],
    action: (c: Client) => Promise<void>,
  ) => {
    for (; slots < due; slots++) {
      const c = take(pool);
      if (c) track(action(c));
      else starved += 1;
    }
    return slots;
  };
  let joinSlots = 0;
  let leaveSlots = 0;
  while (Date.now() - started < args.durationMs) {
    const elapsed = Date.now() - started;
    joinSlots = fill(joinSlots, Math.floor((elapsed * args.joinsPerSecond) / 1000), out, joinOne);
    leaveSlots = fill(
      leaveSlots,
      Math.floor((elapsed * args.leavesPerSecond) / 1000),
      inn,
      leaveOne,
    );
    await sleep(20);
  }
  const drainUntil = Date.now() + args.timeoutMs;
  while (inFlight.size > 0 && Date.now() < drainUntil) await sleep(20);
  return {
    joinsSent,
    joinsAcked,
    leavesSent,
    leavesAcked,
    failed,
    errors,
    starved,
    joinLatency: summarize(latencies),
    elapsedMs: Date.now() - started,
  };
}

export async function probe(args: ProbeArgs): Promise<Probe[]> {
  const clients = group(args.group).filter((c) => c.connected);
  const posts = args.postIds ?? [args.postId];
  const probes: Probe[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let sent = 0;
  let cursor = 0;
  while (Date.now() - started < args.durationMs) {
    const due = Math.floor(((Date.now() - started) * args.perSecond) / 1000);
    while (sent < due) {
      const postId = posts[sent % posts.length] as number;
      sent += 1;
      let c: Client | undefined;
      for (let tries = 0; tries < clients.length && !c; tries++) {
        const candidate = clients[cursor++ % clients.length];
        if (candidate && !candidate.busy && !candidate.joined) c = candidate;
      }
      if (!c) continue; // every probe socket busy: skip this probe
      const probeClient = c;
      probeClient.busy = true;
      probeClient.post = postId;
      const wait = args.jitterMs ? sleep(Math.random() * args.jitterMs) : Promise.resolve();
      const p = wait.then(async () => {
        const t0 = Date.now();
        const { ack } = await emitJoin(probeClient, postId, args.timeoutMs);
        const t1 = Date.now();
        probes.push({
          postId,
          t0,
          t1,
          ok: !!ack,
          seq: typeof ack?.seq === 'number' ? ack.seq : -1,
        });
        if (ack) {
          probeClient.joined = true;
          if (!args.stay) {
            await sleep(args.holdMs);
            await leave(probeClient, args.timeoutMs);
          }
        } else probeClient.post = 0;
        probeClient.busy = false;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(5);
  }
  const drainUntil = Date.now() + args.timeoutMs + args.holdMs + (args.jitterMs ?? 0);
  while (inFlight.size > 0 && Date.now() < drainUntil) await sleep(20);
  return probes.sort((a, b) => a.t0 - b.t0);
}
