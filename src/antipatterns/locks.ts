// Locks and semaphores built the tempting way: each one below lets two holders in, or none ever again. The locks
// lesson runs them to show it. Never exported from src/patterns: see src/patterns/lock.ts for the correct lock.
import type { Redis } from 'ioredis';

/**
 * BROKEN ON PURPOSE. The pre-2.6.12 recipe: SETNX, then EXPIRE, as two commands. If the process dies between them
 * (`crashBeforeExpire` plays that), the lock has no TTL: nobody can ever take it again until someone deletes it by
 * hand. The fix is one command, `SET key token NX PX ms` (acquireLock).
 */
export async function lockWithSetnxThenExpire(
  redis: Redis,
  key: string,
  token: string,
  ttlSeconds: number,
  crashBeforeExpire = false,
): Promise<boolean> {
  const won = (await redis.setnx(key, token)) === 1;
  if (won && !crashBeforeExpire) await redis.expire(key, ttlSeconds);
  return won;
}

/**
 * BROKEN ON PURPOSE. Check, then take: GET the lock and, if it is free, SET it. Every client that reads "free" before
 * the first SET lands takes the lock, so many hold it at once. The fix is SET … NX, which checks and takes in one
 * command (acquireLock).
 */
export async function lockWithGetThenSet(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
  if ((await redis.get(key)) !== null) return false;
  await redis.set(key, token, 'PX', ttlMs);
  return true;
}

/**
 * BROKEN ON PURPOSE. Releases a lock with a plain DEL. A holder whose lock expired while it worked (a pause, a slow
 * call) deletes whoever holds the lock now, and a third client walks in next to the new holder. The fix compares the
 * token before deleting, on the server (Lock.release, a script; or WATCH + GET + MULTI/DEL/EXEC).
 */
export async function releaseWithDel(redis: Redis, key: string): Promise<void> {
  await redis.del(key);
}

/**
 * BROKEN ON PURPOSE. A counting semaphore checked from the client: drop expired holders, count, and add yourself if
 * the count is under the limit, as separate commands. Clients that count at the same moment all see room and all
 * join, far past the limit. The fix runs the three steps as one unit (a script, or WATCH + ZCARD + MULTI/ZADD/EXEC).
 */
export async function semaphoreCountThenAdd(redis: Redis, key: string, holder: string, limit: number, ttlMs: number): Promise<boolean> {
  const now = Date.now();
  await redis.zremrangebyscore(key, '-inf', now);
  if ((await redis.zcard(key)) >= limit) return false;
  await redis.zadd(key, now + ttlMs, holder);
  return true;
}
