// A flash sale whose rules are checked in the client: oversells and lets one user pass the limit. Never use this.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';
import { flashSaleKeys, type FlashBuyResult } from '../patterns/flash-sale.js';

/**
 * BROKEN ON PURPOSE. The sale's rules checked from the client: read the stock and the user's count, then write. A bot
 * firing parallel requests passes the check many times before any write lands, so one user buys past the limit and
 * the stock goes below zero (and the buyers hash it creates never expires). `pauseMs` stands for the application's work between check and write, widening the
 * window for a demonstration. The fix is `flashBuy` (one script).
 */
export async function flashBuyNaive(redis: Redis, saleKey: string, userId: string, quantity = 1, pauseMs = 0): Promise<FlashBuyResult> {
  const keys = flashSaleKeys(redis, saleKey);
  const [stock, perUser] = await redis.hmget(keys.sale, 'stock', 'per_user');
  if (stock === null || perUser === null) return { ok: false, reason: 'ended' };
  const bought = Number((await redis.hget(keys.buyers, userId)) ?? '0');
  if (bought + quantity > Number(perUser)) return { ok: false, reason: 'limit' };
  if (Number(stock) < quantity) return { ok: false, reason: 'sold-out' };
  if (pauseMs > 0) await sleep(pauseMs);
  await redis.hincrby(keys.buyers, userId, quantity);
  const left = await redis.hincrby(keys.sale, 'stock', -quantity);
  return { ok: true, stockLeft: left };
}
