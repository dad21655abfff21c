// Stock that must never go below zero: check and decrement in one Lua script, or with WATCH/MULTI and a retry.
import type { Redis } from 'ioredis';
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { optimisticUpdate, type OptimisticOptions } from './optimistic.js';

function positiveUnits(quantity: number): number {
  // A zero or negative "purchase" would pass the stock check and add stock back.
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError(`quantity must be a whole number above 0, got ${quantity}`);
  return quantity;
}

/**
 * KEYS[1] the stock; ARGV[1] units wanted. The check and the DECRBY run with no other command in between, so two
 * buyers can never both take the last unit. A missing key counts as 0 and is not created.
 */
const RESERVE = defineScript<number>(
  'inventory_reserve',
  1,
  `local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = tonumber(ARGV[1])
if stock < want then return -1 end
return redis.call('DECRBY', KEYS[1], want)`,
);

/** Reserves `quantity` units atomically (one script, one round trip); the stock left, or -1 when refused. */
export async function reserveStock(redis: RedisClient, key: string, quantity = 1): Promise<number> {
  return Number(await RESERVE.run(redis, [key], [positiveUnits(quantity)]));
}

/**
 * The same purchase with optimistic locking: WATCH the stock, read it, DECRBY inside MULTI; a conflicting write makes
 * EXEC fail and the buyer reads again. Correct, but every conflict costs a retry, so it degrades under heavy contention
 * (throws ContentionError after `maxAttempts`). WATCH belongs to a connection: give each concurrent buyer its own.
 */
export async function buyWithWatch(redis: Redis, key: string, quantity = 1, opts: OptimisticOptions = {}): Promise<boolean> {
  const want = positiveUnits(quantity);
  const result = await optimisticUpdate(
    redis,
    [key],
    async (r) => {
      const stock = Number((await r.get(key)) ?? '0');
      return stock < want ? null : { value: stock - want, write: (tx) => void tx.decrby(key, want) };
    },
    opts,
  );
  return result.status === 'committed';
}
