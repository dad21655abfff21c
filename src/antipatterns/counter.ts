// A counter incremented by reading it into the client and writing it back: loses updates. Never use this.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. Reads the counter, adds in the client, writes it back. Between the GET and the SET another client
 * can do the same, and one of the two increments is overwritten. `pauseMs` stands for work between the read and the
 * write, widening the window for a demonstration. The fix is `incrementCounter` (INCRBY, one command).
 */
export async function incrementByReadWrite(redis: Redis, key: string, by = 1, pauseMs = 0): Promise<number> {
  const current = Number((await redis.get(key)) ?? '0');
  const next = current + by;
  if (pauseMs > 0) await sleep(pauseMs);
  await redis.set(key, String(next));
  return next;
}
