import { afterEach, describe, expect, it } from 'vitest';
import { mergeCartsNaive } from '../../src/antipatterns/cart.js';
import { addToCart, cartUnits, getCart, mergeCarts, removeFromCart } from '../../src/patterns/cart.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('cart');
  envs.push(env);
  return env;
}

describe('shopping cart', () => {
  it('50 concurrent clients adding and removing one product end with the exact quantity and no line at 0 or below', async () => {
    const env = await setup();
    const cart = env.key('cart:user-1');
    const clients = await env.connectMany(50);
    // Each client adds then removes a unit 10 times (so the line keeps touching 0 and being deleted), then adds one
    // more to PROD-1; on PROD-2 it only adds and removes. Each client's own share never goes below 0, so the
    // result does not depend on the interleaving: PROD-1 = 50, PROD-2 gone.
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 10; i++) {
          await addToCart(c, cart, 'PROD-1', 1);
          await addToCart(c, cart, 'PROD-2', 1);
          await addToCart(c, cart, 'PROD-1', -1);
          await addToCart(c, cart, 'PROD-2', -1);
        }
        await addToCart(c, cart, 'PROD-1', 1);
      }),
    );
    expect(await env.redis.hgetall(cart)).toEqual({ 'PROD-1': '50' });
    expect(await cartUnits(env.redis, cart)).toBe(50);
  });

  it('adds, removes, reads, and drops a line that reaches 0', async () => {
    const env = await setup();
    const cart = env.key('cart');
    expect(await addToCart(env.redis, cart, 'A', 2)).toBe(2);
    expect(await addToCart(env.redis, cart, 'B', 1)).toBe(1);
    expect(await addToCart(env.redis, cart, 'A', -5)).toBe(0);
    expect(await addToCart(env.redis, cart, 'C', -1)).toBe(0);
    expect(await getCart(env.redis, cart)).toEqual({ B: 1 });
    expect(await removeFromCart(env.redis, cart, 'B')).toBe(true);
    expect(await removeFromCart(env.redis, cart, 'B')).toBe(false);
    expect(await env.redis.exists(cart)).toBe(0);
    expect(await getCart(env.redis, cart)).toEqual({});
    await expect(addToCart(env.redis, cart, 'A', 1.5)).rejects.toThrow(RangeError);
  });

  it('the TTL option sets the expiry with the first line and slides it on every write', async () => {
    const env = await setup();
    const cart = env.key('cart');
    await addToCart(env.redis, cart, 'A', 1, { ttlMs: 5_000 });
    const first = await env.redis.pttl(cart);
    expect(first).toBeGreaterThan(4_000);
    expect(first).toBeLessThanOrEqual(5_000);
    await addToCart(env.redis, cart, 'B', 1, { ttlMs: 60_000 });
    expect(await env.redis.pttl(cart)).toBeGreaterThan(59_000);
    // Without the option the TTL is left alone.
    await addToCart(env.redis, cart, 'C', 1);
    expect(await env.redis.pttl(cart)).toBeGreaterThan(50_000);
    const guest = env.key('guest');
    await addToCart(env.redis, guest, 'A', 1);
    expect(await mergeCarts(env.redis, guest, cart, { ttlMs: 90_000 })).toBe(1);
    expect(await env.redis.pttl(cart)).toBeGreaterThan(89_000);
  });

  it('20 concurrent merges of one guest cart add its items exactly once', async () => {
    const env = await setup();
    const guest = env.key('cart:guest-9f2');
    const user = env.key('cart:user-42');
    await env.redis.hset(guest, { 'PROD-7': 2, 'PROD-12': 1, 'PROD-30': 4 });
    await env.redis.hset(user, { 'PROD-7': 1, 'PROD-99': 1 });
    const clients = await env.connectMany(20);
    const moved = await Promise.all(clients.map((c) => mergeCarts(c, guest, user)));
    expect(moved.filter((n) => n === 3)).toHaveLength(1);
    expect(moved.filter((n) => n === 0)).toHaveLength(19);
    expect(await getCart(env.redis, user)).toEqual({ 'PROD-7': 3, 'PROD-12': 1, 'PROD-30': 4, 'PROD-99': 1 });
    expect(await env.redis.exists(guest)).toBe(0);
  });

  it('antipattern mergeCartsNaive adds the guest items once per racing login', async () => {
    const env = await setup();
    const guest = env.key('cart:guest');
    const user = env.key('cart:user');
    await env.redis.hset(guest, { 'PROD-7': 2 });
    const clients = await env.connectMany(20);
    // Every login reads the guest cart, pauses 20 ms, then writes: all reads land before the first UNLINK.
    await Promise.all(clients.map((c) => mergeCartsNaive(c, guest, user, 20)));
    expect(Number(await env.redis.hget(user, 'PROD-7'))).toBeGreaterThan(2);
  });
});
