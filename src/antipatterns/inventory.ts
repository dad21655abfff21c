// Stock sold with a check in the client and a write afterwards: oversells under concurrency. Never use this.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. Check, then decrement, from the client: between the GET and the DECRBY other buyers run the same
 * check against the same stock, so 50 buyers can all see "10 left" and all buy, and the stock goes negative.
 * `pauseMs` stands for the work an application does between the two (a price lookup, a fraud check): it widens the
 * window so a demonstration oversells every time. The fix is `reserveStock` (one script) or `buyWithWatch`.
 */
export async function buyNaive(redis: Redis, key: string, quantity = 1, pauseMs = 0): Promise<boolean> {
  const stock = Number((await redis.get(key)) ?? '0');
  if (stock < quantity) return false;
  if (pauseMs > 0) await sleep(pauseMs);
  await redis.decrby(key, quantity);
  return true;
}
