// Counting semaphores: N holders at once, kept in a sorted set scored by each slot's expiry. The lesson's own
// semaphore (a script) runs first, then 20 clients race for 3 slots (count-then-add lets them all in; the script holds
// the limit), then the learner takes a slot by hand with WATCH + ZCARD + MULTI/ZADD/EXEC.
import { all, custom } from '../../engine/checks.js';
import { count, expanded, fresh, pairs } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { semaphoreCountThenAdd } from '../../antipatterns/locks.js';
import { sleep } from '../../patterns/index.js';
import { ranWrites, unguarded } from './guards.js';
import { acquireSemaphore, releaseSemaphore } from './lib/semaphore.js';
import { Occupancy, SEM_CLIENTS, SEM_HOLD_MS, SEM_LIMIT } from './shared.js';

/** The exercise's clock: "now", in Unix seconds, and its holders (score = when the slot expires). */
export const SEM_NOW = 1_750_000_000;
const SEM_START: [string, number][] = [
  ['w3', SEM_NOW - 10],
  ['w1', SEM_NOW + 20],
  ['w2', SEM_NOW + 25],
];
const SEM_WANT: [string, number][] = [
  ['w1', SEM_NOW + 20],
  ['w2', SEM_NOW + 25],
  ['w7', SEM_NOW + 30],
];

interface SemState {
  room: Occupancy;
}

const semaphoreRace: RaceSpec<SemState> = {
  id: 'semaphore-race',
  kind: 'race',
  clients: SEM_CLIENTS,
  state: () => ({ room: new Occupancy() }),
  variants: [
    {
      label: 'ZCARD, then ZADD if room',
      atomic: false,
      setup: (ctx) => setupSemRace(ctx, 'locks:sem:race-naive'),
      async worker(client, i, ctx, state) {
        const key = ctx.key('locks:sem:race-naive');
        while (!(await semaphoreCountThenAdd(client, key, `c${i}`, SEM_LIMIT, 5000))) await sleep(2 + Math.random() * 2);
        state.room.enter();
        await sleep(SEM_HOLD_MS);
        state.room.leave();
        await client.zrem(key, `c${i}`);
      },
      measure: (ctx, state) => measureSem(ctx, state, 'ZCARD, then ZADD'),
    },
    {
      label: 'one script',
      atomic: true,
      setup: (ctx) => setupSemRace(ctx, 'locks:sem:race-script'),
      async worker(client, i, ctx, state) {
        const key = ctx.key('locks:sem:race-script');
        while (!(await acquireSemaphore(client, key, `c${i}`, SEM_LIMIT, 5000))) await sleep(2 + Math.random() * 2);
        state.room.enter();
        await sleep(SEM_HOLD_MS);
        state.room.leave();
        await releaseSemaphore(client, key, `c${i}`);
      },
      measure: (ctx, state) => measureSem(ctx, state, 'script'),
    },
  ],
};

async function setupSemRace(ctx: LessonContext, name: string): Promise<void> {
  const key = ctx.key(name);
  await ctx.claim([key]);
  await ctx.unrecorded.unlink(key);
}

function measureSem(ctx: LessonContext, state: SemState, label: string) {
  ctx.say(`${label}: ${count(state.room.entries, 'client')} got a slot, at most ${state.room.max} at once (the limit is ${SEM_LIMIT})`);
  return Promise.resolve({ expected: SEM_LIMIT, actual: state.room.max, unit: 'holders at once' });
}

