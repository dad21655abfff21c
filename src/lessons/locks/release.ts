// Releasing and extending: a plain DEL by a holder whose lock expired lets two workers in at once (counted live, next
// to the token-checked release), the library's release and extend scripts refusing a holder that lost its lock, the
// same compare-and-write typed by hand with WATCH (release and extend), and Redis 8.4's SET … IFEQ / DELEX.
import type { Redis } from 'ioredis';
import { all, custom, notExists, stringEquals, ttlBetween, type RanCommand } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { releaseWithDel } from '../../antipatterns/locks.js';
import { acquireLock, lockKeys, sleep, type Lock } from '../../patterns/index.js';
import { optionValue, ranWrites, unguarded } from './guards.js';
import { Occupancy, RELEASE_CLIENTS, RELEASE_TTL_MS, RELEASE_WORK_MS, SLOW_PAUSE_MS, SLOW_ROUNDS } from './shared.js';

const ME = 'w1-7f3a';
const OTHER = 'w4-c2d8';
const LONG_MS = 600_000;

interface ReleaseState {
  room: Occupancy;
  /** Set by the slow worker when its rounds are over: the others stop. */
  done: boolean;
}

/**
 * One worker (i = 0) is slow: it works within its lease like everyone else, then stays paused past its TTL before it
 * releases. The others take the lock, work for RELEASE_WORK_MS (well inside the TTL) and release. Only time spent
 * inside a valid lease is counted, so a correct lock shows 1 holder at a time; the slow worker's late DEL shows 2.
 */
function releaseWorker(release: (client: Redis, lock: Lock) => Promise<unknown>, name: string) {
  return async (client: Redis, i: number, ctx: LessonContext, state: ReleaseState) => {
    const resource = ctx.key(name);
    const opts = { ttlMs: RELEASE_TTL_MS, waitMs: 10_000, retryMs: 2, fence: false };
    if (i === 0) {
      for (let round = 0; round < SLOW_ROUNDS; round++) {
        const lock = await acquireLock(client, resource, opts);
        if (!lock) continue;
        state.room.enter();
        await sleep(RELEASE_WORK_MS);
        state.room.leave();
        // Paused (a GC pause, a slow call) past the TTL: by now someone else holds the lock.
        await sleep(SLOW_PAUSE_MS);
        await release(client, lock);
      }
      state.done = true;
      return;
    }
    // The others start a moment later, so the slow worker's first round begins at once.
    await sleep(5);
    while (!state.done) {
      const lock = await acquireLock(client, resource, opts);
      if (!lock) continue;
      state.room.enter();
      await sleep(RELEASE_WORK_MS);
      state.room.leave();
      await release(client, lock);
    }
  };
}

const releaseRace: RaceSpec<ReleaseState> = {
  id: 'release-race',
  kind: 'race',
  clients: RELEASE_CLIENTS,
  state: () => ({ room: new Occupancy(), done: false }),
  variants: [
    {
      label: 'release with DEL',
      atomic: false,
      setup: (ctx) => setupRelease(ctx, 'locks:release:del'),
      worker: releaseWorker((client, lock) => releaseWithDel(client, lock.key), 'locks:release:del'),
      measure: (ctx, state) => measureRelease(ctx, state, 'DEL'),
    },
    {
      label: 'release by token (Lock.release)',
      atomic: true,
      setup: (ctx) => setupRelease(ctx, 'locks:release:token'),
      worker: releaseWorker((_client, lock) => lock.release(), 'locks:release:token'),
      measure: (ctx, state) => measureRelease(ctx, state, 'token release'),
    },
  ],
};

async function setupRelease(ctx: LessonContext, name: string): Promise<void> {
  const keys = lockKeys(ctx.unrecorded, ctx.key(name));
  await ctx.claim([keys.lock]);
  await ctx.unrecorded.unlink(keys.lock);
}

function measureRelease(ctx: LessonContext, state: ReleaseState, label: string) {
  const { room } = state;
  ctx.say(
    `${label}: ${count(room.entries, 'turn')} in the critical section, at most ${room.max} worker${room.max === 1 ? '' : 's'} inside at once` +
      (room.overlaps ? ` (${count(room.overlaps, 'time')} a worker walked in on a valid holder)` : ''),
  );
  return Promise.resolve({ expected: 1, actual: room.max, unit: 'workers inside at once' });
}

/** A command that deleted the key (DEL/UNLINK/DELEX replying 1), or null. */
const deleted = (c: RanCommand) => /^(DEL|UNLINK|DELEX)$/.test(c.name) && Number(c.reply) === 1;

