// The simple lesson's own checks: what "in one command" means for SET and its options, read from the learner's history.
import { ranCommands, writesSince, writesTo, type RanCommand, type Restart } from '../../engine/checks.js';
import { TTL_OPTIONS, count } from '../../engine/kit.js';
import type { Check } from '../../engine/types.js';

export const EXPIRY_COMMANDS: ReadonlySet<string> = new Set(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']);

/** Options of a SET command line after `SET key value`, upper case. */
export function setOptions(args: readonly string[]): string[] {
  return args.slice(3).map((a) => a.toUpperCase());
}

/** A SET (or SETEX/PSETEX) that writes the value and its TTL together. */
export function setsValueAndTtl(c: RanCommand): boolean {
  return c.name === 'SETEX' || c.name === 'PSETEX' || (c.name === 'SET' && setOptions(c.args).some((o) => TTL_OPTIONS.has(o)));
}

/** "you sent A ; B" for the commands that wrote a key. */
export function sent(writes: readonly RanCommand[]): string {
  return `you sent ${writes.map((c) => c.command).join(' ; ')}`;
}

/**
 * The last command that wrote `name` in this exercise satisfies `pred`: state checks cannot tell "one command" from
 * "two commands" apart; the history can. `mistake` names what the learner did instead.
 */
export function lastWriteTo(
  name: string,
  expected: string,
  pred: (c: RanCommand) => boolean,
  mistake: (writes: RanCommand[], key: string) => string,
): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const key = ctx.key(name);
      const writes = writesTo(ctx, key);
      const last = writes.at(-1);
      const pass = last !== undefined && pred(last);
      return {
        pass,
        expected: expected.replaceAll('KEY', key),
        actual: pass ? last.command : writes.length ? mistake(writes, key) : `no command wrote ${key} yet`,
      };
    });
}

/** Value and TTL written by a single command: SET … EX/PX/EXAT/PXAT, SETEX or PSETEX. */
export function valueAndTtlInOneCommand(name: string): Check {
  return lastWriteTo(name, 'one command that writes KEY and its TTL (SET … EX …)', setsValueAndTtl, (writes, key) => {
    const last = writes.at(-1)!;
    if (last.transaction !== null && EXPIRY_COMMANDS.has(last.name)) {
      return `${sent(writes)}: MULTI/EXEC makes the pair atomic, but one SET … EX does it without a transaction`;
    }
    return writes.length > 1 && writes.some((c) => EXPIRY_COMMANDS.has(c.name))
      ? `${sent(writes)}: ${writes.length} commands, so for a moment ${key} had no expiry`
      : `${sent(writes)}: it does not set the TTL`;
  });
}

/**
 * A TTL of about `seconds` (the check runs right after the command, so only a little has passed). A TTL far below it
 * usually means PX (milliseconds) where EX (seconds) was meant: the "found" text says so.
 */
export function ttlAbout(name: string, seconds: number): Check {
  const min = seconds - Math.max(2, seconds / 10);
  return async (ctx) => {
    const key = ctx.key(name);
    const pttl = await ctx.unrecorded.pttl(key);
    const shown = `${key} TTL ${(pttl / 1000).toFixed(pttl < 10_000 ? 3 : 1)} s`;
    const actual =
      pttl === -2
        ? `${key} does not exist`
        : pttl === -1
          ? `${key} TTL -1 (no expiry)`
          : pttl <= seconds
            ? `${shown}: PX counts milliseconds, EX counts seconds`
            : shown;
    return { pass: pttl >= min * 1000 && pttl <= seconds * 1000, expected: `${key} TTL ${seconds} s`, actual };
  };
}

/** The value changed by commands that keep the expiry (SET … KEEPTTL, SETRANGE, APPEND), never one that drops or renews it. */
export function keptExpiry(name: string, restart: Restart): Check {
  const keeps = (c: RanCommand) =>
    (c.name === 'SET' && setOptions(c.args).includes('KEEPTTL')) || c.name === 'SETRANGE' || c.name === 'APPEND';
  return (ctx) =>
    Promise.resolve().then(() => {
      const key = ctx.key(name);
      const writes = writesSince(ctx, key, restart);
      const bad = writes.filter((c) => !keeps(c));
      const renewed = bad.find((c) => EXPIRY_COMMANDS.has(c.name) || setsValueAndTtl(c));
      return {
        pass: bad.length === 0 && writes.length > 0,
        expected: `${key} changed with SET … KEEPTTL, keeping the expiry it had`,
        actual: renewed
          ? `${sent(bad)}: ${EXPIRY_COMMANDS.has(renewed.name) ? renewed.name : 'its TTL option'} gives it a fresh expiry instead of keeping the one it had`
          : bad.length
            ? `you rewrote it with ${bad[0]!.command}, which drops the expiry`
            : writes.length
              ? writes.map((c) => c.command).join(' ; ')
              : `no command wrote ${key} yet`,
      };
    });
}

/** A SET … GET (or GETSET) on `name` replied with the value it replaced: the read and the write were one command. */
export function swappedInOneCommand(name: string, old: string): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const key = ctx.key(name);
      const ran = ranCommands(ctx.history).filter((c) => c.keys.includes(key));
      const swap = ran.find((c) => c.reply === old && (c.name === 'GETSET' || (c.name === 'SET' && setOptions(c.args).includes('GET'))));
      const read = ran.find((c) => c.name === 'GET' || c.name === 'GETDEL' || c.name === 'GETEX');
      const write = ran.find((c) => c.write && c.name !== 'GETDEL');
      return {
        pass: Boolean(swap),
        expected: `one SET … GET (or GETSET) on ${key} whose reply is the old token ${JSON.stringify(old)}`,
        actual: swap
          ? `${swap.command} → ${JSON.stringify(swap.reply)}`
          : read && write
            ? `you read it (${read.command}) and wrote it (${write.command}) in two commands: another client could write in between`
            : write
              ? `${write.command} replied ${JSON.stringify(write.reply)}: the old token was not returned`
              : `no command wrote ${key} yet`,
      };
    });
}

/** One MSET (or an MSETNX that wrote) set every key of `values` to its value. */
export function oneMset(values: Record<string, string>): Check {
  return (ctx) =>
    Promise.resolve().then(() => {
      const want = Object.entries(values).map(([k, v]) => [ctx.key(k), v] as const);
      const ran = ranCommands(ctx.history);
      const hit = ran.find((c) => {
        if (c.name !== 'MSET' && !(c.name === 'MSETNX' && Number(c.reply) === 1)) return false;
        const pairs = new Map<string, string>();
        for (let i = 1; i + 1 < c.args.length; i += 2) pairs.set(c.args[i]!, c.args[i + 1]!);
        return want.every(([k, v]) => pairs.get(k) === v);
      });
      const writes = ran.filter((c) => c.write && c.keys.some((k) => want.some(([w]) => w === k)));
      return {
        pass: Boolean(hit),
        expected: `one MSET that writes ${want.map(([k]) => k).join(', ')}`,
        actual: hit
          ? hit.command
          : writes.length
            ? `you sent ${count(writes.length, 'command')} (${writes.map((c) => c.name).join(', ')}): one MSET writes them all`
            : 'no command wrote them yet',
      };
    });
}
