// A leaderboard on a sorted set: add points, the top N, a player's rank and the players "around me".
import type { Redis } from 'ioredis';

export interface RankedEntry {
  /** 1-based position from the top (the highest score is rank 1). */
  rank: number;
  member: string;
  score: number;
}

function toEntries(reply: unknown[], firstRank: number): RankedEntry[] {
  // RESP3 replies WITHSCORES as [member, score] pairs, RESP2 as one flat list: accept both.
  const flat = reply.flat() as string[];
  const out: RankedEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    out.push({ rank: firstRank + i / 2, member: flat[i]!, score: Number(flat[i + 1]) });
  }
  return out;
}

/** Adds points atomically (ZINCRBY creates the member at 0 first); returns the new score. */
export async function addPoints(redis: Redis, key: string, member: string, points: number): Promise<number> {
  return Number(await redis.zincrby(key, points, member));
}

/** The best `n` players, highest score first. ZRANGE … REV (Redis 6.2+) replaces the deprecated ZREVRANGE. */
export async function topPlayers(redis: Redis, key: string, n: number): Promise<RankedEntry[]> {
  return toEntries(await redis.zrange(key, 0, String(n - 1), 'REV', 'WITHSCORES'), 1);
}

/** A player's 1-based rank from the top and score, or null when the player is not on the board. */
export async function rankOf(redis: Redis, key: string, member: string): Promise<RankedEntry | null> {
  // One round trip for both answers; MULTI also means no write can land between the two reads.
  const res = await redis.multi().zrevrank(key, member).zscore(key, member).exec();
  const rank = res?.[0]?.[1] as number | null | undefined;
  const score = res?.[1]?.[1] as string | null | undefined;
  if (rank === null || rank === undefined || score === null || score === undefined) return null;
  return { rank: rank + 1, member, score: Number(score) };
}

/**
 * The player and up to `radius` neighbours on each side, in rank order. Two round trips: the rank is
 * needed to compute the range, so a write in between can shift the window by a place (a Lua script
 * would make it one atomic step; for a leaderboard view that is rarely worth it).
 */
export async function aroundMe(redis: Redis, key: string, member: string, radius: number): Promise<RankedEntry[]> {
  const rank = await redis.zrevrank(key, member);
  if (rank === null) return [];
  const start = Math.max(0, rank - radius);
  return toEntries(await redis.zrange(key, start, String(rank + radius), 'REV', 'WITHSCORES'), start + 1);
}
