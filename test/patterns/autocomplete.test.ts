import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addCompletions,
  completePrefix,
  foldCompletionTerm,
  recordPopularCompletion,
  removeCompletions,
  removePopularCompletion,
  suggestPopular,
} from '../../src/patterns/autocomplete.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('autocomplete');
});
afterEach(async () => {
  await env.cleanup();
});

describe('autocomplete (lexicographic)', () => {
  it('returns sorted, case-folded matches and respects the limit', async () => {
    const key = env.key('words');
    expect(await addCompletions(env.redis, key, ['Apple', 'apricot', 'APP', 'application', 'banana', 'apple', 'Apply', 'ap', 'aq'])).toBe(
      8,
    );
    expect(await completePrefix(env.redis, key, 'App', 10)).toEqual(['app', 'apple', 'application', 'apply']);
    expect(await completePrefix(env.redis, key, 'ap', 3)).toEqual(['ap', 'app', 'apple']);
    expect(await completePrefix(env.redis, key, 'apple', 10)).toEqual(['apple']);
    expect(await completePrefix(env.redis, key, 'apz', 10)).toEqual([]);
    expect(await completePrefix(env.redis, key, '', 2)).toEqual(['ap', 'app']);
    expect(await removeCompletions(env.redis, key, ['APPLE', 'nothing'])).toBe(1);
    expect(await completePrefix(env.redis, key, 'appl', 10)).toEqual(['application', 'apply']);
    await expect(completePrefix(env.redis, key, 'a', 0)).rejects.toThrow(RangeError);
  });

  it('handles prefixes at the end of the range: multi-byte continuations and the last members of the set', async () => {
    const key = env.key('unicode');
    // After "tokyo": 'é' (C3 A9), 'ž' (C5 BE), '東' (E6 9D B1) and an emoji (F0 9F …): all bytes above C3 BF, the
    // UTF-8 of the string '\xff', except the first. Only the raw byte 0xFF as the bound catches all of them.
    const terms = ['tokyo', 'tokyoé', 'tokyož', 'tokyo東京', 'tokyo🗼', 'tokyp', 'zz', 'zzz', 'zzzž'];
    await addCompletions(env.redis, key, terms);
    expect(await completePrefix(env.redis, key, 'Tokyo', 10)).toEqual(['tokyo', 'tokyoé', 'tokyož', 'tokyo東京', 'tokyo🗼']);
    expect(await completePrefix(env.redis, key, 'zz', 10)).toEqual(['zz', 'zzz', 'zzzž']);
    expect(await completePrefix(env.redis, key, 'zzzž', 10)).toEqual(['zzzž']);
    expect(await completePrefix(env.redis, key, 'zzzz', 10)).toEqual([]);
    expect(await completePrefix(env.redis, key, '🗼', 10)).toEqual([]);
    expect(foldCompletionTerm('ＡＢＣ ﬁle')).toBe('abc file');
  });

  it('adds 200 terms concurrently from 10 connections', async () => {
    const key = env.key('race');
    const clients = await env.connectMany(10);
    await Promise.all(Array.from({ length: 200 }, (_, i) => addCompletions(clients[i % 10]!, key, [`term${String(i).padStart(3, '0')}`])));
    expect(await env.redis.zcard(key)).toBe(200);
    expect(await completePrefix(env.redis, key, 'term19', 20)).toEqual(Array.from({ length: 10 }, (_, i) => `term19${i}`));
  });
});

describe('autocomplete (popular)', () => {
  it('suggests the most used terms for a prefix, best first, from a bounded index', async () => {
    const base = env.key('pop');
    const uses: [string, number][] = [
      ['redis', 9],
      ['react', 7],
      ['Redux', 5],
      ['ruby', 3],
      ['rust', 8],
      ['regex', 1],
    ];
    for (const [term, n] of uses) for (let i = 0; i < n; i++) await recordPopularCompletion(env.redis, base, term, { keepPerPrefix: 3 });
    expect(await suggestPopular(env.redis, base, 'R', 10)).toEqual([
      { term: 'redis', score: 9 },
      { term: 'rust', score: 8 },
      { term: 'react', score: 7 },
    ]);
    expect(await suggestPopular(env.redis, base, 're', 2)).toEqual([
      { term: 'redis', score: 9 },
      { term: 'react', score: 7 },
    ]);
    expect(await suggestPopular(env.redis, base, 'red', 10)).toEqual([
      { term: 'redis', score: 9 },
      { term: 'redux', score: 5 },
    ]);
    expect(await env.redis.zcard(`${base}:prefix:r`)).toBe(3);
    // "ruby" was trimmed out of "r" at 3; it climbs back with its full score, not from 1.
    expect(await recordPopularCompletion(env.redis, base, 'ruby', { keepPerPrefix: 3, by: 6 })).toBe(9);
    expect((await suggestPopular(env.redis, base, 'r', 3)).map((s) => s.term)).toEqual(['ruby', 'redis', 'rust']);
    expect(await suggestPopular(env.redis, base, 'x', 3)).toEqual([]);
    expect((await suggestPopular(env.redis, base, '', 1))[0]).toEqual({ term: 'ruby', score: 9 });
    expect(await removePopularCompletion(env.redis, base, 'RUBY')).toBe(true);
    expect((await suggestPopular(env.redis, base, 'r', 3)).map((s) => s.term)).toEqual(['redis', 'rust']);
  });

  it('answers prefixes longer than the indexed length from the longest indexed one', async () => {
    const base = env.key('long');
    const opts = { maxPrefixLength: 3, keepPerPrefix: 5 };
    await recordPopularCompletion(env.redis, base, 'database', { ...opts, by: 4 });
    await recordPopularCompletion(env.redis, base, 'datum', { ...opts, by: 2 });
    await recordPopularCompletion(env.redis, base, 'databank', { ...opts, by: 3 });
    expect(await env.redis.exists(`${base}:prefix:data`)).toBe(0);
    expect(await suggestPopular(env.redis, base, 'datab', 10, opts)).toEqual([
      { term: 'database', score: 4 },
      { term: 'databank', score: 3 },
    ]);
    expect(await suggestPopular(env.redis, base, 'databa', 1, opts)).toEqual([{ term: 'database', score: 4 }]);
  });

  it('counts 100 concurrent uses exactly and keeps each prefix set the true top N', async () => {
    const base = env.key('race');
    const clients = await env.connectMany(10);
    // term k (k = 0..4) is used 4 + 4k times: 4, 8, 12, 16, 20 → 60 uses; plus 40 uses of "other".
    const jobs: string[] = [];
    for (let k = 0; k < 5; k++) for (let i = 0; i < 4 + 4 * k; i++) jobs.push(`cat${k}`);
    for (let i = 0; i < 40; i++) jobs.push('other');
    await Promise.all(jobs.map((t, i) => recordPopularCompletion(clients[i % 10]!, base, t, { keepPerPrefix: 3 })));
    expect(await suggestPopular(env.redis, base, 'cat', 10)).toEqual([
      { term: 'cat4', score: 20 },
      { term: 'cat3', score: 16 },
      { term: 'cat2', score: 12 },
    ]);
    expect(await suggestPopular(env.redis, base, 'cat1', 10)).toEqual([{ term: 'cat1', score: 8 }]);
    expect(await suggestPopular(env.redis, base, 'o', 10)).toEqual([{ term: 'other', score: 40 }]);
  });
});
