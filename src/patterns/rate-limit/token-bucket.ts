// Token-bucket rate limiting: a bucket of `limit` tokens refilled continuously at limit per windowMs, one token per request.
import type { RedisClient } from '../client.js';
import { defineScript } from '../lua.js';
import { checkRateLimitArgs } from './fixed-window.js';
import type { RateLimitResult } from './index.js';

/**
 * KEYS[1] a hash {tokens, ts: the server time in ms they were counted at}; ARGV capacity (= limit), windowMs. The
 * refill is computed from the server's clock (TIME), not the caller's, so clients with skewed clocks cannot mint
 * tokens; Redis 5+ replicates scripts by effects (the only mode in 7.0), so reading TIME before writing is safe.
 * Refill, take and write back are one atomic step: two clients cannot both spend the last token. The hash expires
 * when the bucket would be full again, since a missing bucket and a full bucket mean the same thing.
 */
const TOKEN_BUCKET = defineScript<[number, number, number]>(
  'rate_token_bucket',
  1,
  `local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = capacity / window
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1])
local ts = tonumber(h[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * rate) end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', math.max(now, ts))
-- whole numbers go out through %d: a Lua number may be sent as '1e+08', which PEXPIRE refuses
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, math.ceil((capacity - tokens) / rate))))
return {allowed, math.floor(tokens), retry}`,
);

/**
 * Up to `limit` requests at once (a full bucket), then one per `windowMs / limit` on average: bursts are allowed but
 * the long-run rate is limit per windowMs. A refused request learns when the next token arrives (at most windowMs / limit).
 */
export async function tokenBucketAllow(redis: RedisClient, key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  checkRateLimitArgs(limit, windowMs);
  const [allowed, remaining, retryAfterMs] = await TOKEN_BUCKET.run(redis, [key], [limit, windowMs]);
  return { allowed: allowed === 1, remaining, retryAfterMs };
}
