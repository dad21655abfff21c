import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteFlag,
  featureFlagKeys,
  isEnabled,
  isEnabledBatch,
  listFlags,
  rolloutBucket,
  setFlag,
} from '../../src/patterns/feature-flags.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('flags');
  envs.push(env);
  return env;
}

const ids = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

describe('feature flags', () => {
  it('rolls a flag out to its percentage of 10,000 users (±3 %), the same users every time', async () => {
    const env = await setup();
    const key = env.key('flags');
    const clients = await env.connectMany(10);
    await setFlag(env.redis, key, 'new-checkout', { percentage: 25 });
    // All 10,000 users in one batch, and 2,000 of them one by one over 10 connections at once: the same answers.
    const answers = await isEnabledBatch(env.redis, key, 'new-checkout', ids);
    expect(Math.abs(answers.filter(Boolean).length - 2_500)).toBeLessThanOrEqual(300);
    const single = await Promise.all(ids.slice(0, 2_000).map((id, i) => isEnabled(clients[i % 10]!, key, 'new-checkout', id)));
    expect(single).toEqual(answers.slice(0, 2_000));
    // Stable: the answer is a function of (flag, user) alone, so asking again (or from any client) gives the same.
    expect(answers).toEqual(ids.map((id) => rolloutBucket('new-checkout', id) < 2_500));
    expect(await isEnabledBatch(env.redis, key, 'new-checkout', ids)).toEqual(answers);
    // The other percentages, by the same rule the client applies.
    for (const percentage of [0, 1, 10, 50, 90, 100]) {
      const on = ids.filter((id) => rolloutBucket('new-checkout', id) < percentage * 100).length;
      expect(Math.abs(on - percentage * 100)).toBeLessThanOrEqual(300);
      if (percentage === 0) expect(on).toBe(0);
      if (percentage === 100) expect(on).toBe(10_000);
    }
    await setFlag(env.redis, key, 'new-checkout', { percentage: 100 });
    expect(await isEnabled(env.redis, key, 'new-checkout', 'anyone')).toBe(true);
    await setFlag(env.redis, key, 'new-checkout', { percentage: 0 });
    expect(await isEnabled(env.redis, key, 'new-checkout', 'anyone')).toBe(false);
  });

  it('widening a rollout keeps everyone who had the flag; another flag picks different users', () => {
    const at = (flag: string, pct: number) => new Set(ids.filter((id) => rolloutBucket(flag, id) < pct * 100));
    const ten = at('search-v2', 10);
    const thirty = at('search-v2', 30);
    for (const id of ten) expect(thirty.has(id)).toBe(true);
    const other = at('dark-mode', 10);
    const overlap = [...ten].filter((id) => other.has(id)).length;
    // Independent 10 % samples share about 1 % of users (100 of 10,000), not the same 1,000.
    expect(overlap).toBeLessThan(300);
    expect(rolloutBucket('search-v2', 'user-1')).toBe(rolloutBucket('search-v2', 'user-1'));
  });

  it('allow-list users always get the flag; unknown flags are off; list and delete', async () => {
    const env = await setup();
    const key = env.key('flags');
    expect(await isEnabled(env.redis, key, 'nope', 'user-1')).toBe(false);
    await setFlag(env.redis, key, 'beta', { percentage: 0, allow: ['ada', 'lin'] });
    await setFlag(env.redis, key, 'alpha', { percentage: 12.5 });
    expect(await isEnabled(env.redis, key, 'beta', 'ada')).toBe(true);
    expect(await isEnabled(env.redis, key, 'beta', 'bob')).toBe(false);
    expect(await isEnabledBatch(env.redis, key, 'beta', ['bob', 'lin', 'ada'])).toEqual([false, true, true]);
    expect(await isEnabledBatch(env.redis, key, 'nope', ['ada'])).toEqual([false]);
    expect(await listFlags(env.redis, key)).toEqual([
      { flag: 'alpha', percentage: 12.5, allow: [] },
      { flag: 'beta', percentage: 0, allow: ['ada', 'lin'] },
    ]);
    // Changing the percentage without `allow` keeps the list; an empty `allow` clears it.
    await setFlag(env.redis, key, 'beta', { percentage: 5 });
    expect(await isEnabled(env.redis, key, 'beta', 'lin')).toBe(true);
    await setFlag(env.redis, key, 'beta', { percentage: 0, allow: [] });
    expect(await isEnabled(env.redis, key, 'beta', 'lin')).toBe(false);
    expect(await deleteFlag(env.redis, key, 'alpha')).toBe(true);
    expect(await deleteFlag(env.redis, key, 'alpha')).toBe(false);
    expect((await listFlags(env.redis, key)).map((f) => f.flag)).toEqual(['beta']);
    await expect(setFlag(env.redis, key, 'x', { percentage: 101 })).rejects.toThrow(RangeError);
  });

  it('20 concurrent setFlag calls leave one writer’s whole allow-list, never a mix', async () => {
    const env = await setup();
    const key = env.key('flags');
    const clients = await env.connectMany(20);
    const lists = clients.map((_, w) => Array.from({ length: 50 }, (_, i) => `w${w}-u${i}`));
    await Promise.all(clients.map((c, w) => setFlag(c, key, 'beta', { percentage: w, allow: lists[w]! })));
    const [flag] = await listFlags(env.redis, key);
    expect(flag).toBeDefined();
    // The percentage and the list come from the same writer (writer w set percentage w).
    expect(flag!.allow).toEqual([...lists[flag!.percentage]!].sort());
    expect(await env.redis.scard(featureFlagKeys(env.redis, key, 'beta').allow)).toBe(50);
  });
});
