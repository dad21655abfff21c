// API rate limiting with a fixed window whose counter can never lose its TTL, and a failed-login lockout.
import type { Redis } from 'ioredis';

export interface WindowResult {
  allowed: boolean;
  /** Requests counted in this window so far, this one included. */
  count: number;
  /** Seconds until the window's counter expires (-1 would mean "never": the bug this file avoids). */
  ttl: number;
}

/** `<prefix><id>:<window number>`: the window number is the Unix time divided by the window length. */
export function windowKey(prefix: string, id: string, windowSeconds: number, nowMs = Date.now()): string {
  return `${prefix}${id}:${Math.floor(nowMs / 1000 / windowSeconds)}`;
}

/**
 * INCR then EXPIRE as two separate commands: if the process dies (or the connection drops) between
 * them, the counter has no TTL and the client stays over its limit forever. `crashBeforeExpire`
 * simulates exactly that. Kept to show the bug.
 */
export async function fixedWindowNaive(
  redis: Redis,
  key: string,
  limit: number,
  windowSeconds: number,
  crashBeforeExpire = false,
): Promise<WindowResult> {
  const count = await redis.incr(key);
  if (count === 1 && !crashBeforeExpire) await redis.expire(key, windowSeconds);
  return { allowed: count <= limit, count, ttl: await redis.ttl(key) };
}

/**
 * "SET key 0 PX <window> NX, then INCR": the key looks born with its TTL, but these are two commands. When the window
 * ends between them, SET … NX finds the key still there and does nothing, the key expires, and INCR creates a new
 * one from 0 with no TTL: that counter never resets. A window of `windowMs` (1 ms) and a pause of `pauseMs` between
 * the commands make that moment certain. Kept to show the bug.
 */
export async function fixedWindowSetNxThenIncr(
  redis: Redis,
  key: string,
  limit: number,
  windowMs: number,
  pauseMs = 0,
): Promise<WindowResult> {
  await redis.set(key, '0', 'PX', windowMs, 'NX');
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const count = await redis.incr(key);
  return { allowed: count <= limit, count, ttl: await redis.ttl(key) };
}

/**
 * Counts and sets the TTL in one script. The TTL is also repaired if it is missing, so a counter left
 * behind by the naive version heals itself on the next request.
 */
export const FIXED_WINDOW_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}`;

export async function fixedWindowHit(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<WindowResult> {
  const [count, ttl] = (await redis.eval(FIXED_WINDOW_SCRIPT, 1, key, windowSeconds)) as [number, number];
  return { allowed: count <= limit, count, ttl };
}

/**
 * The same without a script, for Redis 7.0+: INCR and EXPIRE … NX in one MULTI. NX sets the expiry
 * only when the key has none, so later requests do not keep pushing the window's end away.
 */
export async function fixedWindowHitMulti(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<WindowResult> {
  const res = (await redis.multi().incr(key).call('EXPIRE', key, windowSeconds, 'NX').ttl(key).exec()) ?? [];
  for (const [err] of res) if (err) throw err;
  const count = Number(res[0]?.[1]);
  return { allowed: count <= limit, count, ttl: Number(res[2]?.[1]) };
}

export interface LockoutOptions {
  /** Failures allowed inside the window before the block. */
  maxFailures: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
  /** How long a block lasts. */
  blockSeconds: number;
}

/** Counts a failure (with its TTL, atomically) and, at the limit, writes the block key with its own TTL. */
const FAILED_LOGIN_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then redis.call('SET', KEYS[2], n, 'EX', ARGV[3]) end
return n`;

export async function recordFailedLogin(
  redis: Redis,
  failuresKey: string,
  blockKey: string,
  opts: LockoutOptions,
): Promise<{ failures: number; blocked: boolean }> {
  const failures = Number(
    await redis.eval(FAILED_LOGIN_SCRIPT, 2, failuresKey, blockKey, opts.windowSeconds, opts.maxFailures, opts.blockSeconds),
  );
  return { failures, blocked: failures >= opts.maxFailures };
}

/** Seconds of block left, 0 when not blocked. Checked BEFORE the password, so a blocked caller learns nothing. */
export async function blockedFor(redis: Redis, blockKey: string): Promise<number> {
  return Math.max(0, await redis.ttl(blockKey));
}

/** A successful login forgets earlier failures. */
export async function clearFailures(redis: Redis, failuresKey: string): Promise<void> {
  await redis.unlink(failuresKey);
}
