// Sliding-log rate limiting: a sorted set of the admitted requests' times, exact over any window of windowMs.
import { randomToken, type RedisClient } from '../client.js';
import { defineScript } from '../lua.js';
import { checkRateLimitArgs } from './fixed-window.js';
import type { RateLimitResult } from './index.js';

/**
 * KEYS[1] log (sorted set, score = time in ms); ARGV limit, windowMs, a random token. Reads the server's clock (TIME)
 * so every client measures the window on one clock: a client whose clock is skewed cannot stretch or shrink it. Redis
 * 5+ replicates scripts by their effects (the only mode in 7.0), so a script that reads TIME and then writes is safe
 * on replicas and in the AOF. Removing old entries, counting, adding and PEXPIRE are one atomic step: two clients can
 * never both see "limit - 1" and both add. Members are the time plus the caller's token, so two requests in the same
 * microsecond are two entries, not one overwritten. Only admitted requests are logged.
 */
const SLIDING_LOG = defineScript<[number, number, number]>(
  'rate_sliding_log',
  1,
  `local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, t[1] .. string.format('%06d', tonumber(t[2])) .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, limit - count - 1, 0}
end
local edge = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local retry = math.ceil(tonumber(edge[2]) + window - now)
if retry < 1 then retry = 1 end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {0, 0, retry}`,
);

/**
 * At most `limit` requests admitted in any `windowMs`, exactly (no burst at window edges). A refused request learns
 * when the oldest logged request that keeps it out leaves the window. Costs one sorted-set entry per admitted request
 * (O(limit) memory per id, O(log n) per call); the key expires `windowMs` after the last admitted request.
 */
export async function slidingLogAllow(redis: RedisClient, key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  checkRateLimitArgs(limit, windowMs);
  const [allowed, remaining, retryAfterMs] = await SLIDING_LOG.run(redis, [key], [limit, windowMs, randomToken()]);
  return { allowed: allowed === 1, remaining, retryAfterMs };
}
