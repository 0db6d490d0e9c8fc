/**
 * A load process: holds many real socket.io-client connections (websocket transport, one Manager
 * each) and does what the orchestrator asks over IPC. It keeps, per socket, the latest count it
 * was told for its post (dropping updates older by `seq`, like the SDK) and how many updates it got.
 * It exits when the orchestrator goes away.
 */
import { io, type Socket } from 'socket.io-client';
import { signViewToken } from '@vip-presence/protocol/token';
import type {
  ChurnArgs,
  ChurnResult,
  ConnectArgs,
  ConnectResult,
  ExpectArgs,
  ExpectResult,
  IndexesArgs,
  JoinArgs,
  JoinResult,
  LoaderUsage,
  Probe,
  ProbeArgs,
  RecordsResult,
  Reply,
  Request,
  StatsArgs,
  StatsResult,
  WatchArgs,
} from './messages.js';
import { sleep, summarize } from './stats.js';

interface Client {
  socket: Socket;
  group: string;
  /** The post whose count this socket tracks (viewed or watched); 0: none. */
  post: number;
  /** The post this socket left last: its late updates are not "foreign". */
  left: number;
  joined: boolean;
  /** A join or leave is in flight. */
  busy: boolean;
  /** Latest count known for `post`; -1: none yet. */
  count: number;
  seq: number;
  /** When `count` last changed value (epoch ms). */
  countAt: number;
  messages: number;
  foreign: number;
  connected: boolean;
  record?: number[];
}

interface Ack {
  ok?: boolean;
  count?: number;
  counts?: Record<string, number>;
  seq?: number;
  error?: { code?: string };
}

const SECRET = process.env.BENCH_PRESENCE_SECRET ?? '';
const groups = new Map<string, Client[]>();
let disconnects = 0;
const tokens = new Map<number, string>();

function tokenFor(postId: number): string | undefined {
  if (!SECRET) return undefined;
  let token = tokens.get(postId);
  if (!token) {
    token = signViewToken(SECRET, postId, Math.floor(Date.now() / 1000) + 3600);
    tokens.set(postId, token);
  }
  return token;
}

function group(name: string): Client[] {
  const clients = groups.get(name);
  if (!clients) throw new Error(`no group ${name}`);
  return clients;
}

function client(name: string, index: number): Client {
  const c = group(name)[index];
  if (!c) throw new Error(`no socket ${index} in group ${name}`);
  return c;
}

function setCount(c: Client, count: number, seq: number, at: number): void {
  if (count !== c.count) c.countAt = at;
  c.count = count;
  c.seq = seq;
}

function onCount(c: Client, payload: unknown): void {
  const at = Date.now();
  const p = payload as { postId?: number; count?: number; seq?: number };
  if (typeof p.postId !== 'number' || typeof p.count !== 'number') return;
  if (p.postId !== c.post) {
    if (p.postId !== c.left) c.foreign += 1;
    return;
  }
  c.messages += 1;
  const seq = typeof p.seq === 'number' ? p.seq : 0;
  c.record?.push(seq, at, p.count);
  if (seq < c.seq) return; // older than what we know: the SDK drops it too
  setCount(c, p.count, seq, at);
}

async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const clients: Client[] = groups.get(args.group) ?? [];
  groups.set(args.group, clients);
  const errors: Record<string, number> = {};
  let connected = 0;
  let failed = 0;
  let lastAt = 0;
  const startedAt = Date.now();
  const deadline = startedAt + args.timeoutMs;
  const base = clients.length;

  const open = (index: number) =>
    new Promise<void>((resolve) => {
      const socket = io(args.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: Math.max(1000, Math.min(20_000, deadline - Date.now())),
        auth: { visitorId: `${args.prefix}${index}` },
      });
      const c: Client = {
        socket,
        group: args.group,
        post: 0,
        left: 0,
        joined: false,
        busy: false,
        count: -1,
        seq: 0,
        countAt: 0,
        messages: 0,
        foreign: 0,
        connected: false,
      };
      clients.push(c);
      socket.on('presence:count', (payload: unknown) => onCount(c, payload));
      socket.on('disconnect', () => {
        if (c.connected) disconnects += 1;
        c.connected = false;
      });
      socket.once('connect', () => {
        c.connected = true;
        connected += 1;
        lastAt = Date.now();
        resolve();
      });
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
        const code = error.data?.code ?? error.message.slice(0, 40);
        errors[code] = (errors[code] ?? 0) + 1;
        failed += 1;
        resolve();
      });
    });

  let next = 0;
  const worker = async () => {
    while (next < args.count && Date.now() < deadline) {
      const index = base + next++;
      await open(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, worker));
  failed += args.count - next; // not even tried before the deadline
  return { connected, failed, errors, startedAt, lastAt };
}

