// Client-side caching with CLIENT TRACKING (RESP2 redirect): reads served from the process after the first, and the
// server's invalidation drops an entry when another client writes it, including while a read of it is in flight.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTrackedCache, type TrackedCache } from '../../src/patterns/cache/tracking.js';
import { sleep } from '../../src/patterns/client.js';
import { serverUrl } from '../helpers.js';
import { PATTERN_DB, patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
let resp2: Redis[] = [];
beforeEach(async () => {
  env = await patternEnv('cache-tracking');
});
afterEach(async () => {
  await Promise.all(resp2.map((c) => c.quit().catch(() => c.disconnect())));
  resp2 = [];
  await env.cleanup();
});

/** The invalidation connection: RESP2, so the server's invalidations arrive as messages on __redis__:invalidate. */
async function connectResp2(): Promise<Redis> {
  const c = new Redis(serverUrl(PATTERN_DB), { lazyConnect: true, maxRetriesPerRequest: 1, protocol: 2 });
  await c.connect();
  resp2.push(c);
  return c;
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

async function tracked(opts?: Parameters<typeof createTrackedCache>[2]): Promise<{ cache: TrackedCache; data: Redis; inval: Redis }> {
  const data = await env.connect();
  const inval = await connectResp2();
  return { cache: await createTrackedCache(data, inval, opts), data, inval };
}

describe('createTrackedCache', () => {
  it('refuses a RESP3 invalidation connection (ioredis would drop its invalidation pushes)', async () => {
    const [data, inval] = await env.connectMany(2);
    await expect(createTrackedCache(data!, inval!)).rejects.toThrow(/RESP2/);
  });

  it('serves the second read from the process, and drops it when another connection writes the key', async () => {
    const key = env.key('config:theme');
    await env.redis.set(key, 'dark', 'PX', 60_000);
    const { cache } = await tracked();
    expect(await cache.get(key)).toBe('dark');
    expect(await cache.get(key)).toBe('dark');
    expect(cache.stats).toEqual({ serverReads: 1, localHits: 1, invalidations: 0 });
    await env.redis.set(key, 'light', 'PX', 60_000);
    await until(() => cache.size === 0);
    expect(cache.stats.invalidations).toBe(1);
    expect(await cache.get(key)).toBe('light');
    expect(await cache.get(key)).toBe('light');
    expect(cache.stats).toEqual({ serverReads: 2, localHits: 2, invalidations: 1 });
    await cache.close();
  });

  it('caches a missing key as null until someone creates it', async () => {
    const key = env.key('flag:new-checkout');
    const { cache } = await tracked();
    expect(await cache.get(key)).toBeNull();
    expect(await cache.get(key)).toBeNull();
    expect(cache.stats.serverReads).toBe(1);
    await env.redis.set(key, 'on', 'PX', 60_000);
    await until(() => cache.size === 0);
    expect(await cache.get(key)).toBe('on');
    await cache.close();
  });

  it('does not cache a read whose key was invalidated while the read was in flight', async () => {
    const key = env.key('price:1');
    await env.redis.set(key, '10', 'PX', 60_000);
    const { cache, data } = await tracked();
    // The data connection reads the key itself, so the server tracks it, but the Map does not hold it.
    expect(await data.get(key)).toBe('10');
    // Hold the data connection for 300 ms: the cache's GET waits behind the BLPOP, in flight.
    const blocker = data.blpop(env.key('never'), 0.3);
    const inFlight = cache.get(key);
    await sleep(30);
    await env.redis.set(key, '11', 'PX', 60_000); // the server's invalidation arrives before the GET's reply
    await blocker;
    expect(await inFlight).toBe('11');
    expect(cache.size).toBe(0);
    expect(cache.stats.serverReads).toBe(1);
    expect(await cache.get(key)).toBe('11');
    expect(cache.size).toBe(1);
    expect(cache.stats.serverReads).toBe(2);
    await cache.close();
  });

  it('BCAST mode: a write under the prefix invalidates', async () => {
    const key = env.key('bc:1');
    await env.redis.set(key, 'a', 'PX', 60_000);
    const { cache } = await tracked({ bcastPrefixes: [env.key('bc:')] });
    expect(await cache.get(key)).toBe('a');
    await env.redis.set(key, 'b', 'PX', 60_000);
    await until(() => cache.size === 0);
    expect(await cache.get(key)).toBe('b');
    await cache.close();
  });

  it('a writer making 200 updates while 10 readers read: the cache ends on the last value, served locally', async () => {
    const key = env.key('counter');
    await env.redis.set(key, '0', 'PX', 60_000);
    const { cache } = await tracked();
    const writer = await env.connect();
    let writing = true;
    const readers = Array.from({ length: 10 }, async () => {
      while (writing) {
        expect(Number(await cache.get(key))).toBeGreaterThanOrEqual(0);
        await sleep(1);
      }
    });
    for (let i = 1; i <= 200; i++) await writer.set(key, String(i), 'PX', 60_000);
    writing = false;
    await Promise.all(readers);
    // Whatever the interleaving, the last write's invalidation reaches the process: no read stays on an old value.
    const deadline = Date.now() + 2000;
    while ((await cache.get(key)) !== '200') {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(5);
    }
    const reads = cache.stats.serverReads;
    expect(await cache.get(key)).toBe('200');
    expect(cache.stats.serverReads).toBe(reads);
    expect(cache.stats.invalidations).toBeGreaterThan(0);
    await cache.close();
  });

  it('close turns tracking off and unsubscribes', async () => {
    const key = env.key('x');
    const { cache, data, inval } = await tracked();
    await cache.get(key);
    await cache.close();
    expect(cache.active).toBe(false);
    expect(cache.size).toBe(0);
    const info = (await data.call('CLIENT', 'TRACKINGINFO')) as unknown[];
    expect(String(info[1])).toContain('off');
    // Out of subscriber mode again: a RESP2 connection in it would refuse CLIENT ID.
    expect(Number(await inval.client('ID'))).toBeGreaterThan(0);
  });
});
