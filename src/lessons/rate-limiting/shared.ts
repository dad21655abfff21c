// What the rate-limiting lesson's sections share: the sizes of its races, its key names, a race factory that counts
// admissions, the server's clock, and readers of the learner's commands (which ran inside which EXEC, under WATCH).
import type { Redis } from 'ioredis';
import { ranCommands, type RanCommand } from '../../engine/checks.js';
import type { RaceSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';

/** Concurrent clients in every race, requests each one sends (one after the other), and the limit they share. */
export const RACE_CLIENTS = 50;
export const RACE_REQUESTS = 4;
export const RACE_LIMIT = 20;
/** The races' window: long enough that no window ends, and no token drips in, while 200 requests run. */
export const RACE_WINDOW_MS = 60_000;

/** The counters the first code step breaks and the second one heals. */
export const CRASHED_KEY = 'rate-limiting:fw:k-crash:28500000';
export const GAP_KEY = 'rate-limiting:fw:k-gap:28500000';
/** The demonstration limit of those steps: 5 requests per minute. */
export const DEMO_LIMIT = 5;

/** The window-boundary step: limit per window, window length, and when the two bursts are sent after t0. */
export const EDGE_LIMIT = 10;
export const EDGE_WINDOW_MS = 1000;
export const EDGE_LATE_MS = 750;
export const EDGE_EARLY_MS = 1100;

import { sleep } from '../../patterns/index.js';

export { sleep };

/** The server's clock in milliseconds, and how far it is ahead of this process's clock (half a round trip is guessed). */
export async function serverClock(redis: Redis): Promise<{ now: number; skew: number }> {
  const before = Date.now();
  const [s, us] = await redis.time();
  const after = Date.now();
  const now = Number(s) * 1000 + Number(us) / 1000;
  return { now, skew: now - (before + after) / 2 };
}

/**
 * Waits until the server's clock is `offsetMs` into a window of `windowMs` (aligned as the sliding counter aligns its
 * windows: on multiples of windowMs since the epoch), in the next window if that moment is too close. Returns the local
 * time (Date.now()) at which that moment was reached.
 */
export async function alignToServerWindow(redis: Redis, windowMs: number, offsetMs: number): Promise<number> {
  const { now, skew } = await serverClock(redis);
  let target = Math.floor(now / windowMs) * windowMs + offsetMs;
  while (target < now + 30) target += windowMs;
  const local = target - skew;
  await sleep(local - Date.now());
  return local;
}

/** How many requests of one race variant were admitted, and the key that variant counts in. */
export interface Admissions {
  admitted: number;
  key: string;
  /** A server older than the variant needs (EXPIRE … NX before 7.0): the variant runs its fallback. */
  legacy: boolean;
}

export interface AdmissionVariant {
  label: string;
  atomic: boolean;
  /** The key, under the namespace, this variant's requests are counted in (fresh for each run). */
  key: string;
  /** Runs before the clients: may note that the server needs a fallback (state.legacy). */
  prepare?(ctx: LessonContext, state: Admissions): Promise<void>;
  /** One request: true when the limiter admitted it. `n` numbers the request among all clients'. */
  hit(client: Redis, state: Admissions, n: number): Promise<boolean>;
  /** What the key holds after the run, for the narration. */
  describe?(ctx: LessonContext, key: string): Promise<string>;
}

/**
 * A race of RACE_CLIENTS clients sending RACE_REQUESTS requests each against a limit of RACE_LIMIT: every variant
 * starts from an empty key of its own, and its row counts the requests its limiter admitted.
 */
export function admissionRace(id: string, variants: AdmissionVariant[]): RaceSpec<Admissions> {
  return {
    id,
    kind: 'race',
    clients: RACE_CLIENTS,
    state: () => ({ admitted: 0, key: '', legacy: false }),
    variants: variants.map((v) => ({
      label: v.label,
      atomic: v.atomic,
      async setup(ctx, state) {
        state.key = ctx.key(v.key);
        await ctx.claim([state.key]);
        await ctx.unrecorded.unlink(state.key);
        await v.prepare?.(ctx, state);
      },
      async worker(client, i, _ctx, state) {
        for (let r = 0; r < RACE_REQUESTS; r++) {
          if (await v.hit(client, state, i * RACE_REQUESTS + r)) state.admitted++;
        }
      },
      async measure(ctx, state) {
        const extra = v.describe ? `; ${await v.describe(ctx, state.key)}` : '';
        ctx.say(`${v.label}: ${state.admitted} of ${RACE_CLIENTS * RACE_REQUESTS} requests admitted for a limit of ${RACE_LIMIT}${extra}`);
        return { expected: RACE_LIMIT, actual: state.admitted, unit: 'admitted' };
      },
    })),
  };
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. */
export const EXPIRY = /^P?EXPIRE(AT)?$/;

/** The command carries this option (NX, EX…) after its key. */
export const hasOption = (c: RanCommand, option: string): boolean => c.args.slice(2).some((a) => a.toUpperCase() === option);

/** The learner typed MULTI and has not sent EXEC or DISCARD yet. */
export function transactionOpen(ctx: LessonContext): boolean {
  const names = ctx.history.map((c) => String(c.args[0]).toUpperCase());
  return names.lastIndexOf('MULTI') > Math.max(names.lastIndexOf('EXEC'), names.lastIndexOf('DISCARD'));
}

/** The learner's commands that ran and named `key` (reads included), oldest first. */
export function commandsOn(ctx: LessonContext, key: string): RanCommand[] {
  return ranCommands(ctx.history).filter((c) => c.keys.includes(key));
}

/** The commands that ran in the same EXEC as `c` and named `key` (none when `c` ran alone). */
export function sameExec(ctx: LessonContext, c: RanCommand, key: string): RanCommand[] {
  if (c.transaction === null) return [];
  return commandsOn(ctx, key).filter((o) => o.transaction === c.transaction);
}

/**
 * The transactions (numbered as ranCommands numbers them) whose EXEC ran while the learner's WATCH on `key` was in
 * force. WATCH ends at EXEC, DISCARD and UNWATCH; a write typed alone to the watched key also voids it (Redis then
 * fails the EXEC, as for any change to a watched key), while a write to another key does not.
 */
export function watchedTransactions(ctx: LessonContext, key: string): Set<number> {
  const out = new Set<number>();
  let watching = new Set<string>();
  let queued = false;
  let transactions = 0;
  for (const c of ctx.history) {
    const name = String(c.args[0]).toUpperCase();
    if (name === 'WATCH' && !c.error && !queued) c.args.slice(1).forEach((k) => watching.add(k));
    else if (name === 'UNWATCH' && !queued) watching = new Set();
    else if (name === 'MULTI' && !c.error) queued = true;
    else if (name === 'DISCARD' && queued) {
      queued = false;
      watching = new Set();
    } else if (name === 'EXEC' && queued) {
      if (Array.isArray(c.reply) && !c.error) {
        transactions++;
        if (watching.has(key)) out.add(transactions);
      }
      queued = false;
      watching = new Set();
    } else if (!queued && c.write && c.keys.includes(key)) watching = new Set();
  }
  return out;
}
