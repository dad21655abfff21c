// A reliable work queue on lists: a job moves atomically into a processing list and leaves it only on ack.
import type { Redis } from 'ioredis';

/** Producers push on the left; workers take from the right, so the oldest job goes first (FIFO). */
export async function enqueue(redis: Redis, queue: string, jobs: readonly string[]): Promise<number> {
  return redis.lpush(queue, ...jobs);
}

export interface ClaimOptions {
  /**
   * Use BRPOPLPUSH, for servers older than 6.2 that lack BLMOVE. BLMOVE src dst RIGHT LEFT does the same
   * and is the one to use on 6.2+ (BRPOPLPUSH is deprecated).
   */
  legacy?: boolean;
}

/**
 * Takes the oldest job and, in the same atomic step, puts it on the processing list, waiting up to
 * `timeoutSec` (fractions allowed, 0 = forever) when the queue is empty. Returns null on timeout.
 * A blocked call holds its connection: real workers give it a connection of their own.
 */
export async function claimJob(
  redis: Redis,
  queue: string,
  processing: string,
  timeoutSec: number,
  opts: ClaimOptions = {},
): Promise<string | null> {
  if (opts.legacy) return redis.brpoplpush(queue, processing, timeoutSec);
  return redis.blmove(queue, processing, 'RIGHT', 'LEFT', timeoutSec);
}

/** Marks a job done by removing it from the processing list (LREM is O(N) in the list's length). */
export async function ackJob(redis: Redis, processing: string, job: string): Promise<boolean> {
  return (await redis.lrem(processing, 1, job)) === 1;
}

/**
 * Puts every job of a processing list back on the queue, the longest-waiting one first in line. Only
 * safe when the list's owner is known to be dead (one processing list per worker plus a heartbeat key
 * with a TTL is the usual way to know). Returns the jobs moved.
 */
export async function requeueAll(redis: Redis, processing: string, queue: string): Promise<string[]> {
  const moved: string[] = [];
  for (;;) {
    // LEFT of processing holds the newest claim; pushing each on the RIGHT of the queue leaves the
    // oldest claim at the far right, where workers take next.
    const job = await redis.lmove(processing, queue, 'LEFT', 'RIGHT');
    if (job === null) return moved;
    moved.push(job);
  }
}
