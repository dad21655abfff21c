// A real-time leaderboard on one sorted set: points, the top N, pages, a player's rank, the players around them, ties.
//
// Ties: a sorted set orders members with equal scores by their bytes (memcmp), ascending. The "highest first" reads
// here use ZRANGE … REV, which reverses that too, so among players with equal points the one whose name sorts LAST
// comes first ("bob" before "alice"). Their positions are still distinct (rank 3 and 4), which is what paging needs;
// `sharedRankOf` gives the "1224" rank where equal points share a place, and `addPointsTieByTime` ranks whoever
// reached a score first ahead of those who reached it later.
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { execAll } from './transaction.js';

/** One row of a leaderboard. */
export interface RankedEntry {
  /** 1-based position from the top (the highest score is rank 1). */
  rank: number;
  member: string;
  score: number;
}

/** Reads ZRANGE … WITHSCORES: RESP2 sends one flat list, RESP3 [member, score] pairs; both are accepted. */
function toEntries(reply: unknown, firstRank: number): RankedEntry[] {
  const flat = (reply as unknown[]).flat() as (string | number)[];
  const out: RankedEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ rank: firstRank + i / 2, member: String(flat[i]), score: Number(flat[i + 1]) });
  return out;
}

function positiveInt(name: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a whole number above 0, got ${n}`);
  return n;
}

/** Adds points atomically (ZINCRBY creates the member at 0 first, so concurrent adds never lose one); returns the new score. */
export async function addPoints(redis: RedisClient, key: string, member: string, points: number): Promise<number> {
  return Number(await redis.zincrby(key, points, member));
}

/** The best `n` players, highest score first. ZRANGE … REV (Redis 6.2+) replaces the deprecated ZREVRANGE. */
export async function topPlayers(redis: RedisClient, key: string, n: number): Promise<RankedEntry[]> {
  if (n <= 0) return [];
  return toEntries(await redis.zrange(key, 0, String(n - 1), 'REV', 'WITHSCORES'), 1);
}

/** Page `page` (1-based) of `size` players, highest first: O(log N + size), however deep the page is. */
export async function leaderboardPage(redis: RedisClient, key: string, page: number, size: number): Promise<RankedEntry[]> {
  positiveInt('page', page);
  positiveInt('size', size);
  const start = (page - 1) * size;
  return toEntries(await redis.zrange(key, start, String(start + size - 1), 'REV', 'WITHSCORES'), start + 1);
}

/** A player's 1-based position from the top and score, or null when the player is not on the board. */
export async function rankOf(redis: RedisClient, key: string, member: string): Promise<RankedEntry | null> {
  // One round trip for both answers; MULTI also means no write can land between the two reads.
  const [rank, score] = await execAll(redis.multi().zrevrank(key, member).zscore(key, member));
  if (rank === null || rank === undefined || score === null || score === undefined) return null;
  return { rank: Number(rank) + 1, member, score: Number(score) };
}

/** KEYS[1] board; ARGV member. 1 + the number of strictly higher scores, read in one step with the score. */
const SHARED_RANK = defineScript<[number, string] | null>(
  'leaderboard_shared_rank',
  1,
  `local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return false end
return {redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf') + 1, score}`,
);

/**
 * A player's "competition" rank, where equal scores share a place (scores 90, 80, 80, 70 rank 1, 2, 2, 4): one more
 * than the number of players strictly above. A script, so a write cannot land between reading the score and counting.
 */
export async function sharedRankOf(redis: RedisClient, key: string, member: string): Promise<RankedEntry | null> {
  const res = await SHARED_RANK.run(redis, [key], [member]);
  if (!res) return null;
  return { rank: Number(res[0]), member, score: Number(res[1]) };
}

/** KEYS[1] board; ARGV member, radius. The rank and the range around it in one atomic step. */
const AROUND_ME = defineScript<[number, unknown[]] | null>(
  'leaderboard_around_me',
  1,
  `local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not rank then return false end
local radius = tonumber(ARGV[2])
local start = rank - radius
if start < 0 then start = 0 end
return {start, redis.call('ZRANGE', KEYS[1], start, rank + radius, 'REV', 'WITHSCORES')}`,
);

/**
 * The player and up to `radius` neighbours on each side, in rank order (fewer at the top or bottom of the board;
 * empty when the player is not on it). One Lua script: reading the rank and then the range as two commands would let a
 * write in between shift the window, so the player could be missing from their own "around me" view.
 */
export async function aroundMe(redis: RedisClient, key: string, member: string, radius: number): Promise<RankedEntry[]> {
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a whole number >= 0, got ${radius}`);
  const res = await AROUND_ME.run(redis, [key], [member, radius]);
  if (!res) return [];
  return toEntries(res[1], Number(res[0]) + 1);
}

/** Removes a player from the board; true when they were on it. */
export async function removePlayer(redis: RedisClient, key: string, member: string): Promise<boolean> {
  return Number(await redis.zrem(key, member)) === 1;
}

/** How `addPointsTieByTime` packs points and time into one score (the same options must be used to decode it). */
export interface TieByTimeOptions {
  /** Start of the time axis in epoch ms (default 2024-01-01T00:00:00Z); earlier times are refused. */
  epochMs?: number;
  /** Time resolution (default 1000 ms): players reaching the same points within one tick fall back to member order. */
  resolutionMs?: number;
  /** Low bits of the score used for time (default 32: 2^32 ticks, 136 years at 1 s). Points must stay below 2^(53 - timeBits). */
  timeBits?: number;
}

const DEFAULT_EPOCH_MS = Date.UTC(2024, 0, 1);

function tieLayout(opts: TieByTimeOptions) {
  const epochMs = opts.epochMs ?? DEFAULT_EPOCH_MS;
  const resolutionMs = positiveInt('resolutionMs', opts.resolutionMs ?? 1000);
  const timeBits = opts.timeBits ?? 32;
  if (!Number.isInteger(timeBits) || timeBits < 1 || timeBits > 52) throw new RangeError(`timeBits must be 1..52, got ${timeBits}`);
  const span = 2 ** timeBits;
  return { epochMs, resolutionMs, span, maxPoints: 2 ** (53 - timeBits) };
}

/**
 * KEYS[1] board; ARGV member, points, span, epochMs, resolutionMs, atMs ('' = the server's clock), maxPoints.
 * score = points * span + (span - 1 - tick): points decide first; for equal points an earlier tick gives a larger
 * remainder, so whoever got there first ranks higher. Every value is an integer below 2^53, exact in a double (Lua
 * numbers, sorted-set scores, and the %.17g text Redis sends a Lua number as). Read, decode, add and write back in
 * one script: two concurrent adds never both start from the same old score.
 */
const ADD_TIE_BY_TIME = defineScript<number>(
  'leaderboard_add_tie_by_time',
  1,
  `local span = tonumber(ARGV[3])
local at = tonumber(ARGV[6])
if not at then
  local t = redis.call('TIME')
  at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local tick = math.floor((at - tonumber(ARGV[4])) / tonumber(ARGV[5]))
if tick < 0 or tick >= span then return redis.error_reply('ERR time is outside the tie-break range (epochMs, timeBits)') end
local points = tonumber(ARGV[2])
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
if old then points = points + math.floor(tonumber(old) / span) end
local max = tonumber(ARGV[7])
if points >= max or points < -max then return redis.error_reply('ERR points out of range for timeBits') end
redis.call('ZADD', KEYS[1], points * span + (span - 1 - tick), ARGV[1])
return points`,
);

/**
 * Adds whole points on a board where, for equal points, whoever reached that total first ranks higher. The time of
 * the add (`at`, default the Redis server's clock so client clocks cannot disagree) is packed into the low bits of the
 * score; read the true points with `decodeTieByTime`. A fractional tie-breaker (points + 1 - ts/1e13) would run out of
 * double precision once points have more than two or three digits; this integer packing is exact. Returns the new points.
 */
export async function addPointsTieByTime(
  redis: RedisClient,
  key: string,
  member: string,
  points: number,
  opts: TieByTimeOptions & { at?: number } = {},
): Promise<number> {
  if (!Number.isInteger(points)) throw new RangeError(`points must be a whole number, got ${points}`);
  const layout = tieLayout(opts);
  const at = opts.at === undefined ? '' : String(Math.floor(opts.at));
  const args = [member, points, layout.span, layout.epochMs, layout.resolutionMs, at, layout.maxPoints];
  return Number(await ADD_TIE_BY_TIME.run(redis, [key], args));
}

/** Splits a score written by `addPointsTieByTime` into the points and when they were reached (epoch ms, to the tick). */
export function decodeTieByTime(score: number, opts: TieByTimeOptions = {}): { points: number; reachedAtMs: number } {
  const { epochMs, resolutionMs, span } = tieLayout(opts);
  const points = Math.floor(score / span);
  const tick = span - 1 - (score - points * span);
  return { points, reachedAtMs: epochMs + tick * resolutionMs };
}
