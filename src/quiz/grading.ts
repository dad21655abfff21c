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
 * Whether a prediction matches the reply. An error reply is matched by its error code and any prefix of its
 * message (`WRONGTYPE`, `(error) WRONGTYPE Operation…`): nobody should have to recite the message.
 */
export function gradePredict(expected: string, predicted: string): boolean {
  const want = normaliseReply(expected);
  const got = normaliseReply(predicted);
  if (!got) return false;
  if (want === got) return true;
  if (want.startsWith('error ')) {
    const message = want.slice('error '.length);
    const guess = got.startsWith('error ') ? got.slice('error '.length) : got;
    const code = message.split(' ')[0];
    return guess.length > 0 && guess.split(' ')[0] === code && message.startsWith(guess);
  }
  return false;
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
