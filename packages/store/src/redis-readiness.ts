import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** Whether every part of Redis that holds keys answers now. */
export interface RedisReadiness {
  ready: boolean;
  /**
   * What did not answer: on a Cluster each master that did not, as "host:port (slots a-b)", and
   * "slots a-b (no master)" for slots no master serves; on one Redis (or through Sentinel) the
   * server. Empty when ready.
   */
  unreachable: string[];
}

export interface RedisReadinessOptions {
  /**
   * How long each server may take to answer PING (a master that drops packets never refuses).
   * @default 2000
   */
  timeoutMs?: number;
}

const SLOTS = 16_384;

/**
 * Asks every part of Redis that holds keys whether it answers: the one server (or the master
 * behind Sentinel), or on a Cluster every master that serves slots, each with a PING of its own.
 * One Cluster shard down leaves the others answering (and a single PING to a random node would
 * say all is well), yet every post on that shard is lost to joins: a node is ready only when
 * every shard answers. Never throws.
 */
export async function checkRedisReadiness(
  client: RedisClient,
  { timeoutMs = 2_000 }: RedisReadinessOptions = {},
): Promise<RedisReadiness> {
  if (!isCluster(client)) {
    const answered = await answers(client, timeoutMs);
    return answered
      ? { ready: true, unreachable: [] }
      : { ready: false, unreachable: [where(client)] };
  }
  if (client.status !== 'ready') {
    return { ready: false, unreachable: [`the Cluster (connection ${client.status})`] };
  }
  let shards = shardsOf(client);
  const pool = () => new Map(client.nodes('master').map((node) => [where(node), node]));
  // A master whose connection ended left the pool; a fresh slot map brings back the ones that
  // are back (and says who serves the slots of a failed one now).
  if ([...shards.keys()].some((key) => !pool().has(key))) {
    await new Promise<void>((resolve) => client.refreshSlotsCache(() => resolve()));
    shards = shardsOf(client);
  }
  const nodes = pool();
  const unreachable: string[] = [];
  await Promise.all(
    [...shards].map(async ([key, ranges]) => {
      const node = nodes.get(key);
      if (!node || !(await answers(node, timeoutMs))) {
        unreachable.push(`${key} (slots ${ranges.join(', ')})`);
      }
    }),
  );
  const orphans = rangesOf(
    Array.from({ length: SLOTS }, (_, slot) => slot).filter((slot) => !client.slots[slot]?.[0]),
  );
  if (orphans.length > 0) unreachable.push(`slots ${orphans.join(', ')} (no master)`);
  unreachable.sort();
  return { ready: unreachable.length === 0, unreachable };
}

function isCluster(client: RedisClient): client is Cluster {
  return 'slots' in client && Array.isArray((client as Cluster).slots);
}

/** Master "host:port" -> the slot ranges it serves ("0-5460"), from the client's slot map. */
function shardsOf(cluster: Cluster): Map<string, string[]> {
  const slotsOf = new Map<string, number[]>();
  cluster.slots.forEach((keys, slot) => {
    const master = keys?.[0];
    if (master) slotsOf.set(master, [...(slotsOf.get(master) ?? []), slot]);
  });
  return new Map([...slotsOf].map(([key, slots]) => [key, rangesOf(slots)]));
}

/** Ascending slots as ranges: [0, 1, 2, 7] -> ["0-2", "7"]. */
function rangesOf(slots: number[]): string[] {
  const ranges: string[] = [];
  for (let i = 0; i < slots.length;) {
    let end = i;
    while (end + 1 < slots.length && slots[end + 1] === slots[end]! + 1) end += 1;
    ranges.push(end === i ? `${slots[i]}` : `${slots[i]}-${slots[end]}`);
    i = end + 1;
  }
  return ranges;
}

async function answers(client: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
  );
  try {
    const pong = client.ping().then(
      (reply) => reply === 'PONG',
      () => false,
    );
    return await Promise.race([pong, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** "host:port" of a server connection; the master's name through Sentinel. */
function where(client: Redis): string {
  const { host, port, sentinels, name } = client.options;
  if (sentinels && sentinels.length > 0) return `the master "${name ?? ''}" of the sentinels`;
  return `${host ?? ''}:${port ?? ''}`;
}
