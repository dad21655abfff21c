// Fencing tokens: a holder paused past its TTL writes stale data into a plain store, and is refused by a store that
// keeps the highest fence it has seen; then the learner takes a lock and its fence in one MULTI, and writes with the
// fence only where the store has seen no higher one (WATCH + HGET + MULTI/HSET/EXEC).
import { all, custom, hashHas, stringEquals, ttlBetween, type RanCommand } from '../../engine/checks.js';
import { expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { acquireLock, lockKeys, sleep, withLock } from '../../patterns/index.js';
import { optionsOf, ranWrites, unguarded } from './guards.js';
import { fencedWrite } from './lib/fenced-store.js';
import { FENCE_PAUSE_MS, FENCE_TTL_MS } from './shared.js';

const LEDGER_TOKEN = 'w6-51aa';

/** lock-and-fence: the SET that took the lock (NX, an expiry) and the INCR of the fence ran in the same EXEC. */
function lockAndFenceInOneExec(ctx: LessonContext): { pass: boolean; actual: string } {
  const lock = ctx.key('locks:ledger');
  const fence = ctx.key('locks:ledger:fence');
  const restart = ' (:reset to start over)';
  const took = ranWrites(ctx, lock)
    .filter((c) => c.name === 'SET' && c.reply === 'OK')
    .at(-1);
  if (!took) return { pass: false, actual: `no command of yours took ${lock} yet` };
  const opts = optionsOf(took);
  if (!opts.includes('NX')) return { pass: false, actual: `${took.command} has no NX: it takes the lock even from its holder${restart}` };
  if (!opts.some((o) => TTL_OPTIONS.has(o))) return { pass: false, actual: `${took.command} has no expiry${restart}` };
  const incrs = ranWrites(ctx, fence).filter((c) => /^INCR(BY)?$/.test(c.name));
  if (took.transaction === null) {
    return {
      pass: false,
      actual:
        `${took.command} and ${incrs[0]?.command ?? 'the INCR'} ran as two commands: between them your lock can expire, another worker ` +
        `take it and INCR first, and you would carry a higher fence than the real holder. Put both in one MULTI … EXEC${restart}`,
    };
  }
  const together = incrs.find((c) => c.transaction === took.transaction);
  if (!together) {
    return {
      pass: false,
      actual: incrs.length
        ? `${incrs[0]!.command} ran outside the transaction that took the lock: the fence must be drawn in the same EXEC${restart}`
        : `the transaction took the lock but drew no fence (INCR ${fence})${restart}`,
    };
  }
  return { pass: true, actual: `one EXEC: ${took.command} → OK, ${together.command} → ${String(together.reply)}` };
}

/** fenced-write: doc-a got body and fence in a MULTI guarded by WATCH doc-a and a read of its fence. */
function fencedWriteGuarded(ctx: LessonContext): { pass: boolean; actual: string } {
  const doc = ctx.key('locks:ledger:doc-a');
  const write = ranWrites(ctx, doc)
    .filter((c) => /^(HSET|HMSET)$/.test(c.name))
    .at(-1);
  if (!write) return { pass: false, actual: `no command of yours wrote ${doc} yet` };
  const why = unguarded(ctx, write, doc, /^(HGET|HMGET|HGETALL)$/, 'read its fence (HGET)');
  if (!why) return { pass: true, actual: `WATCH, HGET fence (41, lower than 42), then ${write.command} in MULTI … EXEC` };
  const looked = write.transaction === null && ctx.history.some((c) => /^HM?GET(ALL)?$/i.test(String(c.args[0])) && c.keys.includes(doc));
  return {
    pass: false,
    actual: looked
      ? `read, then ${write.name} as two commands: a holder with a higher fence can write in between, and yours would overwrite it (:reset to start over)`
      : `${why.reason}${why.kind === 'broken' ? '' : ": a store that does not compare fences takes a stale holder's write like any other"} (:reset to start over)`,
  };
}

/** No learner write reached the other record (an HSET of the same values still counts: it was not yours to write). */
function untouched(name: string, what: string) {
  return (ctx: LessonContext): { pass: boolean; actual: string } => {
    const key = ctx.key(name);
    const w: RanCommand | undefined = ranWrites(ctx, key)[0];
    return w ? { pass: false, actual: `${w.command}: ${what} (:reset puts it back)` } : { pass: true, actual: `${key} untouched` };
  };
}

export const fencingSteps: StepSpec[] = [
  {
    id: 'slow-holder',
    kind: 'code',
    async run(ctx) {
      const resource = ctx.key('locks:account:7');
      const keys = lockKeys(ctx.redis, resource);
      const plain = ctx.key('locks:account:7:plain');
      const fenced = ctx.key('locks:account:7:fenced');
      await ctx.claim([keys.lock, keys.fence, plain, fenced]);
      await ctx.unrecorded.unlink(keys.lock, keys.fence, plain, fenced);
      await ctx.unrecorded.set(plain, '100');
      await ctx.unrecorded.hset(fenced, { value: '100', fence: '0' });

      const a = await acquireLock(ctx.redis, resource, { ttlMs: FENCE_TTL_MS });
      if (!a) throw new Error(`${resource} is held: nothing else should hold it`);
      ctx.say(
        `A holds the lock with fence ${a.fence}, reads the balance (100) and means to add 20. Then it stalls for ` +
          `${FENCE_PAUSE_MS} ms (a GC pause): longer than its ${FENCE_TTL_MS} ms TTL.`,
      );
      await sleep(FENCE_PAUSE_MS);
      const b = await withLock(ctx.redis, resource, { ttlMs: 5000, waitMs: 1000 }, async (lock) => {
        await ctx.redis.set(plain, '130');
        await fencedWrite(ctx.redis, fenced, lock.fence, '130');
        return lock.fence;
      });
      if (!b.acquired) throw new Error(`${resource} did not expire`);
      ctx.say(`A's lock had expired: B took it with fence ${b.value}, added 30 (balance 130) in both stores, and released.`);
      ctx.say('A wakes up, knowing nothing of B, and writes its result, 120, to both stores:');
      await ctx.redis.set(plain, '120');
      const accepted = await fencedWrite(ctx.redis, fenced, a.fence, '120');
      const released = await a.release();
      const [plainNow, fencedNow] = await Promise.all([ctx.unrecorded.get(plain), ctx.unrecorded.hgetall(fenced)]);
      ctx.table(
        ['store', 'A (fence ' + a.fence + ') wrote', 'holds now', "B's 30"],
        [
          ['plain SET', 'accepted', String(plainNow), plainNow === '130' ? 'kept' : 'lost'],
          [
            'keeps the highest fence',
            accepted ? 'accepted' : 'refused',
            `${fencedNow.value} (fence ${fencedNow.fence})`,
            fencedNow.value === '130' ? 'kept' : 'lost',
          ],
        ],
      );
      ctx.say(
        `A.release → ${released}: the lock was not A's any more. The lock alone could not stop A's late write; ` +
          `the fence did, because the store compared it.`,
      );
    },
  },
  {
    id: 'lock-and-fence',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['locks:ledger', 'locks:ledger:fence'], async (k) => {
        await ctx.unrecorded.set(k('locks:ledger:fence'), '41');
      }),
    check: expanded(
      all(
        stringEquals('locks:ledger', LEDGER_TOKEN),
        ttlBetween('locks:ledger', 1, 30),
        stringEquals('locks:ledger:fence', '42'),
        custom('the SET … NX PX and the INCR of the fence in one MULTI … EXEC', lockAndFenceInOneExec),
      ),
    ),
    hints: [
      'MULTI queues both commands and EXEC runs them back to back: nobody can take the lock or draw a fence between them. (If SET is refused, the INCR still runs and that number is simply skipped.)',
      'MULTI · SET key token NX PX 30000 · INCR fence-key · EXEC   (the EXEC reply shows OK and your fence)',
    ],
    solution: ['MULTI', `SET {ns}locks:ledger ${LEDGER_TOKEN} NX PX 30000`, 'INCR {ns}locks:ledger:fence', 'EXEC'],
    wrong: [
      // Two commands: the lock can change hands before the INCR.
      [`SET {ns}locks:ledger ${LEDGER_TOKEN} NX PX 30000`, 'INCR {ns}locks:ledger:fence'],
      ['INCR {ns}locks:ledger:fence', `SET {ns}locks:ledger ${LEDGER_TOKEN} NX PX 30000`],
      // One unit, but without NX it would take the lock from its holder.
      ['MULTI', `SET {ns}locks:ledger ${LEDGER_TOKEN} PX 30000`, 'INCR {ns}locks:ledger:fence', 'EXEC'],
      // One unit, but the lock has no expiry.
      ['MULTI', `SETNX {ns}locks:ledger ${LEDGER_TOKEN}`, 'INCR {ns}locks:ledger:fence', 'EXEC'],
    ],
  },
  {
    id: 'fenced-write',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['locks:ledger:doc-a', 'locks:ledger:doc-b'], async (k) => {
        await ctx.unrecorded.hset(k('locks:ledger:doc-a'), { body: 'v1', fence: '41' });
        await ctx.unrecorded.hset(k('locks:ledger:doc-b'), { body: 'v9', fence: '43' });
      }),
    check: expanded(
      all(
        custom(
          '{ns}locks:ledger:doc-b left alone (a holder with fence 43 wrote it)',
          untouched('locks:ledger:doc-b', 'doc-b was written by fence 43, newer than your 42: the store must refuse you'),
        ),
        hashHas('locks:ledger:doc-b', { body: 'v9', fence: '43' }),
        hashHas('locks:ledger:doc-a', { body: 'v2', fence: '42' }),
        custom('{ns}locks:ledger:doc-a written in MULTI … EXEC after WATCH and a read of its fence', fencedWriteGuarded),
      ),
    ),
    hints: [
      'For each document: WATCH it, read its fence, and only if it is not higher than 42 write the body and your fence together in MULTI … EXEC. If the fence changes after your read, EXEC does nothing.',
      'WATCH key · HGET key fence · MULTI · HSET key body v2 fence 42 · EXEC   (where HGET shows a higher fence: UNWATCH and leave it)',
    ],
    solution: [
      'WATCH {ns}locks:ledger:doc-a',
      'HGET {ns}locks:ledger:doc-a fence',
      'MULTI',
      'HSET {ns}locks:ledger:doc-a body v2 fence 42',
      'EXEC',
      'WATCH {ns}locks:ledger:doc-b',
      'HGET {ns}locks:ledger:doc-b fence',
      'UNWATCH',
    ],
    wrong: [
      // Both written: doc-b's newer write (fence 43) is lost.
      ['HSET {ns}locks:ledger:doc-a body v2 fence 42', 'HSET {ns}locks:ledger:doc-b body v2 fence 42'],
      // The right document, but nothing compared the fence.
      ['HSET {ns}locks:ledger:doc-a body v2 fence 42'],
      // Compared, then written by a second command.
      ['HGET {ns}locks:ledger:doc-a fence', 'HSET {ns}locks:ledger:doc-a body v2 fence 42'],
      // Guarded, but the fence was not written with the data: the store still says 41.
      ['WATCH {ns}locks:ledger:doc-a', 'HGET {ns}locks:ledger:doc-a fence', 'MULTI', 'HSET {ns}locks:ledger:doc-a body v2', 'EXEC'],
    ],
  },
];
