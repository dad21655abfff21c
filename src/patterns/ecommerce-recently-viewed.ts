// "Recently viewed": a capped, de-duplicated list of products, newest first.
import type { Redis } from 'ioredis';

/**
 * Puts a product at the front of the list, removing any earlier view of it and keeping the newest
 * `max`. One MULTI, so a reader never sees the product twice or the list over its cap. LREM is O(N)
 * in the list's length, which is fine because LTRIM keeps the list short.
 */
export async function recordView(redis: Redis, key: string, productId: string, max: number): Promise<void> {
  await redis
    .multi()
    .lrem(key, 0, productId)
    .lpush(key, productId)
    .ltrim(key, 0, max - 1)
    .exec();
}
