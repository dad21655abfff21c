// Time series in a sorted set: samples trimmed by retention, downsampled from the raw samples and read from rollup
// hashes that outlive them (RedisTimeSeries next to it when the server has it), then an exercise that adds a sample
// and applies the retention with one ZREMRANGEBYSCORE.
import { custom, ranCommands } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { createTimeSeries, timeBucketStart, type TimeSeriesSample } from '../../patterns/index.js';
import { mulberry32 } from '../../util/random.js';
import { clock, coreOnly, CPU_CUTOFF, CPU_NEW, CPU_SAMPLES, MINUTE, modulesOf, T0 } from './shared.js';

const SERIES = 'probabilistic:ts:temperature';
const SERIES_MODULE = 'probabilistic:ts:temperature-ts';
const CPU = 'probabilistic:ts:cpu';

/** One sample every 30 s for 90 minutes; the series keeps the last hour and 15-minute rollups. */
const STEP_MS = 30_000;
const SAMPLES = 180;
const RETENTION_MS = 60 * MINUTE;
const BUCKET_MS = 15 * MINUTE;

/** A temperature that swings over the hour, with some noise: deterministic, so the tables are the same every run. */
function temperatures(): TimeSeriesSample[] {
  const random = mulberry32(8);
  return Array.from({ length: SAMPLES }, (_, i) => {
    const t = i * STEP_MS;
    const value = 20 + 3 * Math.sin((2 * Math.PI * t) / (60 * MINUTE)) + (random() - 0.5);
    return { timestamp: T0 + t, value: Math.round(value * 10) / 10 };
  });
}

const member = (ts: number, value: number) => `${ts}:${value}`;
const CPU_START: [string, number][] = CPU_SAMPLES.map((v, i) => [member(T0 + i * MINUTE, v), T0 + i * MINUTE]);
const CPU_WANT: [string, number][] = [
  ...CPU_START.filter(([, ts]) => ts >= CPU_CUTOFF),
  [member(CPU_NEW.timestamp, CPU_NEW.value), CPU_NEW.timestamp],
];

const avg = (n: number) => n.toFixed(2);

