// The sessions lesson's naive versions: a cart line removed in two commands, and a payment made safe against retries
// by a check in the client. Both lose under concurrency. Never use these.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. Changes a cart line by `quantity` with HINCRBY, and, when the reply says the line reached 0,
 * deletes it with HDEL: two commands. Another tab's HINCRBY that lands between them (the line is back at 1) is deleted
 * with the line. `pauseMs` stands for the round trip and the application's decision between the two, widening the
 * window for a demonstration. The fix is `addToCart` (both in one script).
 */
export async function addToCartNaive(redis: Redis, cartKey: string, productId: string, quantity: number, pauseMs = 0): Promise<number> {
  const n = await redis.hincrby(cartKey, productId, quantity);
  if (n > 0) return n;
  if (pauseMs > 0) await sleep(pauseMs);
  await redis.hdel(cartKey, productId);
  return 0;
}

/**
 * BROKEN ON PURPOSE. An idempotency key checked in the client: GET it, and if it is empty run `fn`, then SET the result.
 * Retries that arrive together all GET an empty key before the first one has stored anything, so each one runs `fn`
 * (charges the card) again. The fix is `idempotent` (the claim is SET … NX in one step, on the server).
 */
export async function idempotentNaive<T>(redis: Redis, key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
  const stored = await redis.get(key);
  if (stored !== null) return JSON.parse(stored) as T;
  const value = await fn();
  await redis.set(key, JSON.stringify(value), 'PX', ttlMs);
  return value;
}
