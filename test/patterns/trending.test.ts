import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordTrendingEvent, trendingBucketKey, trendingNow } from '../../src/patterns/trending.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('trending');
});
afterEach(async () => {
  await env.cleanup();
});

const bucketMs = 60_000;
const ttlMs = 10 * 60_000;
// A fixed "now" in the middle of a bucket, so every event below lands in the bucket the test means.
const now = Math.floor(Date.now() / bucketMs) * bucketMs + bucketMs / 2;

describe('trending', () => {
  it('weighs events in older buckets less, by decay per bucket of age', async () => {
    const prefix = env.key('t');
    const at = (bucketsAgo: number) => now - bucketsAgo * bucketMs;
    for (let i = 0; i < 5; i++) await recordTrendingEvent(env.redis, prefix, 'old-news', { bucketMs, ttlMs, at: at(2) });
    for (let i = 0; i < 3; i++) await recordTrendingEvent(env.redis, prefix, 'fresh', { bucketMs, ttlMs, at: at(0) });
    await recordTrendingEvent(env.redis, prefix, 'steady', { bucketMs, ttlMs, at: at(0) });
    await recordTrendingEvent(env.redis, prefix, 'steady', { bucketMs, ttlMs, at: at(1) });
    expect(await recordTrendingEvent(env.redis, prefix, 'steady', { bucketMs, ttlMs, at: at(2), by: 2 })).toBe(2);
    // Outside the 3-bucket window: must not count at all.
    await recordTrendingEvent(env.redis, prefix, 'ancient', { bucketMs, ttlMs, at: at(3), by: 100 });

    const dest = env.key('t:now');
    const top = await trendingNow(env.redis, prefix, dest, { buckets: 3, bucketMs, decay: 0.5, at: now });
    // fresh 3; steady 1 + 0.5 + 2 * 0.25 = 2; old-news 5 * 0.25 = 1.25.
    expect(top).toEqual([
      { item: 'fresh', score: 3 },
      { item: 'steady', score: 2 },
      { item: 'old-news', score: 1.25 },
    ]);
    // With decay 1 it is a plain count over the window, and `top` limits the answer.
    expect(await trendingNow(env.redis, prefix, dest, { buckets: 3, bucketMs, decay: 1, at: now, top: 1 })).toEqual([
      { item: 'old-news', score: 5 },
    ]);
  });

  it('gives every bucket key and the union destination a TTL', async () => {
    const prefix = env.key('ttl');
    await recordTrendingEvent(env.redis, prefix, 'a', { bucketMs, ttlMs, at: now });
    await recordTrendingEvent(env.redis, prefix, 'b', { bucketMs, ttlMs, at: now - bucketMs });
    for (const at of [now, now - bucketMs]) {
      const pttl = await env.redis.pttl(trendingBucketKey(env.redis, prefix, at, bucketMs));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(ttlMs);
    }
    const dest = env.key('ttl:now');
    await trendingNow(env.redis, prefix, dest, { buckets: 2, bucketMs, decay: 0.5, at: now, destTtlMs: 5000 });
    const destTtl = await env.redis.pttl(dest);
    expect(destTtl).toBeGreaterThan(0);
    expect(destTtl).toBeLessThanOrEqual(5000);
    expect(await env.redis.zcard(dest)).toBe(2);
    // No buckets in the window: an empty answer, and no destination key left behind.
    expect(await trendingNow(env.redis, prefix, dest, { buckets: 2, bucketMs, decay: 0.5, at: now + 10 * bucketMs })).toEqual([]);
    expect(await env.redis.exists(dest)).toBe(0);
  });

  it('counts 200 concurrent events from 10 connections exactly', async () => {
    const prefix = env.key('race');
    const clients = await env.connectMany(10);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => recordTrendingEvent(clients[i % 10]!, prefix, `item${i % 4}`, { bucketMs, ttlMs, at: now })),
    );
    const top = await trendingNow(env.redis, prefix, env.key('race:now'), { buckets: 1, bucketMs, decay: 1, at: now });
    expect(top.map((t) => t.score)).toEqual([50, 50, 50, 50]);
    expect(top.map((t) => t.item).sort()).toEqual(['item0', 'item1', 'item2', 'item3']);
  });
});