/** semaphore-slot: the holders are exactly w1, w2 and w7 (w3 expired and removed), with the right scores. */
async function slotTaken(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key('locks:sem:exports');
  const type = await ctx.unrecorded.type(key);
  if (type !== 'zset')
    return { pass: false, actual: type === 'none' ? `${key} is gone: the other holders lost their slots` : `${key} is a ${type}` };
  const held = new Map(pairs(await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES')));
  const shown = [...held].map(([m, s]) => `${m}:${s}`).join(' ');
  const lost = ['w1', 'w2'].filter((m, i) => held.get(m) !== SEM_WANT[i]![1]);
  if (lost.length)
    return { pass: false, actual: `${lost.join(' and ')} lost or changed their slot (${shown || 'empty'}): they are still valid` };
  if (!held.has('w7')) {
    const full = held.has('w3') ? ctx.history.findLast((c) => /^ZCARD$/i.test(String(c.args[0])) && Number(c.reply) >= 3) : undefined;
    return {
      pass: false,
      actual: full
        ? `w7 has no slot: ZCARD said ${String(full.reply)}, but w3's slot had expired (${SEM_NOW - 10}, before now). Remove expired holders first, then count`
        : 'w7 has no slot yet',
    };
  }
  if (held.has('w3')) {
    return {
      pass: false,
      actual: `w3 is still counted (${shown}): its slot expired at ${SEM_NOW - 10}, before now (${SEM_NOW}). Remove expired holders first: ZREMRANGEBYSCORE key -inf ${SEM_NOW}`,
    };
  }
  if (held.get('w7') !== SEM_NOW + 30) {
    return { pass: false, actual: `w7's slot ends at ${held.get('w7')}: 30 s from now is ${SEM_NOW + 30}` };
  }
  if (held.size !== 3) return { pass: false, actual: `${held.size} holders (${shown}): the limit is 3` };
  return { pass: true, actual: shown };
}

/** semaphore-slot: w7's ZADD ran in a MULTI guarded by WATCH on the holders and a count made after it. */
function slotGuarded(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key('locks:sem:exports');
  const add = ranWrites(ctx, key)
    .filter((c) => c.name === 'ZADD' && c.args.includes('w7'))
    .at(-1);
  if (!add) return { pass: false, actual: 'no ZADD of w7 yet' };
  const why = unguarded(ctx, add, key, /^(ZCARD|ZCOUNT|ZRANGE|ZRANGEBYSCORE)$/, 'count the holders (ZCARD)');
  if (!why) return { pass: true, actual: `WATCH, a count of the holders, then ${add.command} in MULTI … EXEC` };
  const counted = add.transaction === null && ctx.history.some((c) => /^Z(CARD|COUNT)$/i.test(String(c.args[0])) && c.keys.includes(key));
  return {
    pass: false,
    actual: counted
      ? `counted, then ZADD as two commands: other workers counting at the same moment see the same free slot, and all of you join (:reset to start over)`
      : `${why.reason}${why.kind === 'broken' ? '' : ': with no count under WATCH, w7 would join a full semaphore just the same'} (:reset to start over)`,
  };
}

export const semaphoreSteps: StepSpec[] = [
  {
    id: 'semaphore',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('locks:sem:pdf');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const limit = 3;
      const got: [string, boolean][] = [];
      // w1 takes a short slot and then "crashes": it never gives the slot back.
      got.push(['w1 (200 ms slot)', await acquireSemaphore(ctx.redis, key, 'w1', limit, 200)]);
      for (const w of ['w2', 'w3', 'w4']) got.push([`${w} (30 s slot)`, await acquireSemaphore(ctx.redis, key, w, limit, 30_000)]);
      ctx.table(
        ['worker', `limit ${limit}`],
        got.map(([w, ok]) => [w, ok ? 'got a slot' : 'full: wait and retry']),
      );
      await ctx.redis.zrange(key, '0', '-1', 'WITHSCORES');
      ctx.say('w1 crashed without releasing. 250 ms later its slot has expired, and the next try removes it:');
      await sleep(250);
      const w4 = await acquireSemaphore(ctx.redis, key, 'w4', limit, 30_000);
      ctx.say(`w4 → ${w4 ? 'got a slot' : 'still full'}. w2 finishes and releases its slot; w5 takes it:`);
      await releaseSemaphore(ctx.redis, key, 'w2');
      const w5 = await acquireSemaphore(ctx.redis, key, 'w5', limit, 30_000);
      const members = await ctx.unrecorded.zrange(key, '0', '-1');
      ctx.say(`w5 → ${w5 ? 'got a slot' : 'full'}; holders now: ${members.join(', ')} (${members.length} of ${limit}).`);
    },
  },
  semaphoreRace,
  {
    id: 'semaphore-slot',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['locks:sem:exports'], async (k) => {
        await ctx.unrecorded.zadd(k('locks:sem:exports'), ...SEM_START.flatMap(([m, s]) => [s, m]));
      }),
    check: expanded(
      all(
        custom(`{ns}locks:sem:exports = ${SEM_WANT.map(([m, s]) => `${m}:${s}`).join(' ')}`, slotTaken),
        custom('the ZADD of w7 in MULTI … EXEC after WATCH and a ZCARD', slotGuarded),
      ),
    ),
    hints: [
      `First drop the holders whose score is not after now (${SEM_NOW}); that write is safe on its own. Then WATCH the set, count it, and add yourself in MULTI … EXEC only if the count is under 3: if someone joins after your count, EXEC does nothing.`,
      `ZREMRANGEBYSCORE key -inf ${SEM_NOW} · WATCH key · ZCARD key · MULTI · ZADD key ${SEM_NOW + 30} w7 · EXEC`,
    ],
    solution: [
      `ZREMRANGEBYSCORE {ns}locks:sem:exports -inf ${SEM_NOW}`,
      'WATCH {ns}locks:sem:exports',
      'ZCARD {ns}locks:sem:exports',
      'MULTI',
      `ZADD {ns}locks:sem:exports ${SEM_NOW + 30} w7`,
      'EXEC',
    ],
    wrong: [
      // Joined without looking: the expired holder still counts, and nothing checked the limit.
      [`ZADD {ns}locks:sem:exports ${SEM_NOW + 30} w7`],
      // Cleaned up, then joined without counting.
      [`ZREMRANGEBYSCORE {ns}locks:sem:exports -inf ${SEM_NOW}`, `ZADD {ns}locks:sem:exports ${SEM_NOW + 30} w7`],
      // Counted, then joined by a second command: others can count the same free slot.
      [
        `ZREMRANGEBYSCORE {ns}locks:sem:exports -inf ${SEM_NOW}`,
        'ZCARD {ns}locks:sem:exports',
        `ZADD {ns}locks:sem:exports ${SEM_NOW + 30} w7`,
      ],
      // Counted without cleaning up: 3, "full", and gave up.
      ['WATCH {ns}locks:sem:exports', 'ZCARD {ns}locks:sem:exports', 'UNWATCH'],
      // The clean-up written after WATCH: in Redis it would make this EXEC fail; the transaction is not guarded.
      [
        'WATCH {ns}locks:sem:exports',
        `ZREMRANGEBYSCORE {ns}locks:sem:exports -inf ${SEM_NOW}`,
        'ZCARD {ns}locks:sem:exports',
        'MULTI',
        `ZADD {ns}locks:sem:exports ${SEM_NOW + 30} w7`,
        'EXEC',
      ],
    ],
  },
];
