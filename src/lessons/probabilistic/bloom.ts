// Bloom filters: a bitmap filled to half, once and twice its capacity with its false-positive rate measured each time
// (RedisBloom next to it when the server has it), then an exercise that sets an item's k bits by hand.
import { all, custom, ranCommands, type RanCommand } from '../../engine/checks.js';
import { expanded, formatBytes, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { bloomPositions, bloomSize, createBloomFilter, measureFalsePositiveRate, type BloomFilter } from '../../patterns/index.js';
import {
  ABSENT_USERNAME,
  ABSENT_USERNAME_BITS,
  BLOOM_CAPACITY,
  BLOOM_ERROR,
  BLOOM_PROBES,
  coreOnly,
  modulesOf,
  NEW_USERNAME,
  NEW_USERNAME_BITS,
  pct,
  takenBits,
  USERNAME_FILTER,
  USERNAME_SIZE,
} from './shared.js';

const MEMBERS = 'probabilistic:bloom:members';
const MEMBERS_MODULE = 'probabilistic:bloom:members-bf';
const USERNAMES = 'probabilistic:bloom:usernames';
/** How full the filter is when its false-positive rate is measured: half, once and twice its capacity. */
const STAGES = [BLOOM_CAPACITY / 2, BLOOM_CAPACITY, BLOOM_CAPACITY * 2];

/** The false-positive rate theory predicts for k positions, m bits and n items: (1 − e^(−kn/m))^k. */
function predictedRate(hashes: number, bits: number, items: number): number {
  return (1 - Math.exp((-hashes * items) / bits)) ** hashes;
}

/** Fills `filter` stage by stage and measures each stage: the table rows for one backend. */
async function fillAndMeasure(
  ctx: LessonContext,
  filter: BloomFilter,
  items: string[],
  probes: string[],
): Promise<{ rows: (string | number)[][]; falseNegatives: number }> {
  const rows: (string | number)[][] = [];
  let added = 0;
  for (const stage of STAGES) {
    await filter.add(items.slice(added, stage));
    added = stage;
    const measured = await measureFalsePositiveRate(filter, probes);
    const bitsSet = filter.backend === 'core' ? await ctx.unrecorded.bitcount(filter.key) : 0;
    rows.push([
      filter.backend === 'core' ? 'bitmap' : 'RedisBloom',
      stage.toLocaleString('en-US'),
      `${stage / BLOOM_CAPACITY}×`,
      filter.backend === 'core' ? pct(bitsSet / filter.bits, 0) : '-',
      filter.backend === 'core' ? pct(predictedRate(filter.hashes, filter.bits, stage)) : '-',
      pct(measured),
    ]);
  }
  const answers = await filter.mightContain(items.slice(0, added));
  return { rows, falseNegatives: answers.filter((a) => !a).length };
}

/** The positions a learner's GETBIT / BITFIELD read, with the value each read returned (u1 reads only). */
function bitsRead(c: RanCommand): [number, number][] {
  if (c.name === 'GETBIT') return [[Number(c.args[2]), Number(c.reply)]];
  if (c.name !== 'BITFIELD' && c.name !== 'BITFIELD_RO') return [];
  const replies = Array.isArray(c.reply) ? (c.reply as unknown[]) : [];
  const out: [number, number][] = [];
  let r = 0;
  for (let i = 2; i < c.args.length;) {
    const op = c.args[i]!.toUpperCase();
    if (op === 'GET') {
      if (c.args[i + 1]?.toLowerCase() === 'u1') out.push([Number(c.args[i + 2]), Number(replies[r])]);
      r++;
      i += 3;
    } else if (op === 'SET' || op === 'INCRBY') {
      r++;
      i += 4;
    } else if (op === 'OVERFLOW') i += 2;
    else break;
  }
  return out;
}

export const bloomSteps: StepSpec[] = [
  {
    id: 'bloom-filter',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key(MEMBERS);
      const moduleKey = ctx.key(MEMBERS_MODULE);
      await ctx.claim([key, `${key}:meta`, moduleKey]);
      await ctx.unrecorded.unlink(key, `${key}:meta`, moduleKey);
      const size = bloomSize(BLOOM_CAPACITY, BLOOM_ERROR);
      ctx.say(
        `sized for ${BLOOM_CAPACITY.toLocaleString('en-US')} items at ${pct(BLOOM_ERROR, 0)}: m = ${size.bits.toLocaleString('en-US')} bits ` +
          `(${formatBytes(Math.ceil(size.bits / 8))}), k = ${size.hashes} bit positions per item`,
      );
      const opts = { capacity: BLOOM_CAPACITY, errorRate: BLOOM_ERROR, backend: 'core' } as const;
      const filter = await createBloomFilter(ctx.redis, key, opts);
      await filter.add(['alice']);
      await filter.mightContain(['alice', 'mallory']);
      ctx.say(
        `alice's ${size.hashes} bits were set, so she "may be in"; mallory's bits ${bloomPositions('mallory', size.bits, size.hashes).join(', ')} include a 0, so she is "definitely not". ` +
          `Now ${STAGES.map((s) => s.toLocaleString('en-US')).join(', then ')} items, each stage asked about ${BLOOM_PROBES.toLocaleString('en-US')} items never added (unprinted):`,
      );
      const items = ['alice', ...Array.from({ length: STAGES[STAGES.length - 1]! - 1 }, (_, i) => `member-${i + 1}`)];
      const probes = Array.from({ length: BLOOM_PROBES }, (_, i) => `probe-${i + 1}`);
      const core = await fillAndMeasure(ctx, await createBloomFilter(ctx.unrecorded, key, opts), items, probes);
      const rows = core.rows;
      const modules = await modulesOf(ctx);
      let moduleNegatives = 0;
      if (modules.bloom) {
        // BF.RESERVE printed once; the filling goes through an unrecorded handle on the same key.
        await createBloomFilter(ctx.redis, moduleKey, { ...opts, backend: 'module' });
        const mod = await fillAndMeasure(
          ctx,
          await createBloomFilter(ctx.unrecorded, moduleKey, { ...opts, backend: 'module' }),
          items,
          probes,
        );
        rows.push(...mod.rows);
        moduleNegatives = mod.falseNegatives;
      }
      ctx.table(['filter', 'items', 'of capacity', 'bits set', 'predicted', 'measured'], rows);
      const atCapacity = rows[1]![5];
      const overfilled = rows[2]![5];
      ctx.say(
        `target ${pct(BLOOM_ERROR, 0)} at capacity, measured ${atCapacity}; at twice the capacity the bitmap is past half full and ` +
          `${overfilled} of the never-added items pass as "maybe": the filter keeps answering, it just answers wrong. ` +
          `False negatives: ${core.falseNegatives + moduleNegatives} of ${items.length.toLocaleString('en-US')} added items (always 0).`,
      );
      const bytes = Number(await ctx.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      ctx.say(`the bitmap takes ${formatBytes(bytes)} whether the items are 5 characters long or 500`);
      if (modules.bloom)
        ctx.say(
          'RedisBloom scales: past its capacity it stacks a bigger sub-filter with a tighter error rate, so its rate stays near the target',
        );
      else coreOnly(ctx, 'bloom', 'BF.RESERVE key 0.01 1000, BF.MADD, BF.MEXISTS');
    },
  },
  {
    id: 'bloom-bits',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [USERNAMES, `${USERNAMES}:meta`], async (k) => {
        const key = k(USERNAMES);
        await ctx.unrecorded.hset(`${key}:meta`, {
          bits: USERNAME_SIZE.bits,
          hashes: USERNAME_SIZE.hashes,
          capacity: USERNAME_FILTER.capacity,
          errorRate: USERNAME_FILTER.errorRate,
        });
        // The whole bitmap exists (its last bit written as 0), then the taken names' bits in one BITFIELD.
        await ctx.unrecorded.setbit(key, USERNAME_SIZE.bits - 1, 0);
        await ctx.unrecorded.call('BITFIELD', key, ...[...takenBits()].flatMap((p) => ['SET', 'u1', String(p), '1']));
      }),
    check: expanded(
      all(
        custom(`{ns}${USERNAMES}: the ${USERNAME_SIZE.hashes} bits of ${NEW_USERNAME} are 1, no other bit changed`, async (ctx) => {
          const key = ctx.key(USERNAMES);
          const type = await ctx.unrecorded.type(key);
          if (type !== 'string') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
          const values = (await ctx.unrecorded.call(
            'BITFIELD_RO',
            key,
            ...NEW_USERNAME_BITS.flatMap((p) => ['GET', 'u1', String(p)]),
          )) as number[];
          const zero = NEW_USERNAME_BITS.filter((_, i) => Number(values[i]) === 0);
          const want = new Set([...takenBits(), ...NEW_USERNAME_BITS]);
          const count = await ctx.unrecorded.bitcount(key);
          if (count < want.size - zero.length) {
            return {
              pass: false,
              actual: `${key} has ${count} bits set, fewer than before: the bitmap was overwritten, and every taken name that lost a bit is now "definitely not taken"`,
            };
          }
          if (zero.length) {
            return {
              pass: false,
              actual: `bit${zero.length > 1 ? 's' : ''} ${zero.join(', ')} still 0: while any of the ${USERNAME_SIZE.hashes} bits is 0 the filter says "${NEW_USERNAME} was never added", a false negative`,
            };
          }
          if (count > want.size) {
            return {
              pass: false,
              actual: `${count - want.size} other bit${count - want.size > 1 ? 's' : ''} set as well: each stray 1 raises the false-positive rate for every name`,
            };
          }
          return { pass: true, actual: `bits ${NEW_USERNAME_BITS.join(', ')} are 1; ${count} bits set in all` };
        }),
        custom(`a read of ${ABSENT_USERNAME}'s bits that found a 0`, (ctx) => {
          const reads = ranCommands(ctx.history)
            .filter((c) => c.args[1] === ctx.key(USERNAMES))
            .flatMap(bitsRead)
            .filter(([p]) => ABSENT_USERNAME_BITS.includes(p));
          const zero = reads.find(([, v]) => v === 0);
          if (zero) return { pass: true, actual: `bit ${zero[0]} of ${ABSENT_USERNAME} is 0: ${ABSENT_USERNAME} is definitely not taken` };
          return {
            pass: false,
            actual: reads.length
              ? `you read ${ABSENT_USERNAME}'s bits ${reads.map(([p]) => p).join(', ')}: all 1, which proves nothing; read the others until one is 0`
              : `no read of ${ABSENT_USERNAME}'s bits yet (BITFIELD_RO key GET u1 <position> …)`,
          };
        }),
      ),
    ),
    hints: [
      `An item is "in" when all ${USERNAME_SIZE.hashes} of its bits are 1: set every one of ${NEW_USERNAME}'s positions, then read ${ABSENT_USERNAME}'s.`,
      'SETBIT key offset 1 (one bit) or BITFIELD key SET u1 offset 1 [SET u1 offset 1 …]; BITFIELD_RO key GET u1 offset [GET u1 offset …]',
    ],
    solution: [
      `BITFIELD {ns}${USERNAMES} ${NEW_USERNAME_BITS.map((p) => `SET u1 ${p} 1`).join(' ')}`,
      `BITFIELD_RO {ns}${USERNAMES} ${ABSENT_USERNAME_BITS.map((p) => `GET u1 ${p}`).join(' ')}`,
    ],
    wrong: [
      // One bit: the other six stay 0, so the filter still says "never added".
      [
        `SETBIT {ns}${USERNAMES} ${NEW_USERNAME_BITS[0]} 1`,
        `BITFIELD_RO {ns}${USERNAMES} ${ABSENT_USERNAME_BITS.map((p) => `GET u1 ${p}`).join(' ')}`,
      ],
      // Six of the seven.
      [
        ...NEW_USERNAME_BITS.slice(0, -1).map((p) => `SETBIT {ns}${USERNAMES} ${p} 1`),
        `BITFIELD_RO {ns}${USERNAMES} ${ABSENT_USERNAME_BITS.map((p) => `GET u1 ${p}`).join(' ')}`,
      ],
      // The name itself written to the key: the bitmap is gone.
      [`SET {ns}${USERNAMES} ${NEW_USERNAME}`],
      // All bits set, but heidi's check stopped at her first bits, which happen to be 1.
      [
        `BITFIELD {ns}${USERNAMES} ${NEW_USERNAME_BITS.map((p) => `SET u1 ${p} 1`).join(' ')}`,
        `GETBIT {ns}${USERNAMES} ${ABSENT_USERNAME_BITS[0]}`,
        `GETBIT {ns}${USERNAMES} ${ABSENT_USERNAME_BITS[1]}`,
      ],
    ],
  },
];
