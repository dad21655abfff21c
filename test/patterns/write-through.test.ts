// Write-through: database first, then the cache; a refused save leaves no cache entry; serialized writers keep the
// cache on the database's last value.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeThrough, WriteThroughLockError } from '../../src/patterns/cache/write-through.js';
import { acquireLock } from '../../src/patterns/lock.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('write-through');
});
afterEach(async () => {
  await env.cleanup();
});

describe('writeThrough', () => {
  it('saves to the database, then caches the JSON with its TTL', async () => {
    const key = env.key('user:1');
    const db = new Map<string, unknown>();
    let cachedDuringSave: string | null = 'unset';
    await writeThrough(
      env.redis,
      key,
      { name: 'Ada' },
      {
        ttlMs: 5000,
        save: async (v) => {
          cachedDuringSave = await env.redis.get(key);
          db.set(key, v);
        },
      },
    );
    expect(cachedDuringSave).toBeNull(); // the cache is written only after the database took the value
    expect(db.get(key)).toEqual({ name: 'Ada' });
    expect(JSON.parse((await env.redis.get(key))!)).toEqual({ name: 'Ada' });
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('a failed save leaves no cache entry (not even the previous one) and rethrows', async () => {
    const key = env.key('user:2');
    await env.redis.set(key, JSON.stringify({ name: 'old' }), 'PX', 5000);
    const save = async () => {
      await sleep(5);
      throw new Error('constraint violated');
    };
    await expect(writeThrough(env.redis, key, { name: 'refused' }, { ttlMs: 5000, save })).rejects.toThrow('constraint violated');
    expect(await env.redis.exists(key)).toBe(0);
  });

  it('with lock: 20 concurrent writers are serialized, fences rise, and the cache ends on the database value', async () => {
    const clients = await env.connectMany(20);
    const key = env.key('user:3');
    const db = { value: -1, fence: 0, saves: 0, running: 0, maxRunning: 0 };
    const save = async (v: number, fence?: number) => {
      db.running++;
      db.maxRunning = Math.max(db.maxRunning, db.running);
      // The database refuses a writer whose fence is not above the last one it accepted.
      expect(fence).toBeGreaterThan(db.fence);
      await sleep(Math.random() * 6);
      db.value = v;
      db.fence = fence!;
      db.saves++;
      db.running--;
    };
    await Promise.all(clients.map((c, i) => writeThrough(c, key, i, { ttlMs: 10_000, save, lock: { ttlMs: 2000, waitMs: 8000 } })));
    expect(db.saves).toBe(20);
    expect(db.maxRunning).toBe(1);
    expect(JSON.parse((await env.redis.get(key))!)).toBe(db.value);
    expect(await env.redis.exists(`${key}:lock`)).toBe(0);
  });

  it('with lock: a writer that cannot get the lock in waitMs throws and changes nothing', async () => {
    const key = env.key('user:4');
    const held = await acquireLock(env.redis, `${key}:lock`, { ttlMs: 2000 });
    let saved = false;
    const save = async () => {
      await sleep(1);
      saved = true;
    };
    await expect(writeThrough(env.redis, key, 1, { ttlMs: 5000, save, lock: { ttlMs: 1000, waitMs: 60 } })).rejects.toBeInstanceOf(
      WriteThroughLockError,
    );
    expect(saved).toBe(false);
    expect(await env.redis.exists(key)).toBe(0);
    expect(await held!.release()).toBe(true);
  });
});