export const timeseriesSteps: StepSpec[] = [
  {
    id: 'timeseries',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key(SERIES);
      const moduleKey = ctx.key(SERIES_MODULE);
      const samples = temperatures();
      const newest = samples[samples.length - 1]!.timestamp;
      const buckets: number[] = [];
      for (let b = T0; b <= newest; b += BUCKET_MS) buckets.push(b);
      const rollupKeys = buckets.map((b) => `${key}:agg:${BUCKET_MS}:${b}`);
      await ctx.claim([key, moduleKey, ...rollupKeys]);
      await ctx.unrecorded.unlink(key, moduleKey, ...rollupKeys);
      const opts = { retentionMs: RETENTION_MS, rollupBucketsMs: [BUCKET_MS], backend: 'core' } as const;
      const series = await createTimeSeries(ctx.redis, key, opts);
      await series.add(samples[0]!.timestamp, samples[0]!.value);
      const quiet = await createTimeSeries(ctx.unrecorded, key, opts);
      for (const s of samples.slice(1)) await quiet.add(s.timestamp, s.value);
      ctx.say(
        `the first add is above; ${SAMPLES - 1} more followed, one every 30 s up to ${clock(newest)}, unprinted. Each add is one script: ` +
          'the ZADD, the retention trim (ZREMRANGEBYSCORE) and the rollup hash update happen together.',
      );
      await ctx.redis.zcard(key);
      await ctx.redis.zrange(key, '0', '0', 'WITHSCORES');
      const recent = await series.range(newest - 2 * MINUTE, newest);
      const avgs = await series.downsample(T0, newest, BUCKET_MS, 'avg');
      // The first bucket's rollup, printed: its raw samples are gone, the hash is not. The rest are read quietly.
      await series.rollups(T0, T0, BUCKET_MS);
      const maxes = await quiet.downsample(T0, newest, BUCKET_MS, 'max');
      const rollups = await quiet.rollups(T0, newest, BUCKET_MS);
      ctx.say(
        `a one-hour retention kept ${await ctx.unrecorded.zcard(key)} of the ${SAMPLES} samples, from ${clock(newest - RETENTION_MS)}; ` +
          `the last 2 minutes: ${recent.map((s) => `${new Date(s.timestamp).toISOString().slice(11, 19)} ${s.value}`).join(', ')}`,
      );
      const kept = await quiet.range(T0, newest);
      const raw = new Map(avgs.map((s) => [s.timestamp, s.value]));
      const rawMax = new Map(maxes.map((s) => [s.timestamp, s.value]));
      ctx.table(
        ['15 min from', 'raw samples left', 'avg (raw)', 'max (raw)', 'rollup: count', 'avg', 'min', 'max'],
        buckets.map((b) => {
          const r = rollups.find((x) => x.bucket === b);
          const left = kept.filter((s) => timeBucketStart(s.timestamp, BUCKET_MS) === b).length;
          return [
            clock(b),
            left,
            raw.has(b) ? avg(raw.get(b)!) : '-',
            rawMax.has(b) ? String(rawMax.get(b)) : '-',
            r ? r.count : '-',
            r ? avg(r.sum / r.count) : '-',
            r ? r.min : '-',
            r ? r.max : '-',
          ];
        }),
      );
      ctx.say(
        'the raw samples of the first half hour are gone, but their rollups are still there: keep raw data for days and rollups for months, and charts read a handful of hashes instead of thousands of samples',
      );
      const modules = await modulesOf(ctx);
      if (modules.timeseries) {
        const ts = await createTimeSeries(ctx.redis, moduleKey, { retentionMs: RETENTION_MS, backend: 'module' });
        await ts.add(samples[0]!.timestamp, samples[0]!.value);
        const quietTs = await createTimeSeries(ctx.unrecorded, moduleKey, { retentionMs: RETENTION_MS, backend: 'module' });
        for (const s of samples.slice(1)) await quietTs.add(s.timestamp, s.value);
        const moduleAvgs = await ts.downsample(T0, newest, BUCKET_MS, 'avg');
        ctx.table(
          ['15 min from', 'sorted set avg', 'RedisTimeSeries avg'],
          buckets.map((b) => [
            clock(b),
            raw.has(b) ? avg(raw.get(b)!) : '-',
            moduleAvgs.find((s) => s.timestamp === b)?.value.toFixed(2) ?? '-',
          ]),
        );
      } else coreOnly(ctx, 'timeseries', 'TS.ADD key ts value RETENTION 3600000, TS.RANGE … AGGREGATION avg 900000');
    },
  },
  {
    id: 'ts-retention',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => fresh(ctx, [CPU], (k) => ctx.unrecorded.zadd(k(CPU), ...CPU_START.flatMap(([m, ts]) => [ts, m]))),
    check: expanded(
      custom(
        `{ns}${CPU} = the samples from ${clock(CPU_CUTOFF)} on, plus ${member(CPU_NEW.timestamp, CPU_NEW.value)}; removed by score in one command`,
        async (ctx) => {
          const key = ctx.key(CPU);
          const type = await ctx.unrecorded.type(key);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
          const flat = await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES');
          const got: [string, number][] = [];
          for (let i = 0; i < flat.length; i += 2) got.push([flat[i]!, Number(flat[i + 1])]);
          const has = (m: string, ts: number) => got.some(([gm, gs]) => gm === m && gs === ts);
          const newMember = member(CPU_NEW.timestamp, CPU_NEW.value);
          if (!has(newMember, CPU_NEW.timestamp)) {
            const bare = got.find(([m, s]) => s === CPU_NEW.timestamp && m !== newMember);
            return {
              pass: false,
              actual: bare
                ? `the new sample is "${bare[0]}": write the member as ${newMember}, timestamp:value, so two equal readings stay two members`
                : `no sample ${newMember} with score ${CPU_NEW.timestamp} yet`,
            };
          }
          const old = got.filter(([, s]) => s < CPU_CUTOFF);
          if (old.length) {
            return {
              pass: false,
              actual: `${old.map(([m]) => clock(Number(m.split(':')[0]))).join(', ')} ${old.length > 1 ? 'are' : 'is'} still there, older than ${clock(CPU_CUTOFF)}`,
            };
          }
          const lost = CPU_WANT.filter(([m, ts]) => !has(m, ts));
          if (lost.length) {
            const edge = lost.some(([, ts]) => ts === CPU_CUTOFF);
            return {
              pass: false,
              actual: `${lost.map(([m]) => m).join(', ')} ${lost.length > 1 ? 'were' : 'was'} removed${
                edge
                  ? `: ${clock(CPU_CUTOFF)} is exactly 10 minutes old and stays. ZREMRANGEBYSCORE includes a bound's own score; write (${CPU_CUTOFF} to exclude it`
                  : ''
              }`,
            };
          }
          if (got.length !== CPU_WANT.length) return { pass: false, actual: `${got.length} samples, want ${CPU_WANT.length}` };
          const byHand = ranCommands(ctx.history).find((c) => c.args[1] === key && /^(ZREM|ZREMRANGEBYRANK|ZPOPMIN|ZMPOP)$/.test(c.name));
          if (byHand) {
            return {
              pass: false,
              actual: `the right samples are left, but ${byHand.command} picked them for the server: name the cut-off score and let ZREMRANGEBYSCORE find every sample below it, however many there are`,
            };
          }
          return { pass: true, actual: `${got.length} samples, ${clock(CPU_CUTOFF)} to ${clock(CPU_NEW.timestamp)}` };
        },
      ),
    ),
    hints: [
      'The score is the timestamp, so "older than the cut-off" is a score range: one command removes it. Mind whether the bound itself is included.',
      `ZADD key score member · ZREMRANGEBYSCORE key -inf (${CPU_CUTOFF}   ( excludes the bound`,
    ],
    solution: [
      `ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${member(CPU_NEW.timestamp, CPU_NEW.value)}`,
      `ZREMRANGEBYSCORE {ns}${CPU} -inf (${CPU_CUTOFF}`,
    ],
    wrong: [
      // By hand, one member at a time, and one is missed.
      [`ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${member(CPU_NEW.timestamp, CPU_NEW.value)}`, `ZREM {ns}${CPU} ${CPU_START[0]![0]}`],
      // The bound included: the sample exactly 10 minutes old goes too.
      [
        `ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${member(CPU_NEW.timestamp, CPU_NEW.value)}`,
        `ZREMRANGEBYSCORE {ns}${CPU} -inf ${CPU_CUTOFF}`,
      ],
      // The right members, named by hand: it works only because you counted them.
      [
        `ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${member(CPU_NEW.timestamp, CPU_NEW.value)}`,
        `ZREM {ns}${CPU} ${CPU_START[0]![0]} ${CPU_START[1]![0]}`,
      ],
      // By rank: the two oldest, because you looked.
      [`ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${member(CPU_NEW.timestamp, CPU_NEW.value)}`, `ZREMRANGEBYRANK {ns}${CPU} 0 1`],
      // The value alone as the member.
      [`ZADD {ns}${CPU} ${CPU_NEW.timestamp} ${CPU_NEW.value}`, `ZREMRANGEBYSCORE {ns}${CPU} -inf (${CPU_CUTOFF}`],
    ],
  },
];
