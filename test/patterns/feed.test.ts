import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushActivity, recentActivity } from '../../src/patterns/feed.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('feed');
});
afterEach(async () => {
  await env.cleanup();
});

describe('feed', () => {
  it('keeps the newest activities first, capped at keep', async () => {
    const key = env.key('feed');
    for (let i = 1; i <= 7; i++) expect(await pushActivity(env.redis, key, `a${i}`, 5)).toBe(Math.min(i, 5));
    expect(await recentActivity(env.redis, key, 3)).toEqual(['a7', 'a6', 'a5']);
    expect(await recentActivity(env.redis, key, 10)).toEqual(['a7', 'a6', 'a5', 'a4', 'a3']);
    expect(await recentActivity(env.redis, key, 0)).toEqual([]);
    await expect(pushActivity(env.redis, key, 'x', 0)).rejects.toThrow(RangeError);
  });

  it('loses no activity from 200 concurrent pushes, and never exceeds the cap', async () => {
    const clients = await env.connectMany(10);
    const all = env.key('all');
    const capped = env.key('capped');
    const lengths = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        pushActivity(clients[i % 10]!, all, `a${i}`, 1000).then(() => pushActivity(clients[i % 10]!, capped, `a${i}`, 50)),
      ),
    );
    expect(Math.max(...lengths)).toBeLessThanOrEqual(50);
    const everything = await recentActivity(env.redis, all, 1000);
    expect(everything).toHaveLength(200);
    expect(new Set(everything).size).toBe(200);
    expect(await env.redis.llen(capped)).toBe(50);
  });
});
