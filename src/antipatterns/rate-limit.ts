// Rate limiting done in two commands: each version below can leave a counter with no TTL, which then never resets.
import type { Redis } from 'ioredis';
import type { FixedWindowResult } from '../patterns/rate-limit/fixed-window.js';

/**
 * BROKEN: INCR then EXPIRE as two separate commands. If the process dies (or the connection drops) between them, the
 * counter has no TTL and the client stays over its limit forever. `crashBeforeExpire` simulates exactly that. The fix
 * is `fixedWindowHit` / `fixedWindowAllow` (one script, which also repairs a counter this left behind).
 */
export async function fixedWindowNaive(
  redis: Redis,
  key: string,
  limit: number,
  windowSeconds: number,
  crashBeforeExpire = false,
): Promise<FixedWindowResult> {
  const count = await redis.incr(key);
  if (count === 1 && !crashBeforeExpire) await redis.expire(key, windowSeconds);
  return { allowed: count <= limit, count, ttl: await redis.ttl(key) };
}

/**
 * BROKEN: "SET key 0 PX <window> NX, then INCR". The key looks born with its TTL, but these are two commands. When the
 * window ends between them, SET … NX finds the key still there and does nothing, the key expires, and INCR creates a
 * new one from 0 with no TTL: that counter never resets. A window of `windowMs` (1 ms) and a pause of `pauseMs`
 * between the commands make that moment certain. The fix is `fixedWindowHitMulti` (INCR + EXPIRE … NX in one MULTI).
 */
export async function fixedWindowSetNxThenIncr(
  redis: Redis,
  key: string,
  limit: number,
  windowMs: number,
  pauseMs = 0,
): Promise<FixedWindowResult> {
  await redis.set(key, '0', 'PX', windowMs, 'NX');
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const count = await redis.incr(key);
  return { allowed: count <= limit, count, ttl: await redis.ttl(key) };
}
