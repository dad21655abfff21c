// An activity feed on a list: newest first, capped at the last N entries.
import type { Redis } from 'ioredis';

/**
 * Pushes an activity and trims the feed to `keep` entries. LPUSH and LTRIM go in one MULTI so they
 * travel in one round trip and no reader ever sees the feed longer than `keep`. LTRIM costs O(removed),
 * so trimming on every push keeps it O(1) amortised. Returns the feed's length afterwards.
 */
export async function pushActivity(redis: Redis, key: string, activity: string, keep: number): Promise<number> {
  const res = await redis
    .multi()
    .lpush(key, activity)
    .ltrim(key, 0, keep - 1)
    .llen(key)
    .exec();
  const err = res?.find(([e]) => e)?.[0];
  if (err) throw err;
  return Number(res?.[2]?.[1] ?? 0);
}

/** The newest `n` activities, newest first. */
export async function recentActivity(redis: Redis, key: string, n: number): Promise<string[]> {
  return redis.lrange(key, 0, n - 1);
}
