// Sessions with a sliding expiry, carts as hashes (product → quantity), and merging a guest cart at login.
import type { Redis } from 'ioredis';

/**
 * Writes session fields and pushes the expiry back to `ttlSeconds`, in one MULTI: a session that is
 * used stays alive, an idle one dies `ttlSeconds` after its last request. HSET alone would keep the
 * old deadline (changing a field never touches a key's TTL), hence the EXPIRE on every request.
 */
export async function touchSession(redis: Redis, key: string, fields: Record<string, string>, ttlSeconds: number): Promise<void> {
  const tx = redis.multi();
  if (Object.keys(fields).length) tx.hset(key, fields);
  tx.expire(key, ttlSeconds);
  await tx.exec();
}

/** Adds (or with a negative quantity removes) units of a product; a line that drops to 0 or below is removed. */
export async function addToCart(redis: Redis, cartKey: string, productId: string, quantity: number): Promise<number> {
  const n = await redis.hincrby(cartKey, productId, quantity);
  if (n <= 0) await redis.hdel(cartKey, productId);
  return Math.max(0, n);
}

/** Total units in a cart (the sum of the hash's values). */
export async function cartUnits(redis: Redis, cartKey: string): Promise<number> {
  const lines = await redis.hvals(cartKey);
  return lines.reduce((sum, q) => sum + Number(q), 0);
}

/**
 * Moves every line of KEYS[1] (the guest cart) into KEYS[2] (the user's cart), adding quantities, then
 * unlinks the guest cart. A script runs with no other command in between, so a second login racing
 * this one finds the guest cart already gone and merges nothing twice.
 */
export const MERGE_CART_SCRIPT = `local items = redis.call('HGETALL', KEYS[1])
for i = 1, #items, 2 do redis.call('HINCRBY', KEYS[2], items[i], items[i + 1]) end
redis.call('UNLINK', KEYS[1])
return #items / 2`;

/** Merges the guest cart into the user's cart atomically; returns how many product lines moved. */
export async function mergeCarts(redis: Redis, guestCart: string, userCart: string): Promise<number> {
  return Number(await redis.eval(MERGE_CART_SCRIPT, 2, guestCart, userCart));
}

/**
 * The tempting client-side merge: read the guest cart, add each line, delete it. Two logins (two tabs,
 * a retried request) that both read before either deletes add the same items twice. Kept to show that.
 */
export async function mergeCartsNaive(redis: Redis, guestCart: string, userCart: string): Promise<number> {
  const items = await redis.hgetall(guestCart);
  for (const [product, qty] of Object.entries(items)) await redis.hincrby(userCart, product, Number(qty));
  await redis.unlink(guestCart);
  return Object.keys(items).length;
}
