// Splits a command line the way redis-cli does: spaces separate, "double" and 'single' quotes group.
import { UsageError } from '../errors.js';

export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i]!)) i++;
    if (i >= n) break;
    let cur = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (i >= n) {
        if (inDouble || inSingle) throw new UsageError(`unbalanced quotes in: ${line}`);
        break;
      }
      const c = line[i]!;
      if (inDouble) {
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
          cur += map[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          inDouble = false;
          i++;
          if (i < n && !/\s/.test(line[i]!)) throw new UsageError(`closing quote must be followed by a space in: ${line}`);
          done = true;
          continue;
        }
        cur += c;
        i++;
      } else if (inSingle) {
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          inSingle = false;
          i++;
          if (i < n && !/\s/.test(line[i]!)) throw new UsageError(`closing quote must be followed by a space in: ${line}`);
          done = true;
          continue;
        }
        cur += c;
        i++;
      } else {
        if (/\s/.test(c)) {
          done = true;
        } else if (c === '"') {
          inDouble = true;
          i++;
        } else if (c === "'") {
          inSingle = true;
          i++;
        } else {
          cur += c;
          i++;
        }
      }
    }
    out.push(cur);
  }
  return out;
}

/**
 * Characters that must never reach a terminal raw: C0 controls (newline and tab too: they break a one-line
 * display), DEL, C1 controls (U+009B is a CSI on many terminals), the bidi marks, embeddings, overrides and
 * isolates that reorder what is shown (U+061C, U+200E/F, U+202A–E, U+2066–9), the line and paragraph
 * separators U+2028/9, and lone surrogates (not text, shown as U+FFFD at best).
 */
export const UNSAFE_CHAR = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/u;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, 'gu');

/** The escape redis-cli shows for one unsafe character: \n \r \t \a \b, \xHH for other ASCII controls, \uHHHH beyond. */
export function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
  }
  if (code <= 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes the unsafe characters of s (see UNSAFE_CHAR) and leaves everything else, backslashes included, as is. */
export function escapeUnsafe(s: string): string {
  return s.replace(UNSAFE_CHARS, escapeChar);
}

/** Quotes an argument for display when redis-cli would need quotes to read it back (or it holds an unsafe character). */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[^\s"'\\]+$/.test(arg) && !UNSAFE_CHAR.test(arg)) return arg;
  return `"${escapeString(arg)}"`;
}

/** The inside of a redis-cli "quoted" string: \" and \\ escaped, every unsafe character escaped (see escapeChar). */
export function escapeString(s: string): string {
  return s.replace(/["\\]/g, '\\$&').replace(UNSAFE_CHARS, escapeChar);
}

export function commandLine(args: readonly (string | number | Buffer)[]): string {
  return args.map((a) => quoteArg(Buffer.isBuffer(a) ? a.toString() : String(a))).join(' ');
}
