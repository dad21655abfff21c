// "Recently viewed" (a capped, de-duplicated list) and "also viewed" scores built with ZUNIONSTORE weights.
import type { Redis } from 'ioredis';

/**
 * Puts a product at the front of the list, removing any earlier view of it and keeping the newest
 * `max`. One MULTI, so a reader never sees the product twice or the list over its cap. LREM is O(N)
 * in the list's length, which is fine because LTRIM keeps the list short.
 */
export async function recordView(redis: Redis, key: string, productId: string, max: number): Promise<void> {
  await redis.multi().lrem(key, 0, productId).lpush(key, productId).ltrim(key, 0, max - 1).exec();
}

export interface WeightedSource {
  key: string;
  weight: number;
}

/**
 * Scores every product in the sources by sum(weight × score) into `dest` (sets count as score 1), then
 * drops the products to exclude (e.g. the ones already bought). Returns the top `limit`, best first.
 */
export async function recommend(
  redis: Redis,
  dest: string,
  sources: readonly WeightedSource[],
  exclude: readonly string[],
  limit: number,
): Promise<[string, number][]> {
  const tx = redis.multi();
  tx.zunionstore(dest, sources.length, ...sources.map((s) => s.key), 'WEIGHTS', ...sources.map((s) => s.weight));
  if (exclude.length) tx.zrem(dest, ...exclude);
  tx.zrange(dest, 0, String(limit - 1), 'REV', 'WITHSCORES');
  const res = (await tx.exec()) ?? [];
  const flat = (res.at(-1)?.[1] as string[]) ?? [];
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}
