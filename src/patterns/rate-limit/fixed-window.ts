// Fixed-window rate limiting: a counter per window whose expiry is set in the same atomic step that creates it.
import type { RedisClient } from '../client.js';
import { defineScript } from '../lua.js';
import { execAll } from '../transaction.js';
import type { RateLimitResult } from './index.js';

/** What one counted request saw in a clock-aligned fixed window (`fixedWindowHit`, `fixedWindowHitMulti`). */
export interface FixedWindowResult {
  allowed: boolean;
  /** Requests counted in this window so far, this one included. */
  count: number;
  /** Seconds until the window's counter expires (-1 would mean "never": the bug these functions avoid). */
  ttl: number;
}

/** `<prefix><id>:<window number>`: the window number is the Unix time divided by the window length. */
export function windowKey(prefix: string, id: string, windowSeconds: number, nowMs = Date.now()): string {
  return `${prefix}${id}:${Math.floor(nowMs / 1000 / windowSeconds)}`;
}

/**
 * Counts and sets the TTL in one script. The TTL is also repaired if it is missing, so a counter left behind by a
 * two-command version (INCR, crash, no EXPIRE) heals itself on the next request instead of blocking the client forever.
 */
const FIXED_WINDOW_HIT = defineScript<[number, number]>(
  'rate_fixed_window_hit',
  1,
  `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}`,
);

/** Counts one request on `key` (e.g. from `windowKey`) and gives it a TTL of `windowSeconds` if it has none, atomically. */
export async function fixedWindowHit(redis: RedisClient, key: string, limit: number, windowSeconds: number): Promise<FixedWindowResult> {
  const [count, ttl] = await FIXED_WINDOW_HIT.run(redis, [key], [windowSeconds]);
  return { allowed: count <= limit, count, ttl };
}

/**
 * The same without a script, for Redis 7.0+: INCR and EXPIRE … NX in one MULTI, so nothing runs between them. NX sets
 * the expiry only when the key has none, so later requests do not keep pushing the window's end away.
 */
export async function fixedWindowHitMulti(
  redis: RedisClient,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<FixedWindowResult> {
  // MULTI without WATCH cannot be aborted: execAll is execTransaction that never returns null; a failed command throws.
  const [count, , ttl] = await execAll(redis.multi().incr(key).call('EXPIRE', key, windowSeconds, 'NX').ttl(key));
  return { allowed: Number(count) <= limit, count: Number(count), ttl: Number(ttl) };
}

/** Throws unless `limit` and `windowMs` are whole numbers above 0 (a limit of 0 or a NaN window would refuse or admit everything). */
export function checkRateLimitArgs(limit: number, windowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number above 0, got ${limit}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1)
    throw new RangeError(`windowMs must be a whole number of milliseconds above 0, got ${windowMs}`);
}

/**
 * KEYS[1] counter; ARGV limit, windowMs. The window opens with the key's first request and closes when the key expires
 * (PEXPIRE runs in the same script as the INCR that creates it). Only admitted requests are counted. A key found
 * without a TTL (left by a crashed two-command version) gets one. Expiry is measured by the server, so clients with
 * skewed clocks agree without reading TIME.
 */
const FIXED_WINDOW_ALLOW = defineScript<[number, number, number]>(
  'rate_fixed_window_allow',
  1,
  `local limit = tonumber(ARGV[1])
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local allowed = 0
if n < limit then n = redis.call('INCR', KEYS[1]); allowed = 1 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {allowed, n, ttl}`,
);

/**
 * Fixed window of `windowMs` starting at the first request: at most `limit` admitted until `key` expires. Refused
 * requests get the counter's PTTL as `retryAfterMs`. One key, so it works on a Cluster. Bursts of up to 2 × limit
 * can pass around a window's end; the sliding limiters smooth that.
 */
export async function fixedWindowAllow(redis: RedisClient, key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  checkRateLimitArgs(limit, windowMs);
  const [allowed, count, ttl] = await FIXED_WINDOW_ALLOW.run(redis, [key], [limit, windowMs]);
  return allowed === 1
    ? { allowed: true, remaining: Math.max(0, limit - count), retryAfterMs: 0 }
    : { allowed: false, remaining: 0, retryAfterMs: Math.max(1, ttl) };
}
