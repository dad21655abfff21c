// A guest cart merged from the client: adds the same items twice when two logins race. Never use this.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. The tempting client-side merge: read the guest cart, add each line to the user's cart, delete the
 * guest cart. Two logins (two tabs, a retried request) that both read before either deletes add the same items twice.
 * `pauseMs` stands for the application's work between the read and the writes, widening the window for a
 * demonstration. The fix is `mergeCarts` (one script).
 */
export async function mergeCartsNaive(redis: Redis, guestCart: string, userCart: string, pauseMs = 0): Promise<number> {
  const items = await redis.hgetall(guestCart);
  if (pauseMs > 0) await sleep(pauseMs);
  for (const [product, qty] of Object.entries(items)) await redis.hincrby(userCart, product, Number(qty));
  await redis.unlink(guestCart);
  return Object.keys(items).length;
}
