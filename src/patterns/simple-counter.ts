// Counters two ways: a client-side read-modify-write (loses updates under concurrency) and server-side INCR.
import type { Redis } from 'ioredis';

/**
 * Reads the counter, adds one in the client, writes it back. Between the GET and the SET another
 * client can do the same, and one of the two increments is overwritten: kept only to show that race.
 */
export async function incrementByReadWrite(redis: Redis, key: string, by = 1): Promise<number> {
  const current = Number((await redis.get(key)) ?? '0');
  const next = current + by;
  await redis.set(key, String(next));
  return next;
}

/** INCRBY runs inside the server's single command loop, so concurrent increments cannot interleave. */
export function incrementAtomically(redis: Redis, key: string, by = 1): Promise<number> {
  return by === 1 ? redis.incr(key) : redis.incrby(key, by);
}