function emitJoin(
  c: Client,
  postId: number,
  timeoutMs: number,
): Promise<{ ack?: Ack; code?: string }> {
  return new Promise((resolve) => {
    const token = tokenFor(postId);
    c.socket
      .timeout(timeoutMs)
      .emit(
        'presence:join',
        token ? { postId, token } : { postId },
        (err: Error | null, ack: Ack) => {
          if (err) return resolve({ code: 'ack_timeout' });
          if (!ack?.ok) return resolve({ code: ack?.error?.code ?? 'refused' });
          resolve({ ack });
        },
      );
  });
}

function applyJoinAck(c: Client, ack: Ack): void {
  c.joined = true;
  const at = Date.now();
  if (typeof ack.seq === 'number') {
    if (ack.seq >= c.seq && typeof ack.count === 'number') setCount(c, ack.count, ack.seq, at);
  } else if (c.count < 0 && typeof ack.count === 'number') {
    setCount(c, ack.count, 0, at);
  }
}

async function join(args: JoinArgs): Promise<JoinResult> {
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const refusals: number[] = [];
  let acked = 0;
  let failed = 0;
  let unavailable = 0;
  let lastAckAt = 0;
  const firstEmitAt = Date.now();
  const one = async (c: Client, postId: number) => {
    c.post = postId; // updates may race the ack
    c.count = -1;
    c.seq = 0;
    c.busy = true;
    for (;;) {
      const t0 = Date.now();
      const { ack, code } = await emitJoin(c, postId, args.timeoutMs);
      const t1 = Date.now();
      if (ack) {
        applyJoinAck(c, ack);
        acked += 1;
        lastAckAt = Math.max(lastAckAt, t1);
        latencies.push(t1 - t0);
        break;
      }
      if (code === 'unavailable') {
        unavailable += 1;
        refusals.push(t1 - t0);
        if (args.retryUntil && Date.now() + (args.retryEveryMs ?? 500) < args.retryUntil) {
          await sleep(args.retryEveryMs ?? 500);
          continue;
        }
      }
      errors[code ?? 'unknown'] = (errors[code ?? 'unknown'] ?? 0) + 1;
      failed += 1;
      c.post = 0;
      break;
    }
    c.busy = false;
  };
  const pending: Promise<void>[] = [];
  const clients = groups.get(args.group) ?? [];
  args.indexes.forEach((index, i) => {
    const c = clients[index];
    // A socket that never connected (connect deadline, refusal) cannot join: count it, go on.
    if (!c || !c.connected) {
      errors.not_connected = (errors.not_connected ?? 0) + 1;
      failed += 1;
      return;
    }
    pending.push(one(c, args.posts[i] ?? 0));
  });
  await Promise.all(pending);
  return {
    sent: args.indexes.length,
    acked,
    failed,
    errors,
    unavailable,
    refusalLatency: summarize(refusals),
    firstEmitAt,
    lastAckAt,
    latency: summarize(latencies),
  };
}

function emitSimple(
  c: Client,
  event: string,
  payload: unknown,
  timeoutMs: number,
): Promise<Ack | undefined> {
  return new Promise((resolve) => {
    c.socket
      .timeout(timeoutMs)
      .emit(event, payload, (err: Error | null, ack: Ack) => resolve(err ? undefined : ack));
  });
}

