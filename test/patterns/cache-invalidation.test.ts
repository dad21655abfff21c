// Cache invalidation: by pattern (SCAN + UNLINK removes exactly the matching keys) and by event (pub/sub to every
// process's local cache). Invalidation by TTL is the ttlMs option: see cache-aside.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invalidateMatching, listenForInvalidations, publishInvalidation } from '../../src/patterns/cache/invalidation.js';
import { scanKeys } from '../../src/patterns/scan.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('cache-invalidation');
});
afterEach(async () => {
  await env.cleanup();
});

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('invalidateMatching', () => {
  it('removes exactly the keys matching the pattern and nothing else', async () => {
    const p = env.redis.pipeline();
    for (let i = 0; i < 250; i++) p.set(env.key(`user:${i}:profile`), 'x', 'PX', 60_000);
    for (let i = 0; i < 40; i++) p.set(env.key(`product:${i}`), 'x', 'PX', 60_000);
    p.set(env.key('users'), 'x', 'PX', 60_000); // looks similar, does not match user:*
    p.set(env.key('user'), 'x', 'PX', 60_000);
    await p.exec();
    expect(await invalidateMatching(env.redis, env.key('user:*'))).toBe(250);
    const left = (await scanKeys(env.redis, { match: `${env.prefix}*` })).sort();
    expect(left).toEqual([...Array.from({ length: 40 }, (_, i) => env.key(`product:${i}`)), env.key('user'), env.key('users')].sort());
    expect(await invalidateMatching(env.redis, env.key('user:*'))).toBe(0);
  });

  it('5 concurrent invalidations of disjoint patterns remove each its own keys exactly', async () => {
    const clients = await env.connectMany(5);
    const p = env.redis.pipeline();
    for (let g = 0; g < 5; g++) for (let i = 0; i < 60; i++) p.set(env.key(`g${g}:${i}`), 'x', 'PX', 60_000);
    p.set(env.key('keep'), 'x', 'PX', 60_000);
    await p.exec();
    const removed = await Promise.all(clients.map((c, g) => invalidateMatching(c, env.key(`g${g}:*`))));
    expect(removed).toEqual([60, 60, 60, 60, 60]);
    expect(await scanKeys(env.redis, { match: `${env.prefix}*` })).toEqual([env.key('keep')]);
  });
});

describe('invalidation events', () => {
  it('publishInvalidation with unlink removes the Redis copies and every listening process drops its local entries', async () => {
    const channel = env.key('invalidate');
    const subs = await env.connectMany(3);
    const locals = subs.map(() => new Map([...['a', 'b', 'c'].map((k) => [env.key(k), 'cached'] as const)]));
    const listeners = await Promise.all(
      subs.map((s, i) => listenForInvalidations(s, channel, (keys) => keys.forEach((k) => locals[i]!.delete(k)))),
    );
    await env.redis.set(env.key('a'), '1', 'PX', 60_000);
    await env.redis.set(env.key('c'), '3', 'PX', 60_000);
    expect(await publishInvalidation(env.redis, channel, [env.key('a'), env.key('b')], { unlink: true })).toBe(3);
    await until(() => locals.every((m) => m.size === 1));
    for (const m of locals) expect([...m.keys()]).toEqual([env.key('c')]);
    expect(await env.redis.exists(env.key('a'))).toBe(0);
    expect(await env.redis.get(env.key('c'))).toBe('3');
    await Promise.all(listeners.map((l) => l.close()));
    expect(await publishInvalidation(env.redis, channel, [env.key('c')])).toBe(0);
  });

  it('a plain PUBLISH of one key name is one key; other channels on the same connection are ignored', async () => {
    const channel = env.key('invalidate');
    const sub = await env.connect();
    const got: string[][] = [];
    const listener = await listenForInvalidations(sub, channel, (keys) => got.push(keys));
    await sub.subscribe(env.key('other'));
    await env.redis.publish(env.key('other'), '["x"]');
    await env.redis.publish(channel, 'product:1');
    await until(() => got.length === 1);
    await sleep(20);
    expect(got).toEqual([['product:1']]);
    await listener.close();
  });

  it('5 publishers × 20 events, 3 listeners: every listener receives all 100 events, each key once', async () => {
    const channel = env.key('invalidate');
    const [pubs, subs] = [await env.connectMany(5), await env.connectMany(3)];
    const received = subs.map(() => [] as string[]);
    await Promise.all(subs.map((s, i) => listenForInvalidations(s, channel, (keys) => received[i]!.push(...keys))));
    await Promise.all(
      pubs.map(async (p, n) => {
        for (let i = 0; i < 20; i++) expect(await publishInvalidation(p, channel, [env.key(`p${n}:${i}`)])).toBe(3);
      }),
    );
    await until(() => received.every((r) => r.length === 100));
    for (const r of received) expect(new Set(r).size).toBe(100);
  });
});
