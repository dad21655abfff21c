// Checks for the bulk lesson's query exercises: a result key must equal what the server computes from the indexes
// right now, so any --records count and seed work, and a near-miss is named (union for intersection, and so on).
import { custom } from '../../engine/checks.js';
import { count, pairs } from '../../engine/kit.js';
import type { Check, LessonContext } from '../../engine/types.js';
import { fmt } from './shared.js';

/** A WITHSCORES reply as sorted "member:score" strings, for order-insensitive comparison. */
export function scoredMembers(reply: unknown): string[] {
  return pairs(reply)
    .map(([m, s]) => `${m}:${s}`)
    .sort();
}

export const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function preview(items: string[], n = 6): string {
  return items.length > n ? `${items.slice(0, n).join(' ')} … (${items.length})` : items.join(' ') || '(empty)';
}

/**
 * The zset `name` must equal what `expected` computes on the server right now (member and score).
 * Expectations come from the server, never from constants, so any --records count and seed work.
 */
export function zsetMatches(name: string, what: string, order: 'asc' | 'desc', expected: (ctx: LessonContext) => Promise<string[]>): Check {
  return custom(what, async (ctx) => {
    const key = ctx.key(name);
    const wantFlat = await expected(ctx);
    const type = await ctx.unrecorded.type(key);
    if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
    if (wantFlat.length === 0) return { pass: false, actual: 'the data set has no such users: run the lesson again' };
    const gotFlat =
      order === 'desc'
        ? await ctx.unrecorded.zrange(key, '0', '-1', 'REV', 'WITHSCORES')
        : await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES');
    const show = (flat: string[]) => {
      const items: string[] = [];
      for (let i = 0; i < flat.length; i += 2) items.push(`${flat[i]} (${flat[i + 1]})`);
      return preview(items, 4);
    };
    const pass = same(scoredMembers(gotFlat), scoredMembers(wantFlat));
    return { pass, actual: pass ? `${key} = ${show(gotFlat)}` : `${key} = ${show(gotFlat)}, want ${show(wantFlat)}` };
  });
}

export function setMatches(name: string, what: string, expected: (ctx: LessonContext) => Promise<string[]>): Check {
  return custom(what, async (ctx) => {
    const key = ctx.key(name);
    const want = (await expected(ctx)).sort();
    const type = await ctx.unrecorded.type(key);
    if (type !== 'set') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
    const got = (await ctx.unrecorded.smembers(key)).sort();
    if (want.length === 0) return { pass: false, actual: 'the data set has no such users: run the lesson again' };
    const wanted = new Set(want);
    const extra = got.filter((m) => !wanted.has(m)).length;
    const union = extra > 0 && want.every((m) => got.includes(m));
    return {
      pass: same(got, want),
      actual:
        `${key} has ${count(got.length, 'member')} (want ${fmt(want.length)}): ${preview(got)}` +
        (union ? ` — ${count(extra, 'id')} in only one of the sets: that is the union (OR), not the intersection (AND)` : ''),
    };
  });
}
