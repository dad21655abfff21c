// Time series: downsampling exact against values computed here, retention trims (and refuses too-old samples),
// rollups match the samples, concurrent adds are all kept, and the module backend when the server has it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectModules } from '../../src/patterns/modules.js';
import {
  aggregateTimeSeries,
  createTimeSeries,
  timeBucketStart,
  type TimeSeriesAggregator,
  type TimeSeriesSample,
} from '../../src/patterns/timeseries.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('ts');
});
afterEach(async () => {
  await env.cleanup();
});

const AGGREGATORS: TimeSeriesAggregator[] = ['avg', 'sum', 'min', 'max', 'count'];
const T0 = 1_700_000_000_000; // a multiple of 1000, 10000, 60000

/** Samples every 250 ms with integer values from a fixed pseudo-random sequence (the same on every run). */
function samples(n: number): TimeSeriesSample[] {
  let x = 42;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return { timestamp: T0 + i * 250, value: (x % 201) - 100 };
  });
}

/** The expected aggregate of each bucket, computed independently of the library. */
function expected(all: TimeSeriesSample[], from: number, to: number, bucketMs: number, agg: TimeSeriesAggregator): TimeSeriesSample[] {
  const groups = new Map<number, number[]>();
  for (const s of all) {
    if (s.timestamp < from || s.timestamp > to) continue;
    const b = s.timestamp - (s.timestamp % bucketMs);
    groups.set(b, [...(groups.get(b) ?? []), s.value]);
  }
  return [...groups].map(([timestamp, vs]) => {
    const sum = vs.reduce((a, b) => a + b, 0);
    const value = { avg: sum / vs.length, sum, min: Math.min(...vs), max: Math.max(...vs), count: vs.length }[agg];
    return { timestamp, value };
  });
}

describe('timeBucketStart / aggregateTimeSeries', () => {
  it('aligns buckets to the epoch and aggregates each non-empty one', () => {
    expect(timeBucketStart(12_345, 1000)).toBe(12_000);
    const s = [
      { timestamp: 100, value: 1 },
      { timestamp: 900, value: 5 },
      { timestamp: 2100, value: -2 },
    ];
    expect(aggregateTimeSeries(s, 1000, 'sum')).toEqual([
      { timestamp: 0, value: 6 },
      { timestamp: 2000, value: -2 },
    ]);
    expect(aggregateTimeSeries(s, 1000, 'avg')[0]!.value).toBe(3);
  });
});

