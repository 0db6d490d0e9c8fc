import { addressDigest } from './address-digest.js';
import type { Cluster, Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from './keys.js';

/**
 * Connections per client address over the whole cluster (DESIGN 25). A node asks before it
 * takes a connection (`acquire`), says when one closes (`release`) and renews what it holds at
 * each heartbeat (`renew`). The Redis side keeps, per address, one entry per node with an expiry:
 * a node that dies stops renewing, and its connections stop counting within `ttlMs`.
 *
 * The address is whatever key the caller counts by (the server gives the client address, an
 * IPv6 client's /64); it is not checked here.
 */
export interface AddressConnections {
  readonly kind: 'redis' | 'memory';
  /**
   * Counts one more connection from `address` on this node if fewer than the maximum are open
   * from it over all nodes. A refusal writes nothing. When the store cannot be reached, the
   * connection is admitted if this node alone holds fewer than the maximum (`storeError` says
   * why), and the next `renew` after the store is back writes it.
   */
  acquire(address: string): Promise<AcquireResult>;
  /** A connection from `address` that `acquire` admitted here has closed. */
  release(address: string): Promise<void>;
  /** The heartbeat: this node's entries live `ttlMs` more, and are written again if lost. */
  renew(): Promise<void>;
  /** Connections from `address` open on this node (admitted, not yet released). */
  openHere(address: string): number;
}

export interface AcquireResult {
  admitted: boolean;
  /** Connections from the address over all nodes, this one included when admitted. */
  open: number;
  /** Set when the store failed and the node decided alone. */
  storeError?: unknown;
}

export interface RedisAddressConnectionsOptions {
  /** This node's name (its field in each address's hash). */
  nodeId: string;
  /** Most connections from one address over all nodes (at least 1). */
  maxPerAddress: number;
  /** How long an entry lives without renewal: renew at least twice within it. */
  ttlMs: number;
  /** @default "vp" */
  keyPrefix?: string;
}

/**
 * HASH nodeId -> "<open>:<expiryMs>", the connections each node holds from one address. The
 * hash tag is the address's digest (132 bits of SHA-256, base64url: Redis holds no address, and
 * no character of one can break the tag), so each script touches one Cluster slot. The key
 * expires with its newest entry.
 */
export function addressConnectionsKey(
  address: string,
  prefix: string = DEFAULT_KEY_PREFIX,
): string {
  return `${prefix}:conn:{a${addressDigest(address)}}`;
}

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n) return string.format('%d', n) end
local function entry(v)
  local n, e = string.match(v or '', '^(%d+):(%d+)$')
  return tonumber(n or '0'), tonumber(e or '0')
