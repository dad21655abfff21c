// The leaderboards lesson's shared numbers and small helpers: the race's size, and reading a sorted set back.
import type { LessonContext } from '../../engine/types.js';

/** Game servers reporting results at the same moment in the points race. */
export const RACE_CLIENTS = 50;
/** Players the race's reports are spread over (client i reports for player i mod RACE_PLAYERS). */
export const RACE_PLAYERS = 5;
/** Points each report adds. */
export const RACE_POINTS = 10;

/** The player client `i` of the race reports for. */
export const racePlayer = (i: number): string => `player-${(i % RACE_PLAYERS) + 1}`;

/** A sorted set read back unrecorded, lowest score first, as [member, score] pairs. */
export async function zsetEntries(ctx: LessonContext, key: string): Promise<[string, number][]> {
  const flat = await ctx.unrecorded.zrange(key, 0, '-1', 'WITHSCORES');
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}

/** A sorted set as `member:score` words, for a check's "found" text. */
export function showEntries(entries: readonly [string, number][]): string {
  return entries.length ? entries.map(([m, s]) => `${m}:${s}`).join(' ') : '(empty)';
}

/** A member/score map as ZADD's flat argument list: score, member, score, member… */
export function zaddArgs(entries: Record<string, number>): (string | number)[] {
  return Object.entries(entries).flatMap(([member, score]) => [score, member]);
}
