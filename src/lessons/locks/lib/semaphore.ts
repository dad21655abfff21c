// A counting semaphore: at most `limit` holders at once, each with a deadline, kept in a sorted set scored by the
// time each holder's slot expires. The patterns library has no semaphore, so the lesson builds this one on
// defineScript: the clean-up, the count and the ZADD must run as one unit, or clients that count at the same moment
// all see room.
import { defineScript, type RedisClient } from '../../../patterns/index.js';

/**
 * KEYS[1] the holders (sorted set: holder → expiry in ms); ARGV limit, holder, ttl ms. The clock is the server's
 * (TIME), so clients whose clocks disagree still agree on who has expired. A holder already in the set renews its
 * slot. Returns 1 when the caller holds a slot, 0 when the semaphore is full.
 */
const ACQUIRE = defineScript<number>(
  'locks_semaphore_acquire',
  1,
  `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  return 1
end
return 0`,
);

/** Takes one of `limit` slots of the semaphore at `key` for `ttlMs`; false when all are taken. */
export async function acquireSemaphore(redis: RedisClient, key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
  return Number(await ACQUIRE.run(redis, [key], [limit, holder, ttlMs])) === 1;
}

/** Gives the slot back. A holder whose slot already expired (and may have been given away) removes nothing. */
export async function releaseSemaphore(redis: RedisClient, key: string, holder: string): Promise<boolean> {
  return (await redis.zrem(key, holder)) === 1;
}
