// Sliding-counter rate limiting: two fixed-window counts, the previous one weighted by how much of it the sliding window still covers.
import type { RedisClient } from '../client.js';
import { defineScript } from '../lua.js';
import { checkRateLimitArgs } from './fixed-window.js';
import type { RateLimitResult } from './index.js';

/**
 * KEYS[1] a hash {w: current window number, c: its count, p: the previous window's count}; ARGV limit, windowMs.
 * Windows are aligned on the server's clock (TIME), so all clients agree on where a window starts; Redis 5+ replicates
 * scripts by effects (the only mode in 7.0), so reading TIME before writing is safe. Both counters live in one hash,
 * so the script declares one key (no key name built inside the script, one slot on a Cluster) and one PEXPIRE covers
 * both. The estimate is p × (the share of the previous window still inside the sliding window) + c; a request is
 * admitted when estimate + 1 ≤ limit. The hash expires at the end of the next window, when its count stops mattering.
 * A refused request gets the time until the estimate falls enough: within this window when the previous window's
 * share is what blocks it, else in the next one (then up to windowMs × (1 + 1/limit), the price of the approximation).
 */
const SLIDING_COUNTER = defineScript<[number, number, number]>(
  'rate_sliding_counter',
  1,
  `local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local idx = math.floor(now / window)
local h = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local w = tonumber(h[1])
local c = tonumber(h[2]) or 0
local p = tonumber(h[3]) or 0
if w ~= idx then
  if w == idx - 1 then p = c else p = 0 end
  c = 0
end
local elapsed = now - idx * window
local estimate = p * (window - elapsed) / window + c
local allowed = 0
local retry = 0
if estimate + 1 <= limit then
  c = c + 1
  estimate = estimate + 1
  allowed = 1
elseif c + 1 <= limit then
  retry = math.max(1, math.ceil(window - elapsed - (limit - c - 1) * window / p))
else
  retry = math.max(1, math.ceil(window - elapsed + window - (limit - 1) * window / c))
end
-- whole numbers go out through %d: a Lua number may be sent as '1e+08', which PEXPIRE refuses
redis.call('HSET', KEYS[1], 'w', string.format('%d', idx), 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.ceil((idx + 2) * window - now)))
local remaining = 0
if allowed == 1 then remaining = math.max(0, math.floor(limit - estimate)) end
return {allowed, remaining, retry}`,
);

/**
 * About `limit` requests per sliding `windowMs` in constant memory (three numbers per id), where the fixed window
 * would let 2 × limit through around a window's end. It assumes the previous window's requests were spread evenly.
 */
export async function slidingCounterAllow(redis: RedisClient, key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  checkRateLimitArgs(limit, windowMs);
  const [allowed, remaining, retryAfterMs] = await SLIDING_COUNTER.run(redis, [key], [limit, windowMs]);
  return { allowed: allowed === 1, remaining, retryAfterMs };
}