describe('createTimeSeries (core: a sorted set)', () => {
  it('keeps samples as score=timestamp, member "timestamp:value", and reads a range', async () => {
    const series = await createTimeSeries(env.redis, env.key('cpu'), { backend: 'core' });
    expect(series.backend).toBe('core');
    await series.add(T0 + 2000, 0.5);
    await series.add(T0, -3);
    await series.add(T0 + 1000, 7);
    expect(await env.redis.zrangebyscore(series.key, '-inf', '+inf', 'WITHSCORES')).toEqual([
      `${T0}:-3`,
      String(T0),
      `${T0 + 1000}:7`,
      String(T0 + 1000),
      `${T0 + 2000}:0.5`,
      String(T0 + 2000),
    ]);
    expect(await series.range(T0, T0 + 1000)).toEqual([
      { timestamp: T0, value: -3 },
      { timestamp: T0 + 1000, value: 7 },
    ]);
    expect(await series.range(0, T0 - 1)).toEqual([]);
  });

  it('replaces a sample at the same timestamp (one sample per timestamp)', async () => {
    const series = await createTimeSeries(env.redis, env.key('dup'), { backend: 'core', rollupBucketsMs: [1000] });
    await series.add(T0, 5);
    await series.add(T0 + 1, 9);
    await series.add(T0, 2);
    expect(await series.range(T0, T0 + 10)).toEqual([
      { timestamp: T0, value: 2 },
      { timestamp: T0 + 1, value: 9 },
    ]);
    expect(await series.rollups(T0, T0, 1000)).toEqual([{ bucket: T0, sum: 11, count: 2, min: 2, max: 9 }]);
  });

  it('downsamples exactly: every aggregator, every bucket size, against values computed here', async () => {
    const series = await createTimeSeries(env.redis, env.key('temp'), { backend: 'core' });
    const all = samples(400); // 100 s of samples
    for (const s of all) await series.add(s.timestamp, s.value);
    const ranges: [number, number][] = [
      [T0, T0 + 100_000],
      [T0 + 1_250, T0 + 61_000],
      [T0 + 30_000, T0 + 30_000],
    ];
    for (const [from, to] of ranges) {
      for (const bucketMs of [1000, 7000, 60_000]) {
        for (const agg of AGGREGATORS) {
          expect(await series.downsample(from, to, bucketMs, agg), `${agg} ${bucketMs} ${from - T0}..${to - T0}`).toEqual(
            expected(all, from, to, bucketMs, agg),
          );
        }
      }
    }
  });

  it('keeps rollups per bucket (sum, count, min, max) in <key>:agg:<bucketMs>:<bucket> hashes, each with a TTL', async () => {
    const series = await createTimeSeries(env.redis, env.key('rolled'), {
      backend: 'core',
      rollupBucketsMs: [1000, 10_000],
      rollupTtlMs: 60_000,
    });
    const all = samples(200); // 50 s
    for (const s of all) await series.add(s.timestamp, s.value);
    for (const bucketMs of [1000, 10_000]) {
      const rollups = await series.rollups(T0, T0 + 49_999, bucketMs);
      const sums = expected(all, T0, T0 + 49_999, bucketMs, 'sum');
      expect(rollups.map((r) => ({ timestamp: r.bucket, value: r.sum }))).toEqual(sums);
      expect(rollups.map((r) => ({ timestamp: r.bucket, value: r.count }))).toEqual(expected(all, T0, T0 + 49_999, bucketMs, 'count'));
      expect(rollups.map((r) => ({ timestamp: r.bucket, value: r.min }))).toEqual(expected(all, T0, T0 + 49_999, bucketMs, 'min'));
      expect(rollups.map((r) => ({ timestamp: r.bucket, value: r.max }))).toEqual(expected(all, T0, T0 + 49_999, bucketMs, 'max'));
    }
    const hash = `${series.key}:agg:10000:${T0 + 10_000}`;
    expect(Number(await env.redis.hget(hash, 'count'))).toBe(40);
    const ttl = await env.redis.pttl(hash);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await expect(series.rollups(T0, T0 + 1000, 5000)).rejects.toThrow(/no rollups of 5000 ms/);
  });

  it('trims by retention in the same step as the add, and refuses a sample older than the window', async () => {
    const series = await createTimeSeries(env.redis, env.key('short'), { backend: 'core', retentionMs: 1000, rollupBucketsMs: [500] });
    for (let t = 0; t <= 5000; t += 100) await series.add(T0 + t, t);
    // The newest sample is T0+5000: everything before T0+4000 is gone, T0+4000 itself stays.
    const kept = await series.range(T0, T0 + 10_000);
    expect(kept.map((s) => s.timestamp - T0)).toEqual([4000, 4100, 4200, 4300, 4400, 4500, 4600, 4700, 4800, 4900, 5000]);
    expect(await env.redis.zcard(series.key)).toBe(11);
    await expect(series.add(T0 + 3999, 1)).rejects.toThrow(/older than the retention window/);
    await series.add(T0 + 4050, 1); // inside the window, out of order: accepted
    expect(await env.redis.zcard(series.key)).toBe(12);
    // The rollups of the default TTL (retention + bucket) expire on their own.
    const ttl = await env.redis.pttl(`${series.key}:agg:500:${T0 + 4500}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1500);
    await series.clear();
    expect(await env.redis.exists(series.key, `${series.key}:agg:500:${T0 + 4500}`)).toBe(0);
  });

  it('keeps every sample and counts every rollup exactly when 10 clients add at once', async () => {
    const clients = await env.connectMany(10);
    const all = await Promise.all(clients.map((c) => createTimeSeries(c, env.key('race'), { backend: 'core', rollupBucketsMs: [1000] })));
    await Promise.all(all.map((series, i) => Promise.all(Array.from({ length: 100 }, (_, j) => series.add(T0 + j * 10 + i, i + 1)))));
    const kept = await all[0]!.range(T0, T0 + 10_000);
    expect(kept).toHaveLength(1000);
    const rollups = await all[0]!.rollups(T0, T0 + 999, 1000);
    expect(rollups).toEqual([{ bucket: T0, sum: 100 * 55, count: 1000, min: 1, max: 10 }]);
    expect(await all[0]!.downsample(T0, T0 + 10_000, 1000, 'sum')).toEqual([{ timestamp: T0, value: 5500 }]);
  });

  it('validates its arguments', async () => {
    const series = await createTimeSeries(env.redis, env.key('v'), { backend: 'core' });
    await expect(series.add(-1, 1)).rejects.toThrow(RangeError);
    await expect(series.add(1.5, 1)).rejects.toThrow(RangeError);
    await expect(series.add(1, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    await expect(series.downsample(0, 10, 0, 'avg')).rejects.toThrow(RangeError);
    await expect(createTimeSeries(env.redis, env.key('v'), { retentionMs: -1 })).rejects.toThrow(RangeError);
  });
});

describe('createTimeSeries (backend)', () => {
  it("runs RedisTimeSeries when the server has it, and otherwise 'auto' runs the sorted set", async () => {
    const { timeseries } = await detectModules(env.redis);
    const series = await createTimeSeries(env.redis, env.key('auto'), { retentionMs: 60_000, rollupBucketsMs: [10_000] });
    expect(series.backend).toBe(timeseries ? 'module' : 'core');
    const all = samples(200);
    for (const s of all) await series.add(s.timestamp, s.value);
    expect(await series.range(T0, T0 + 100_000)).toEqual(all);
    for (const agg of AGGREGATORS) {
      expect(await series.downsample(T0, T0 + 100_000, 10_000, agg), agg).toEqual(expected(all, T0, T0 + 100_000, 10_000, agg));
    }
    const rollups = await series.rollups(T0, T0 + 49_999, 10_000);
    expect(rollups.map((r) => r.count)).toEqual([40, 40, 40, 40, 40]);
    expect(await env.redis.type(series.key)).toBe(timeseries ? 'TSDB-TYPE' : 'zset');
    await expect(series.add(T0 - 120_000, 1)).rejects.toThrow();
  });
});
