// A reliable work queue on lists: a job moves atomically into a processing list and leaves it only on ack.
import { slotTagged, type RedisClient } from '../client.js';

/** The lists of one worker on a queue: the shared queue and the worker's own processing list (one slot on a Cluster). */
export interface ReliableQueueKeys {
  queue: string;
  processing: string;
  /** A key with a TTL the worker keeps refreshing while alive (see `heartbeatWorker`). */
  heartbeat: string;
}

/**
 * Key names for `worker` on the queue `queue`: `<queue>:processing:<worker>` and its `:alive` heartbeat. One processing
 * list per worker is what makes a dead worker's jobs findable (and only its jobs).
 */
export function reliableQueueKeys(redis: RedisClient, queue: string, worker: string): ReliableQueueKeys {
  const base = slotTagged(redis, queue);
  const processing = `${base}:processing:${worker}`;
  return { queue: base, processing, heartbeat: `${processing}:alive` };
}

/** Producers push on the left; workers take from the right, so the oldest job goes first (FIFO). Returns the queue length. */
export async function enqueueJobs(redis: RedisClient, queue: string, jobs: readonly string[]): Promise<number> {
  if (!jobs.length) return redis.llen(queue);
  return redis.lpush(queue, ...jobs);
}

/** Options of `claimJob`. */
export interface ReliableClaimOptions {
  /**
   * Use BRPOPLPUSH, for servers older than 6.2 that lack BLMOVE. BLMOVE src dst RIGHT LEFT does the same
   * and is the one to use on 6.2+ (BRPOPLPUSH is deprecated).
   */
  legacy?: boolean;
}

/**
 * Takes the oldest job and, in the same atomic step, puts it on the processing list, waiting up to
 * `timeoutSec` (fractions allowed, 0 = forever) when the queue is empty. Returns null on timeout.
 * A plain RPOP then LPUSH would lose the job if the worker died between the two. A blocked call holds its
 * connection: real workers give it a connection of their own. On a Cluster both lists must share a slot.
 */
export async function claimJob(
  redis: RedisClient,
  queue: string,
  processing: string,
  timeoutSec: number,
  opts: ReliableClaimOptions = {},
): Promise<string | null> {
  if (opts.legacy) return redis.brpoplpush(queue, processing, timeoutSec);
  return redis.blmove(queue, processing, 'RIGHT', 'LEFT', timeoutSec);
}

/** Marks a job done by removing it from the processing list (LREM is O(N) in the list's length). */
export async function ackJob(redis: RedisClient, processing: string, job: string): Promise<boolean> {
  return (await redis.lrem(processing, 1, job)) === 1;
}

/**
 * Puts every job of a processing list back on the queue, the longest-waiting one first in line. Only
 * safe when the list's owner is known to be dead (see `requeueIfDead`); a live owner's later ack then
 * returns false and the job runs again (at least once). Each move is one atomic LMOVE, so two requeuers
 * racing never duplicate or drop a job. Returns the jobs moved.
 */
export async function requeueJobs(redis: RedisClient, processing: string, queue: string): Promise<string[]> {
  const moved: string[] = [];
  for (;;) {
    // LEFT of processing holds the newest claim; pushing each on the RIGHT of the queue leaves the
    // oldest claim at the far right, where workers take next.
    const job = await redis.lmove(processing, queue, 'LEFT', 'RIGHT');
    if (job === null) return moved;
    moved.push(job);
  }
}

/** Marks the worker alive for `ttlMs` (SET PX: the key and its expiry in one command). Call it more often than `ttlMs`. */
export async function heartbeatWorker(redis: RedisClient, keys: ReliableQueueKeys, ttlMs: number): Promise<void> {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a whole number of milliseconds above 0, got ${ttlMs}`);
  await redis.set(keys.heartbeat, '1', 'PX', ttlMs);
}

/**
 * Requeues the worker's processing list if its heartbeat has expired; returns the jobs moved, or null if the worker is
 * alive. A worker that was only paused past its heartbeat finds its acks return false: its jobs were handed on.
 */
export async function requeueIfDead(redis: RedisClient, keys: ReliableQueueKeys): Promise<string[] | null> {
  if ((await redis.exists(keys.heartbeat)) === 1) return null;
  return requeueJobs(redis, keys.processing, keys.queue);
}
