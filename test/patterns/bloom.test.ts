// The Bloom filter: no false negatives ever, a measured false-positive rate near its target, concurrent adds all
// kept, and the module backend when the server has it (else 'auto' runs core).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bloomPositions, bloomSize, createBloomFilter, measureFalsePositiveRate } from '../../src/patterns/bloom.js';
import { detectModules } from '../../src/patterns/modules.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('bloom');
});
afterEach(async () => {
  await env.cleanup();
});

const items = (tag: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${tag}-${from + i}`);

describe('bloomSize and bloomPositions', () => {
  it('sizes by m = -n ln p / (ln 2)^2 and k = (m / n) ln 2', () => {
    expect(bloomSize(10_000, 0.01)).toEqual({ bits: 95_851, hashes: 7 });
    expect(bloomSize(1_000, 0.001)).toEqual({ bits: 14_378, hashes: 10 });
    expect(() => bloomSize(0, 0.01)).toThrow(RangeError);
    expect(() => bloomSize(100, 1)).toThrow(RangeError);
  });

  it('gives k positions inside the bitmap, the same for the same item', () => {
    const a = bloomPositions('apple', 1000, 7);
    expect(a).toHaveLength(7);
    for (const p of a) expect(p >= 0 && p < 1000 && Number.isInteger(p)).toBe(true);
    expect(bloomPositions('apple', 1000, 7)).toEqual(a);
    expect(bloomPositions('apples', 1000, 7)).not.toEqual(a);
  });
});

describe('createBloomFilter (core)', () => {
  it('at capacity 10,000 and 1%: no false negative, and a measured false-positive rate near 1%', async () => {
    const filter = await createBloomFilter(env.redis, env.key('seen'), { capacity: 10_000, errorRate: 0.01, backend: 'core' });
    expect(filter.backend).toBe('core');
    expect({ bits: filter.bits, hashes: filter.hashes }).toEqual(bloomSize(10_000, 0.01));
    const inserted = items('in', 10_000);
    const added = await filter.add(inserted);
    expect(added).toHaveLength(10_000);
    // Nearly every item is new to a filter at or under capacity (a "false" is itself a false positive on add).
    expect(added.filter(Boolean).length).toBeGreaterThan(9_900);
    expect((await filter.mightContain(inserted)).every(Boolean)).toBe(true);
    const rate = await measureFalsePositiveRate(filter, items('out', 20_000));
    expect(rate).toBeGreaterThanOrEqual(0.003);
    expect(rate).toBeLessThanOrEqual(0.02);
    // The bitmap is at most m bits long (whole bytes, up to the highest bit set) and k of them per item at most are set.
    expect(await env.redis.strlen(filter.key)).toBeLessThanOrEqual(Math.ceil(filter.bits / 8));
    expect(await env.redis.bitcount(filter.key)).toBeLessThanOrEqual(10_000 * filter.hashes);
  });

  it('reports an item already there as not new, and an empty batch as empty', async () => {
    const filter = await createBloomFilter(env.redis, env.key('f'), { capacity: 1_000, errorRate: 0.01, backend: 'core' });
    expect(await filter.add(['a', 'b'])).toEqual([true, true]);
    expect(await filter.add(['a', 'c'])).toEqual([false, true]);
    expect(await filter.add([])).toEqual([]);
    expect(await filter.mightContain([])).toEqual([]);
    expect(await filter.mightContain(['a', 'b', 'c'])).toEqual([true, true, true]);
  });

  it('stores its parameters in <key>:meta, and a later opener with other sizes keeps them', async () => {
    const first = await createBloomFilter(env.redis, env.key('shared'), { capacity: 5_000, errorRate: 0.02, backend: 'core' });
    expect(first.metaKey).toBe(`${env.key('shared')}:meta`);
    expect(await env.redis.hgetall(first.metaKey!)).toEqual({
      bits: String(first.bits),
      hashes: String(first.hashes),
      capacity: '5000',
      errorRate: '0.02',
    });
    await first.add(items('x', 500));
    const second = await createBloomFilter(env.redis, env.key('shared'), { capacity: 100, errorRate: 0.3, backend: 'core' });
    expect({ bits: second.bits, hashes: second.hashes, capacity: second.capacity, errorRate: second.errorRate }).toEqual({
      bits: first.bits,
      hashes: first.hashes,
      capacity: 5_000,
      errorRate: 0.02,
    });
    expect((await second.mightContain(items('x', 500))).every(Boolean)).toBe(true);
    await second.clear();
    expect(await env.redis.exists(first.key, first.metaKey!)).toBe(0);
  });

  it('keeps every item when 10 clients add disjoint batches at once (no false negative)', async () => {
    const clients = await env.connectMany(10);
    const filters = await Promise.all(
      clients.map((c) => createBloomFilter(c, env.key('race'), { capacity: 10_000, errorRate: 0.01, backend: 'core' })),
    );
    await Promise.all(filters.map((f, i) => Promise.all([0, 1, 2, 3].map((part) => f.add(items(`c${i}`, 200, part * 200))))));
    const all = Array.from({ length: 10 }, (_, i) => items(`c${i}`, 800)).flat();
    const answers = await filters[0]!.mightContain(all);
    expect(answers.filter((a) => !a)).toHaveLength(0);
    expect(answers).toHaveLength(8_000);
  });
});

describe('createBloomFilter (backend)', () => {
  it("runs RedisBloom when the server has it, and otherwise 'auto' runs core", async () => {
    const { bloom } = await detectModules(env.redis);
    const auto = await createBloomFilter(env.redis, env.key('auto'), { capacity: 1_000, errorRate: 0.01 });
    expect(auto.backend).toBe(bloom ? 'module' : 'core');
    if (bloom) {
      const filter = await createBloomFilter(env.redis, env.key('mod'), { capacity: 1_000, errorRate: 0.01, backend: 'module' });
      expect(filter.backend).toBe('module');
      expect(await filter.add(['a', 'b'])).toEqual([true, true]);
      expect(await filter.add(['a'])).toEqual([false]);
      const inserted = items('in', 1_000);
      await filter.add(inserted);
      expect((await filter.mightContain(inserted)).every(Boolean)).toBe(true);
      expect(await measureFalsePositiveRate(filter, items('out', 5_000))).toBeLessThanOrEqual(0.03);
      expect(String(await env.redis.type(filter.key))).not.toBe('string');
    } else {
      expect(auto.metaKey).toBe(`${env.key('auto')}:meta`);
      await auto.add(['a']);
      expect(await env.redis.type(auto.key)).toBe('string');
      expect(await auto.mightContain(['a'])).toEqual([true]);
    }
  });
});
