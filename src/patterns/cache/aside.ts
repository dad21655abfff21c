// Cache-aside: read the cache, load on a miss, store with a TTL; optionally protected against stampedes (a rebuild
// lock, or probabilistic early refresh), against avalanches (TTL jitter) and against penetration (cached misses).
import { sleep, type RedisClient } from '../client.js';
import { acquireLock } from '../lock.js';
import { execAll } from '../transaction.js';
import { recordCacheRead } from './stats.js';

/** What a cached miss is stored as: not valid JSON, so no loaded value can ever be mistaken for it. */
export const CACHE_MISS_SENTINEL = '!miss';

/** Early-refresh entries are `!xf:<loader ms>:<json>`: the JSON plus how long the loader took to compute it. */
const XFETCH_PREFIX = '!xf:';

export interface CacheAsideOptions<T> {
  /** How long a loaded value stays cached. */
  ttlMs: number;
  /**
   * A fraction of `ttlMs` (0..1) added at random to each stored TTL: 0.2 stores between ttlMs and 1.2 × ttlMs. Keys
   * filled together (after a deploy, a warm-up) then expire spread out instead of all at once (a cache avalanche).
   */
  jitter?: number;
  /** Reads the source of truth. `null` or `undefined` means "no such row" (see `cacheMisses`). */
  loader: () => Promise<T>;
  /**
   * Without it, every reader that misses runs the loader (the baseline that stampedes). 'lock': one reader rebuilds
   * under `<key>:lock`, the others poll the cache. 'early-refresh': XFetch; one reader refreshes the value shortly
   * before it expires while the others keep serving it, and a cold miss is rebuilt under the lock as with 'lock'.
   */
  stampede?: 'lock' | 'early-refresh';
  /** A hash whose `hits` / `misses` fields count this call's first look at the cache (see `cacheHitRatio`). */
  statsKey?: string;
  /**
   * Cache "not found" too: when the loader returns null, store CACHE_MISS_SENTINEL for this long, so repeated
   * lookups of an id that does not exist stop reaching the database (cache penetration). Without it a null is not
   * cached and every lookup of a missing id runs the loader.
   */
  cacheMisses?: { ttlMs: number };
  /** 'lock' and 'early-refresh': how long the rebuild lock lives (default 5000 ms). Make it longer than a load. */
  lockTtlMs?: number;
  /** 'lock': how long a reader waits for someone else's rebuild before loading by itself (default `lockTtlMs`). */
  waitMs?: number;
  /** How often a waiting reader looks at the cache again (default 10 ms). */
  pollMs?: number;
  /** 'early-refresh': XFetch's beta (default 1). Above 1 refreshes earlier, below 1 later. */
  beta?: number;
  /** A source of numbers in [0, 1) for the jitter and the early-refresh draw (tests pass their own). */
  random?: () => number;
}

export interface CacheAsideResult<T> {
  /** The value (JSON round-tripped when it came from the cache; a cached miss reads back as null). */
  value: T;
  /** False only when this call ran the loader because the cache had no value for it. */
  hit: boolean;
  /** 'early-refresh': true when this call reloaded a still-valid value ahead of its expiry. */
  refreshed: boolean;
}