end
-- The key lives as long as its newest entry.
local function keep(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
`;

/**
 * KEYS: the address's hash. ARGV: nodeId max ttlMs. Returns {admitted (0/1), open}. Counts the
 * live entries of every node; refuses (writing nothing) at `max`; else drops dead nodes'
 * entries and adds one to this node's.
 */
export const ACQUIRE_CONNECTION_SCRIPT = `${PRELUDE}
local now = now_ms()
local node, max, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
local total, mine, dead = 0, 0, {}
for i = 1, #all, 2 do
  local n, e = entry(all[i + 1])
  if e > now then
    total = total + n
    if all[i] == node then mine = n end
  else
    dead[#dead + 1] = all[i]
  end
end
if total >= max then return {0, total} end
if #dead > 0 then redis.call('HDEL', KEYS[1], unpack(dead)) end
redis.call('HSET', KEYS[1], node, fmt(mine + 1) .. ':' .. fmt(now + ttl))
keep(KEYS[1], ttl)
return {1, total + 1}
`;

/** KEYS: the address's hash. ARGV: nodeId. One connection of this node fewer (never below 0). */
export const RELEASE_CONNECTION_SCRIPT = `${PRELUDE}
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local n, e = entry(v)
if n > 1 then
  redis.call('HSET', KEYS[1], ARGV[1], fmt(n - 1) .. ':' .. fmt(e))
  return n - 1
end
redis.call('HDEL', KEYS[1], ARGV[1])
return 0
`;

/**
 * KEYS: address hashes. ARGV: nodeId ttlMs, then per key the connections this node holds from
 * that address, or -1 to keep the number stored (an acquire is in flight: its answer decides).
 * Sets this node's entry of each to that number, living ttlMs from now.
 */
export const RENEW_CONNECTIONS_SCRIPT = `${PRELUDE}
local now = now_ms()
local node, ttl = ARGV[1], tonumber(ARGV[2])
local expiry = fmt(now + ttl)
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[i + 2])
  if n < 0 then
    local stored, e = entry(redis.call('HGET', key, node))
    n = e > now and stored or 0
  end
  if n > 0 then
    redis.call('HSET', key, node, fmt(n) .. ':' .. expiry)
    keep(key, ttl)
  end
end
return #KEYS
`;

type Reply = number[];
interface ConnectionCommands {
  vpConnAcquire(key: string, node: string, max: number, ttlMs: number): Promise<Reply>;
  vpConnRelease(key: string, node: string): Promise<number>;
  vpConnRenew(...args: (string | number)[]): Promise<number>;
}
type Client = (Redis | Cluster) & ConnectionCommands;

/** Addresses per renew call on a single Redis (on a Cluster: one, each is its own slot). */
const RENEW_KEYS = 100;
/** Renew calls in flight at once. */
const BATCH = 500;

/** What this node holds of one address. */
interface Held {
  /** Admitted and not released. */
  open: number;
  /** Acquires sent and not answered. */
  pending: number;
}

/** The Redis side, on one Redis or a Cluster. One per node (it knows what the node holds). */
export class RedisAddressConnections implements AddressConnections {
  readonly kind = 'redis';
  private readonly redis: Client;
  private readonly prefix: string;
  private readonly held = new Map<string, Held>();

  constructor(
    redis: Redis | Cluster,
    private readonly options: RedisAddressConnectionsOptions,
  ) {
    if (!Number.isSafeInteger(options.maxPerAddress) || options.maxPerAddress < 1) {
      throw new RangeError('maxPerAddress must be a whole number of at least 1');
    }
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (!('vpConnAcquire' in redis)) {
      redis.defineCommand('vpConnAcquire', { numberOfKeys: 1, lua: ACQUIRE_CONNECTION_SCRIPT });
      redis.defineCommand('vpConnRelease', { numberOfKeys: 1, lua: RELEASE_CONNECTION_SCRIPT });
      redis.defineCommand('vpConnRenew', { lua: RENEW_CONNECTIONS_SCRIPT });
    }
    this.redis = redis as Client;
  }

  async acquire(address: string): Promise<AcquireResult> {
    const held = this.hold(address);
    held.pending += 1;
    const { nodeId, maxPerAddress, ttlMs } = this.options;
    try {
      const [admitted, open] = await this.redis.vpConnAcquire(
        addressConnectionsKey(address, this.prefix),
        nodeId,
        maxPerAddress,
        ttlMs,
      );
      if (admitted === 1) held.open += 1;
      return { admitted: admitted === 1, open: open ?? 0 };
    } catch (storeError) {
      // The store is away: this node decides alone; `renew` writes it once the store is back.
      const admitted = held.open < maxPerAddress;
      if (admitted) held.open += 1;
      return { admitted, open: held.open, storeError };
    } finally {
      held.pending -= 1;
      this.forgetIfEmpty(address, held);
    }
  }

  async release(address: string): Promise<void> {
    const held = this.held.get(address);
    if (!held || held.open === 0) return;
    held.open -= 1;
    this.forgetIfEmpty(address, held);
    await this.redis.vpConnRelease(
      addressConnectionsKey(address, this.prefix),
      this.options.nodeId,
    );
  }

  async renew(): Promise<void> {
    const entries = [...this.held];
    if (entries.length === 0) return;
    const perCall = this.redis.isCluster ? 1 : RENEW_KEYS;
    const calls: (string | number)[][] = [];
    for (let i = 0; i < entries.length; i += perCall) {
      const chunk = entries.slice(i, i + perCall);
      calls.push([
        chunk.length,
        ...chunk.map(([address]) => addressConnectionsKey(address, this.prefix)),
        this.options.nodeId,
        this.options.ttlMs,
        ...chunk.map(([, held]) => (held.pending > 0 ? -1 : held.open)),
      ]);
    }
    for (let i = 0; i < calls.length; i += BATCH) {
      await Promise.all(calls.slice(i, i + BATCH).map((args) => this.redis.vpConnRenew(...args)));
    }
  }

  openHere(address: string): number {
    return this.held.get(address)?.open ?? 0;
  }

  private hold(address: string): Held {
    let held = this.held.get(address);
    if (!held) this.held.set(address, (held = { open: 0, pending: 0 }));
    return held;
  }

  private forgetIfEmpty(address: string, held: Held): void {
    if (held.open === 0 && held.pending === 0) this.held.delete(address);
  }
}

export interface MemoryAddressConnectionsOptions {
  /** Most connections from one address (at least 1). */
  maxPerAddress: number;
}

/** The embedded store's side: one node, so the connections it holds are all there are. */
export class MemoryAddressConnections implements AddressConnections {
  readonly kind = 'memory';
  private readonly open = new Map<string, number>();

  constructor(private readonly options: MemoryAddressConnectionsOptions) {
    if (!Number.isSafeInteger(options.maxPerAddress) || options.maxPerAddress < 1) {
      throw new RangeError('maxPerAddress must be a whole number of at least 1');
    }
  }

  async acquire(address: string): Promise<AcquireResult> {
    const open = this.openHere(address);
    if (open >= this.options.maxPerAddress) return { admitted: false, open };
    this.open.set(address, open + 1);
    return { admitted: true, open: open + 1 };
  }

  async release(address: string): Promise<void> {
    const open = this.openHere(address) - 1;
    if (open > 0) this.open.set(address, open);
    else this.open.delete(address);
  }

  async renew(): Promise<void> {}

  openHere(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
