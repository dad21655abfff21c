// Unique counts with HyperLogLog: at most 12 KB per counter whatever the number of ids, with a standard error of 0.81%.
//
// PFADD ids in pipelined batches, PFCOUNT one counter or the union of several (daily keys → weekly uniques) without
// storing anything, PFMERGE to keep a union. An exact set of the same ids (optional) measures the estimate's error.
// Day keys are `<prefix>:<YYYY-MM-DD>`, hash-tagged on a Cluster so multi-key PFCOUNT / PFMERGE stay in one slot.
import { isCluster, slotTagged, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

/** Batching for `addUniqueVisitors`, and the optional exact set to measure against. */
export interface AddUniqueOptions {
  /** Ids per PFADD (default 1000): short commands, so other clients' commands run in between. */
  batch?: number;
  /** Also SADD every id to this set, to compare the estimate with the exact count (costs memory per id). */
  exactSetKey?: string;
}

/**
 * Adds ids to a HyperLogLog in pipelined batches of `batch` ids: one round trip per pipeline of 10 batches instead
 * of one per id. Returns true when any batch changed the registers (the estimate may have moved).
 */
export async function addUniqueVisitors(
  redis: RedisClient,
  key: string,
  ids: readonly string[],
  opts: AddUniqueOptions = {},
): Promise<boolean> {
  const batch = opts.batch ?? 1000;
  if (!Number.isInteger(batch) || batch <= 0) throw new RangeError(`batch must be a whole number above 0, got ${batch}`);
  // A Cluster pipeline must stay on one node: with a separate exact set (another slot), send them apart.
  const together = !isCluster(redis) || !opts.exactSetKey;
  let changed = false;
  for (let start = 0; start < ids.length; start += batch * 10) {
    const hll = redis.pipeline();
    const exact = together ? hll : redis.pipeline();
    for (let i = start; i < Math.min(ids.length, start + batch * 10); i += batch) {
      const chunk = ids.slice(i, i + batch);
      hll.pfadd(key, ...chunk);
      if (opts.exactSetKey) exact.sadd(opts.exactSetKey, ...chunk);
    }
    const [replies] = await Promise.all([execAll(hll), together ? undefined : execAll(exact)]);
    // PFADD replies 1 when it changed a register; SADD replies counts, so look only at the PFADD positions.
    const step = together && opts.exactSetKey ? 2 : 1;
    for (let i = 0; i < replies.length; i += step) if (Number(replies[i]) === 1) changed = true;
  }
  return changed;
}

/** The estimated number of distinct ids in one HyperLogLog, or in the union of several (same slot on a Cluster). */
export async function countUnique(redis: RedisClient, keys: string | readonly string[]): Promise<number> {
  const list = typeof keys === 'string' ? [keys] : [...keys];
  if (!list.length) return 0;
  return Number(await redis.pfcount(...list));
}

/**
 * PFMERGEs `sources` into `dest` (keeping what `dest` already held) and returns the union's estimate. With `ttlMs` the
 * expiry is set in the same MULTI, so a temporary rollup is never left behind without one.
 */
export async function mergeUnique(
  redis: RedisClient,
  dest: string,
  sources: readonly string[],
  opts: { ttlMs?: number } = {},
): Promise<number> {
  const tx = redis.multi().pfmerge(dest, ...sources);
  if (opts.ttlMs !== undefined) tx.pexpire(dest, Math.ceil(opts.ttlMs));
  tx.pfcount(dest);
  const replies = await execAll(tx);
  return Number(replies[replies.length - 1]);
}

/** `YYYY-MM-DD` (UTC) of a date, or the string unchanged. */
function dayName(day: Date | string): string {
  return typeof day === 'string' ? day : day.toISOString().slice(0, 10);
}

/** The HyperLogLog key of one day's uniques: `<prefix>:<YYYY-MM-DD>` (hash-tagged on a Cluster). */
export function uniqueDayKey(redis: RedisClient, prefix: string, day: Date | string): string {
  return `${slotTagged(redis, prefix)}:${dayName(day)}`;
}

/**
 * Distinct ids over several days: PFCOUNT over the day keys merges their registers on the fly (O(days) work, nothing
 * stored), so "uniques this week" never double-counts a visitor who came on several days, unlike summing daily counts.
 */
export async function countUniqueOverDays(redis: RedisClient, prefix: string, days: readonly (Date | string)[]): Promise<number> {
  return countUnique(
    redis,
    days.map((d) => uniqueDayKey(redis, prefix, d)),
  );
}

/** Keeps the union of several days in `<prefix>:<name>` (e.g. `week-23`) with PFMERGE; returns its estimate. */
export async function mergeUniqueDays(
  redis: RedisClient,
  prefix: string,
  name: string,
  days: readonly (Date | string)[],
  opts: { ttlMs?: number } = {},
): Promise<number> {
  return mergeUnique(
    redis,
    `${slotTagged(redis, prefix)}:${name}`,
    days.map((d) => uniqueDayKey(redis, prefix, d)),
    opts,
  );
}

/** An estimate next to the exact count, and the relative error |estimate − exact| / exact (0 when both are 0). */
export interface UniqueCountError {
  estimate: number;
  exact: number;
  error: number;
}

/** Compares a HyperLogLog's estimate with the exact set of the same ids (SCARD); measure once the writes are done. */
export async function measureUniqueError(redis: RedisClient, hllKey: string, exactSetKey: string): Promise<UniqueCountError> {
  const [estimate, exact] = (await Promise.all([redis.pfcount(hllKey), redis.scard(exactSetKey)])).map(Number) as [number, number];
  return { estimate, exact, error: exact === 0 ? (estimate === 0 ? 0 : 1) : Math.abs(estimate - exact) / exact };
}
