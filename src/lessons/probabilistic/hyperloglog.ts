// HyperLogLog: its estimate and its memory measured against an exact set at three sizes, then an exercise that adds
// visitors to a day and merges two days into a week with PFMERGE.
import { all, builtOnServer, custom, ranCommands } from '../../engine/checks.js';
import { expanded, formatBytes, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addUniqueVisitors, countUnique, measureUniqueError } from '../../patterns/index.js';
import { HLL_SIZES, memoryUsage, pct, VISITORS_DAY1, VISITORS_DAY2 } from './shared.js';

const hllKey = (n: number) => `probabilistic:uniques:hll:${n}`;
const setKey = (n: number) => `probabilistic:uniques:set:${n}`;

const DAY1 = 'probabilistic:visitors:2024-06-01';
const DAY2 = 'probabilistic:visitors:2024-06-02';
const WEEK = 'probabilistic:visitors:2024-w22';
const SET1 = 'probabilistic:visitors:set:2024-06-01';
const SET2 = 'probabilistic:visitors:set:2024-06-02';
const PROBE = 'probabilistic:visitors:probe';
/** Today's new arrivals: user-9 is new, user-2 came on day 1 too. */
const ARRIVALS = ['user-9', 'user-2'];

/** Byte 4 of a HyperLogLog's header: 0 dense (16,384 registers of 6 bits), 1 sparse (run-length coded). */
async function hllEncoding(ctx: LessonContext, key: string): Promise<string> {
  const b = await ctx.unrecorded.getrangeBuffer(key, 4, 4);
  return b[0] === 1 ? 'sparse' : b[0] === 0 ? 'dense' : '?';
}

async function isHyperLogLog(ctx: LessonContext, key: string): Promise<boolean> {
  return (await ctx.unrecorded.type(key)) === 'string' && (await ctx.unrecorded.getrange(key, 0, 3)) === 'HYLL';
}

/** Whether every id is (almost surely) in the HyperLogLog: the union with a probe holding them counts no more. */
async function containsAll(ctx: LessonContext, key: string, ids: string[]): Promise<boolean> {
  const probe = ctx.key(PROBE);
  await ctx.unrecorded.unlink(probe);
  await ctx.unrecorded.pfadd(probe, ...ids);
  const [alone, together] = [await ctx.unrecorded.pfcount(key), await ctx.unrecorded.pfcount(key, probe)];
  await ctx.unrecorded.unlink(probe);
  return alone === together;
}

