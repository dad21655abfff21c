// The lesson kit: small helpers every lesson may use, so no lesson writes its own copy. Checks live in checks.ts,
// output in render.ts; this file is for the glue a lesson's steps need.
import { tokenize } from '../redis/tokenize.js';
import type { RanCommand, Restart } from './checks.js';
import { nounFor } from '../util/plural.js';
import type { Check, LessonContext } from './types.js';

export { formatBytes } from './render.js';

/** The SET options that give the key a time to live. */
export const TTL_OPTIONS: ReadonlySet<string> = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

/** "1 hit", "3 hits": a count with its noun in the right number. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${nounFor(n, one, many)}`;
}

/** A WITHSCORES / WITHDIST reply as [member, number] pairs, whether it came flat (RESP2) or paired (RESP3). */
export function pairs(reply: unknown): [string, number][] {
  const a = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (a.length && Array.isArray(a[0])) return (a as [unknown, unknown][]).map(([m, s]) => [String(m), Number(s)]);
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([String(a[i]), Number(a[i + 1])]);
  return out;
}

/** A check whose texts name keys with {ns}: the learner sees the real names. */
export function expanded(check: Check): Check {
  return async (ctx) => {
    const r = await check(ctx);
    return { ...r, expected: ctx.sb.expand(r.expected), actual: ctx.sb.expand(r.actual) };
  };
}

/** Writes an exercise's starting state on the unrecorded connection, after claiming the keys for the lesson. */
export async function fresh(ctx: LessonContext, names: string[], write: (key: (n: string) => string) => Promise<unknown>): Promise<void> {
  const keys = names.map((n) => ctx.key(n));
  await ctx.claim(keys);
  await ctx.unrecorded.unlink(...keys);
  await write((n) => ctx.key(n));
}

/**
 * Retyping an exercise's setup line starts it over (as `:reset` does): the writes before it no longer count against
 * the learner. Pass it as the `restart` of a history check.
 */
export function retyped(setup: readonly string[]): Restart {
  return (cmd: RanCommand, ctx: LessonContext) =>
    setup.some((line) => {
      const args = tokenize(ctx.sb.expand(line));
      return args.length === cmd.args.length && args[0]!.toUpperCase() === cmd.name && args.every((a, i) => i === 0 || a === cmd.args[i]);
    });
}

/** The key's OBJECT ENCODING (listpack, hashtable, intset…) read unrecorded, for a step to show; 'none' if it is gone. */
export async function encodingOf(ctx: LessonContext, key: string): Promise<string> {
  const enc = await ctx.unrecorded.call('OBJECT', 'ENCODING', key);
  return enc === null ? 'none' : String(enc);
}
