// The naive leaderboard moves the leaderboards lesson shows failing: points added in the client, "around me" as two reads.
import type { Redis } from 'ioredis';
import { sleep } from '../patterns/client.js';

/**
 * BROKEN ON PURPOSE. Reads the player's score (ZSCORE), adds the points in the client and writes the total back with
 * ZADD. Two game servers reporting for the same player both read the old score, and the second ZADD overwrites the
 * first one's points. `pauseMs` stands for work between the read and the write. The fix is `addPoints` (ZINCRBY).
 */
export async function addPointsReadWrite(redis: Redis, key: string, member: string, points: number, pauseMs = 0): Promise<number> {
  const current = Number((await redis.zscore(key, member)) ?? '0');
  if (pauseMs > 0) await sleep(pauseMs);
  const total = current + points;
  await redis.zadd(key, total, member);
  return total;
}

/** One row of a naive "around me" window: the 1-based rank the window assumed, the member and its score. */
export interface NaiveWindowRow {
  rank: number;
  member: string;
  score: number;
}

/**
 * BROKEN ON PURPOSE. "Around me" as two commands: ZREVRANK for the player's rank, then ZRANGE … REV of rank ± radius.
 * Scores that change between the two shift the board under the window: the player can be missing from their own view.
 * `between` runs after the first command and before the second, standing for the other clients' writes that land
 * there in production. The fix is `aroundMe` (one script: the rank and the range read as one step).
 */
export async function aroundMeTwoCommands(
  redis: Redis,
  key: string,
  member: string,
  radius: number,
  between?: () => Promise<unknown>,
): Promise<NaiveWindowRow[]> {
  const rank = await redis.zrevrank(key, member);
  if (rank === null) return [];
  await between?.();
  const start = Math.max(0, rank - radius);
  const flat = await redis.zrange(key, start, String(rank + radius), 'REV', 'WITHSCORES');
  const rows: NaiveWindowRow[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) rows.push({ rank: start + 1 + i / 2, member: flat[i]!, score: Number(flat[i + 1]) });
  return rows;
}
