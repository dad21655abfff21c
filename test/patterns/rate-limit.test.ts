// The rate limiters: exactly `limit` of 200 concurrent requests, keys that always expire, honest retryAfterMs, and the
// two-command fixed windows shown losing their TTL (and the script repairing it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sleep } from '../../src/patterns/client.js';
import { scanKeys } from '../../src/patterns/scan.js';
import {
  createRateLimiter,
  fixedWindowAllow,
  fixedWindowHit,
  fixedWindowHitMulti,
  RATE_LIMIT_ALGORITHMS,
  slidingLogAllow,
  windowKey,
  type RateLimitAlgorithm,
  type RateLimitResult,
} from '../../src/patterns/rate-limit/index.js';
import { fixedWindowNaive, fixedWindowSetNxThenIncr } from '../../src/antipatterns/rate-limit.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('rate-limit');
});
afterEach(async () => {
  await env.cleanup();
});

/** `perClient` concurrent calls on each client, all at once. */
async function burst<R>(clients: Redis[], perClient: number, fn: (c: Redis) => Promise<R>): Promise<R[]> {
  const all = await Promise.all(clients.map((c) => Promise.all(Array.from({ length: perClient }, () => fn(c)))));
  return all.flat();
}

/** Every key under the test's prefix with its PTTL. */
async function keysWithPttl(): Promise<[string, number][]> {
  const keys = await scanKeys(env.redis, { match: `${env.prefix}*` });
  return Promise.all(keys.map(async (k): Promise<[string, number]> => [k, await env.redis.pttl(k)]));
}

const ALGORITHMS: {
  algorithm: RateLimitAlgorithm;
  /** The longest wait a refusal can announce. */
  maxRetryMs: (limit: number, windowMs: number) => number;
  /** After this long without requests the id has its whole limit again. */
  fullResetMs: (windowMs: number) => number;
}[] = [
  { algorithm: 'fixed-window', maxRetryMs: (_l, w) => w, fullResetMs: (w) => w },
  { algorithm: 'sliding-log', maxRetryMs: (_l, w) => w, fullResetMs: (w) => w },
  // The previous window still counts, weighted, for one more window: a full window spent at its start is felt until
  // the next window's share falls below 1 request, up to windowMs × (1 + 1/limit) later, and forgotten after 2 windows.
  { algorithm: 'sliding-counter', maxRetryMs: (l, w) => Math.ceil(w * (1 + 1 / l)), fullResetMs: (w) => 2 * w },
  // One token comes back every windowMs / limit; the whole bucket after windowMs.
  { algorithm: 'token-bucket', maxRetryMs: (l, w) => Math.ceil(w / l), fullResetMs: (w) => w },
];