export const hyperloglogSteps: StepSpec[] = [
  {
    id: 'hll-vs-set',
    kind: 'code',
    async run(ctx) {
      const demo = ctx.key('probabilistic:uniques:demo');
      const keys = HLL_SIZES.flatMap((n) => [ctx.key(hllKey(n)), ctx.key(setKey(n))]);
      await ctx.claim([demo, ...keys]);
      await ctx.unrecorded.unlink(demo, ...keys);
      await addUniqueVisitors(ctx.redis, demo, ['user-1', 'user-2', 'user-3', 'user-2', 'user-1']);
      await countUnique(ctx.redis, demo);
      for (const n of HLL_SIZES) {
        const ids = Array.from({ length: n }, (_, i) => `visitor-${i + 1}`);
        // Loaded unprinted: 1,000 ids per PFADD and per SADD would fill the screen.
        await addUniqueVisitors(ctx.unrecorded, ctx.key(hllKey(n)), ids, { exactSetKey: ctx.key(setKey(n)) });
      }
      ctx.say(
        `loaded ${HLL_SIZES.map((n) => n.toLocaleString('en-US')).join(', ')} ids into a HyperLogLog each, and the same ids into an exact set (SADD), 1,000 per command, unprinted; now the measurements:`,
      );
      const rows: (string | number)[][] = [];
      const errors: number[] = [];
      const last = HLL_SIZES[HLL_SIZES.length - 1]!;
      for (const n of HLL_SIZES) {
        const m = await measureUniqueError(ctx.redis, ctx.key(hllKey(n)), ctx.key(setKey(n)));
        errors.push(m.error);
        // The largest pair's MEMORY USAGE is printed; the others are read quietly.
        const measure = (key: string) =>
          n === last ? ctx.redis.call('MEMORY', 'USAGE', ctx.key(key), 'SAMPLES', '0').then(Number) : memoryUsage(ctx, ctx.key(key));
        const setBytes = await measure(setKey(n));
        const hllBytes = await measure(hllKey(n));
        rows.push([
          n.toLocaleString('en-US'),
          m.estimate.toLocaleString('en-US'),
          pct(m.error),
          formatBytes(setBytes),
          `${formatBytes(hllBytes)} (${await hllEncoding(ctx, ctx.key(hllKey(n)))})`,
          `${Math.round(setBytes / hllBytes).toLocaleString('en-US')}×`,
        ]);
      }
      ctx.table(['distinct ids (SCARD)', 'PFCOUNT', 'error', 'set', 'HyperLogLog', 'set / HLL'], rows);
      await ctx.unrecorded.unlink(...HLL_SIZES.map((n) => ctx.key(setKey(n))));
      const worst = Math.max(...errors);
      ctx.say(
        `the dense HyperLogLog holds 12 KB of registers (MEMORY USAGE adds the allocator's rounding) whatever the count; the set grows with every id. ` +
          `0.81 % is one standard deviation, not a bound: about one estimate in three is further off${worst > 0.0081 ? `, as ${pct(worst)} here shows` : ''}. ` +
          'The exact sets are dropped now: they were only the yardstick.',
      );
    },
  },
  {
    id: 'hll-week',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [DAY1, DAY2, SET1, SET2, WEEK, PROBE], async (k) => {
        await ctx.unrecorded.pfadd(k(DAY1), ...VISITORS_DAY1);
        await ctx.unrecorded.pfadd(k(DAY2), ...VISITORS_DAY2);
        await ctx.unrecorded.sadd(k(SET1), ...VISITORS_DAY1);
        await ctx.unrecorded.sadd(k(SET2), ...VISITORS_DAY2);
      }),
    check: expanded(
      all(
        custom(`{ns}${DAY2} holds today's visitors plus ${ARRIVALS.join(' and ')}`, async (ctx) => {
          const day2 = ctx.key(DAY2);
          if (!(await isHyperLogLog(ctx, day2))) return { pass: false, actual: `${day2} is no longer a HyperLogLog` };
          const ok = await containsAll(ctx, day2, ARRIVALS);
          const n = await ctx.unrecorded.pfcount(day2);
          return {
            pass: ok,
            actual: ok
              ? `PFCOUNT ${day2} = ${n}`
              : `PFCOUNT ${day2} = ${n}: ${ARRIVALS.join(' and ')} are not both in it yet (PFADD ${day2} ${ARRIVALS.join(' ')})`,
          };
        }),
        custom(`{ns}${WEEK} is a HyperLogLog of both days, merged after today's arrivals`, async (ctx) => {
          const week = ctx.key(WEEK);
          const type = await ctx.unrecorded.type(week);
          if (type === 'none') return { pass: false, actual: `${week} does not exist` };
          if (type === 'set') {
            return {
              pass: false,
              actual: `${week} is a set: exact, but it stores every id (and the sets lack today's arrivals); PFMERGE the HyperLogLogs`,
            };
          }
          if (!(await isHyperLogLog(ctx, week))) {
            const value = type === 'string' ? await ctx.unrecorded.get(week) : null;
            return {
              pass: false,
              actual:
                value !== null && /^\d+$/.test(value)
                  ? `${week} holds "${value}", a number typed in: it cannot be merged again (a month from weeks) or updated by tomorrow's PFADD`
                  : `${week} is a ${type}, not a HyperLogLog`,
            };
          }
          const want = await ctx.unrecorded.pfcount(ctx.key(DAY1), ctx.key(DAY2));
          const got = await ctx.unrecorded.pfcount(week);
          if (got === want) return { pass: true, actual: `PFCOUNT ${week} = ${got}, the same as PFCOUNT of both days` };
          const mergedFirst = ranCommands(ctx.history).some((c) => c.name === 'PFMERGE' && c.args[1] === week) && got < want;
          return {
            pass: false,
            actual: `PFCOUNT ${week} = ${got}, both days together count ${want}${
              mergedFirst ? ': PFMERGE copied the registers as they were before the PFADD; merge again now' : ''
            }`,
          };
        }),
        builtOnServer(WEEK, 'PFMERGE'),
      ),
    ),
    hints: [
      'First add the two visitors to the day, then merge the two days into the week key: the order matters.',
      `PFADD key element [element …] · PFMERGE destkey sourcekey [sourcekey …]`,
    ],
    solution: [`PFADD {ns}${DAY2} ${ARRIVALS.join(' ')}`, `PFMERGE {ns}${WEEK} {ns}${DAY1} {ns}${DAY2}`],
    wrong: [
      // The exact sets unioned: right count, but a set of every id, and today's arrivals are not in the sets.
      [`PFADD {ns}${DAY2} ${ARRIVALS.join(' ')}`, `SUNIONSTORE {ns}${WEEK} {ns}${SET1} {ns}${SET2}`],
      // The count typed in by hand: a number, not a HyperLogLog.
      [`PFADD {ns}${DAY2} ${ARRIVALS.join(' ')}`, `PFCOUNT {ns}${DAY1} {ns}${DAY2}`, `SET {ns}${WEEK} 9`],
      // Merged before the arrivals were added: the week misses user-9.
      [`PFMERGE {ns}${WEEK} {ns}${DAY1} {ns}${DAY2}`, `PFADD {ns}${DAY2} ${ARRIVALS.join(' ')}`],
      // Every visitor of the week typed into the week key: the client did the union.
      [`PFADD {ns}${DAY2} ${ARRIVALS.join(' ')}`, `PFADD {ns}${WEEK} user-1 user-2 user-3 user-4 user-5 user-6 user-7 user-8 user-9`],
    ],
  },
];