/** release-safely: the learner's lock went by a DEL that compared the token on the server (WATCH + GET, or DELEX IFEQ). */
function releasedByToken(ctx: LessonContext): { pass: boolean; actual: string } {
  const mine = ctx.key('locks:report:daily');
  const restart = ' (:reset to start over)';
  const del = ranWrites(ctx, mine).filter(deleted).at(-1);
  if (!del) return { pass: false, actual: `nothing of yours deleted ${mine} yet` };
  if (del.name === 'DELEX') {
    return optionValue(del, 'IFEQ', 2) === ME
      ? { pass: true, actual: `${del.command}: the server compared the token and deleted in one command` }
      : { pass: false, actual: `${del.command} did not compare with your token ${ME}${restart}` };
  }
  const why = unguarded(ctx, del, mine, /^(GET|MGET|GETEX)$/, 'GET the lock');
  if (why) {
    const looked = del.transaction === null && ctx.history.some((c) => String(c.args[0]).toUpperCase() === 'GET' && c.keys.includes(mine));
    return {
      pass: false,
      actual: looked
        ? `GET, then ${del.name} as two commands: the lock can expire and be taken between them, and the ${del.name} then deletes the new holder's lock${restart}`
        : `${why.reason}${why.kind === 'alone' ? `: a plain ${del.name} deletes whoever holds the lock, your token or not` : ''}${restart}`,
    };
  }
  return { pass: true, actual: `WATCH, GET (your token), then ${del.name} in MULTI … EXEC: deleted only because it was still yours` };
}

/** Whether the learner wrote the other worker's lock at all (an expiry change is as wrong as a delete). */
function leftOthersAlone(name: string, holder: string) {
  return (ctx: LessonContext): { pass: boolean; actual: string } => {
    const key = ctx.key(name);
    const touched = ranWrites(ctx, key).find((c) => {
      if (c.name === 'SET' && c.reply === null) return false;
      if (/^(DELEX|P?EXPIRE(AT)?)$/.test(c.name) && Number(c.reply) === 0) return false;
      return true;
    });
    if (touched) {
      return {
        pass: false,
        actual: `${touched.command} changed ${holder}'s lock: its value is not your token, so it is not yours to touch (:reset puts it back)`,
      };
    }
    return { pass: true, actual: `${key} still ${holder}'s, untouched` };
  };
}

/** extend-safely: the latest write that set the lock's TTL compared the token on the server first. */
function extendedByToken(ctx: LessonContext): { pass: boolean; actual: string } {
  const mine = ctx.key('locks:export:q3');
  const restart = ' (:reset to start over)';
  const ext = ranWrites(ctx, mine)
    .filter((c) => (/^P?EXPIRE(AT)?$/.test(c.name) && Number(c.reply) === 1) || (c.name === 'SET' && c.reply !== null))
    .at(-1);
  if (!ext) return { pass: false, actual: `nothing of yours changed the TTL of ${mine} yet` };
  if (ext.name === 'SET' && optionValue(ext, 'IFEQ') === ME) {
    return { pass: true, actual: `${ext.command}: compared and extended in one command` };
  }
  const why = unguarded(ctx, ext, mine, /^(GET|MGET|GETEX)$/, 'GET the lock');
  if (why) {
    const looked = ext.transaction === null && ctx.history.some((c) => String(c.args[0]).toUpperCase() === 'GET' && c.keys.includes(mine));
    return {
      pass: false,
      actual: looked
        ? `GET, then ${ext.name} as two commands: the lock can expire and be re-taken between them, and you would extend the new holder's lock${restart}`
        : `${why.reason}${why.kind === 'alone' ? `: ${ext.name} extends whoever holds the lock` : ''}${restart}`,
    };
  }
  return { pass: true, actual: `WATCH, GET (your token), then ${ext.name} in MULTI … EXEC` };
}

