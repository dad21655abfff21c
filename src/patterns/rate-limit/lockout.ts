// Failed-login lockout: count failures in a window, and at the limit write a block key with its own TTL, in one step.
import { slotTagged, type RedisClient } from '../client.js';
import { defineScript } from '../lua.js';

export interface LockoutOptions {
  /** Failures allowed inside the window before the block. */
  maxFailures: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
  /** How long a block lasts. */
  blockSeconds: number;
}

/**
 * KEYS[1] failures, KEYS[2] block; ARGV window, max, block seconds. Counts a failure (its TTL set when missing, so a
 * counter left without one is repaired) and, at the limit, writes the block key with its own TTL: no step in between
 * where a crash could leave a counter or a block that never expires.
 */
const FAILED_LOGIN = defineScript<number>(
  'rate_failed_login',
  2,
  `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then redis.call('SET', KEYS[2], n, 'EX', ARGV[3]) end
return n`,
);

/** `<base>:failures` and `<base>:blocked`, in one Cluster slot (the base is hash-tagged on a Cluster). */
export function loginLockoutKeys(redis: RedisClient, base: string): { failures: string; block: string } {
  const tagged = slotTagged(redis, base);
  return { failures: `${tagged}:failures`, block: `${tagged}:blocked` };
}

/**
 * Counts a failed login and blocks at `maxFailures` (every further failure restarts the block). On a Cluster both keys
 * must share a hash tag (see `loginLockoutKeys`).
 */
export async function recordFailedLogin(
  redis: RedisClient,
  failuresKey: string,
  blockKey: string,
  opts: LockoutOptions,
): Promise<{ failures: number; blocked: boolean }> {
  const failures = Number(
    await FAILED_LOGIN.run(redis, [failuresKey, blockKey], [opts.windowSeconds, opts.maxFailures, opts.blockSeconds]),
  );
  return { failures, blocked: failures >= opts.maxFailures };
}

/** Seconds of block left, 0 when not blocked. Checked BEFORE the password, so a blocked caller learns nothing. */
export async function blockedFor(redis: RedisClient, blockKey: string): Promise<number> {
  return Math.max(0, await redis.ttl(blockKey));
}

/** A successful login forgets earlier failures (the block, if any, runs out on its own). */
export async function clearFailures(redis: RedisClient, failuresKey: string): Promise<void> {
  await redis.unlink(failuresKey);
}
