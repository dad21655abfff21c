import { afterEach, describe, expect, it } from 'vitest';
import { buyNaive } from '../../src/antipatterns/inventory.js';
import { buyWithWatch, reserveStock } from '../../src/patterns/inventory.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('inventory');
  envs.push(env);
  return env;
}

const BUYERS = 50;
const STOCK = 10;

describe('inventory', () => {
  it('reserveStock: 50 buyers on their own connections, 10 units, exactly 10 sold', async () => {
    const env = await setup();
    const key = env.key('stock');
    await env.redis.set(key, STOCK);
    const clients = await env.connectMany(BUYERS);
    const left = await Promise.all(clients.map((c) => reserveStock(c, key)));
    expect(left.filter((n) => n >= 0)).toHaveLength(STOCK);
    expect(left.filter((n) => n === -1)).toHaveLength(BUYERS - STOCK);
    // Every stock level from 9 down to 0 was handed out once.
    expect(left.filter((n) => n >= 0).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await env.redis.get(key)).toBe('0');
  });

  it('reserveStock refuses more than is left, does not create a missing key, and rejects a non-positive quantity', async () => {
    const env = await setup();
    const key = env.key('stock');
    await env.redis.set(key, 3);
    expect(await reserveStock(env.redis, key, 5)).toBe(-1);
    expect(await reserveStock(env.redis, key, 3)).toBe(0);
    expect(await reserveStock(env.redis, env.key('missing'))).toBe(-1);
    expect(await env.redis.exists(env.key('missing'))).toBe(0);
    await expect(reserveStock(env.redis, key, -2)).rejects.toThrow(RangeError);
  });

  it('buyWithWatch: 50 buyers on their own connections, 10 units, exactly 10 sold', async () => {
    const env = await setup();
    const key = env.key('stock');
    await env.redis.set(key, STOCK);
    const clients = await env.connectMany(BUYERS);
    const bought = await Promise.all(clients.map((c) => buyWithWatch(c, key, 1, { jitterMs: 3 })));
    expect(bought.filter(Boolean)).toHaveLength(STOCK);
    expect(await env.redis.get(key)).toBe('0');
  });

  it('antipattern buyNaive oversells: the check and the write are two commands', async () => {
    const env = await setup();
    const key = env.key('stock');
    await env.redis.set(key, STOCK);
    const clients = await env.connectMany(BUYERS);
    // Each buyer reads, pauses 20 ms (the app's work), then writes: every read lands before any write.
    const bought = await Promise.all(clients.map((c) => buyNaive(c, key, 1, 20)));
    const sold = bought.filter(Boolean).length;
    expect(sold).toBeGreaterThan(STOCK);
    expect(Number(await env.redis.get(key))).toBe(STOCK - sold);
  });
});
