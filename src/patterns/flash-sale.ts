// A time-boxed flash sale: the sale is a hash with a TTL, and one script enforces the stock and a per-user limit together.
import { slotTagged, type RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { execAll } from './transaction.js';

/** What is on sale, how many units, and how many one user may buy. */
export interface FlashSale {
  product: string;
  price: string;
  stock: number;
  /** Units one user may buy in this sale. */
  perUser: number;
}

/** The outcome of one purchase attempt: the stock left, or why it was refused. */
export type FlashBuyResult = { ok: true; stockLeft: number } | { ok: false; reason: 'ended' | 'sold-out' | 'limit' };

/**
 * The keys of a sale: the sale hash itself and `<sale>:buyers` (user → units bought). On a Cluster the base is
 * wrapped in a hash tag so the purchase script can touch both in one slot.
 */
export function flashSaleKeys(redis: RedisClient, saleKey: string): { sale: string; buyers: string } {
  const base = slotTagged(redis, saleKey);
  return { sale: base, buyers: `${base}:buyers` };
}

function positive(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`${name} must be a whole number above 0, got ${n}`);
  return n;
}

/**
 * KEYS[1] the sale hash, KEYS[2] the buyers hash; ARGV user, units. Refuses when the sale is over (its key expired),
 * the user would pass the limit, or it is sold out; otherwise takes the units from both in the same step, so parallel
 * requests from one bot cannot all pass the check before any write lands. The buyers hash gets the sale's deadline,
 * so it does not outlive it.
 */
const FLASH_BUY = defineScript<number>(
  'flash_sale_buy',
  2,
  `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local qty = tonumber(ARGV[2])
local sale = redis.call('HMGET', KEYS[1], 'stock', 'per_user')
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if bought + qty > tonumber(sale[2]) then return -3 end
if tonumber(sale[1]) < qty then return -2 end
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
local pttl = redis.call('PTTL', KEYS[1])
if pttl > 0 then redis.call('PEXPIRE', KEYS[2], pttl) end
return redis.call('HINCRBY', KEYS[1], 'stock', -qty)`,
);

const REFUSALS: Record<number, 'ended' | 'sold-out' | 'limit'> = { [-1]: 'ended', [-2]: 'sold-out', [-3]: 'limit' };

/**
 * Opens a sale for `ttlMs`: clears any earlier sale and its buyers under the same key, writes the sale and its
 * deadline, all in one MULTI (a sale never exists without its end).
 */
export async function startFlashSale(redis: RedisClient, saleKey: string, sale: FlashSale, ttlMs: number): Promise<void> {
  const keys = flashSaleKeys(redis, saleKey);
  const fields = {
    product: sale.product,
    price: sale.price,
    stock: positive('stock', sale.stock),
    per_user: positive('perUser', sale.perUser),
  };
  await execAll(redis.multi().unlink(keys.sale, keys.buyers).hset(keys.sale, fields).pexpire(keys.sale, positive('ttlMs', ttlMs)));
}

/** Buys `quantity` units for `userId` if the sale is on, in stock, and within the user's limit, atomically. */
export async function flashBuy(redis: RedisClient, saleKey: string, userId: string, quantity = 1): Promise<FlashBuyResult> {
  const keys = flashSaleKeys(redis, saleKey);
  const n = Number(await FLASH_BUY.run(redis, [keys.sale, keys.buyers], [userId, positive('quantity', quantity)]));
  const reason = REFUSALS[n];
  return reason ? { ok: false, reason } : { ok: true, stockLeft: n };
}

/** Units sold so far: the sum of the buyers hash. */
export async function unitsSold(redis: RedisClient, saleKey: string): Promise<number> {
  return (await redis.hvals(flashSaleKeys(redis, saleKey).buyers)).reduce((s, v) => s + Number(v), 0);
}
