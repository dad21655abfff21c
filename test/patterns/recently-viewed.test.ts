import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recentlyViewed, recordView } from '../../src/patterns/recently-viewed.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('recently-viewed');
});
afterEach(async () => {
  await env.cleanup();
});

describe('recently viewed', () => {
  it('moves a re-viewed item to the front and keeps the newest max', async () => {
    const key = env.key('user1');
    for (const item of ['a', 'b', 'c', 'a', 'd', 'e']) await recordView(env.redis, key, item, 4);
    expect(await recentlyViewed(env.redis, key, 10)).toEqual(['e', 'd', 'a', 'c']);
    expect(await recentlyViewed(env.redis, key, 2)).toEqual(['e', 'd']);
    expect(await env.redis.pttl(key)).toBe(-1);
    await recordView(env.redis, key, 'c', 4, { ttlMs: 5000 });
    expect(await recentlyViewed(env.redis, key, 10)).toEqual(['c', 'e', 'd', 'a']);
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('never holds an item twice or more than max items under 200 concurrent views', async () => {
    const key = env.key('race');
    const clients = await env.connectMany(10);
    // 200 views of 20 distinct items, each item viewed 10 times from different connections.
    await Promise.all(Array.from({ length: 200 }, (_, i) => recordView(clients[i % 10]!, key, `item${i % 20}`, 15)));
    const list = await recentlyViewed(env.redis, key, 100);
    expect(list).toHaveLength(15);
    expect(new Set(list).size).toBe(15);
    const wide = env.key('wide');
    await Promise.all(Array.from({ length: 200 }, (_, i) => recordView(clients[i % 10]!, wide, `item${i % 20}`, 100)));
    expect((await recentlyViewed(env.redis, wide, 100)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `item${i}`).sort());
  });
});
