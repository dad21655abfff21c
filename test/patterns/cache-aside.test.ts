// Cache-aside: the stampede without protection, one load per expiry with the rebuild lock and with early refresh,
// TTL jitter, cached misses against penetration, and the hit-ratio counters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_MISS_SENTINEL, cacheAside, jitteredTtl } from '../../src/patterns/cache/aside.js';
import { cacheHitRatio } from '../../src/patterns/cache/stats.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('cache-aside');
});
afterEach(async () => {
  await env.cleanup();
});

interface Product {
  id: string;
  price: number;
}

/** A loader that counts its calls and how many run at once, and takes `delayMs`. */
function countingLoader<T>(delayMs: number, make: (call: number) => T) {
  const stats = { calls: 0, running: 0, maxRunning: 0 };
  const load = async (): Promise<T> => {
    const call = ++stats.calls;
    stats.running++;
    stats.maxRunning = Math.max(stats.maxRunning, stats.running);
    await sleep(delayMs);
    stats.running--;
    return make(call);
  };
  return { stats, load };
}

describe('cacheAside stampede', () => {
  it('without protection, 50 concurrent readers of an empty key all run the 100 ms loader', async () => {
    const clients = await env.connectMany(50);
    const key = env.key('product:7');
    const db = countingLoader<Product>(100, () => ({ id: '7', price: 12 }));
    const results = await Promise.all(clients.map((c) => cacheAside(c, key, { ttlMs: 5000, loader: db.load })));
    // Every reader looked at the cache before the first load finished: each one went to the database.
    expect(db.stats.calls).toBeGreaterThanOrEqual(10);
    expect(db.stats.calls).toBe(results.filter((r) => !r.hit).length);
    for (const r of results) expect(r.value).toEqual({ id: '7', price: 12 });
    expect(JSON.parse((await env.redis.get(key))!)).toEqual({ id: '7', price: 12 });
  });

  it("with stampede 'lock', 50 concurrent readers run the loader exactly once and all get its value", async () => {
    const clients = await env.connectMany(50);
    const key = env.key('product:8');
    const db = countingLoader<Product>(100, (n) => ({ id: '8', price: n }));
    const results = await Promise.all(clients.map((c) => cacheAside(c, key, { ttlMs: 5000, loader: db.load, stampede: 'lock' })));
    expect(db.stats.calls).toBe(1);
    expect(results.filter((r) => !r.hit)).toHaveLength(1);
    for (const r of results) expect(r.value).toEqual({ id: '8', price: 1 });
    expect(await env.redis.exists(`${key}:lock`)).toBe(0);
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it("with stampede 'lock', a loader that throws releases the lock and the next reader loads", async () => {
    const key = env.key('product:9');
    const fail = async (): Promise<Product> => {
      await sleep(5);
      throw new Error('database down');
    };
    await expect(cacheAside(env.redis, key, { ttlMs: 5000, loader: fail, stampede: 'lock' })).rejects.toThrow('database down');
    expect(await env.redis.exists(`${key}:lock`)).toBe(0);
    expect(await env.redis.exists(key)).toBe(0);
    const db = countingLoader<Product>(5, () => ({ id: '9', price: 3 }));
    const r = await cacheAside(env.redis, key, { ttlMs: 5000, loader: db.load, stampede: 'lock' });
    expect(r).toEqual({ value: { id: '9', price: 3 }, hit: false, refreshed: false });
    expect(db.stats.calls).toBe(1);
  });

  it("with stampede 'early-refresh', 50 readers hammering a key near expiry: one refresh at a time, never a miss", async () => {
    const clients = await env.connectMany(50);
    const key = env.key('product:10');
    const db = countingLoader<Product>(100, (n) => ({ id: '10', price: n }));
    const opts = { ttlMs: 1000, loader: db.load, stampede: 'early-refresh' as const, lockTtlMs: 3000 };
    // Fill it once (a cold miss, rebuilt under the lock); the entry records the ~100 ms load time.
    expect(await cacheAside(env.redis, key, opts)).toMatchObject({ hit: false, value: { price: 1 } });
    const stop = Date.now() + 2200; // more than two TTLs: without early refresh the key would expire twice
    let reads = 0;
    let misses = 0;
    let refreshed = 0;
    await Promise.all(
      clients.map(async (c) => {
        while (Date.now() < stop) {
          const r = await cacheAside(c, key, opts);
          reads++;
          if (!r.hit) misses++;
          if (r.refreshed) refreshed++;
          await sleep(5);
        }
      }),
    );
    expect(reads).toBeGreaterThan(500);
    expect(misses).toBe(0);
    expect(db.stats.maxRunning).toBe(1);
    // Every load after the first was an early refresh, and at least one per TTL was needed to never miss.
    expect(refreshed).toBe(db.stats.calls - 1);
    expect(refreshed).toBeGreaterThanOrEqual(2);
    // The readers' values only move forward: the last refresh is what the cache holds now.
    const now = await cacheAside(env.redis, key, opts);
    expect(now.value.price).toBe(db.stats.calls);
  });
});

describe('cacheAside TTLs and misses', () => {
  it('jitter spreads the TTLs of keys filled together between ttlMs and ttlMs × (1 + jitter)', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => env.key(`jit:${i}`));
    await Promise.all(keys.map((k) => cacheAside(env.redis, k, { ttlMs: 10_000, jitter: 0.5, loader: () => Promise.resolve({ k }) })));
    const ttls = await Promise.all(keys.map((k) => env.redis.pttl(k)));
    for (const t of ttls) {
      expect(t).toBeGreaterThan(9000);
      expect(t).toBeLessThanOrEqual(15_000);
    }
    expect(new Set(ttls.map((t) => Math.floor(t / 100))).size).toBeGreaterThan(10);
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(1000);
  });

  it('jitteredTtl: ttlMs plus a fraction of it, validated', () => {
    expect(jitteredTtl(1000, 0.2, () => 0)).toBe(1000);
    expect(jitteredTtl(1000, 0.2, () => 0.999999)).toBe(1200);
    expect(jitteredTtl(1000)).toBe(1000);
    expect(() => jitteredTtl(1000, 1.5)).toThrow(RangeError);
    expect(() => jitteredTtl(1000, -0.1)).toThrow(RangeError);
  });

  it('expires after the TTL: the next read loads again (invalidation by TTL)', async () => {
    const key = env.key('short');
    const db = countingLoader(1, (n) => ({ n }));
    expect(await cacheAside(env.redis, key, { ttlMs: 80, loader: db.load })).toMatchObject({ hit: false, value: { n: 1 } });
    expect(await cacheAside(env.redis, key, { ttlMs: 80, loader: db.load })).toMatchObject({ hit: true, value: { n: 1 } });
    await sleep(150);
    expect(await cacheAside(env.redis, key, { ttlMs: 80, loader: db.load })).toMatchObject({ hit: false, value: { n: 2 } });
    expect(db.stats.calls).toBe(2);
  });

  it('cacheMisses stores a sentinel for a missing row: the loader is not called again until it expires', async () => {
    const key = env.key('product:404');
    const db = countingLoader<Product | null>(5, () => null);
    const opts = { ttlMs: 10_000, loader: db.load, cacheMisses: { ttlMs: 300 } };
    expect(await cacheAside(env.redis, key, opts)).toEqual({ value: null, hit: false, refreshed: false });
    expect(await env.redis.get(key)).toBe(CACHE_MISS_SENTINEL);
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    const again = await Promise.all(Array.from({ length: 20 }, () => cacheAside(env.redis, key, opts)));
    for (const r of again) expect(r).toEqual({ value: null, hit: true, refreshed: false });
    expect(db.stats.calls).toBe(1);
    await sleep(350);
    await cacheAside(env.redis, key, opts);
    expect(db.stats.calls).toBe(2);
  });

  it('without cacheMisses a null is not cached: every lookup of a missing row reaches the loader', async () => {
    const key = env.key('product:405');
    const db = countingLoader<Product | null>(1, () => null);
    for (let i = 0; i < 3; i++)
      expect(await cacheAside(env.redis, key, { ttlMs: 10_000, loader: db.load })).toMatchObject({ value: null, hit: false });
    expect(db.stats.calls).toBe(3);
    expect(await env.redis.exists(key)).toBe(0);
  });

  it("cacheMisses under stampede 'lock': 30 concurrent lookups of a missing row, one load", async () => {
    const clients = await env.connectMany(30);
    const key = env.key('product:406');
    const db = countingLoader<Product | null>(50, () => null);
    const results = await Promise.all(
      clients.map((c) => cacheAside(c, key, { ttlMs: 10_000, loader: db.load, stampede: 'lock', cacheMisses: { ttlMs: 5000 } })),
    );
    expect(db.stats.calls).toBe(1);
    for (const r of results) expect(r.value).toBeNull();
  });
});

describe('cache statistics', () => {
  it('counts the first look of every read: 1 miss and 4 hits make a ratio of 0.8, also across 20 concurrent readers', async () => {
    const stats = env.key('cache:stats');
    expect(await cacheHitRatio(env.redis, stats)).toEqual({ hits: 0, misses: 0, ratio: 0 });
    const key = env.key('product:1');
    const loader = () => Promise.resolve({ id: '1' });
    for (let i = 0; i < 5; i++) await cacheAside(env.redis, key, { ttlMs: 5000, loader, statsKey: stats });
    expect(await cacheHitRatio(env.redis, stats)).toEqual({ hits: 4, misses: 1, ratio: 0.8 });
    const clients = await env.connectMany(20);
    await Promise.all(clients.map((c) => cacheAside(c, key, { ttlMs: 5000, loader, statsKey: stats, stampede: 'lock' })));
    expect(await cacheHitRatio(env.redis, stats)).toEqual({ hits: 24, misses: 1, ratio: 24 / 25 });
  });
});
