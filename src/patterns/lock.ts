// A distributed lock on one Redis: SET NX PX with a random token, a fence number per acquisition, release and extend by owner only.
import { randomToken, sleep, slotTagged, type RedisClient } from './client.js';
import { defineScript } from './lua.js';

/** A held lock. `token` proves ownership; `fence` increases with every acquisition of the resource. */
export interface Lock {
  readonly resource: string;
  /** The key that holds the lock (the resource name, or `{resource}` on a Cluster). */
  readonly key: string;
  readonly token: string;
  /**
   * Increases by one with every acquisition of this resource, and never goes back. Pass it with every write the lock
   * protects and let the store refuse a fence lower than the highest it has seen: a holder whose lock expired while it
   * was paused then cannot overwrite the newer holder's work.
   */
  readonly fence: number;
  /** Deletes the lock if this token still holds it; false when it had expired (and maybe been taken by someone else). */
  release(): Promise<boolean>;
  /** Sets the lock's remaining time to `ttlMs` if this token still holds it; false otherwise. */
  extend(ttlMs: number): Promise<boolean>;
}

export interface LockOptions {
  /** The lock frees itself after this long, so a crashed holder cannot block the resource forever. */
  ttlMs: number;
  /** Wait up to this long for the lock (polling); 0 (the default) tries once. */
  waitMs?: number;
  /** How often a waiting caller tries again (default 20 ms, plus up to as much again at random). */
  retryMs?: number;
  /**
   * Keep a fence counter (default true). The counter is a permanent key per resource; a lock that only avoids
   * duplicate work (a cache rebuild) and guards no write can go without it: its `fence` is then 0.
   */
  fence?: boolean;
}

/**
 * KEYS[1] lock, KEYS[2] fence counter; ARGV token, ttl, fence wanted (1/0). SET NX PX and the INCR of the fence happen
 * in one step, so fences are handed out in the order the lock was won. The fence counter has no TTL: it must outlive
 * every lock.
 */
const ACQUIRE = defineScript<number | null>(
  'lock_acquire',
  2,
  `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[3] == '1' then return redis.call('INCR', KEYS[2]) end
  return 0
end
return false`,
);

/** Deletes the lock only if it still holds our token: a lock that expired and was re-taken is not ours to drop. */
const RELEASE = defineScript<number>(
  'lock_release',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
);

/** Resets the lock's TTL only if it still holds our token. */
const EXTEND = defineScript<number>(
  'lock_extend',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
);

/** The key names a resource's lock uses: the lock itself and its fence counter (one slot on a Cluster). */
export function lockKeys(redis: RedisClient, resource: string): { lock: string; fence: string } {
  const base = slotTagged(redis, resource);
  return { lock: base, fence: `${base}:fence` };
}

function positiveMs(name: string, ms: number): number {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`${name} must be a whole number of milliseconds above 0, got ${ms}`);
  return ms;
}

/**
 * Takes the lock on `resource` for `ttlMs`, or returns null if someone else holds it (after waiting up to `waitMs`).
 * The lock key is the resource name itself (so it stays inside the caller's key prefix); its fence counter is
 * `<resource>:fence`. Correct on one Redis primary; a failover can lose a lock that was not yet replicated.
 */
export async function acquireLock(redis: RedisClient, resource: string, opts: LockOptions): Promise<Lock | null> {
  const ttlMs = positiveMs('ttlMs', opts.ttlMs);
  const keys = lockKeys(redis, resource);
  const token = randomToken();
  const deadline = Date.now() + (opts.waitMs ?? 0);
  const retryMs = opts.retryMs ?? 20;
  for (;;) {
    const fence = await ACQUIRE.run(redis, [keys.lock, keys.fence], [token, ttlMs, opts.fence === false ? 0 : 1]);
    if (fence !== null && fence !== undefined) return heldLock(redis, resource, keys.lock, token, Number(fence));
    if (Date.now() + retryMs > deadline) return null;
    // Random spread, so waiters that lost together do not all retry in the same instant.
    await sleep(retryMs + Math.random() * retryMs);
  }
}

function heldLock(redis: RedisClient, resource: string, key: string, token: string, fence: number): Lock {
  return {
    resource,
    key,
    token,
    fence,
    async release() {
      return Number(await RELEASE.run(redis, [key], [token])) === 1;
    },
    async extend(ttlMs: number) {
      return Number(await EXTEND.run(redis, [key], [token, positiveMs('ttlMs', ttlMs)])) === 1;
    },
  };
}

/**
 * Runs `fn` holding the lock and releases it afterwards (even when `fn` throws). Returns `{ acquired: false }` when
 * the lock could not be had. `fn` receives the lock: check `lock.fence` in the writes it protects.
 */
export async function withLock<T>(
  redis: RedisClient,
  resource: string,
  opts: LockOptions,
  fn: (lock: Lock) => Promise<T>,
): Promise<{ acquired: true; value: T; released: boolean } | { acquired: false }> {
  const lock = await acquireLock(redis, resource, opts);
  if (!lock) return { acquired: false };
  let value: T;
  try {
    value = await fn(lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
  return { acquired: true, value, released: await lock.release() };
}
