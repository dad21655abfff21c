// Stock that must never go below zero: a naive check-then-decrement, WATCH/MULTI, and a Lua reservation.
import type { Redis } from 'ioredis';

/**
 * Check, then decrement, from the client. Between the GET and the DECRBY other buyers run the same
 * check against the same stock, so 50 buyers can all see "10 left" and all buy. Kept to show that.
 */
export async function buyNaive(redis: Redis, key: string, quantity = 1): Promise<boolean> {
  const stock = Number((await redis.get(key)) ?? '0');
  if (stock < quantity) return false;
  await redis.decrby(key, quantity);
  return true;
}

/**
 * Optimistic locking: WATCH the stock, read it, and decrement inside MULTI. EXEC fails (null) when
 * another client changed the key after WATCH, and we try again. Correct, but every conflict costs a
 * retry round trip, so it degrades under heavy contention. WATCH belongs to a connection: give each
 * concurrent buyer its own.
 */
export async function buyWithWatch(redis: Redis, key: string, quantity = 1, maxAttempts = 1000): Promise<boolean> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    await redis.watch(key);
    const stock = Number((await redis.get(key)) ?? '0');
    if (stock < quantity) {
      await redis.unwatch();
      return false;
    }
    const res = await redis.multi().decrby(key, quantity).exec();
    if (res !== null) return true;
  }
  throw new Error(`gave up on ${key} after ${maxAttempts} conflicting attempts`);
}

/** Check and decrement in one script: returns the stock left, or -1 when there is not enough. */
export const RESERVE_SCRIPT = `local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = tonumber(ARGV[1])
if stock < want then return -1 end
return redis.call('DECRBY', KEYS[1], want)`;

/** Reserves `quantity` units atomically; the stock left, or -1 when the request was refused. */
export async function reserveStock(redis: Redis, key: string, quantity = 1): Promise<number> {
  return Number(await redis.eval(RESERVE_SCRIPT, 1, key, quantity));
}
