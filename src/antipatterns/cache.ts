// Naive caching code the caching lesson runs to show it failing. Never exported from src/patterns: see
// src/patterns/cache/ for the correct versions (cacheAside, writeThrough, invalidateMatching).
import type { Redis } from 'ioredis';

/**
 * Invalidation by pattern with KEYS + DEL. It deletes the right keys, but KEYS walks the whole keyspace in one
 * command while the single-threaded server serves nobody else (seconds on millions of keys), and the one DEL of every
 * match frees them all in the foreground. Correct version: invalidateMatching (SCAN pages + UNLINK batches).
 */
export async function invalidateWithKeys(redis: Redis, match: string): Promise<number> {
  const keys = await redis.keys(match);
  return keys.length ? redis.del(...keys) : 0;
}

/**
 * A write that updates the cache before the database. When `save` fails, the cache keeps serving a value the
 * database refused, until the TTL ends. Correct version: writeThrough (database first, cache deleted on failure).
 */
export async function writeCacheBeforeDatabase<T>(
  redis: Redis,
  key: string,
  value: T,
  ttlSeconds: number,
  save: (value: T) => Promise<void>,
): Promise<void> {
  await redis.set(key, JSON.stringify(value), 'EX', ttlSeconds);
  await save(value);
}

/**
 * Caches with SET and then EXPIRE, two commands. If the process dies between them (a lesson passes a `between` that
 * throws to play that crash) the entry has no TTL and is served forever. Correct version: one `SET key value PX ms`.
 */
export async function setThenExpire(
  redis: Redis,
  key: string,
  value: unknown,
  ttlSeconds: number,
  between?: () => Promise<void>,
): Promise<void> {
  await redis.set(key, JSON.stringify(value));
  await between?.();
  await redis.expire(key, ttlSeconds);
}
