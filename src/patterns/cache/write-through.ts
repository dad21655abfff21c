// Write-through: every write goes to the database first, then to the cache, so the cache never holds a value the
// database does not have.
import type { RedisClient } from '../client.js';
import { acquireLock } from '../lock.js';
import { jitteredTtl } from './aside.js';

export interface WriteThroughOptions<T> {
  /** How long the cached copy lives (a safety net: a cache that missed an update heals after this long). */
  ttlMs: number;
  /** A fraction of ttlMs (0..1) added at random, as in cacheAside. */
  jitter?: number;
  /** Writes the database. Receives the lock's fence when `lock` is set: pass it on so the database can refuse stale writers. */
  save: (value: T, fence?: number) => Promise<void>;
  /**
   * Serialize writers of this key under `<key>:lock` (acquireLock). Without it, two writers can save A then B but
   * set the cache B then A, leaving the cache on the older value until the TTL. It is the lock cacheAside's 'lock'
   * mode uses, so a rebuild cannot store a value it read before this write either.
   */
  lock?: { ttlMs: number; waitMs?: number };
}

/** Thrown by writeThrough when `lock` was asked for and another writer held it for the whole `waitMs`. */
export class WriteThroughLockError extends Error {
  constructor(readonly key: string) {
    super(`write-through to ${key}: the write lock stayed busy`);
    this.name = 'WriteThroughLockError';
  }
}

/**
 * Saves `value` to the database, then caches it as JSON with one SET PX. When the save fails, the cached copy is
 * deleted (it may predate a partial write, and must never be a value the database refused) and the error rethrown.
 * When the cache write itself fails after a successful save, the key is deleted too (best effort), then rethrown.
 */
export async function writeThrough<T>(redis: RedisClient, key: string, value: T, opts: WriteThroughOptions<T>): Promise<void> {
  const ttl = jitteredTtl(opts.ttlMs, opts.jitter);
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`write-through to ${key}: the value has no JSON form`);
  const lock = opts.lock
    ? await acquireLock(redis, `${key}:lock`, { ttlMs: opts.lock.ttlMs, waitMs: opts.lock.waitMs ?? opts.lock.ttlMs })
    : null;
  if (opts.lock && !lock) throw new WriteThroughLockError(key);
  try {
    try {
      await opts.save(value, lock?.fence);
    } catch (err) {
      await redis.del(key);
      throw err;
    }
    try {
      await redis.set(key, json, 'PX', ttl);
    } catch (err) {
      await redis.del(key).catch(() => undefined);
      throw err;
    }
  } finally {
    await lock?.release();
  }
}
