// A time-boxed flash sale: the sale is a hash with a TTL, and a script enforces stock and a per-user limit together.
import type { Redis } from 'ioredis';

export interface FlashSale {
  product: string;
  price: string;
  stock: number;
  /** Units one user may buy in this sale. */
  perUser: number;
}

/** Writes the sale and its deadline in one MULTI, and clears the buyers of any earlier sale under the same key. */
export async function startFlashSale(redis: Redis, saleKey: string, buyersKey: string, sale: FlashSale, seconds: number): Promise<void> {
  await redis
    .multi()
    .unlink(buyersKey)
    .hset(saleKey, { product: sale.product, price: sale.price, stock: sale.stock, per_user: sale.perUser })
    .expire(saleKey, seconds)
    .exec();
}

export type FlashBuyResult = { ok: true; stockLeft: number } | { ok: false; reason: 'ended' | 'sold-out' | 'limit' };

/**
 * KEYS[1] the sale hash, KEYS[2] the buyers hash (user → units). Refuses when the sale is over (its key
 * expired), sold out, or the user would pass the limit; otherwise takes the units from both in the same
 * step. The buyers hash inherits the sale's deadline so it does not outlive it.
 */
export const FLASH_BUY_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local qty = tonumber(ARGV[2])
local sale = redis.call('HMGET', KEYS[1], 'stock', 'per_user')
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if bought + qty > tonumber(sale[2]) then return -3 end
if tonumber(sale[1]) < qty then return -2 end
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
if redis.call('TTL', KEYS[2]) == -1 then redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1])) end
return redis.call('HINCRBY', KEYS[1], 'stock', -qty)`;

const REFUSALS: Record<number, 'ended' | 'sold-out' | 'limit'> = { [-1]: 'ended', [-2]: 'sold-out', [-3]: 'limit' };

export async function flashBuy(redis: Redis, saleKey: string, buyersKey: string, userId: string, quantity = 1): Promise<FlashBuyResult> {
  const n = Number(await redis.eval(FLASH_BUY_SCRIPT, 2, saleKey, buyersKey, userId, quantity));
  const reason = REFUSALS[n];
  return reason ? { ok: false, reason } : { ok: true, stockLeft: n };
}

/**
 * The same rules checked from the client: read the user's count and the stock, then write. A bot
 * firing parallel requests passes the check many times before any write lands. Kept to show that.
 */
export async function flashBuyNaive(
  redis: Redis,
  saleKey: string,
  buyersKey: string,
  userId: string,
  quantity = 1,
): Promise<FlashBuyResult> {
  const [stock, perUser] = await redis.hmget(saleKey, 'stock', 'per_user');
  if (stock === null || perUser === null) return { ok: false, reason: 'ended' };
  const bought = Number((await redis.hget(buyersKey, userId)) ?? '0');
  if (bought + quantity > Number(perUser)) return { ok: false, reason: 'limit' };
  if (Number(stock) < quantity) return { ok: false, reason: 'sold-out' };
  await redis.hincrby(buyersKey, userId, quantity);
  const left = await redis.hincrby(saleKey, 'stock', -quantity);
  return { ok: true, stockLeft: left };
}

/** Units sold so far: the sum of the buyers hash. */
export async function unitsSold(redis: Redis, buyersKey: string): Promise<number> {
  return (await redis.hvals(buyersKey)).reduce((s, v) => s + Number(v), 0);
}
