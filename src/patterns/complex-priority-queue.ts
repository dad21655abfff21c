// A priority queue on a sorted set: the score is the priority, ZPOPMIN takes the most urgent job atomically.
import type { Redis } from 'ioredis';

export interface PrioritizedJob {
  job: string;
  priority: number;
}

/** Adds (or re-prioritises) jobs; a lower number is more urgent. Returns how many were new. */
export async function pushJobs(redis: Redis, key: string, jobs: readonly PrioritizedJob[]): Promise<number> {
  const args = jobs.flatMap((j) => [j.priority, j.job]);
  return redis.zadd(key, ...args);
}

/**
 * Removes and returns the most urgent job, or null when the queue is empty. Ties go to the member that
 * sorts first byte-wise, so equal priorities are not FIFO unless the score encodes arrival time too.
 */
export async function popMostUrgent(redis: Redis, key: string): Promise<PrioritizedJob | null> {
  const [job, score] = await redis.zpopmin(key);
  return job === undefined ? null : { job, priority: Number(score) };
}
