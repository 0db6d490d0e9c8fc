/** Redis INFO commandstats over a window: deltas, and what they mean per join. */
import { round } from './stats.js';

/** Calls per command between two INFO commandstats (INFO itself left out). */
export function diffStats(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0);
    if (d > 0 && k !== 'info') out[k] = d;
  }
  return out;
}

/** Commands only the store's Lua scripts call (ZADD and ZREM run both inside and outside scripts). */
const INNER_ONLY = new Set([
  'time',
  'zrangebyscore',
  'zremrangebyscore',
  'hdel',
  'hget',
  'hset',
  'zscore',
  'incr',
  'get',
  'set',
  'pexpire',
  'zcard',
  'zcount',
  'pttl',
  'hincrby',
  'hmget',
]);

/**
 * INFO commandstats counts commands run inside scripts too. Separating them (scripts.ts):
 * every script calls TIME once; the join script always calls ZREMRANGEBYSCORE once (trimming
 * its `recent` set), and a prune calls it only when it removes expired visitors (rare), so join
 * scripts <= ZREMRANGEBYSCORE, an upper bound (a round trip per join can only look higher);
 * only count and stats scripts call ZCOUNT outside a capped join; inside scripts every HSET
 * comes with one ZADD, the join adds one more (`recent`) and every `keep_recent` (a leave's or a
 * prune's last seen: one PTTL each) follows one ZADD to `recent`, so top-level ZADDs = ZADD -
 * HSET - join scripts - PTTL; a leave that removes a visitor does one HDEL and one ZREM (prunes
 * HDEL too), so leave scripts ~ ZREM and top-level ZREMs (top-posts index, count 0) >= ZREM - HDEL.
 */
export function redisPerJoin(d: Record<string, number>, joins: number) {
  const scripts = (d.evalsha ?? 0) + (d.eval ?? 0);
  const joinScripts = d.zremrangebyscore ?? 0;
  const countScripts = d.zcount ?? 0;
  const topZrem = Math.max(0, (d.zrem ?? 0) - (d.hdel ?? 0));
  const leaveScripts = Math.min((d.zrem ?? 0) - topZrem, scripts - joinScripts - countScripts);
  const top: Record<string, number> = {
    'join scripts': joinScripts,
    'leave scripts': leaveScripts,
    'refresh/sweep scripts': scripts - joinScripts - countScripts - leaveScripts,
    'count scripts': countScripts,
    'zadd (index, top posts)': Math.max(
      0,
      (d.zadd ?? 0) - (d.hset ?? 0) - joinScripts - (d.pttl ?? 0),
    ),
    'zrem (top posts)': topZrem,
  };
  let all = 0;
  for (const [cmd, calls] of Object.entries(d)) {
    all += calls;
    if (INNER_ONLY.has(cmd) || ['evalsha', 'eval', 'zadd', 'zrem'].includes(cmd)) continue;
    top[cmd] = (top[cmd] ?? 0) + calls; // publish, zscan, ping, zrevrange, ...
  }
  const topLevel = Object.values(top).reduce((a, b) => a + b, 0);
  const perJoin = (n: number) => (joins > 0 ? round(n / joins, 3) : NaN);
  return {
    joins,
    joinScriptsPerJoin: perJoin(joinScripts),
    topLevelPerJoin: perJoin(topLevel),
    allPerJoin: perJoin(all),
    topLevelBreakdownPerJoin: Object.fromEntries(
      Object.entries(top)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => [k, perJoin(v)]),
    ),
    timeCalls: d.time ?? 0,
    scripts,
  };
}
