// Idempotency keys: 100 concurrent callers, fn runs once and all get its result; later callers replay it; a failing
// fn releases the key so a retry runs it again; a slow fn keeps its claim alive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idempotent, IdempotencyPendingError } from '../../src/patterns/idempotency.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('idempotency');
});
afterEach(async () => {
  await env.cleanup();
});

describe('idempotent', () => {
  it('100 concurrent callers: fn runs exactly once and all 100 get its result', async () => {
    const clients = await env.connectMany(100);
    const key = env.key('idem:payment-7');
    let runs = 0;
    const charge = async () => {
      runs++;
      await sleep(100);
      return { chargeId: `ch_${runs}`, amount: 4200 };
    };
    const results = await Promise.all(clients.map((c) => idempotent(c, key, 60_000, charge, { pollMs: 10 })));
    expect(runs).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.value).toEqual({ chargeId: 'ch_1', amount: 4200 });
    expect(JSON.parse((await env.redis.get(key))!)).toEqual({ state: 'done', value: { chargeId: 'ch_1', amount: 4200 } });
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('a later caller gets the stored result at once, without running fn', async () => {
    const key = env.key('idem:order-1');
    let runs = 0;
    const fn = () => Promise.resolve(++runs);
    expect(await idempotent(env.redis, key, 10_000, fn)).toEqual({ value: 1, replayed: false });
    expect(await idempotent(env.redis, key, 10_000, fn)).toEqual({ value: 1, replayed: true });
    expect(runs).toBe(1);
  });

  it('a failing fn releases the key: the error is rethrown and a retry runs fn again', async () => {
    const key = env.key('idem:order-2');
    let runs = 0;
    const flaky = async () => {
      runs++;
      await sleep(5);
      if (runs === 1) throw new Error('gateway timeout');
      return 'paid';
    };
    await expect(idempotent(env.redis, key, 10_000, flaky)).rejects.toThrow('gateway timeout');
    expect(await env.redis.exists(key)).toBe(0);
    expect(await idempotent(env.redis, key, 10_000, flaky)).toEqual({ value: 'paid', replayed: false });
    expect(await idempotent(env.redis, key, 10_000, flaky)).toEqual({ value: 'paid', replayed: true });
    expect(runs).toBe(2);
  });

  it('10 concurrent callers and the first fn fails: one caller gets the error, one waiter runs fn, the rest replay it', async () => {
    const clients = await env.connectMany(10);
    const key = env.key('idem:order-3');
    let runs = 0;
    const fn = async () => {
      const run = ++runs;
      await sleep(50);
      if (run === 1) throw new Error('first attempt failed');
      return { run };
    };
    const settled = await Promise.allSettled(clients.map((c) => idempotent(c, key, 10_000, fn, { pollMs: 5, waitMs: 5000 })));
    expect(runs).toBe(2);
    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const values = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(values).toHaveLength(9);
    for (const v of values) expect(v.value).toEqual({ run: 2 });
    expect(values.filter((v) => !v.replayed)).toHaveLength(1);
  });

  it('a waiter gives up after waitMs with IdempotencyPendingError while the first call still runs', async () => {
    const key = env.key('idem:slow');
    const first = idempotent(env.redis, key, 10_000, async () => {
      await sleep(300);
      return 'done';
    });
    await sleep(20);
    const other = await env.connect();
    await expect(idempotent(other, key, 10_000, () => Promise.resolve('twice'), { waitMs: 60, pollMs: 10 })).rejects.toBeInstanceOf(
      IdempotencyPendingError,
    );
    expect(await first).toEqual({ value: 'done', replayed: false });
  });

  it('a fn slower than the claim TTL keeps its claim alive: 20 callers, still one run', async () => {
    const clients = await env.connectMany(20);
    const key = env.key('idem:report');
    let runs = 0;
    const fn = async () => {
      runs++;
      await sleep(400); // four claim TTLs
      return 'report-1';
    };
    const results = await Promise.all(clients.map((c) => idempotent(c, key, 10_000, fn, { claimTtlMs: 100, waitMs: 3000, pollMs: 10 })));
    expect(runs).toBe(1);
    for (const r of results) expect(r.value).toBe('report-1');
  });
});