describe.each(ALGORITHMS)('createRateLimiter $algorithm', ({ algorithm, maxRetryMs, fullResetMs }) => {
  it('admits exactly `limit` of 200 concurrent requests (50 connections × 4), and its key has a TTL', async () => {
    // A long window (one token back per 3 s for the bucket) so the whole burst sits inside one window on a slow machine.
    const limit = 20;
    const windowMs = 60_000;
    const prefix = env.key('api:');
    const clients = await env.connectMany(50);
    const results = await burst(clients, 4, (c) => createRateLimiter(c, { algorithm, limit, windowMs, prefix }).allow('user-1'));
    expect(results).toHaveLength(200);
    const admitted = results.filter((r) => r.allowed);
    const refused = results.filter((r) => !r.allowed);
    expect(admitted).toHaveLength(limit);
    expect(admitted.every((r) => r.retryAfterMs === 0)).toBe(true);
    // Each admitted request saw a different count: the remaining values are limit-1 … 0, once each.
    expect(admitted.map((r) => r.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: limit }, (_, i) => i));
    for (const r of refused) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(maxRetryMs(limit, windowMs));
    }
    const keys = await keysWithPttl();
    expect(keys.map(([k]) => k)).toEqual([`${prefix}user-1`]);
    for (const [, pttl] of keys) {
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(2 * windowMs);
    }
  });

  it('remaining counts down, then refusals carry retryAfterMs; two ids are independent', async () => {
    const limiter = createRateLimiter(env.redis, { algorithm, limit: 5, windowMs: 60_000, prefix: env.key('login:') });
    const a: RateLimitResult[] = [];
    for (let i = 0; i < 7; i++) a.push(await limiter.allow('alice'));
    expect(a.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(a.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(a.slice(0, 5).every((r) => r.retryAfterMs === 0)).toBe(true);
    for (const r of a.slice(5)) {
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(maxRetryMs(5, 60_000));
    }
    // Bob has his own key and his own five.
    const b: RateLimitResult[] = [];
    for (let i = 0; i < 6; i++) b.push(await limiter.allow('bob'));
    expect(b.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
    expect(limiter.keyFor('bob')).toBe(env.key('login:bob'));
    const keys = await keysWithPttl();
    expect(keys.map(([k]) => k).sort()).toEqual([env.key('login:alice'), env.key('login:bob')]);
    expect(keys.every(([, pttl]) => pttl > 0)).toBe(true);
    // reset forgets one id only.
    await limiter.reset('alice');
    expect((await limiter.allow('alice')).allowed).toBe(true);
    expect((await limiter.allow('bob')).allowed).toBe(false);
  });

  it('admits the whole limit again once the window has passed', async () => {
    const windowMs = 300;
    const limit = 5;
    const limiter = createRateLimiter(env.redis, { algorithm, limit, windowMs, prefix: env.key('short:') });
    // limit + 1 calls sent together on one connection: the server runs them back to back.
    const first = await Promise.all(Array.from({ length: limit + 1 }, () => limiter.allow('k')));
    expect(first.filter((r) => r.allowed)).toHaveLength(limit);
    expect(first[limit]!.allowed).toBe(false);
    await sleep(fullResetMs(windowMs) + 50);
    const again = await Promise.all(Array.from({ length: limit }, () => limiter.allow('k')));
    expect(again.every((r) => r.allowed)).toBe(true);
    expect((await env.redis.pttl(limiter.keyFor('k'))) > 0).toBe(true);
  });

  it('a refused request is still refused halfway through retryAfterMs and admitted once it has passed', async () => {
    const windowMs = 1000;
    const limiter = createRateLimiter(env.redis, { algorithm, limit: 2, windowMs, prefix: env.key('retry:') });
    const first = await Promise.all([limiter.allow('k'), limiter.allow('k'), limiter.allow('k')]);
    expect(first.map((r) => r.allowed)).toEqual([true, true, false]);
    const wait = first[2]!.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(maxRetryMs(2, windowMs));
    await sleep(wait / 2);
    const early = await limiter.allow('k');
    expect(early.allowed).toBe(false);
    expect(early.retryAfterMs).toBeGreaterThan(0);
    expect(early.retryAfterMs).toBeLessThanOrEqual(wait);
    await sleep(early.retryAfterMs + 30);
    expect((await limiter.allow('k')).allowed).toBe(true);
  });
});

describe.each(ALGORITHMS)('$algorithm edge cases', ({ algorithm }) => {
  it('a window of 10^8 ms (27 hours) sets a whole-number expiry the server accepts', async () => {
    const limiter = createRateLimiter(env.redis, { algorithm, limit: 1, windowMs: 100_000_000, prefix: env.key('day:') });
    expect((await limiter.allow('k')).allowed).toBe(true);
    const refused = await limiter.allow('k');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    const pttl = await env.redis.pttl(limiter.keyFor('k'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(200_000_000);
  });

  it('under steady pressure, waiting retryAfterMs is always enough (four rounds across window boundaries)', async () => {
    const limiter = createRateLimiter(env.redis, { algorithm, limit: 3, windowMs: 150, prefix: env.key('steady:') });
    for (let round = 0; round < 4; round++) {
      let refused: RateLimitResult | undefined;
      for (let i = 0; i < 10 && !refused; i++) {
        const r = await limiter.allow('k');
        if (!r.allowed) refused = r;
      }
      expect(refused).toBeDefined();
      await sleep(refused!.retryAfterMs + 20);
      expect((await limiter.allow('k')).allowed).toBe(true);
    }
  });
});

describe('createRateLimiter options', () => {
  it('refuses a limit or window that is not a whole number above 0, and an unknown algorithm', () => {
    const prefix = env.key('bad:');
    expect(() => createRateLimiter(env.redis, { algorithm: 'sliding-log', limit: 0, windowMs: 1000, prefix })).toThrow(RangeError);
    expect(() => createRateLimiter(env.redis, { algorithm: 'token-bucket', limit: 5, windowMs: 0.5, prefix })).toThrow(RangeError);
    expect(() => createRateLimiter(env.redis, { algorithm: 'leaky' as RateLimitAlgorithm, limit: 5, windowMs: 1000, prefix })).toThrow(
      TypeError,
    );
    expect(Object.keys(RATE_LIMIT_ALGORITHMS).sort()).toEqual(['fixed-window', 'sliding-counter', 'sliding-log', 'token-bucket']);
  });
});

describe('the sliding log', () => {
  it('keeps one entry per admitted request, even for requests in the same microsecond', async () => {
    const clients = await env.connectMany(20);
    const key = env.key('log');
    const results = await burst(clients, 5, (c) => slidingLogAllow(c, key, 60, 60_000));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    expect(await env.redis.zcard(key)).toBe(60);
    // Scores are times in ms read from the server's TIME.
    const [sec] = (await env.redis.time()) as [string | number, string | number];
    const scores = (await env.redis.zrange(key, '0', '-1', 'WITHSCORES')).filter((_, i) => i % 2 === 1).map(Number);
    for (const s of scores) expect(Math.abs(s - Number(sec) * 1000)).toBeLessThan(10_000);
  });
});

describe('the clock-aligned fixed window (fixedWindowHit, fixedWindowHitMulti)', () => {
  it('windowKey numbers the window by the Unix time', () => {
    expect(windowKey(env.key('rate:api:'), 'k1', 60, 1_700_000_000_000)).toBe(env.key(`rate:api:k1:${Math.floor(1_700_000_000 / 60)}`));
  });

  it('fixedWindowHit allows exactly N per window and the counter always has a TTL', async () => {
    const key = windowKey(env.key('rate:api:'), 'k1', 60);
    const results = [];
    for (let i = 0; i < 8; i++) {
      const r = await fixedWindowHit(env.redis, key, 5, 60);
      results.push(r.allowed);
      expect(r.ttl).toBeGreaterThan(0);
    }
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
    expect(await env.redis.ttl(key)).toBeGreaterThan(0);
  });

  it('fixedWindowHit and fixedWindowHitMulti each admit exactly `limit` of 200 concurrent requests', async () => {
    const clients = await env.connectMany(50);
    for (const [name, hit] of [
      ['script', fixedWindowHit],
      ['multi', fixedWindowHitMulti],
    ] as const) {
      const key = env.key(`burst:${name}`);
      const results = await burst(clients, 4, (c) => hit(c, key, 20, 60));
      expect(results.filter((r) => r.allowed)).toHaveLength(20);
      // Every request was counted, each with its own number.
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await env.redis.ttl(key)).toBeGreaterThan(0);
    }
  });
});

describe('the two-command fixed windows (antipatterns) and the repair', () => {
  it('fixedWindowNaive with a crash before EXPIRE leaves a counter that never expires; fixedWindowAllow repairs it', async () => {
    const key = env.key('rate:crash');
    const crashed = await fixedWindowNaive(env.redis, key, 5, 60, true);
    expect(crashed).toEqual({ allowed: true, count: 1, ttl: -1 });
    expect(await env.redis.pttl(key)).toBe(-1);
    const healed = await fixedWindowAllow(env.redis, key, 5, 60_000);
    expect(healed).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
    const pttl = await env.redis.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('fixedWindowHit repairs the crashed counter too; the naive version without a crash sets a TTL', async () => {
    const key = env.key('rate:crash2');
    await fixedWindowNaive(env.redis, key, 5, 60, true);
    const healed = await fixedWindowHit(env.redis, key, 5, 60);
    expect(healed.count).toBe(2);
    expect(healed.ttl).toBeGreaterThan(0);
    const fine = await fixedWindowNaive(env.redis, env.key('rate:fine'), 5, 60);
    expect(fine.ttl).toBeGreaterThan(0);
  });

  it('SET … NX then INCR loses the TTL when the window ends between the two commands; MULTI + EXPIRE NX cannot', async () => {
    const gap = await fixedWindowSetNxThenIncr(env.redis, env.key('rate:gap:1'), 5, 1, 5);
    expect(gap).toEqual({ allowed: true, count: 1, ttl: -1 });
    expect(await env.redis.ttl(env.key('rate:gap:1'))).toBe(-1);
    // The same 1 ms window, ended the same way, then the airtight version: it finds no key and sets a TTL with its INCR.
    await env.redis.set(env.key('rate:gap:2'), '0', 'PX', 1, 'NX');
    await sleep(5);
    const safe = await fixedWindowHitMulti(env.redis, env.key('rate:gap:2'), 5, 60);
    expect(safe.count).toBe(1);
    expect(safe.ttl).toBeGreaterThan(0);
  });
});
