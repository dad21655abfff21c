// Cache hit/miss counters in one hash the caller names, and the hit ratio read back from it.
import type { RedisClient } from '../client.js';

/** What `cacheHitRatio` reads back: the two counters and hits / (hits + misses). */
export interface CacheHitRatio {
  hits: number;
  misses: number;
  /** 0..1, and 0 when nothing was read yet. */
  ratio: number;
}

/**
 * Adds one read to the `hits` or `misses` field of the hash `statsKey`. HINCRBY is atomic, so any number of app
 * servers can count into one hash without losing an increment. The hash has no TTL: it is a running total.
 */
export async function recordCacheRead(redis: RedisClient, statsKey: string, hit: boolean): Promise<void> {
  await redis.hincrby(statsKey, hit ? 'hits' : 'misses', 1);
}

/** Reads the counters of `statsKey` in one HMGET (one consistent snapshot) and computes the hit ratio. */
export async function cacheHitRatio(redis: RedisClient, statsKey: string): Promise<CacheHitRatio> {
  const [h, m] = await redis.hmget(statsKey, 'hits', 'misses');
  const hits = Number(h ?? 0);
  const misses = Number(m ?? 0);
  return { hits, misses, ratio: hits + misses ? hits / (hits + misses) : 0 };
}
