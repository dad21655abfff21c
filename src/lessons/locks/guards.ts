// What the learner's WATCH protected: for each transaction the learner committed, the keys under WATCH when MULTI was
// typed and the reads made on them in between (GET of the lock, HGET of the fence, ZCARD of the holders). A check that
// wants "compare, then write, as one unit" asks whether the write ran inside such a transaction.
import { ranCommands, type RanCommand } from '../../engine/checks.js';
import type { LessonContext } from '../../engine/types.js';

/** What stood guard over one committed transaction. */
export interface TxGuard {
  /** Keys under the learner's WATCH when MULTI was typed. */
  watched: Set<string>;
  /** For each watched key, the read commands sent on it after the WATCH (GET, HGET, ZCARD…), upper case. */
  reads: Map<string, string[]>;
  /**
   * A write to a watched key sent alone between WATCH and MULTI. Redis then fails the EXEC (a change to a watched key,
   * your own included, aborts it): the transaction is no longer guarded by what was read before it. A write to a key
   * that is not watched changes nothing.
   */
  brokenBy?: string;
}

/** The guards of the learner's committed transactions, numbered as ranCommands numbers them (1 = the first EXEC). */
export function transactionGuards(history: LessonContext['history']): Map<number, TxGuard> {
  const guards = new Map<number, TxGuard>();
  let watched = new Set<string>();
  let reads = new Map<string, string[]>();
  let brokenBy: string | undefined;
  let snapshot: TxGuard | null = null;
  let tx = 0;
  const forget = () => {
    watched = new Set();
    reads = new Map();
  };
  for (const c of history) {
    const name = String(c.args[0]).toUpperCase();
    if (name === 'EXEC' && snapshot) {
      if (Array.isArray(c.reply) && !c.error) guards.set(++tx, snapshot);
      snapshot = null;
      brokenBy = undefined;
      forget();
      continue;
    }
    if (c.error) continue;
    if (snapshot) {
      if (name === 'DISCARD') {
        snapshot = null;
        brokenBy = undefined;
        forget();
      }
      // Queued commands run at EXEC: they read nothing now.
      continue;
    }
    if (name === 'WATCH') {
      for (const k of c.keys) watched.add(k);
      brokenBy = undefined;
    } else if (name === 'UNWATCH') {
      forget();
    } else if (name === 'MULTI') {
      snapshot = { watched: new Set(watched), reads: new Map([...reads].map(([k, v]) => [k, [...v]])), brokenBy };
    } else if (c.write && c.keys.some((k) => watched.has(k))) {
      brokenBy = c.command;
      forget();
    } else {
      for (const k of c.keys) if (watched.has(k)) reads.set(k, [...(reads.get(k) ?? []), name]);
    }
  }
  return guards;
}

/** Why a write was not a guarded compare-and-write. */
export interface Unguarded {
  /** alone: sent outside MULTI; no-watch: MULTI without WATCH on the key; broken: a write between WATCH and MULTI;
   *  no-read: WATCHed but never read. */
  kind: 'alone' | 'no-watch' | 'broken' | 'no-read';
  reason: string;
}

/**
 * Why `cmd` (a write on `key`) was not a guarded compare-and-write, or null when it was: it ran inside a committed
 * MULTI … EXEC, `key` was under WATCH, and a read matching `read` (e.g. /^(GET|MGET)$/) was sent on it after the
 * WATCH and before MULTI. `what` names the read for the message ("GET the lock").
 */
export function unguarded(ctx: LessonContext, cmd: RanCommand, key: string, read: RegExp, what: string): Unguarded | null {
  if (cmd.transaction === null) return { kind: 'alone', reason: `${cmd.command} ran on its own, outside MULTI … EXEC` };
  const guard = transactionGuards(ctx.history).get(cmd.transaction);
  if (!guard || !guard.watched.has(key)) {
    return guard?.brokenBy
      ? {
          kind: 'broken',
          reason: `${guard.brokenBy} was sent between WATCH and MULTI: a write there ends the protection (in Redis, your own write to a watched key makes EXEC fail). Do such writes before WATCH, or inside the MULTI`,
        }
      : {
          kind: 'no-watch',
          reason: `the MULTI that ran ${cmd.command} had no WATCH on ${key}: what you read before it could have changed in between`,
        };
  }
  const reads = guard.reads.get(key) ?? [];
  if (!reads.some((r) => read.test(r))) {
    return {
      kind: 'no-read',
      reason: `you WATCHed ${key} but did not ${what} before MULTI: nothing compared it, so the write would happen whatever it holds`,
    };
  }
  return null;
}

/** The learner's commands that ran and wrote `key` (queued ones once their EXEC committed), oldest first. */
export function ranWrites(ctx: LessonContext, key: string): RanCommand[] {
  return ranCommands(ctx.history).filter((c) => c.write && !c.error && c.keys.includes(key));
}

/** The options after a command's key (SET key value NX PX 100 → NX, PX, 100), upper case. */
export function optionsOf(c: RanCommand, from = 3): string[] {
  return c.args.slice(from).map((a) => a.toUpperCase());
}

/** The value after `option` in the command's arguments (SET … IFEQ tok → tok), or undefined. */
export function optionValue(c: RanCommand, option: string, from = 3): string | undefined {
  const i = c.args.findIndex((a, n) => n >= from && a.toUpperCase() === option);
  return i >= 0 ? c.args[i + 1] : undefined;
}
