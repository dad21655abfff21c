// The token lock: one holder at a time among 50 racing clients, fences that only go up, owner-only release and extend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, lockKeys, withLock } from '../../src/patterns/lock.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('lock');
});
afterEach(async () => {
  await env.cleanup();
});

describe('acquireLock', () => {
  it('50 clients racing: one holder at a time, every client gets its turn, fences strictly increase', async () => {
    const clients = await env.connectMany(50);
    const resource = env.key('invoice:9');
    let holders = 0;
    let maxHolders = 0;
    const fences: number[] = [];
    await Promise.all(
      clients.map(async (c) => {
        const lock = await acquireLock(c, resource, { ttlMs: 5000, waitMs: 8000, retryMs: 5 });
        expect(lock).not.toBeNull();
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        fences.push(lock!.fence);
        await sleep(2);
        holders--;
        expect(await lock!.release()).toBe(true);
      }),
    );
    expect(maxHolders).toBe(1);
    expect(fences).toHaveLength(50);
    // Pushed in acquisition order: each holder's fence is above every earlier one.
    expect(fences).toEqual([...fences].sort((a, b) => a - b));
    expect(new Set(fences).size).toBe(50);
    expect(await env.redis.exists(resource)).toBe(0);
  });

  it('refuses a second holder, and a holder whose lock expired can neither release nor extend the new holder’s lock', async () => {
    const resource = env.key('report');
    const first = await acquireLock(env.redis, resource, { ttlMs: 100 });
    expect(first).not.toBeNull();
    expect(await acquireLock(env.redis, resource, { ttlMs: 100 })).toBeNull();
    await sleep(150);
    const second = await acquireLock(env.redis, resource, { ttlMs: 5000 });
    expect(second).not.toBeNull();
    expect(second!.fence).toBeGreaterThan(first!.fence);
    expect(second!.token).not.toBe(first!.token);
    expect(await first!.release()).toBe(false);
    expect(await first!.extend(10_000)).toBe(false);
    expect(await env.redis.get(resource)).toBe(second!.token);
    const ttl = await env.redis.pttl(resource);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
    expect(await second!.extend(20_000)).toBe(true);
    expect(await env.redis.pttl(resource)).toBeGreaterThan(5000);
    expect(await second!.release()).toBe(true);
    expect(await second!.release()).toBe(false);
  });

  it('a fence lets the store refuse the late write of a holder that was paused past its TTL', async () => {
    const resource = env.key('ledger');
    const store = env.key('ledger:data');
    // The store keeps the highest fence it accepted and refuses lower ones (what a database would check).
    const write = async (fence: number, value: string) => {
      const accepted = await env.redis.eval(
        `local top = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if tonumber(ARGV[1]) < top then return 0 end
redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'value', ARGV[2]) return 1`,
        1,
        store,
        fence,
        value,
      );
      return accepted === 1;
    };
    const slow = await acquireLock(env.redis, resource, { ttlMs: 50 });
    await sleep(80); // paused (GC, swap) past the TTL
    const fast = await acquireLock(env.redis, resource, { ttlMs: 5000 });
    expect(await write(fast!.fence, 'new')).toBe(true);
    expect(await write(slow!.fence, 'stale')).toBe(false);
    expect(await env.redis.hget(store, 'value')).toBe('new');
  });

  it('withLock releases after the work and after a failure; bad TTLs are refused', async () => {
    const resource = env.key('job');
    const res = await withLock(env.redis, resource, { ttlMs: 1000 }, (lock) => Promise.resolve(lock.fence));
    expect(res).toMatchObject({ acquired: true, released: true });
    await expect(withLock(env.redis, resource, { ttlMs: 1000 }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await env.redis.exists(resource)).toBe(0);
    await expect(acquireLock(env.redis, resource, { ttlMs: 0 })).rejects.toThrow(/ttlMs/);
    expect(lockKeys(env.redis, resource)).toEqual({ lock: resource, fence: `${resource}:fence` });
  });

  it('sends each script’s text once per connection (EVAL), then only its SHA (EVALSHA)', async () => {
    const mon = await env.connect();
    const seen: string[] = [];
    const monitor = await mon.monitor();
    monitor.on('monitor', (_t: string, args: string[]) => {
      if (args.some((a) => String(a).startsWith(env.prefix))) seen.push(String(args[0]).toUpperCase());
    });
    const c = await env.connect();
    for (let i = 0; i < 3; i++) await (await acquireLock(c, env.key(`r${i}`), { ttlMs: 1000 }))!.release();
    await sleep(50);
    monitor.disconnect();
    // Three acquisitions and three releases: two scripts, each sent whole once, then by SHA.
    expect(seen.filter((s) => s === 'EVAL')).toHaveLength(2);
    expect(seen.filter((s) => s === 'EVALSHA')).toHaveLength(4);
  });
});

describe('acquireLock without a fence', () => {
  it('keeps no counter key (fence 0), for locks that guard no write', async () => {
    const resource = env.key('rebuild');
    const lock = await acquireLock(env.redis, resource, { ttlMs: 1000, fence: false });
    expect(lock?.fence).toBe(0);
    expect(await env.redis.exists(`${resource}:fence`)).toBe(0);
    expect(await acquireLock(env.redis, resource, { ttlMs: 1000, fence: false })).toBeNull();
    expect(await lock!.release()).toBe(true);
  });
});
