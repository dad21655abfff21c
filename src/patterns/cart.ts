// Shopping carts as hashes (product → quantity): atomic add/remove, an optional sliding TTL, and merging a guest cart at login.
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';

/** Options for cart writes. */
export interface CartOptions {
  /** Slide the cart's expiry back to this many ms on every write (an abandoned cart disappears); none by default. */
  ttlMs?: number;
}

function ttlArg(opts: CartOptions): number {
  const ms = opts.ttlMs ?? 0;
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`ttlMs must be a whole number of milliseconds, got ${ms}`);
  return ms;
}

/**
 * KEYS[1] the cart; ARGV product, quantity delta, ttl ms (0: none). The increment and the removal of a line that
 * dropped to 0 or below happen in one step: as two commands, a concurrent add landing between the HINCRBY and the
 * HDEL was deleted with the line. The TTL is set in the same step, so a new cart never exists without it.
 */
const ADD = defineScript<number>(
  'cart_add',
  1,
  `local n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
if tonumber(ARGV[3]) > 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return n`,
);

/**
 * KEYS[1] the guest cart, KEYS[2] the user's cart; ARGV ttl ms (0: none). Moves every line, adding quantities, then
 * unlinks the guest cart. Nothing runs in between, so a second login racing this one finds the guest cart already
 * gone and merges nothing twice.
 */
const MERGE = defineScript<number>(
  'cart_merge',
  2,
  `local items = redis.call('HGETALL', KEYS[1])
if #items == 0 then return 0 end
for i = 1, #items, 2 do
  local n = redis.call('HINCRBY', KEYS[2], items[i], items[i + 1])
  if n <= 0 then redis.call('HDEL', KEYS[2], items[i]) end
end
redis.call('UNLINK', KEYS[1])
if tonumber(ARGV[1]) > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return #items / 2`,
);

/**
 * Adds `quantity` units of a product (a negative quantity removes units) in one atomic step; a line that drops to 0 or
 * below is removed. Returns the line's new quantity (0 when removed).
 */
export async function addToCart(
  redis: RedisClient,
  cartKey: string,
  productId: string,
  quantity: number,
  opts: CartOptions = {},
): Promise<number> {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be a whole number, got ${quantity}`);
  return Math.max(0, Number(await ADD.run(redis, [cartKey], [productId, quantity, ttlArg(opts)])));
}

/** Removes a product's line whatever its quantity; true when it was there. */
export async function removeFromCart(redis: RedisClient, cartKey: string, productId: string): Promise<boolean> {
  return (await redis.hdel(cartKey, productId)) === 1;
}

/** The cart's lines, product → quantity (empty when the cart does not exist). */
export async function getCart(redis: RedisClient, cartKey: string): Promise<Record<string, number>> {
  const lines = await redis.hgetall(cartKey);
  return Object.fromEntries(Object.entries(lines).map(([product, qty]) => [product, Number(qty)]));
}

/** Total units in a cart (the sum of the hash's values). */
export async function cartUnits(redis: RedisClient, cartKey: string): Promise<number> {
  const lines = await redis.hvals(cartKey);
  return lines.reduce((sum, q) => sum + Number(q), 0);
}

/**
 * Merges the guest cart into the user's cart atomically and deletes the guest cart; returns how many product lines
 * moved (0 when the guest cart was already gone). On a Cluster both keys must share a hash tag (`cart:{42}:guest`).
 */
export async function mergeCarts(redis: RedisClient, guestCart: string, userCart: string, opts: CartOptions = {}): Promise<number> {
  return Number(await MERGE.run(redis, [guestCart, userCart], [ttlArg(opts)]));
}