/** `ttlMs` plus a random 0..jitter × ttlMs (jitter is a fraction, 0..1), in whole milliseconds. */
export function jitteredTtl(ttlMs: number, jitter = 0, random: () => number = Math.random): number {
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter is a fraction of ttlMs between 0 and 1, got ${jitter}`);
  const base = Math.max(1, Math.round(ttlMs));
  return base + Math.floor(random() * (Math.floor(jitter * base) + 1));
}

interface Entry {
  value: unknown;
  /** How long the loader took when this value was computed (0 when unknown). */
  deltaMs: number;
}

/** Decodes any form a cache-aside key can hold (plain JSON, cached miss, early-refresh entry); null when absent. */
function decodeEntry(raw: string | null): Entry | null {
  if (raw === null) return null;
  if (raw === CACHE_MISS_SENTINEL) return { value: null, deltaMs: 0 };
  if (raw.startsWith(XFETCH_PREFIX)) {
    const end = raw.indexOf(':', XFETCH_PREFIX.length);
    return { value: JSON.parse(raw.slice(end + 1)) as unknown, deltaMs: Number(raw.slice(XFETCH_PREFIX.length, end)) || 0 };
  }
  return { value: JSON.parse(raw) as unknown, deltaMs: 0 };
}

function positive(name: string, ms: number): number {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`${name} must be a number of milliseconds above 0, got ${ms}`);
  return ms;
}

interface Settings<T> extends CacheAsideOptions<T> {
  lockTtlMs: number;
  waitMs: number;
  pollMs: number;
  beta: number;
  random: () => number;
}

/**
 * Reads `key` through the cache. The value is JSON. Which stampede protection, jitter and miss caching apply is set
 * in `opts`; use one `stampede` mode per key (each mode reads the others' entries, but only early-refresh entries
 * carry the load time XFetch needs). 'lock' uses acquireLock on `<key>:lock` without a fence (no permanent counter key per cache entry).
 */
export async function cacheAside<T>(redis: RedisClient, key: string, opts: CacheAsideOptions<T>): Promise<CacheAsideResult<T>> {
  positive('ttlMs', opts.ttlMs);
  if (opts.cacheMisses) positive('cacheMisses.ttlMs', opts.cacheMisses.ttlMs);
  const lockTtlMs = Math.round(positive('lockTtlMs', opts.lockTtlMs ?? 5000));
  const s: Settings<T> = {
    ...opts,
    lockTtlMs,
    waitMs: opts.waitMs ?? lockTtlMs,
    pollMs: opts.pollMs ?? 10,
    beta: opts.beta ?? 1,
    random: opts.random ?? Math.random,
  };
  jitteredTtl(s.ttlMs, s.jitter, () => 0); // validates jitter before anything runs
  if (s.stampede === 'early-refresh') return earlyRefresh(redis, key, s);
  const entry = decodeEntry(await redis.get(key));
  if (s.statsKey) await recordCacheRead(redis, s.statsKey, entry !== null);
  if (entry) return { value: entry.value as T, hit: true, refreshed: false };
  if (s.stampede === 'lock') return rebuildUnderLock(redis, key, s);
  return { value: await loadAndStore(redis, key, s), hit: false, refreshed: false };
}

/** Runs the loader and stores what it returned (with its load time for early-refresh entries). */
async function loadAndStore<T>(redis: RedisClient, key: string, s: Settings<T>): Promise<T> {
  const started = Date.now();
  const value = await s.loader();
  const deltaMs = Date.now() - started;
  if (value === null || value === undefined) {
    // One SET with PX: the sentinel can never be left without its (short) expiry.
    if (s.cacheMisses) await redis.set(key, CACHE_MISS_SENTINEL, 'PX', Math.max(1, Math.round(s.cacheMisses.ttlMs)));
    return value;
  }
  const json = JSON.stringify(value);
  const stored = s.stampede === 'early-refresh' ? `${XFETCH_PREFIX}${deltaMs}:${json}` : json;
  await redis.set(key, stored, 'PX', jitteredTtl(s.ttlMs, s.jitter, s.random));
  return value;
}

/**
 * On a miss, one reader (the one that wins `<key>:lock`) runs the loader; the others poll the cache and serve what
 * it stores. The winner looks at the cache again after taking the lock, because a previous holder may have filled
 * it and released the lock in between. A reader that waited `waitMs` loads by itself: a slow or stuck rebuild costs
 * extra loads, never an endless wait. A holder that dies frees the lock after `lockTtlMs` and a waiter takes over.
 */
async function rebuildUnderLock<T>(redis: RedisClient, key: string, s: Settings<T>): Promise<CacheAsideResult<T>> {
  const deadline = Date.now() + s.waitMs;
  for (;;) {
    const lock = await acquireLock(redis, `${key}:lock`, { ttlMs: s.lockTtlMs, fence: false });
    if (lock) {
      try {
        const again = decodeEntry(await redis.get(key));
        if (again) return { value: again.value as T, hit: true, refreshed: false };
        return { value: await loadAndStore(redis, key, s), hit: false, refreshed: false };
      } finally {
        await lock.release();
      }
    }
    await sleep(s.pollMs);
    const entry = decodeEntry(await redis.get(key));
    if (entry) return { value: entry.value as T, hit: true, refreshed: false };
    if (Date.now() >= deadline) return { value: await loadAndStore(redis, key, s), hit: false, refreshed: false };
  }
}

/** GET and PTTL in one MULTI: the value and the time it has left, as one consistent reading. */
async function readWithTtl(redis: RedisClient, key: string): Promise<{ entry: Entry | null; pttl: number }> {
  const [raw, pttl] = await execAll(redis.multi().get(key).pttl(key));
  return { entry: decodeEntry(raw as string | null), pttl: Number(pttl) };
}

/**
 * XFetch (Vattani et al., "Optimal probabilistic cache stampede prevention"): refresh when
 * `now - delta × beta × ln(rand) >= expiry`, i.e. when `-delta × beta × ln(rand) >= time left`. The chance grows as
 * expiry nears and with the load time delta. The time left is the server's PTTL, so app servers' clocks never matter.
 */
function shouldRefreshEarly(deltaMs: number, pttl: number, beta: number, rand: number): boolean {
  if (deltaMs <= 0 || pttl < 0) return false; // unknown load time, or a key without expiry
  return -deltaMs * beta * Math.log(rand) >= pttl;
}

/**
 * Early refresh: a reader that draws "refresh" takes `<key>:lock` (one refresher at a time) and reloads while the
 * value is still cached; readers that lose the lock, or do not draw, serve the still-valid value, so a hot key is
 * reloaded before it expires and readers never see it missing. A cold miss is rebuilt under the same lock.
 */
async function earlyRefresh<T>(redis: RedisClient, key: string, s: Settings<T>): Promise<CacheAsideResult<T>> {
  const { entry, pttl } = await readWithTtl(redis, key);
  if (s.statsKey) await recordCacheRead(redis, s.statsKey, entry !== null);
  if (!entry) return rebuildUnderLock(redis, key, s);
  const rand = s.random();
  if (!shouldRefreshEarly(entry.deltaMs, pttl, s.beta, rand)) return { value: entry.value as T, hit: true, refreshed: false };
  const lock = await acquireLock(redis, `${key}:lock`, { ttlMs: s.lockTtlMs, fence: false });
  if (!lock) return { value: entry.value as T, hit: true, refreshed: false }; // someone else is refreshing it
  try {
    // The previous refresher may have finished just before we took the lock: decide again on the new entry.
    const now = await readWithTtl(redis, key);
    if (now.entry && !shouldRefreshEarly(now.entry.deltaMs, now.pttl, s.beta, rand)) {
      return { value: now.entry.value as T, hit: true, refreshed: false };
    }
    return { value: await loadAndStore(redis, key, s), hit: true, refreshed: true };
  } finally {
    await lock.release();
  }
}
