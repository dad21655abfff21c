// The numbers the persistence lesson's live steps use, and the bulk writers they share. Values the prose quotes reach
// it through the lesson's vars (index.ts).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** snapshots: keys written before the first BGSAVE. */
export const SNAP_KEYS = 1000;
/** rdb-crash: keys in the last snapshot, and keys acknowledged after it (all lost by kill -9). */
export const RDB_SAVED = 500;
export const RDB_AFTER = 300;
/** aof-policies: sequential writes by one client, and clients × writes each at once, per appendfsync policy. */
export const POLICY_WRITES = 1000;
export const POLICY_CLIENTS = 16;
export const POLICY_EACH = 100;
/** aof-files and rewrite-aof: INCRs on one counter (each one a line in the incr file, one key in the end). */
export const VISITS = 3000;
export const REWRITE_VISITS = 4000;
/** The incr file a rewrite should leave: under this many bytes. */
export const SMALL_INCR = 1024;
/** misconf: keys of random data (the snapshot that no longer fits), writes tried while saves fail. */
export const MISCONF_KEYS = 4000;
export const MISCONF_TRIES = 50;
/** How far above the node's log size the disk budget sits: room for its log lines, not for a snapshot. */
export const BUDGET_HEADROOM = 96 * 1024;
/** survive-kill: ledger entries already in the last snapshot. */
export const LEDGER_KEYS = 300;
/** bgsave-now: keys changed since the last snapshot. */
export const BGSAVE_KEYS = 500;
/** save-points: the points the exercise asks for. */
export const WANTED_SAVE = '900 1 60 10000';

/** Writes `n` keys `prefix:0…n-1` in pipelined batches; values are `bytes` of random base64 (0: the index). */
export async function fill(r: Redis, prefix: string, n: number, bytes = 0): Promise<void> {
  for (let at = 0; at < n; at += 500) {
    const p = r.pipeline();
    for (let i = at; i < Math.min(n, at + 500); i++) {
      p.set(`${prefix}:${i}`, bytes ? randomBytes(bytes).toString('base64') : String(i));
    }
    await p.exec();
  }
}

/** How many of these keys exist (pipelined EXISTS). */
export async function countExisting(r: Redis, keys: readonly string[]): Promise<number> {
  let n = 0;
  for (let at = 0; at < keys.length; at += 1000) {
    const p = r.pipeline();
    for (const k of keys.slice(at, at + 1000)) p.exists(k);
    const res = (await p.exec()) ?? [];
    for (const [err, v] of res) if (!err && Number(v) === 1) n++;
  }
  return n;
}

/** `prefix:0…n-1`. */
export function keyRange(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
}

/** `INCR key` n times, pipelined: n lines in the AOF for one small key. */
export async function incrMany(r: Redis, key: string, n: number): Promise<void> {
  for (let at = 0; at < n; at += 1000) {
    const p = r.pipeline();
    for (let i = at; i < Math.min(n, at + 1000); i++) p.incr(key);
    await p.exec();
  }
}
