// Taking a lock: SET … NX PX with a token (shown, then typed twice: a free lock and a held one), the SETNX + EXPIRE
// recipe that leaves an immortal lock when the process dies between the two, and 50 clients racing for one lock
// (GET-then-SET lets them all in; acquireLock lets in one at a time).
import { all, custom, stringEquals, ttlBetween, writesThatMadeIt, type RanCommand } from '../../engine/checks.js';
import { count, expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { lockWithGetThenSet, lockWithSetnxThenExpire, releaseWithDel } from '../../antipatterns/locks.js';
import { acquireLock, lockKeys, randomToken, sleep } from '../../patterns/index.js';
import { optionsOf, ranWrites } from './guards.js';
import { LOCK_RACE_CLIENTS, LOCK_RACE_HOLD_MS, Occupancy } from './shared.js';

const nx = (c: RanCommand) => c.name === 'SET' && optionsOf(c).includes('NX');
const withTtl = (c: RanCommand) => c.name === 'SET' && optionsOf(c).some((o) => TTL_OPTIONS.has(o));

/** take-lock: the lock's value is the token, its TTL at most 30 s, and one SET with NX and an expiry created it. */
function takenInOneCommand(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key('locks:invoice:42');
  const writes = writesThatMadeIt(ctx, key);
  const first = writes[0];
  if (!first) return { pass: false, actual: 'no command of yours wrote the lock yet' };
  const restart = ` (to start over: :reset)`;
  if (nx(first) && withTtl(first)) return { pass: true, actual: first.command };
  if (first.name === 'SETNX' || nx(first)) {
    const then = writes[1] ? `${writes[1].command} came as a second command: ` : '';
    return {
      pass: false,
      actual: `the lock was created by ${first.command} with no expiry. ${then}a worker that dies between the two leaves a lock nobody can ever take${restart}`,
    };
  }
  if (withTtl(first)) {
    return {
      pass: false,
      actual: `${first.command} has no NX: it takes the lock even when another worker holds it, overwriting their token${restart}`,
    };
  }
  return { pass: false, actual: `the lock was created by ${first.command}, with neither NX nor an expiry${restart}` };
}

const PAYROLL_HOLDER = 'w2-b71c';
const PAYROLL_TTL_MS = 600_000;

/**
 * second-acquire: w2's lock is untouched (value and a TTL no learner command changed), and w3 tried the right way: a
 * SET with its token, NX and an expiry, which the server refused.
 */
function triedAndLeftAlone(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key('locks:payroll');
  const restart = ' (:reset puts w2’s lock back)';
  const writes = ranWrites(ctx, key);
  for (const w of writes) {
    if (nx(w) && w.reply !== null && w.reply !== undefined && w.reply !== PAYROLL_HOLDER) {
      return { pass: false, actual: `${w.command} → ${String(w.reply)}: the lock was free?${restart}` };
    }
    if (w.name === 'SET' && !nx(w)) {
      return {
        pass: false,
        actual: `${w.command} has no NX: it overwrote w2's lock, and now two workers think they run the payroll${restart}`,
      };
    }
    if (w.name === 'SETNX') {
      if (Number(w.reply) === 1) return { pass: false, actual: `${w.command} took the lock` };
      continue;
    }
    if (/^P?EXPIRE(AT)?$/.test(w.name) || w.name === 'PERSIST') {
      return {
        pass: false,
        actual: `${w.command} changed the expiry of a lock w3 does not hold: w2's lock now ends when w3 said${restart}`,
      };
    }
    if (!nx(w)) return { pass: false, actual: `${w.command} changed w2's lock${restart}` };
  }
  const tries = writes.filter((w) => nx(w) && withTtl(w) && w.args[2] === 'w3-9d0e');
  if (!tries.length) {
    const setnx = writes.find((w) => w.name === 'SETNX');
    return {
      pass: false,
      actual: setnx
        ? `${setnx.command} was refused, but had the lock been free it would have been taken with no expiry: try with one SET that carries NX and the TTL`
        : 'no attempt yet: w3 must try to take the lock (with its token and a 10-second TTL), and be refused',
    };
  }
  return { pass: true, actual: `${tries[0]!.command} → (nil): refused, w2's lock untouched` };
}

interface RaceState {
  room: Occupancy;
  fences: number[];
}

const lockRace: RaceSpec<RaceState> = {
  id: 'lock-race',
  kind: 'race',
  clients: LOCK_RACE_CLIENTS,
  state: () => ({ room: new Occupancy(), fences: [] }),
  variants: [
    {
      label: 'GET, then SET if free',
      atomic: false,
      setup: (ctx) => setupRace(ctx, 'locks:race:naive'),
      async worker(client, _i, ctx, state) {
        const key = ctx.key('locks:race:naive');
        const token = randomToken();
        for (;;) {
          if (await lockWithGetThenSet(client, key, token, 2000)) {
            state.room.enter();
            await sleep(LOCK_RACE_HOLD_MS);
            state.room.leave();
            await releaseWithDel(client, key);
            return;
          }
          await sleep(5 + Math.random() * 5);
        }
      },
      measure: (ctx, state) => measureRace(ctx, state, 'GET, then SET'),
    },
    {
      label: 'acquireLock (SET NX PX)',
      atomic: true,
      setup: (ctx) => setupRace(ctx, 'locks:race:lib'),
      async worker(client, _i, ctx, state) {
        const lock = await acquireLock(client, ctx.key('locks:race:lib'), { ttlMs: 2000, waitMs: 30_000, retryMs: 5 });
        if (!lock) return;
        state.room.enter();
        state.fences.push(lock.fence);
        await sleep(LOCK_RACE_HOLD_MS);
        state.room.leave();
        await lock.release();
      },
      measure: (ctx, state) => measureRace(ctx, state, 'acquireLock'),
    },
  ],
};

async function setupRace(ctx: LessonContext, name: string): Promise<void> {
  const keys = lockKeys(ctx.unrecorded, ctx.key(name));
  await ctx.claim([keys.lock, keys.fence]);
  await ctx.unrecorded.unlink(keys.lock, keys.fence);
}

function measureRace(ctx: LessonContext, state: RaceState, label: string) {
  const { room, fences } = state;
  const inOrder = fences.every((f, i) => i === 0 || f > fences[i - 1]!);
  ctx.say(
    `${label}: ${count(room.entries, 'client')} got in, at most ${room.max} at once` +
      (room.overlaps ? `; ${count(room.overlaps, 'time')} a client walked in on another` : '') +
      (fences.length ? `; fences ${fences[0]}…${fences.at(-1)}, ${inOrder ? 'rising in the order the lock was won' : 'NOT in order'}` : ''),
  );
  return Promise.resolve({ expected: 1, actual: room.max, unit: 'holders at once' });
}

export const basicsSteps: StepSpec[] = [
  {
    id: 'lock-basics',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('locks:invoice:7');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const first = await ctx.redis.call('SET', key, 'w1-7f3a', 'NX', 'PX', '30000');
      const second = await ctx.redis.call('SET', key, 'w2-b71c', 'NX', 'PX', '30000');
      await ctx.redis.get(key);
      await ctx.redis.pttl(key);
      ctx.say(
        `w1 → ${String(first)}: it holds the lock. w2 → ${second === null ? '(nil)' : String(second)}: refused, the key exists, ` +
          `so w2 retries later. The value says who holds it (w1-7f3a); the TTL frees it if w1 dies.`,
      );
    },
  },
  {
    id: 'take-lock',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, ['locks:invoice:42'], () => Promise.resolve(undefined)),
    check: expanded(
      all(
        stringEquals('locks:invoice:42', 'w1-7f3a'),
        ttlBetween('locks:invoice:42', 1, 30),
        custom('the lock created by one SET with NX and an expiry (EX or PX)', takenInOneCommand),
      ),
    ),
    hints: [
      'SET takes the "only if absent" condition and the expiry as options, so the lock is never without its TTL.',
      'SET key value NX PX milliseconds   (e.g. SET {ns}locks:invoice:42 w1-7f3a NX PX 30000)',
    ],
    solution: ['SET {ns}locks:invoice:42 w1-7f3a NX PX 30000'],
    wrong: [
      // The old recipe: a crash between the two leaves a lock with no TTL.
      ['SETNX {ns}locks:invoice:42 w1-7f3a', 'PEXPIRE {ns}locks:invoice:42 30000'],
      ['SET {ns}locks:invoice:42 w1-7f3a NX', 'EXPIRE {ns}locks:invoice:42 30'],
      // No NX: takes the lock even from its holder.
      ['SET {ns}locks:invoice:42 w1-7f3a PX 30000'],
      // Milliseconds and seconds swapped: a 30 000-second lock.
      ['SET {ns}locks:invoice:42 w1-7f3a NX EX 30000'],
    ],
  },
  {
    id: 'second-acquire',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['locks:payroll'], async (k) => {
        await ctx.unrecorded.set(k('locks:payroll'), PAYROLL_HOLDER, 'PX', PAYROLL_TTL_MS);
      }),
    check: expanded(
      all(
        custom('w3 tried SET … NX with an expiry, was refused, and changed nothing', triedAndLeftAlone),
        stringEquals('locks:payroll', PAYROLL_HOLDER),
        ttlBetween('locks:payroll', 1, PAYROLL_TTL_MS / 1000),
      ),
    ),
    hints: [
      "Try exactly as you would on a free lock: the command itself refuses when the key exists, and leaves the holder's value and TTL alone.",
      'SET key value NX PX milliseconds   → (nil) when someone holds it   (e.g. SET {ns}locks:payroll w3-9d0e NX PX 10000)',
    ],
    solution: ['SET {ns}locks:payroll w3-9d0e NX PX 10000'],
    wrong: [
      // No NX: w3 overwrites w2's lock, and both run the payroll.
      ['SET {ns}locks:payroll w3-9d0e PX 10000'],
      // SETNX is refused, but the PEXPIRE then rewrites the TTL of w2's lock.
      ['SETNX {ns}locks:payroll w3-9d0e', 'PEXPIRE {ns}locks:payroll 10000'],
      // Looking is not trying.
      ['GET {ns}locks:payroll'],
    ],
  },
  {
    id: 'naive-setnx',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('locks:nightly-report');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const won = await lockWithSetnxThenExpire(ctx.redis, key, 'w1-7f3a', 30, true);
      const ttl = await ctx.redis.ttl(key);
      ctx.say(
        `w1 ${won ? 'won the lock with SETNX' : 'did not get the lock'} and died before its EXPIRE: TTL ${ttl}. ` +
          `The lock has no expiry, so it outlives w1 forever:`,
      );
      const retry = await ctx.redis.call('SET', key, 'w2-b71c', 'NX', 'PX', '30000');
      ctx.say(
        `w2 → ${retry === null ? '(nil)' : String(retry)}, and it will be (nil) in an hour and tomorrow: the nightly report ` +
          `stops until someone finds the key and deletes it by hand. Here that someone is the lesson:`,
      );
      await ctx.redis.del(key);
      await ctx.redis.call('SET', key, 'w2-b71c', 'NX', 'PX', '30000');
      const fixed = await ctx.redis.ttl(key);
      ctx.say(`one SET with NX and PX: the lock is born with its TTL (${fixed} s), so a crash at any moment frees it in 30 s at most.`);
    },
  },
  lockRace,
];
