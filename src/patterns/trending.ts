// Trending: events counted in one sorted set per time bucket, and "trending now" as a weighted union of the last buckets.
//
// Each bucket is `<prefix>:<bucket start ms>` and expires on its own, so old activity disappears without a cleanup job.
// Trending now = ZUNIONSTORE of the last N buckets with WEIGHTS 1, decay, decay², …: a recent event counts fully, one
// from k buckets ago counts decay^k. On a Cluster the prefix is hash-tagged (`{prefix}:…`) so every bucket and the
// destination share a slot, as ZUNIONSTORE requires.
import { isCluster, slotTagged, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

/** One item in a trending list, with its (decayed) score. */
export interface TrendingItem {
  item: string;
  score: number;
}

/** How `recordTrendingEvent` buckets and expires an event. */
export interface TrendingEventOptions {
  /** Width of one bucket in ms (e.g. 60_000 for per-minute buckets). */
  bucketMs: number;
  /** How long a bucket lives after its last event: at least `buckets * bucketMs` of the reads that use it. */
  ttlMs: number;
  /** When the event happened (epoch ms, default now). */
  at?: number;
  /** How much the event counts (default 1). */
  by?: number;
}

/** Which buckets `trendingNow` combines, how they decay, and how much it returns. */
export interface TrendingNowOptions {
  /** How many buckets, the current one included, go into the union. */
  buckets: number;
  bucketMs: number;
  /** Weight factor per bucket of age, 0 < decay <= 1 (1: a plain sum over the window). */
  decay: number;
  /** How many items to return (default 10). */
  top?: number;
  /** The time "now" is (epoch ms, default now). */
  at?: number;
  /** How long the union in `dest` lives, so other readers can page it (default min(bucketMs, 10 s)). */
  destTtlMs?: number;
}

function positive(name: string, n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a number above 0, got ${n}`);
  return n;
}

/** The key of the bucket that holds events at time `at`: `<prefix>:<bucket start ms>` (hash-tagged on a Cluster). */
export function trendingBucketKey(redis: RedisClient, prefix: string, at: number, bucketMs: number): string {
  return `${slotTagged(redis, prefix)}:${Math.floor(at / bucketMs) * bucketMs}`;
}

/**
 * Counts one event for `item` in its time bucket: ZINCRBY and PEXPIRE in one MULTI, so a bucket never exists without
 * an expiry even if the process dies right after the increment. Returns the item's count in that bucket.
 */
export async function recordTrendingEvent(redis: RedisClient, prefix: string, item: string, opts: TrendingEventOptions): Promise<number> {
  positive('bucketMs', opts.bucketMs);
  positive('ttlMs', opts.ttlMs);
  const key = trendingBucketKey(redis, prefix, opts.at ?? Date.now(), opts.bucketMs);
  const [count] = await execAll(
    redis
      .multi()
      .zincrby(key, opts.by ?? 1, item)
      .pexpire(key, Math.ceil(opts.ttlMs)),
  );
  return Number(count);
}

/** The hash tag a Cluster hashes a key by (the text inside the first non-empty {…}), or the whole key. */
function hashTag(key: string): string {
  const m = /\{([^}]+)\}/.exec(key);
  return m ? m[1]! : key;
}

/**
 * The top items over the last `buckets` buckets, newest weighted 1 and each older bucket `decay` times the one after
 * it. One MULTI runs ZUNIONSTORE into `dest`, gives `dest` its short TTL and reads the top: the union is never left
 * without an expiry, and readers of `dest` see a complete result. Cost: O(total members of the buckets) per call, so
 * call it on a timer or cache `dest`, not on every page view. On a Cluster `dest` must carry the prefix's hash tag.
 */
export async function trendingNow(redis: RedisClient, prefix: string, dest: string, opts: TrendingNowOptions): Promise<TrendingItem[]> {
  const buckets = opts.buckets;
  if (!Number.isInteger(buckets) || buckets <= 0) throw new RangeError(`buckets must be a whole number above 0, got ${buckets}`);
  positive('bucketMs', opts.bucketMs);
  if (!(opts.decay > 0 && opts.decay <= 1)) throw new RangeError(`decay must be in (0, 1], got ${opts.decay}`);
  const top = opts.top ?? 10;
  if (top <= 0) return [];
  if (isCluster(redis) && hashTag(dest) !== hashTag(slotTagged(redis, prefix))) {
    throw new RangeError(
      `on a Cluster, dest must carry the hash tag {${hashTag(slotTagged(redis, prefix))}} so it shares the buckets' slot`,
    );
  }
  const now = opts.at ?? Date.now();
  const keys: string[] = [];
  const weights: string[] = [];
  for (let i = 0; i < buckets; i++) {
    keys.push(trendingBucketKey(redis, prefix, now - i * opts.bucketMs, opts.bucketMs));
    weights.push(String(opts.decay ** i));
  }
  const destTtlMs = Math.ceil(opts.destTtlMs ?? Math.min(opts.bucketMs, 10_000));
  const replies = await execAll(
    redis
      .multi()
      .zunionstore(dest, keys.length, ...keys, 'WEIGHTS', ...weights)
      .pexpire(dest, destTtlMs)
      .zrange(dest, 0, String(top - 1), 'REV', 'WITHSCORES'),
  );
  const flat = (replies[2] as unknown[]).flat() as (string | number)[];
  const out: TrendingItem[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ item: String(flat[i]), score: Number(flat[i + 1]) });
  return out;
}
