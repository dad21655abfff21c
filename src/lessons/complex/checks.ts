// The complex lesson's checks that read what the learner typed: the state alone cannot tell the approach taught from
// the one it replaces (RPOP + LPUSH leaves the same lists as LMOVE; hand-typed SADDs the same set as SINTERSTORE).
import { keysWrittenBy, ranCommands, writesSince, type RanCommand, type Restart } from '../../engine/checks.js';
import type { Check } from '../../engine/types.js';

const MOVES = new Set(['LMOVE', 'BLMOVE', 'RPOPLPUSH', 'BRPOPLPUSH']);
const INCREMENTS = new Set(['INCR', 'INCRBY', 'DECR', 'DECRBY', 'INCRBYFLOAT']);

/** The commands after the last one `restart` accepts (all of them without one). */
function since(cs: readonly RanCommand[], restart: (c: RanCommand) => boolean): RanCommand[] {
  let last = -1;
  cs.forEach((c, i) => {
    if (restart(c)) last = i;
  });
  return cs.slice(last + 1);
}

/** "A ; B ; C" */
function commands(cs: readonly RanCommand[]): string {
  return cs.map((c) => c.command).join(' ; ');
}

/** Field/value pairs of an HSET or HMSET. */
function hashPairs(c: RanCommand): Map<string, string> {
  const pairs = new Map<string, string>();
  for (let i = 2; i + 1 < c.args.length; i += 2) pairs.set(c.args[i]!, c.args[i + 1]!);
  return pairs;
}

/** One HSET (or HMSET) wrote every field of `fields`; and no key per field (`name:field`) was written instead. */
export function oneHashWrite(name: string, fields: Record<string, string>, restart: Restart): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const ran = ranCommands(ctx.history);
    // Keys per field the learner wrote and has not removed since.
    const written = [...new Set(ran.flatMap((c) => keysWrittenBy(c).filter((k) => k.startsWith(`${key}:`))))];
    const left = written.length ? await ctx.unrecorded.exists(...written) : 0;
    const hit = ran.find(
      (c) =>
        (c.name === 'HSET' || c.name === 'HMSET') &&
        c.args[1] === key &&
        Object.entries(fields).every(([f, v]) => hashPairs(c).get(f) === v),
    );
    const writes = writesSince(ctx, key, restart);
    const expected = `one HSET that writes ${Object.keys(fields).join(', ')} into the hash ${key}`;
    if (left) {
      return { pass: false, expected, actual: `you wrote one key per field (${written.join(', ')}): the profile belongs in one hash` };
    }
    const asString = writes.find((c) => /^(SET|SETNX|SETEX|PSETEX|MSET|GETSET|APPEND)$/.test(c.name));
    if (asString) {
      return {
        pass: false,
        expected,
        actual: `you stored it as a string (${asString.command}): Redis cannot change one field of that; a hash can`,
      };
    }
    return {
      pass: Boolean(hit),
      expected,
      actual: hit
        ? hit.command
        : writes.length > 1
          ? `you sent ${writes.length} commands (${commands(writes)}): one HSET takes all the fields`
          : writes.length
            ? `${commands(writes)} did not write all of ${Object.keys(fields).join(', ')}`
            : `no command wrote ${key} yet`,
    };
  };
}

/** `job` went from `from` to `to` in one move command, and nothing else wrote either list. */
export function movedAtomically(fromName: string, toName: string, job: string, restart: Restart): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const [from, to] = [ctx.key(fromName), ctx.key(toName)];
      const writes = since(
        ranCommands(ctx.history).filter((c) => keysWrittenBy(c).some((k) => k === from || k === to)),
        (c) => restart(c, ctx),
      );
      const isMove = (c: RanCommand) => MOVES.has(c.name) && c.args[1] === from && c.args[2] === to;
      const others = writes.filter((c) => !isMove(c));
      const hit = writes.find((c) => isMove(c) && c.reply === job);
      return {
        pass: Boolean(hit) && others.length === 0,
        expected: `one LMOVE (or BLMOVE, RPOPLPUSH) taking ${job} from ${from} into ${to}`,
        actual: others.length
          ? `you sent ${commands(writes)}: the job moved in ${writes.length} commands, and a crash in between loses it (or runs it twice)`
          : hit
            ? hit.command
            : writes.length
              ? `${commands(writes)} did not move ${job}`
              : 'no job moved yet',
      };
    });
}

/**
 * The set was last written by `command` (Redis computed it), with nothing typed in by hand after. A STORE replaces its
 * destination, so hand-typed members before the last one do not matter.
 */
export function computedBy(name: string, command: string): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const key = ctx.key(name);
      const writes = writesSince(ctx, key);
      const stored = writes.findLastIndex((c) => c.name === command);
      const after = writes.slice(stored + 1);
      const bad = after.find((c) => c.name === 'SADD') ?? after[0];
      return {
        pass: stored >= 0 && !bad,
        expected: `${key} stored by ${command}, computed by Redis`,
        actual:
          bad?.name === 'SADD'
            ? `you typed members into ${key} yourself (${bad.command}): ${command} computes and stores them`
            : bad
              ? `${key} was written by ${bad.command}, not ${command}`
              : stored >= 0
                ? writes[stored]!.command
                : `no ${command} into ${key} yet`,
      };
    });
}

/** Every write to both accounts ran inside one committed MULTI/EXEC, as relative changes (DECRBY/INCRBY). */
export function oneTransaction(names: string[], restart: Restart): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const keys = names.map((n) => ctx.key(n));
      const writes = since(
        ranCommands(ctx.history).filter((c) => keysWrittenBy(c).some((k) => keys.includes(k))),
        (c) => restart(c, ctx),
      );
      const expected = `the changes to ${keys.join(' and ')} queued after MULTI and run together by EXEC`;
      const alone = writes.find((c) => c.transaction === null);
      const absolute = writes.find((c) => !INCREMENTS.has(c.name));
      const transactions = new Set(writes.map((c) => c.transaction));
      const fail = (actual: string) => ({ pass: false, expected, actual });
      if (!writes.length) return fail('no transaction changed them yet');
      if (alone) {
        return fail(
          `you ran ${alone.command} outside MULTI/EXEC: until the other change ran, a client could see the coins in neither account`,
        );
      }
      if (absolute)
        return fail(`you wrote a balance computed in the client (${absolute.command}): a payment landing before EXEC would be lost`);
      if (transactions.size > 1) {
        return fail(
          `the changes ran in ${transactions.size} separate transactions: in between, a client could see the coins in neither account`,
        );
      }
      const untouched = keys.filter((k) => !writes.some((c) => keysWrittenBy(c).includes(k)));
      if (untouched.length) return fail(`the transaction did not change ${untouched.join(', ')}`);
      return { pass: true, expected, actual: `MULTI ; ${commands(writes)} ; EXEC` };
    });
}