async function leave(c: Client, timeoutMs: number): Promise<boolean> {
  const postId = c.post;
  c.busy = true;
  c.joined = false;
  c.left = postId;
  c.post = 0;
  const ack = await emitSimple(c, 'presence:leave', { postId }, timeoutMs);
  c.busy = false;
  return !!ack?.ok;
}

async function watch(args: WatchArgs): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  await Promise.all(
    group(args.group).map(async (c) => {
      c.post = args.postId;
      c.count = -1;
      c.seq = 0;
      if (args.record) c.record = [];
      const ack = await emitSimple(c, 'presence:watch', { postIds: [args.postId] }, args.timeoutMs);
      const count = ack?.counts?.[String(args.postId)];
      if (ack?.ok && typeof count === 'number') {
        ok += 1;
        if (c.count < 0) setCount(c, count, 0, Date.now());
      } else failed += 1;
    }),
  );
  return { ok, failed };
}

function tracked(groupNames: string[]): Client[] {
  return groupNames.flatMap((name) => groups.get(name) ?? []);
}

async function expect(args: ExpectArgs): Promise<ExpectResult> {
  const started = Date.now();
  const deadline = started + args.timeoutMs;
  const clients = tracked(args.groups);
  for (;;) {
    let checked = 0;
    let wrong = 0;
    let allRightAt = 0;
    const sample: [number, number, number][] = [];
    for (const c of clients) {
      if (!c.connected || c.post === 0) continue;
      const want = args.expected[String(c.post)];
      if (want === undefined) continue;
      checked += 1;
      if (c.count !== want) {
        wrong += 1;
        if (sample.length < 5) sample.push([c.post, c.count, want]);
      } else allRightAt = Math.max(allRightAt, c.countAt);
    }
    const now = Date.now();
    if (wrong === 0 && now - Math.max(allRightAt, started) >= args.stableMs) {
      return { ok: true, allRightAt, checked, wrong, sample };
    }
    if (now >= deadline) return { ok: false, allRightAt, checked, wrong, sample };
    await sleep(25);
  }
}

function stats(args: StatsArgs): StatsResult {
  const clients = tracked(args.groups);
  const per = clients.map((c) => c.messages);
  const total = per.reduce((a, b) => a + b, 0);
  return {
    sockets: clients.length,
    connected: clients.filter((c) => c.connected).length,
    disconnects,
    messages: { ...summarize(per), total },
    foreign: clients.reduce((a, c) => a + c.foreign, 0),
  };
}

function resetStats(args: StatsArgs): void {
  for (const c of tracked(args.groups)) {
    c.messages = 0;
    c.foreign = 0;
  }
}

/** Random pick-and-remove from a pool. */
function take<T>(pool: T[]): T | undefined {
  if (pool.length === 0) return undefined;
  const i = Math.floor(Math.random() * pool.length);
  const item = pool[i] as T;
  pool[i] = pool[pool.length - 1] as T;
  pool.pop();
  return item;
}

