// "did you mean HSET?": the nearest command name, by edit distance over the server's own command table.
import type { CommandTable } from './capabilities.js';
import { escapeUnsafe } from './tokenize.js';

/** Edits (insert, delete, substitute, swap two neighbours) that turn a into b; stops counting past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** How far a typo may be from the name it was meant to be: short names allow fewer edits, so guesses stay plausible. */
function tolerance(length: number): number {
  return length <= 3 ? 1 : length <= 6 ? 2 : 3;
}

/**
 * The known name nearest to `name` (case-insensitive, upper-cased), or null when none is close enough or `name` is
 * itself known. Ties go to the name sharing the longest start with what was typed, then the closest length, then A–Z.
 */
export function suggestCommand(name: string, names: Iterable<string>): string | null {
  const typed = name.toUpperCase();
  if (!typed) return null;
  const max = tolerance(typed.length);
  let best: { name: string; d: number; prefix: number; len: number } | null = null;
  for (const raw of names) {
    const cand = raw.toUpperCase();
    if (cand === typed) return null;
    const d = editDistance(typed, cand, max);
    if (d > max) continue;
    let prefix = 0;
    while (prefix < typed.length && typed[prefix] === cand[prefix]) prefix++;
    const len = Math.abs(cand.length - typed.length);
    if (
      !best ||
      d < best.d ||
      (d === best.d && (prefix > best.prefix || (prefix === best.prefix && (len < best.len || (len === best.len && cand < best.name)))))
    ) {
      best = { name: cand, d, prefix, len };
    }
  }
  return best?.name ?? null;
}

/** Whether a server error says the command (or its subcommand) does not exist. */
export function isUnknownCommandError(error: string | undefined): 'command' | 'subcommand' | null {
  if (!error) return null;
  if (/^ERR unknown command\b/i.test(error)) return 'command';
  if (/^ERR unknown subcommand\b/i.test(error)) return 'subcommand';
  return null;
}

/**
 * For a command the server answered with "unknown command" (or "unknown subcommand"), the nearest real one from its
 * command table: `HSET` for `HSETT a b c`, `CLIENT LIST` for `CLIENT LIS`. Null when the error is another one or
 * nothing is close.
 */
export function suggestFor(args: readonly string[], error: string | undefined, table: CommandTable): string | null {
  const kind = isUnknownCommandError(error);
  if (!kind || !args.length) return null;
  if (kind === 'command') return suggestCommand(String(args[0]), table.keys());
  const spec = table.get(String(args[0]).toLowerCase());
  if (!spec?.subcommands || args.length < 2) return null;
  const sub = suggestCommand(String(args[1]), spec.subcommands.keys());
  return sub ? `${spec.name.toUpperCase()} ${sub}` : null;
}

/** The line shown under the error: `did you mean HSET?`, or null (see suggestFor). */
export function didYouMean(args: readonly string[], error: string | undefined, table: CommandTable): string | null {
  const s = suggestFor(args, error, table);
  // Names come from the server: escaped like any server text.
  return s ? `did you mean ${escapeUnsafe(s)}?` : null;
}
