// "Recently viewed": a capped, de-duplicated list of items, newest first.
import type { RedisClient } from './client.js';
import { execAll } from './transaction.js';

/**
 * Puts an item at the front of the list, removing any earlier view of it and keeping the newest `max`. One MULTI, so
 * a reader never sees the item twice or the list over its cap, and two concurrent views of the same item cannot both
 * survive. LREM is O(N) in the list's length, which stays small because LTRIM caps it. With `ttlMs` (anonymous
 * visitors) the list expires that long after the last view, set in the same MULTI.
 */
export async function recordView(
  redis: RedisClient,
  key: string,
  itemId: string,
  max: number,
  opts: { ttlMs?: number } = {},
): Promise<void> {
  if (!Number.isInteger(max) || max <= 0) throw new RangeError(`max must be a whole number above 0, got ${max}`);
  const tx = redis
    .multi()
    .lrem(key, 0, itemId)
    .lpush(key, itemId)
    .ltrim(key, 0, max - 1);
  if (opts.ttlMs !== undefined) tx.pexpire(key, Math.ceil(opts.ttlMs));
  await execAll(tx);
}

/** The `n` most recently viewed items, newest first. */
export async function recentlyViewed(redis: RedisClient, key: string, n: number): Promise<string[]> {
  if (n <= 0) return [];
  return redis.lrange(key, 0, n - 1);
}
