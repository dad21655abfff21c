// An activity feed on a list: newest first, capped at the last N entries.
import type { RedisClient } from './client.js';
import { execAll } from './transaction.js';

/**
 * Pushes an activity and trims the feed to `keep` entries. LPUSH and LTRIM go in one MULTI so they travel in one
 * round trip and no reader ever sees the feed longer than `keep`. LTRIM costs O(removed), so trimming on every push
 * keeps it O(1) amortised. Returns the feed's length afterwards.
 */
export async function pushActivity(redis: RedisClient, key: string, activity: string, keep: number): Promise<number> {
  if (!Number.isInteger(keep) || keep <= 0) throw new RangeError(`keep must be a whole number above 0, got ${keep}`);
  const replies = await execAll(
    redis
      .multi()
      .lpush(key, activity)
      .ltrim(key, 0, keep - 1)
      .llen(key),
  );
  return Number(replies[2]);
}

/** The newest `n` activities, newest first (LRANGE from the head: O(n), however long the feed). */
export async function recentActivity(redis: RedisClient, key: string, n: number): Promise<string[]> {
  if (n <= 0) return [];
  return redis.lrange(key, 0, n - 1);
}
