// Queues built the tempting way: a job popped with nothing left behind, a due job read and removed in two steps. Never use these.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. Takes the oldest job with RPOP: from that moment the job exists only in this worker's memory. A
 * worker killed before it finishes (a deploy, an OOM kill, a crash) takes the job with it, and nothing in Redis says it
 * ever existed. The fix is `claimJob` (BLMOVE into a processing list), with `requeueIfDead` for the dead worker's list.
 */
export async function takeJobNaive(redis: Redis, queue: string): Promise<string | null> {
  return redis.rpop(queue);
}

/**
 * BROKEN ON PURPOSE. A delayed-job poller in two commands: read the earliest due job (ZRANGEBYSCORE … LIMIT 0 1), then
 * ZREM it and run it whatever ZREM answered. Every worker that polled between the two commands read the same job, and
 * each runs it. `pauseMs` stands for what a worker does in between (decode the job, log it): it widens the window so a
 * demonstration duplicates every time. Running the job only when ZREM returned 1 stops the duplicates (but a worker that
 * dies after ZREM still loses the job); `createDelayedQueue` claims in one script, with a lease.
 */
export async function claimDueNaive(redis: Redis, due: string, nowMs: number, pauseMs = 0): Promise<string | null> {
  const [id] = await redis.zrangebyscore(due, '-inf', nowMs, 'LIMIT', 0, 1);
  if (id === undefined) return null;
  if (pauseMs > 0) await sleep(pauseMs);
  await redis.zrem(due, id);
  return id;
}