export const releaseSteps: StepSpec[] = [
  releaseRace,
  {
    id: 'lua-release-extend',
    kind: 'code',
    async run(ctx) {
      const resource = ctx.key('locks:cleanup');
      await ctx.claim([resource]);
      await ctx.unrecorded.unlink(resource);
      const opts = { ttlMs: 100, fence: false };
      const a = await acquireLock(ctx.redis, resource, opts);
      if (!a) throw new Error(`${resource} is held: nothing else should hold it`);
      ctx.say(`A holds the lock (token ${a.token}) for 100 ms, and stalls for 150 ms.`);
      await sleep(150);
      const b = await acquireLock(ctx.redis, resource, { ttlMs: 30_000, fence: false });
      if (!b) throw new Error(`${resource} did not expire`);
      ctx.say(`A's lock expired; B took it (token ${b.token}). A wakes up and tries to extend, then to release:`);
      const extended = await a.extend(30_000);
      const released = await a.release();
      const holder = await ctx.unrecorded.get(resource);
      ctx.say(
        `A.extend → ${extended}, A.release → ${released}: the scripts compared A's token with ${holder === b.token ? "B's" : 'the'} ` +
          `value and did nothing. B's lock is intact. B extends its own lock, then releases it:`,
      );
      await b.extend(60_000);
      await ctx.redis.pttl(resource);
      await b.release();
      await ctx.redis.exists(resource);
    },
  },
  {
    id: 'release-safely',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['locks:report:daily', 'locks:report:weekly'], async (k) => {
        await ctx.unrecorded.set(k('locks:report:daily'), ME, 'PX', LONG_MS);
        await ctx.unrecorded.set(k('locks:report:weekly'), OTHER, 'PX', LONG_MS);
      }),
    check: expanded(
      all(
        custom(`{ns}locks:report:weekly left to ${OTHER}`, leftOthersAlone('locks:report:weekly', OTHER)),
        stringEquals('locks:report:weekly', OTHER),
        notExists('locks:report:daily'),
        custom('{ns}locks:report:daily deleted in MULTI … EXEC after WATCH and a GET that showed your token', releasedByToken),
      ),
    ),
    hints: [
      'Read the lock under WATCH. If it holds your token, delete it inside MULTI … EXEC: should the lock change after your GET (expire, be taken), EXEC does nothing. If it holds someone else’s token, leave it (UNWATCH).',
      'WATCH key · GET key · MULTI · DEL key · EXEC   (for each lock; skip the MULTI part where GET shows another token)',
    ],
    solution: [
      'WATCH {ns}locks:report:daily',
      'GET {ns}locks:report:daily',
      'MULTI',
      'DEL {ns}locks:report:daily',
      'EXEC',
      'WATCH {ns}locks:report:weekly',
      'GET {ns}locks:report:weekly',
      'UNWATCH',
    ],
    wrong: [
      // Plain DEL on both: the weekly lock is w4's now.
      ['DEL {ns}locks:report:daily', 'DEL {ns}locks:report:weekly'],
      // Only the right key, but no check at all.
      ['DEL {ns}locks:report:daily'],
      // Checked, then deleted by a second command: the lock can change hands in between.
      ['GET {ns}locks:report:daily', 'DEL {ns}locks:report:daily'],
      // A transaction, but nothing was compared under WATCH.
      ['MULTI', 'DEL {ns}locks:report:daily', 'EXEC'],
      ['WATCH {ns}locks:report:daily', 'MULTI', 'DEL {ns}locks:report:daily', 'EXEC'],
    ],
  },
  {
    id: 'extend-safely',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['locks:export:q3', 'locks:export:q4'], async (k) => {
        await ctx.unrecorded.set(k('locks:export:q3'), ME, 'PX', 180_000);
        await ctx.unrecorded.set(k('locks:export:q4'), OTHER, 'PX', LONG_MS);
      }),
    check: expanded(
      all(
        custom(`{ns}locks:export:q4 left to ${OTHER}`, leftOthersAlone('locks:export:q4', OTHER)),
        stringEquals('locks:export:q4', OTHER),
        stringEquals('locks:export:q3', ME),
        ttlBetween('locks:export:q3', 250, 300),
        custom('the TTL of {ns}locks:export:q3 set in MULTI … EXEC after WATCH and a GET that showed your token', extendedByToken),
      ),
    ),
    hints: [
      'The same shape as a safe release: WATCH, GET to compare the token, and the write inside MULTI … EXEC. PEXPIRE takes milliseconds.',
      'WATCH key · GET key · MULTI · PEXPIRE key 300000 · EXEC   (and for a lock holding another token: UNWATCH, and leave it)',
    ],
    solution: [
      'WATCH {ns}locks:export:q3',
      'GET {ns}locks:export:q3',
      'MULTI',
      'PEXPIRE {ns}locks:export:q3 300000',
      'EXEC',
      'WATCH {ns}locks:export:q4',
      'GET {ns}locks:export:q4',
      'UNWATCH',
    ],
    wrong: [
      // Extends both: q4 is w4's, and w4 now holds it 5 minutes longer than it asked.
      ['PEXPIRE {ns}locks:export:q3 300000', 'PEXPIRE {ns}locks:export:q4 300000'],
      // No check: extends whoever holds q3.
      ['PEXPIRE {ns}locks:export:q3 300000'],
      // Checked, then extended by a second command.
      ['GET {ns}locks:export:q3', 'PEXPIRE {ns}locks:export:q3 300000'],
      // Guarded, but PEXPIRE wants milliseconds: the lock now ends in 0.3 s.
      ['WATCH {ns}locks:export:q3', 'GET {ns}locks:export:q3', 'MULTI', 'PEXPIRE {ns}locks:export:q3 300', 'EXEC'],
    ],
  },
  {
    id: 'ifeq-extend',
    kind: 'run',
    requires: { commands: ['DELEX'], needs: 'Redis 8.4 or later' },
    commands: [
      'SET {ns}locks:report:monthly w1-7f3a NX PX 30000',
      'SET {ns}locks:report:monthly w1-7f3a IFEQ w1-7f3a PX 60000',
      'PTTL {ns}locks:report:monthly',
      'SET {ns}locks:report:monthly w9-0bad IFEQ w9-0bad PX 60000',
      'DELEX {ns}locks:report:monthly IFEQ w9-0bad',
      'DELEX {ns}locks:report:monthly IFEQ w1-7f3a',
      'EXISTS {ns}locks:report:monthly',
    ],
  },
];
