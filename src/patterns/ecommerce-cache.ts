// Cache-aside in front of a slow database: TTL with jitter, hit/miss counters, and a rebuild lock against stampedes.
import type { Redis } from 'ioredis';

export interface Product {
  id: string;
  name: string;
  price: number;
  category: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Stands in for the database: every load waits `delayMs` and is counted, so a lesson can show what the cache saves. */
export class SlowProductDb {
  loads = 0;
  constructor(
    readonly delayMs: number,
    private readonly rows: ReadonlyMap<string, Product>,
  ) {}

  async load(id: string): Promise<Product | null> {
    this.loads++;
    await sleep(this.delayMs);
    return this.rows.get(id) ?? null;
  }

  async search(term: string): Promise<string[]> {
    this.loads++;
    await sleep(this.delayMs);
    const t = term.toLowerCase();
    return [...this.rows.values()].filter((p) => p.name.toLowerCase().includes(t)).map((p) => p.id);
  }
}

export interface CacheOptions {
  ttlSeconds: number;
  /** Up to this many seconds are added at random, so keys written together do not all expire together. */
  jitterSeconds?: number;
  /** A hash that counts `hits` and `misses`. */
  statsKey?: string;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

export interface CacheResult<T> {
  value: T;
  hit: boolean;
}

export function jitteredTtl(ttlSeconds: number, jitterSeconds = 0, random: () => number = Math.random): number {
  return ttlSeconds + Math.floor(random() * (jitterSeconds + 1));
}

async function count(redis: Redis, statsKey: string | undefined, field: 'hits' | 'misses'): Promise<void> {
  if (statsKey) await redis.hincrby(statsKey, field, 1);
}

/**
 * Cache-aside: read the cache; on a miss load from the source and write the cache with a TTL. The
 * value is JSON. The cache is never the source of truth: when the TTL ends, the next read reloads it.
 */
export async function cacheAside<T>(redis: Redis, key: string, loader: () => Promise<T>, opts: CacheOptions): Promise<CacheResult<T>> {
  const cached = await redis.get(key);
  if (cached !== null) {
    await count(redis, opts.statsKey, 'hits');
    return { value: JSON.parse(cached) as T, hit: true };
  }
  await count(redis, opts.statsKey, 'misses');
  const value = await loader();
  await redis.set(key, JSON.stringify(value), 'EX', jitteredTtl(opts.ttlSeconds, opts.jitterSeconds, opts.random));
  return { value, hit: false };
}

export interface LockOptions extends CacheOptions {
  lockKey: string;
  /** The lock frees itself after this long even if its holder dies. */
  lockMs: number;
  /** How often a waiting reader looks again. */
  pollMs?: number;
  /** A reader waits at most this long for someone else's rebuild before loading by itself. */
  maxWaitMs?: number;
}

/** Deletes the lock only if it still holds our token: a lock that expired and was re-taken is not ours to drop. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Cache-aside with a rebuild lock: on a miss only the reader that wins SET NX PX loads the source; the
 * others poll the cache until the value appears. The winner checks the cache again after taking the
 * lock, because a previous holder may have filled it and released the lock in between.
 */
export async function cacheAsideWithLock<T>(
  redis: Redis,
  key: string,
  loader: () => Promise<T>,
  opts: LockOptions,
): Promise<CacheResult<T>> {
  const pollMs = opts.pollMs ?? 10;
  const deadline = Date.now() + (opts.maxWaitMs ?? 2000);
  const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  let counted = false;
  for (;;) {
    const cached = await redis.get(key);
    if (cached !== null) {
      if (!counted) await count(redis, opts.statsKey, 'hits');
      return { value: JSON.parse(cached) as T, hit: true };
    }
    if (!counted) {
      await count(redis, opts.statsKey, 'misses');
      counted = true;
    }
    const mine = (await redis.set(opts.lockKey, token, 'PX', opts.lockMs, 'NX')) === 'OK';
    if (mine || Date.now() > deadline) {
      try {
        const again = mine ? await redis.get(key) : null;
        if (again !== null) return { value: JSON.parse(again) as T, hit: true };
        const value = await loader();
        await redis.set(key, JSON.stringify(value), 'EX', jitteredTtl(opts.ttlSeconds, opts.jitterSeconds, opts.random));
        return { value, hit: false };
      } finally {
        if (mine) await redis.eval(RELEASE_SCRIPT, 1, opts.lockKey, token);
      }
    }
    await sleep(pollMs);
  }
}

/** Hit ratio from the stats hash, 0..1 (0 when nothing was read yet). */
export async function hitRatio(redis: Redis, statsKey: string): Promise<{ hits: number; misses: number; ratio: number }> {
  const [h, m] = await redis.hmget(statsKey, 'hits', 'misses');
  const hits = Number(h ?? 0);
  const misses = Number(m ?? 0);
  return { hits, misses, ratio: hits + misses ? hits / (hits + misses) : 0 };
}
