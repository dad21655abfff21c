// A priority queue on a sorted set: the score is the priority, ZPOPMIN takes the most urgent job atomically.
import type { RedisClient } from '../client.js';

/** A job and its priority (lower is more urgent). */
export interface PrioritizedJob {
  job: string;
  priority: number;
}

/** Adds (or re-prioritises) jobs; a lower number is more urgent. Returns how many were new. */
export async function pushPriorityJobs(redis: RedisClient, key: string, jobs: readonly PrioritizedJob[]): Promise<number> {
  if (!jobs.length) return 0;
  const args = jobs.flatMap((j) => [j.priority, j.job]);
  return redis.zadd(key, ...args);
}

/**
 * Removes and returns the most urgent job, or null when the queue is empty. ZPOPMIN reads and removes in one
 * command, so concurrent poppers never get the same job (a ZRANGE then ZREM would). Ties go to the member that
 * sorts first byte-wise, so equal priorities are not FIFO unless the score encodes arrival time too.
 */
export async function popMostUrgent(redis: RedisClient, key: string): Promise<PrioritizedJob | null> {
  const [job, score] = await redis.zpopmin(key);
  return job === undefined ? null : { job, priority: Number(score) };
}

/** Removes and returns up to `count` of the most urgent jobs, most urgent first, in one atomic ZPOPMIN. */
export async function popMostUrgentMany(redis: RedisClient, key: string, count: number): Promise<PrioritizedJob[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number >= 1, got ${count}`);
  const flat = await redis.zpopmin(key, count);
  const jobs: PrioritizedJob[] = [];
  for (let i = 0; i < flat.length; i += 2) jobs.push({ job: flat[i]!, priority: Number(flat[i + 1]) });
  return jobs;
}

/**
 * Like `popMostUrgent`, but waits up to `timeoutSec` (fractions allowed, 0 = forever) for a job (BZPOPMIN) instead of
 * polling. A blocked call holds its connection: give each waiting worker a connection of its own.
 */
export async function popMostUrgentBlocking(redis: RedisClient, key: string, timeoutSec: number): Promise<PrioritizedJob | null> {
  const res = await redis.bzpopmin(key, timeoutSec);
  return res ? { job: res[1], priority: Number(res[2]) } : null;
}
