/**
 * What a socket says to the presence server: joins (with a signed view token, retried on
 * `unavailable` when asked), leaves and watches, and what their acks tell it.
 */
import { signViewToken } from '@vip-presence/protocol/token';
import type { JoinArgs, JoinResult, WatchArgs } from '../messages.js';
import { sleep, summarize } from '../stats.js';
import { group, setCount, tracked, type Client } from './clients.js';

export interface Ack {
  ok?: boolean;
  count?: number;
  counts?: Record<string, number>;
  seq?: number;
  error?: { code?: string };
}

const SECRET = process.env.BENCH_PRESENCE_SECRET ?? '';
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

export function emitJoin(
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

export function applyJoinAck(c: Client, ack: Ack): void {
  c.joined = true;
  const at = Date.now();
  if (typeof ack.seq === 'number') {
    if (ack.seq >= c.seq && typeof ack.count === 'number') setCount(c, ack.count, ack.seq, at);
  } else if (c.count < 0 && typeof ack.count === 'number') {
    setCount(c, ack.count, 0, at);
  }
}

export async function join(args: JoinArgs): Promise<JoinResult> {
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
  const clients = tracked([args.group]);
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

export async function leave(c: Client, timeoutMs: number): Promise<boolean> {
  const postId = c.post;
  c.busy = true;
  c.joined = false;
  c.left = postId;
  c.post = 0;
  const ack = await emitSimple(c, 'presence:leave', { postId }, timeoutMs);
  c.busy = false;
  return !!ack?.ok;
}

export async function watch(args: WatchArgs): Promise<{ ok: number; failed: number }> {
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