async function churn(args: ChurnArgs): Promise<ChurnResult> {
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
  let joinSlots = 0;
  let leaveSlots = 0;
  while (Date.now() - started < args.durationMs) {
    const elapsed = Date.now() - started;
    const dueJoins = Math.floor((elapsed * args.joinsPerSecond) / 1000);
    const dueLeaves = Math.floor((elapsed * args.leavesPerSecond) / 1000);
    while (joinSlots < dueJoins) {
      joinSlots += 1;
      const c = take(out);
      if (!c) {
        starved += 1;
        continue;
      }
      joinsSent += 1;
      c.post = args.postId;
      c.busy = true;
      const t0 = Date.now();
      track(
        emitJoin(c, args.postId, args.timeoutMs).then(({ ack, code }) => {
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
        }),
      );
    }
    while (leaveSlots < dueLeaves) {
      leaveSlots += 1;
      const c = take(inn);
      if (!c) {
        starved += 1;
        continue;
      }
      leavesSent += 1;
      track(
        leave(c, args.timeoutMs).then((ok) => {
          if (ok) leavesAcked += 1;
          else failed += 1;
          out.push(c);
        }),
      );
    }
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

async function probe(args: ProbeArgs): Promise<Probe[]> {
  const clients = group(args.group).filter((c) => c.connected);
  const probes: Probe[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let sent = 0;
  let cursor = 0;
  while (Date.now() - started < args.durationMs) {
    const due = Math.floor(((Date.now() - started) * args.perSecond) / 1000);
    while (sent < due) {
      sent += 1;
      let c: Client | undefined;
      for (let tries = 0; tries < clients.length && !c; tries++) {
        const candidate = clients[cursor++ % clients.length];
        if (candidate && !candidate.busy && !candidate.joined) c = candidate;
      }
      if (!c) continue; // every probe socket busy: skip this probe
      const probeClient = c;
      probeClient.busy = true;
      probeClient.post = args.postId;
      const t0 = Date.now();
      const p = emitJoin(probeClient, args.postId, args.timeoutMs).then(async ({ ack }) => {
        const t1 = Date.now();
        probes.push({ t0, t1, ok: !!ack, seq: typeof ack?.seq === 'number' ? ack.seq : -1 });
        if (ack) {
          probeClient.joined = true;
          await sleep(args.holdMs);
          await leave(probeClient, args.timeoutMs);
        } else probeClient.post = 0;
        probeClient.busy = false;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(5);
  }
  const drainUntil = Date.now() + args.timeoutMs + args.holdMs;
  while (inFlight.size > 0 && Date.now() < drainUntil) await sleep(20);
  return probes.sort((a, b) => a.t0 - b.t0);
}

function records(args: StatsArgs): RecordsResult {
  return { records: tracked(args.groups).flatMap((c) => (c.record ? [c.record] : [])) };
}

async function forEachIndex(
  args: IndexesArgs,
  f: (c: Client) => Promise<unknown> | void,
): Promise<void> {
  await Promise.all(args.indexes.map((i) => f(client(args.group, i))));
}

let cpuStart = process.cpuUsage();
function usage(reset: boolean): LoaderUsage {
  const u = process.cpuUsage(cpuStart);
  if (reset) cpuStart = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, rssBytes: process.memoryUsage.rss() };
}

function closeAll(): void {
  for (const clients of groups.values()) for (const c of clients) c.socket.disconnect();
  groups.clear();
}

const handlers: Record<string, (args: never) => unknown> = {
  connect,
  join,
  watch,
  expect,
  churn,
  probe,
  stats,
  resetStats,
  records,
  leave: (args: IndexesArgs) =>
    forEachIndex(args, async (c) => {
      if (c.joined) await leave(c, args.timeoutMs);
    }),
  disconnect: (args: IndexesArgs) =>
    forEachIndex(args, (c) => {
      c.connected = false; // an intended disconnect is not counted as an unexpected one
      c.socket.disconnect();
    }),
  usage: (args: { reset: boolean }) => usage(args.reset),
  closeGroup: (args: { group: string }) => {
    for (const c of groups.get(args.group) ?? []) {
      c.connected = false;
      c.socket.disconnect();
    }
    groups.delete(args.group);
  },
  close: () => {
    closeAll();
    setTimeout(() => process.exit(0), 100);
  },
};

process.on('message', (message: Request) => {
  const handler = handlers[message.op];
  const send = (reply: Reply) => {
    if (process.connected) process.send?.(reply);
  };
  if (!handler) return send({ id: message.id, ok: false, error: `unknown op ${message.op}` });
  Promise.resolve()
    .then(() => handler(message.args as never))
    .then(
      (result) => send({ id: message.id, ok: true, result: result ?? null }),
      (error: unknown) => send({ id: message.id, ok: false, error: String(error) }),
    );
});

// The orchestrator is gone (Ctrl-C, crash): drop everything and exit.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
