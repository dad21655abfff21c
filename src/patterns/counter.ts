// Counters: one atomic INCRBY, a sharded counter for a key too hot for one node, and per-time-bucket counters that expire.
import { isCluster, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

function wholeNumber(name: string, n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a whole number, got ${n}`);
  return n;
}

function positiveMs(name: string, ms: number): number {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`${name} must be a whole number of milliseconds above 0, got ${ms}`);
  return ms;
}

/**
 * GET of many keys as numbers (a missing key is 0). MGET in one round trip on a server; on a Cluster MGET fails with
 * CROSSSLOT when the keys sit in different slots (shards are spread on purpose), so each key is read on its own node.
 */
async function readNumbers(redis: RedisClient, keys: readonly string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  const values = isCluster(redis) ? await Promise.all(keys.map((k) => redis.get(k))) : await redis.mget(...keys);
  return values.map((v) => Number(v ?? 0));
}

/** Adds `by` and returns the new value: INCRBY runs inside the server's single command loop, so no increment is lost. */
export async function incrementCounter(redis: RedisClient, key: string, by = 1): Promise<number> {
  return redis.incrby(key, wholeNumber('by', by));
}

/** A counter's value (0 when it does not exist). */
export async function readCounter(redis: RedisClient, key: string): Promise<number> {
  return Number((await redis.get(key)) ?? 0);
}

/** A counter split over several keys: writes spread over shards, reads add them up. */
export interface ShardedCounter {
  /** The shard keys, `<key>:shard:0` … `<key>:shard:<n-1>`. */
  readonly keys: readonly string[];
  /** Adds `by` (default 1) to one shard picked at random; returns that shard's new value. */
  incr(by?: number): Promise<number>;
  /** The sum of every shard. Not a snapshot: increments landing during the read may or may not be counted. */
  total(): Promise<number>;
  /** Deletes every shard. */
  reset(): Promise<void>;
}

/**
 * A counter for a key so hot one node cannot take every increment: `incr` hits a random shard `<key>:shard:<n>`, so on
 * a Cluster the writes spread over slots and nodes; `total` reads them all. The shards have no expiry: a counter is
 * permanent state.
 */
export function createShardedCounter(redis: RedisClient, key: string, shards: number): ShardedCounter {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a whole number above 0, got ${shards}`);
  const keys = Array.from({ length: shards }, (_, n) => `${key}:shard:${n}`);
  return {
    keys,
    async incr(by = 1) {
      return redis.incrby(keys[Math.floor(Math.random() * shards)]!, wholeNumber('by', by));
    },
    async total() {
      return (await readNumbers(redis, keys)).reduce((sum, n) => sum + n, 0);
    },
    async reset() {
      // One UNLINK per key: on a Cluster a multi-key UNLINK would cross slots.
      if (isCluster(redis)) await Promise.all(keys.map((k) => redis.unlink(k)));
      else await redis.unlink(...keys);
    },
  };
}

/** Which bucket a counter hit fell in, its key, and the bucket's count after the hit. */
export interface BucketHit {
  /** The bucket's start, in ms since the epoch (a multiple of bucketMs). */
  bucket: number;
  key: string;
  count: number;
}

/** The key of the bucket that holds time `at`: `<prefix><bucket start ms>`. */
export function bucketKey(prefix: string, bucketMs: number, at: number): string {
  return `${prefix}${Math.floor(at / bucketMs) * bucketMs}`;
}

/**
 * Counts one event (or `by`) in the current time bucket of `bucketMs`, in one MULTI: INCRBY, then PEXPIRE … NX so the
 * bucket dies `ttlMs` after its first hit (NX: later hits do not push the deadline back; needs Redis 7.0). The
 * expiry is set in the same transaction as the first INCR, so no bucket is ever left without one. `ttlMs` must be at
 * least `bucketMs` (a bucket that expired while still current would restart from zero).
 */
export async function incrementBucket(
  redis: RedisClient,
  prefix: string,
  bucketMs: number,
  ttlMs: number,
  opts: { by?: number; now?: number } = {},
): Promise<BucketHit> {
  positiveMs('bucketMs', bucketMs);
  if (positiveMs('ttlMs', ttlMs) < bucketMs) throw new RangeError(`ttlMs (${ttlMs}) must be at least bucketMs (${bucketMs})`);
  const now = opts.now ?? Date.now();
  const key = bucketKey(prefix, bucketMs, now);
  const [count] = await execAll(
    redis
      .multi()
      .incrby(key, wholeNumber('by', opts.by ?? 1))
      .pexpire(key, ttlMs, 'NX'),
  );
  return { bucket: Math.floor(now / bucketMs) * bucketMs, key, count: Number(count) };
}

/**
 * The counts of the last `buckets` buckets, oldest first, the current one last (an expired or empty bucket is 0).
 * Sum them for a sliding total over `buckets × bucketMs`.
 */
export async function readBuckets(
  redis: RedisClient,
  prefix: string,
  bucketMs: number,
  buckets: number,
  now = Date.now(),
): Promise<{ bucket: number; count: number }[]> {
  positiveMs('bucketMs', bucketMs);
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a whole number above 0, got ${buckets}`);
  const current = Math.floor(now / bucketMs) * bucketMs;
  const starts = Array.from({ length: buckets }, (_, i) => current - (buckets - 1 - i) * bucketMs);
  const counts = await readNumbers(
    redis,
    starts.map((s) => `${prefix}${s}`),
  );
  return starts.map((bucket, i) => ({ bucket, count: counts[i]! }));
}
