// The one SCAN walker: every matching key exactly once in the result, HSCAN/ZSCAN pairs, and batch UNLINK of a pattern.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanKeys, scanPages, unlinkKeys, unlinkMatching } from '../../src/patterns/scan.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('scan');
});
afterEach(async () => {
  await env.cleanup();
});

describe('scan', () => {
  it('finds every key matching a pattern, each once, across many pages, and filters by TYPE', async () => {
    const p = env.redis.pipeline();
    for (let i = 0; i < 1500; i++) p.set(env.key(`user:${i}`), i);
    for (let i = 0; i < 20; i++) p.sadd(env.key(`tags:${i}`), 'a');
    await p.exec();
    let pages = 0;
    for await (const page of scanPages(env.redis, { match: `${env.prefix}user:*`, count: 200 })) {
      pages++;
      expect(page.cursor).toMatch(/^\d+$/);
    }
    expect(pages).toBeGreaterThan(1);
    const users = await scanKeys(env.redis, { match: `${env.prefix}user:*`, count: 200 });
    expect(users).toHaveLength(1500);
    expect(new Set(users).size).toBe(1500);
    const sets = await scanKeys(env.redis, { match: `${env.prefix}*`, type: 'set', count: 500 });
    expect(sets.sort()).toEqual(Array.from({ length: 20 }, (_, i) => env.key(`tags:${i}`)).sort());
  });

  it('walks a hash and a sorted set as pairs', async () => {
    await env.redis.hset(env.key('h'), Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`])));
    await env.redis.zadd(env.key('z'), 1, 'a', 2, 'b');
    const fields = new Map<string, string>();
    for await (const page of scanPages(env.redis, { command: 'HSCAN', key: env.key('h'), count: 50 }))
      for (const [f, v] of page.pairs ?? []) fields.set(f, v);
    expect(fields.size).toBe(300);
    expect(fields.get('f7')).toBe('v7');
    expect((await scanKeys(env.redis, { command: 'ZSCAN', key: env.key('z') })).sort()).toEqual(['a', 'b']);
    await expect(scanKeys(env.redis, { command: 'SSCAN' })).rejects.toThrow(/needs a key/);
  });

  it('unlinks exactly the matching keys in short commands, and exactly the named ones', async () => {
    const p = env.redis.pipeline();
    for (let i = 0; i < 1234; i++) p.set(env.key(`cache:product:${i}`), i);
    p.set(env.key('cache:other'), 1).set(env.key('keep:product:1'), 1);
    await p.exec();
    const stats = await unlinkMatching(env.redis, `${env.prefix}cache:product:*`, { perCommand: 100, perPipeline: 5 });
    expect(stats.removed).toBe(1234);
    expect(stats.commands).toBeGreaterThanOrEqual(13);
    expect(await scanKeys(env.redis, { match: `${env.prefix}*` })).toHaveLength(2);
    const named = await unlinkKeys(env.redis, [env.key('cache:other'), env.key('missing')]);
    expect(named).toMatchObject({ requested: 2, removed: 1, commands: 1, roundTrips: 1 });
    expect(await env.redis.exists(env.key('keep:product:1'))).toBe(1);
  });
});
