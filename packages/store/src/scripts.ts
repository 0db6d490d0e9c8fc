/**
 * Lua scripts of the Redis store. Each touches the keys of one post only (one hash tag, one
 * cluster slot) and is one atomic round trip. Time comes from Redis (`TIME`), so nodes with
 * skewed clocks agree on expiry.
 *
 * Keys of a post (see `postKeys` in keys.ts):
 *   viewers  ZSET visitorId -> latest lease expiry (ms); the count is its members with score > now
 *   leases   HASH visitorId -> "nodeA=expiryMs;nodeB=expiryMs" (a visitor's tabs on several nodes)
 *   recent   ZSET visitorId -> last seen (ms), trimmed to the view window
 *   views    STRING total views
 *   seq      STRING sequence of count changes (max(seq + 1, now)), so readers drop stale updates
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function fmt(n) return string.format('%d', n) end

-- Rewrites a visitor's lease string: drops expired entries and the entry of 'node', then adds
-- node=expiry when expiry > 0. Returns the new string and the latest live expiry (0: none).
local function set_lease(str, node, expiry, now)
  local out, max = {}, 0
  if str then
    for n, e in string.gmatch(str, '([^=;]+)=(%d+)') do
      local exp = tonumber(e)
      if n ~= node and exp > now then
        out[#out + 1] = n .. '=' .. e
        if exp > max then max = exp end
      end
    end
  end
  if expiry > 0 then
    out[#out + 1] = node .. '=' .. fmt(expiry)
    if expiry > max then max = expiry end
  end
  return table.concat(out, ';'), max
end

-- Removes visitors whose every lease has expired. Returns true when someone left.
local function prune(viewers, leases, now)
  local expired = redis.call('ZRANGEBYSCORE', viewers, '-inf', fmt(now))
  if #expired == 0 then return false end
  redis.call('ZREMRANGEBYSCORE', viewers, '-inf', fmt(now))
  for i = 1, #expired, 500 do
    redis.call('HDEL', leases, unpack(expired, i, math.min(i + 499, #expired)))
  end
  return true
end

local function seq_of(key) return tonumber(redis.call('GET', key) or '0') end

local function bump(key, now)
  local s = math.max(seq_of(key) + 1, now)
  redis.call('SET', key, fmt(s), 'PX', 86400000)
  return s
end
`;

/** KEYS: viewers leases recent views seq. ARGV: visitorId nodeId ttlMs viewWindowMs. */
export const JOIN_SCRIPT = `${PRELUDE}
local now = now_ms()
local changed = prune(KEYS[1], KEYS[2], now)
local visitor, node = ARGV[1], ARGV[2]
local str, max = set_lease(redis.call('HGET', KEYS[2], visitor), node, now + tonumber(ARGV[3]), now)
redis.call('HSET', KEYS[2], visitor, str)
if redis.call('ZADD', KEYS[1], fmt(max), visitor) == 1 then changed = true end
local window = tonumber(ARGV[4])
local seen = redis.call('ZSCORE', KEYS[3], visitor)
local views
if (not seen) or tonumber(seen) < now - window then
  views = redis.call('INCR', KEYS[4])
else
  views = seq_of(KEYS[4])
end
redis.call('ZADD', KEYS[3], fmt(now), visitor)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. fmt(now - window))
redis.call('PEXPIRE', KEYS[3], window)
local seq = changed and bump(KEYS[5], now) or seq_of(KEYS[5])
return {redis.call('ZCARD', KEYS[1]), seq, views}
`;

/** KEYS: viewers leases seq. ARGV: visitorId nodeId. */
export const LEAVE_SCRIPT = `${PRELUDE}
local now = now_ms()
local changed = prune(KEYS[1], KEYS[2], now)
local visitor, node = ARGV[1], ARGV[2]
local current = redis.call('HGET', KEYS[2], visitor)
if current then
  local str, max = set_lease(current, node, 0, now)
  if str == '' then
    redis.call('HDEL', KEYS[2], visitor)
    if redis.call('ZREM', KEYS[1], visitor) == 1 then changed = true end
  else
    redis.call('HSET', KEYS[2], visitor, str)
    redis.call('ZADD', KEYS[1], fmt(max), visitor)
  end
end
local seq = changed and bump(KEYS[3], now) or seq_of(KEYS[3])
return {redis.call('ZCARD', KEYS[1]), seq}
`;

/**
 * Renews this node's leases of the given visitors (re-asserting them after a Redis restart) and
 * prunes expired ones, for one or more posts. A post with no visitors is only pruned: that is the
 * gc's sweep of it. KEYS: viewers leases seq, for each post. ARGV: nodeId ttlMs, then for each
 * post its visitor ids in one argument, separated by spaces (ids never contain one; one argument
 * per post, not per visitor, halves what a heartbeat costs the node). Returns {count, seq,
 * changed} for each post.
 */
export const REFRESH_SCRIPT = `${PRELUDE}
local now = now_ms()
local node, expiry = ARGV[1], now + tonumber(ARGV[2])
local out, a = {}, 2
for k = 1, #KEYS, 3 do
  local viewers, leases, seq_key = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local changed = prune(viewers, leases, now)
  a = a + 1
  for visitor in string.gmatch(ARGV[a], '%S+') do
    local str, max = set_lease(redis.call('HGET', leases, visitor), node, expiry, now)
    redis.call('HSET', leases, visitor, str)
    if redis.call('ZADD', viewers, fmt(max), visitor) == 1 then changed = true end
  end
  local seq = changed and bump(seq_key, now) or seq_of(seq_key)
  out[#out + 1] = redis.call('ZCARD', viewers)
  out[#out + 1] = seq
  out[#out + 1] = changed and 1 or 0
end
return out
`;

/** Read only. KEYS: viewers seq. Returns {live count, seq}. */
export const COUNT_SCRIPT = `${PRELUDE}
local now = now_ms()
return {redis.call('ZCOUNT', KEYS[1], '(' .. fmt(now), '+inf'), seq_of(KEYS[2])}
`;
