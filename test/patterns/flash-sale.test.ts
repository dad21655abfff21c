import { afterEach, describe, expect, it } from 'vitest';
import { flashBuyNaive } from '../../src/antipatterns/flash-sale.js';
import { sleep } from '../../src/patterns/client.js';
import { flashBuy, flashSaleKeys, startFlashSale, unitsSold } from '../../src/patterns/flash-sale.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('flash');
  envs.push(env);
  return env;
}

const USERS = 10;
const REQUESTS = 100;
const sale = (stock: number, perUser: number) => ({ product: 'PROD-77', price: '19.99', stock, perUser });

async function buyersOf(env: PatternEnv, saleKey: string): Promise<Record<string, number>> {
  const raw = await env.redis.hgetall(flashSaleKeys(env.redis, saleKey).buyers);
  return Object.fromEntries(Object.entries(raw).map(([u, n]) => [u, Number(n)]));
}

describe('flash sale', () => {
  it('100 concurrent requests from 10 users: the stock runs out exactly, and nobody passes the limit', async () => {
    const env = await setup();
    const key = env.key('flash_sale:1');
    await startFlashSale(env.redis, key, sale(20, 3), 60_000);
    const clients = await env.connectMany(REQUESTS);
    const results = await Promise.all(clients.map((c, i) => flashBuy(c, key, `user-${i % USERS}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === 'ended')).toHaveLength(0);
    expect(await unitsSold(env.redis, key)).toBe(20);
    expect(await env.redis.hget(key, 'stock')).toBe('0');
    const buyers = await buyersOf(env, key);
    for (const n of Object.values(buyers)) expect(n).toBeLessThanOrEqual(3);
    expect(Object.values(buyers).reduce((s, n) => s + n, 0)).toBe(20);
  });

  it('with plenty of stock, each of 10 users gets exactly their limit out of 100 concurrent requests', async () => {
    const env = await setup();
    const key = env.key('flash_sale:2');
    await startFlashSale(env.redis, key, sale(100, 2), 60_000);
    const clients = await env.connectMany(REQUESTS);
    const results = await Promise.all(clients.map((c, i) => flashBuy(c, key, `user-${i % USERS}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === 'limit')).toHaveLength(80);
    expect(Object.values(await buyersOf(env, key))).toEqual(Array(USERS).fill(2));
    expect(await env.redis.hget(key, 'stock')).toBe('80');
  });

  it('the sale ends with its TTL, the buyers hash never outlives it, and a restart clears old buyers', async () => {
    const env = await setup();
    const key = env.key('flash_sale:3');
    const { buyers } = flashSaleKeys(env.redis, key);
    await startFlashSale(env.redis, key, sale(5, 5), 1000);
    expect(await flashBuy(env.redis, key, 'ada', 2)).toEqual({ ok: true, stockLeft: 3 });
    const salePttl = await env.redis.pttl(key);
    const buyersPttl = await env.redis.pttl(buyers);
    expect(buyersPttl).toBeGreaterThan(0);
    expect(buyersPttl).toBeLessThanOrEqual(salePttl + 5);
    expect(await flashBuy(env.redis, key, 'ada', 4)).toEqual({ ok: false, reason: 'limit' });
    expect(await flashBuy(env.redis, key, 'lin', 4)).toEqual({ ok: false, reason: 'sold-out' });
    await sleep(1200);
    expect(await flashBuy(env.redis, key, 'lin', 1)).toEqual({ ok: false, reason: 'ended' });
    expect(await env.redis.exists(key, buyers)).toBe(0);
    await startFlashSale(env.redis, key, sale(5, 5), 60_000);
    await env.redis.hset(buyers, 'ada', 5);
    await startFlashSale(env.redis, key, sale(5, 5), 60_000);
    expect(await unitsSold(env.redis, key)).toBe(0);
    await expect(flashBuy(env.redis, key, 'ada', 0)).rejects.toThrow(RangeError);
  });

  it('antipattern flashBuyNaive sells past the stock and past the per-user limit', async () => {
    const env = await setup();
    const key = env.key('flash_sale:naive');
    await startFlashSale(env.redis, key, sale(20, 3), 60_000);
    const clients = await env.connectMany(REQUESTS);
    // Every request checks, pauses 20 ms, then writes: all the checks pass before the first write lands.
    await Promise.all(clients.map((c, i) => flashBuyNaive(c, key, `user-${i % USERS}`, 1, 20)));
    expect(await unitsSold(env.redis, key)).toBeGreaterThan(20);
    expect(Math.max(...Object.values(await buyersOf(env, key)))).toBeGreaterThan(3);
  });
});
