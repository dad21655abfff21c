// Grading typed answers: choice picks ("1,3"), predicted replies (normalised), self-grades, and `;`-separated command lines.
import type { Rating } from './scheduler.js';
import type { ChoiceQuestion } from './types.js';

/**
 * Parses "1,3", "1 3", "b" or "a, c" into sorted 1-based option numbers; null when the answer is not a pick
 * (empty, out of range, or not numbers/letters).
 */
export function parseChoice(input: string, optionCount: number): number[] | null {
  const parts = input
    .trim()
    .toLowerCase()
    .split(/[\s,;/]+/)
    .filter(Boolean);
  if (parts.length === 0) return null;
  const picked = new Set<number>();
  for (const p of parts) {
    let n: number;
    if (/^\d+$/.test(p)) n = Number(p);
    else if (/^[a-z]$/.test(p)) n = p.charCodeAt(0) - 96;
    else return null;
    if (n < 1 || n > optionCount) return null;
    picked.add(n);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Right only when exactly the correct options are picked: a partial pick of a several-answer question is wrong. */
export function gradeChoice(q: ChoiceQuestion, picked: readonly number[]): boolean {
  const want = q.options.flatMap((o, i) => (o.correct ? [i + 1] : []));
  return want.length === picked.length && want.every((n, i) => picked[i] === n);
}

/**
 * A reply as redis-cli prints it, reduced to what a prediction must get right: no quotes, no `(integer)`,
 * no `1)` numbering, brackets or commas, one case, single spaces.
 */
export function normaliseReply(s: string): string {
  return ` ${s.toLowerCase()} `
    .replace(/\(integer\)\s*/g, '')
    .replace(/\(nil\)/g, 'nil')
    .replace(/\(empty (array|list or set)\)/g, 'empty')
    .replace(/\(error\)/g, 'error')
    .replace(/\s\d+\)(?=\s)/g, ' ')
    .replace(/["'[\],]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A reply as redis-cli prints it, split into its elements at the `1)`, `2)` numbering outside quotes (nested arrays
 * are flattened: their numbering goes too). A reply that is not an array is one element.
 */
export function replyElements(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < s.length) {
        cur += ch + s[++i];
        continue;
      }
      if (ch === '"') quoted = false;
      cur += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      cur += ch;
      continue;
    }
    const marker = /^\d+\)(?=\s|$)/.exec(s.slice(i));
    if (marker && (i === 0 || /\s/.test(s[i - 1]!))) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      i += marker[0].length - 1;
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

type Segment = { kind: 'exact'; tokens: string[] } | { kind: 'error'; code: string; message: string[] };

/** Trailing punctuation of an error message's words does not have to be typed. */
const word = (t: string): string => t.replace(/[.:]+$/, '');

function segments(expected: string): Segment[] {
  return replyElements(expected).map((el): Segment => {
    const n = normaliseReply(el);
    const tokens = n ? n.split(' ') : [];
    // Only an unquoted "(error)" is an error reply; a string that contains the word is compared in full.
    if (/^\(error\)\s/i.test(el) && tokens.length >= 2) return { kind: 'error', code: tokens[1]!, message: tokens.slice(2).map(word) };
    return { kind: 'exact', tokens };
  });
}

/** Whether the predicted tokens from `t` on match the segments from `s` on (an error's message may be cut short). */
function matchFrom(segs: readonly Segment[], s: number, got: readonly string[], t: number): boolean {
  if (s === segs.length) return t === got.length;
  const seg = segs[s]!;
  if (seg.kind === 'exact') {
    for (let k = 0; k < seg.tokens.length; k++) if (got[t + k] !== seg.tokens[k]) return false;
    return matchFrom(segs, s + 1, got, t + seg.tokens.length);
  }
  let i = t;
  if (got[i] === 'error') i++;
  if (got[i] !== seg.code) return false;
  i++;
  // The longest prefix of the message first, then shorter ones: the next element may start with a message word.
  let prefix = 0;
  while (prefix < seg.message.length && i + prefix < got.length && word(got[i + prefix]!) === seg.message[prefix]) prefix++;
  for (let k = prefix; k >= 0; k--) if (matchFrom(segs, s + 1, got, i + k)) return true;
  return false;
}

/**
 * Whether a prediction matches the reply. An error reply — the whole reply, or an element of an array such as EXEC's
 * — is matched by its error code and any prefix of its message (`WRONGTYPE`, `(error) WRONGTYPE Operation…`):
 * nobody should have to recite the message.
 */
export function gradePredict(expected: string, predicted: string): boolean {
  const want = normaliseReply(expected);
  const got = normaliseReply(predicted);
  if (!got) return false;
  if (want === got) return true;
  return matchFrom(segments(expected), 0, got.split(' '), 0);
}

const SELF_GRADES: Record<string, Rating> = {
  again: 1,
  a: 1,
  '0': 1,
  hard: 2,
  h: 2,
  '1': 2,
  good: 3,
  g: 3,
  '2': 3,
  easy: 4,
  e: 4,
  '3': 4,
};

/** again/hard/good/easy (or a/h/g/e, or 0–3) → FSRS rating; null when unrecognised. */
export function parseSelfGrade(input: string): Rating | null {
  return SELF_GRADES[input.trim().toLowerCase()] ?? null;
}

/** Splits `SET k v ; GET k` at semicolons outside quotes, so one answer line can hold several commands. */
export function splitCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\' && i + 1 < line.length) {
        cur += ch + line[++i];
        continue;
      }
      if (ch === quote) quote = null;
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}
