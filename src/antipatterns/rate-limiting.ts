// Rate limiters that decide in the client: each one reads the state, decides, then writes in a later round trip. Between
// the read and the write other clients read the same state and decide the same way, so more requests than the limit
// get through. They also read the client's clock, which another client may not share. Never use these.
import type { Redis } from 'ioredis';
import { execAll } from '../patterns/transaction.js';

/**
 * BROKEN ON PURPOSE. GET the window's counter and, under the limit, INCR it (EXPIRE on the first): 50 clients can all
 * read 0 before any of them increments, and all be admitted. The fix counts first and decides on the count INCR
 * returned (`fixedWindowHitMulti`), or decides inside one script (`fixedWindowAllow`).
 */
export async function fixedWindowCheckThenIncr(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<boolean> {
  const count = Number((await redis.get(key)) ?? '0');
  if (count >= limit) return false;
  const n = await redis.incr(key);
  if (n === 1) await redis.expire(key, windowSeconds);
  return true;
}

/**
 * BROKEN ON PURPOSE. A sliding log with the check in the client: trim and count in one MULTI, then (under the limit)
 * ZADD and PEXPIRE in another. Each MULTI is atomic, but the decision between them is not: every client that counted
 * before the others added is admitted. The fix is `slidingLogAllow` (trim, count, add and expire in one script).
 */
export async function slidingLogCheckThenAdd(
  redis: Redis,
  key: string,
  limit: number,
  windowMs: number,
  member: string,
  nowMs = Date.now(),
): Promise<boolean> {
  const [, count] = await execAll(
    redis
      .multi()
      .zremrangebyscore(key, '-inf', nowMs - windowMs)
      .zcard(key),
  );
  if (Number(count) >= limit) return false;
  await execAll(redis.multi().zadd(key, nowMs, `${nowMs}-${member}`).pexpire(key, windowMs));
  return true;
}

/**
 * BROKEN ON PURPOSE. A sliding counter computed in the client: HMGET the window number and both counts, estimate, and
 * write the new count back with HSET. Clients that read the same count write the same count + 1: the hash ends up
 * counting one request per round while every client was admitted. The fix is `slidingCounterAllow` (one script).
 */
export async function slidingCounterReadThenWrite(
  redis: Redis,
  key: string,
  limit: number,
  windowMs: number,
  nowMs = Date.now(),
): Promise<boolean> {
  const idx = Math.floor(nowMs / windowMs);
  const [w, c0, p0] = await redis.hmget(key, 'w', 'c', 'p');
  let c = Number(c0 ?? 0);
  let p = Number(p0 ?? 0);
  if (Number(w) !== idx) {
    p = Number(w) === idx - 1 ? c : 0;
    c = 0;
  }
  const estimate = (p * (windowMs - (nowMs - idx * windowMs))) / windowMs + c;
  if (estimate + 1 > limit) return false;
  await execAll(
    redis
      .multi()
      .hset(key, 'w', idx, 'c', c + 1, 'p', p)
      .pexpire(key, (idx + 2) * windowMs - nowMs),
  );
  return true;
}

/**
 * BROKEN ON PURPOSE. A token bucket read in one round trip and written in the next: clients that read the same
 * tokens each spend one of them and write back the same "tokens - 1", so one token admits many requests. The fix is
 * `tokenBucketAllow` (refill, take and write in one script), or WATCH on the bucket with a retry when EXEC aborts.
 */
export async function tokenBucketReadThenWrite(
  redis: Redis,
  key: string,
  capacity: number,
  windowMs: number,
  nowMs = Date.now(),
): Promise<boolean> {
  const rate = capacity / windowMs;
  const [t, ts] = await redis.hmget(key, 'tokens', 'ts');
  const last = ts === null ? nowMs : Number(ts);
  const tokens = Math.min(capacity, (t === null ? capacity : Number(t)) + Math.max(0, nowMs - last) * rate);
  if (tokens < 1) return false;
  const left = tokens - 1;
  await execAll(
    redis
      .multi()
      .hset(key, 'tokens', left, 'ts', Math.max(nowMs, last))
      .pexpire(key, Math.max(1, Math.ceil((capacity - left) / rate))),
  );
  return true;
}
