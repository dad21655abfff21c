// What the sessions lesson's checks read from the learner's commands: which writes ran together in one EXEC, and
// whether that EXEC was guarded by a WATCH taken before the data was read.
import type { RanCommand } from '../../engine/checks.js';
import type { LessonContext } from '../../engine/types.js';

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: the commands that give a whole key its deadline. */
export const EXPIRY = /^P?EXPIRE(AT)?$/;
/** A script on the server: as atomic as MULTI (the learner may use one on a private server). */
export const SCRIPT_CALL = /^(EVAL|EVALSHA|FCALL)$/;

/** Whether the command has this option (case-insensitive) among its arguments after the key. */
export function hasOption(c: RanCommand, option: string): boolean {
  return c.args.slice(2).some((a) => a.toUpperCase() === option);
}

/** The fields an HSET, HMSET, HSETNX, HINCRBY, HINCRBYFLOAT or HDEL names. */
export function fieldsOf(c: RanCommand): string[] {
  if (c.name === 'HSET' || c.name === 'HMSET') return c.args.filter((_a, i) => i >= 2 && i % 2 === 0);
  if (c.name === 'HSETNX' || c.name === 'HINCRBY' || c.name === 'HINCRBYFLOAT') return c.args[2] === undefined ? [] : [c.args[2]];
  if (c.name === 'HDEL') return c.args.slice(2);
  return [];
}

/** "A ; B ; C" */
export function listed(cs: readonly RanCommand[]): string {
  return cs.map((c) => c.command).join(' ; ');
}

/** What guarded one committed transaction: a WATCH on the key still in force at MULTI, and a read of it under that WATCH. */
export interface Guard {
  watched: boolean;
  readAfterWatch: boolean;
}

/**
 * For each transaction that committed (numbered as ranCommands numbers them), whether the learner had WATCHed `key`
 * before its MULTI and read the key after that WATCH. A write of the learner's own to the watched key between the WATCH
 * and the MULTI ends the guard (Redis then fails the EXEC, as for any change to a watched key), as do UNWATCH, DISCARD
 * and any EXEC; a write to another key does not.
 */
export function guardedTransactions(ctx: LessonContext, key: string): Map<number, Guard> {
  const out = new Map<number, Guard>();
  let inMulti = false;
  let transactions = 0;
  let watching = false;
  let read = false;
  let atMulti: Guard = { watched: false, readAfterWatch: false };
  for (const c of ctx.history) {
    const name = String(c.args[0]).toUpperCase();
    if (name === 'MULTI' && !c.error) {
      inMulti = true;
      atMulti = { watched: watching, readAfterWatch: watching && read };
    } else if (name === 'DISCARD' && inMulti) {
      inMulti = false;
      watching = read = false;
    } else if (name === 'EXEC' && inMulti) {
      if (Array.isArray(c.reply) && !c.error) out.set(++transactions, atMulti);
      inMulti = false;
      watching = read = false;
    } else if (inMulti || c.error) {
      continue;
    } else if (name === 'WATCH') {
      if (c.args.slice(1).includes(key)) {
        watching = true;
        read = false;
      }
    } else if (name === 'UNWATCH') {
      watching = read = false;
    } else if (c.write && c.keys.includes(key)) {
      watching = read = false;
    } else if (watching && c.keys.includes(key)) {
      read = true;
    }
  }
  return out;
}
