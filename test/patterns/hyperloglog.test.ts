import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addUniqueVisitors,
  countUnique,
  countUniqueOverDays,
  measureUniqueError,
  mergeUnique,
  mergeUniqueDays,
  uniqueDayKey,
} from '../../src/patterns/hyperloglog.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('hll');
});
afterEach(async () => {
  await env.cleanup();
});

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `visitor:${from + i}`);

describe('hyperloglog', () => {
  it('estimates 10,000 distinct ids within 2% of the exact set', async () => {
    const hll = env.key('uniques');
    const exact = env.key('uniques:exact');
    // Every id twice: duplicates must not count.
    expect(await addUniqueVisitors(env.redis, hll, [...ids(0, 10_000), ...ids(0, 10_000)], { exactSetKey: exact, batch: 500 })).toBe(true);
    const m = await measureUniqueError(env.redis, hll, exact);
    expect(m.exact).toBe(10_000);
    expect(m.error).toBeLessThan(0.02);
    expect(m.estimate).toBe(await countUnique(env.redis, hll));
    // Adding ids it has already seen changes no register.
    expect(await addUniqueVisitors(env.redis, hll, ids(0, 100))).toBe(false);
    expect(await env.redis.strlen(hll)).toBeLessThanOrEqual(12 * 1024 + 16);
  });

  it('counts uniques over several days without double-counting returning visitors', async () => {
    const prefix = env.key('daily');
    // Day 1: 0..2999, day 2: 2000..4999, day 3: 4000..5999 → 6,000 distinct in all.
    await addUniqueVisitors(env.redis, uniqueDayKey(env.redis, prefix, '2025-06-01'), ids(0, 3000));
    await addUniqueVisitors(env.redis, uniqueDayKey(env.redis, prefix, new Date(Date.UTC(2025, 5, 2, 15))), ids(2000, 5000));
    await addUniqueVisitors(env.redis, uniqueDayKey(env.redis, prefix, '2025-06-03'), ids(4000, 6000));
    const days = ['2025-06-01', '2025-06-02', '2025-06-03'];
    const union = await countUniqueOverDays(env.redis, prefix, days);
    expect(Math.abs(union - 6000) / 6000).toBeLessThan(0.02);
    const kept = await mergeUniqueDays(env.redis, prefix, 'week', days, { ttlMs: 60_000 });
    expect(kept).toBe(union);
    const ttl = await env.redis.pttl(`${prefix}:week`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // The merge without a TTL is a permanent rollup.
    const perm = env.key('perm');
    expect(await mergeUnique(env.redis, perm, [uniqueDayKey(env.redis, prefix, '2025-06-01')])).toBe(
      await countUnique(env.redis, uniqueDayKey(env.redis, prefix, '2025-06-01')),
    );
    expect(await env.redis.pttl(perm)).toBe(-1);
    expect(await countUnique(env.redis, [])).toBe(0);
  });

  it('counts 20 concurrent writers of overlapping ids like one writer', async () => {
    const hll = env.key('race');
    const exact = env.key('race:exact');
    const clients = await env.connectMany(10);
    // 20 writers, each 500 ids from a window that overlaps the next one: 0..5249 → 5,250 distinct.
    await Promise.all(
      Array.from({ length: 20 }, (_, w) =>
        addUniqueVisitors(clients[w % 10]!, hll, ids(w * 250, w * 250 + 500), { exactSetKey: exact, batch: 64 }),
      ),
    );
    const m = await measureUniqueError(env.redis, hll, exact);
    expect(m.exact).toBe(5250);
    expect(m.error).toBeLessThan(0.02);
    // HyperLogLog registers only take maxima, so the order of the writes cannot matter: one writer gets the same count.
    const serial = env.key('serial');
    await addUniqueVisitors(env.redis, serial, ids(0, 5250));
    expect(await countUnique(env.redis, serial)).toBe(m.estimate);
  });
});
