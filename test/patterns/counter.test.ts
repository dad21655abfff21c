import { afterEach, describe, expect, it } from 'vitest';
import { incrementByReadWrite } from '../../src/antipatterns/counter.js';
import { sleep } from '../../src/patterns/client.js';
import {
  bucketKey,
  createShardedCounter,
  incrementBucket,
  incrementCounter,
  readBuckets,
  readCounter,
} from '../../src/patterns/counter.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('counter');
  envs.push(env);
  return env;
}

describe('counters', () => {
  it('incrementCounter: 20 clients × 50 increments = exactly 1000', async () => {
    const env = await setup();
    const key = env.key('views');
    const clients = await env.connectMany(20);
    await Promise.all(clients.map((c) => Promise.all(Array.from({ length: 50 }, () => incrementCounter(c, key)))));
    expect(await readCounter(env.redis, key)).toBe(1000);
    expect(await incrementCounter(env.redis, key, -10)).toBe(990);
    expect(await readCounter(env.redis, env.key('missing'))).toBe(0);
  });

  it('sharded counter: 1000 concurrent increments from 20 clients total exactly 1000, spread over the shards', async () => {
    const env = await setup();
    const key = env.key('hot');
    const clients = await env.connectMany(20);
    const counters = clients.map((c) => createShardedCounter(c, key, 8));
    await Promise.all(counters.map((counter) => Promise.all(Array.from({ length: 50 }, () => counter.incr()))));
    const counter = createShardedCounter(env.redis, key, 8);
    expect(await counter.total()).toBe(1000);
    expect(counter.keys).toEqual(Array.from({ length: 8 }, (_, n) => `${key}:shard:${n}`));
    const perShard = (await env.redis.mget(...counter.keys)).map(Number);
    expect(perShard.reduce((s, n) => s + n, 0)).toBe(1000);
    // 1000 random picks over 8 shards: every shard got some (each misses with probability (7/8)^1000).
    expect(perShard.every((n) => n > 0)).toBe(true);
    await counter.incr(5);
    expect(await counter.total()).toBe(1005);
    await counter.reset();
    expect(await counter.total()).toBe(0);
    expect(() => createShardedCounter(env.redis, key, 0)).toThrow(RangeError);
  });

  it('windowed counter: 500 concurrent hits in one bucket count exactly, with one expiry set by the first hit', async () => {
    const env = await setup();
    const prefix = env.key('logins:');
    const start = 1_700_000_040_000; // a multiple of 60,000
    const now = start + 12_345;
    const clients = await env.connectMany(10);
    const hits = await Promise.all(
      clients.flatMap((c) => Array.from({ length: 50 }, () => incrementBucket(c, prefix, 60_000, 120_000, { now }))),
    );
    const key = bucketKey(prefix, 60_000, now);
    expect(key).toBe(`${prefix}${start}`);
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(hits.every((h) => h.key === key && h.bucket === start)).toBe(true);
    expect(await env.redis.get(key)).toBe('500');
    const pttl = await env.redis.pttl(key);
    expect(pttl).toBeGreaterThan(100_000);
    expect(pttl).toBeLessThanOrEqual(120_000);
    // Other buckets, and reading the window back.
    await incrementBucket(env.redis, prefix, 60_000, 120_000, { now: now - 60_000, by: 7 });
    expect(await readBuckets(env.redis, prefix, 60_000, 3, now)).toEqual([
      { bucket: start - 120_000, count: 0 },
      { bucket: start - 60_000, count: 7 },
      { bucket: start, count: 500 },
    ]);
    await expect(incrementBucket(env.redis, prefix, 60_000, 1_000)).rejects.toThrow(RangeError);
  });

  it('a bucket expires ttlMs after its first hit: later hits do not push the deadline back (NX)', async () => {
    const env = await setup();
    const prefix = env.key('w:');
    const now = Date.now();
    const first = await incrementBucket(env.redis, prefix, 500, 1000, { now });
    await sleep(400);
    await incrementBucket(env.redis, prefix, 500, 1000, { now });
    const pttl = await env.redis.pttl(first.key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(600);
    await sleep(pttl + 150);
    expect(await env.redis.exists(first.key)).toBe(0);
  });

  it('antipattern incrementByReadWrite loses increments when clients race', async () => {
    const env = await setup();
    const key = env.key('naive');
    const clients = await env.connectMany(20);
    // Each client reads, pauses 20 ms, then writes: all 20 read 0 and all write 1.
    await Promise.all(clients.map((c) => incrementByReadWrite(c, key, 1, 20)));
    expect(await readCounter(env.redis, key)).toBeLessThan(20);
  });
});
