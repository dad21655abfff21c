// Colours, switched off by --no-color, NO_COLOR or a non-TTY stdout; and how wide the screen and a piece of text are.
import { Chalk, type ChalkInstance } from 'chalk';

function defaultLevel(): 0 | 1 | 2 | 3 {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return 0;
  if (process.env.FORCE_COLOR) return 1;
  return process.stdout.isTTY ? 1 : 0;
}

export let c: ChalkInstance = new Chalk({ level: defaultLevel() });

export function setColor(enabled: boolean): void {
  c = new Chalk({ level: enabled ? (Math.max(1, defaultLevel()) as 1 | 2 | 3) : 0 });
}

export function colorEnabled(): boolean {
  return c.level > 0;
}

/** Symbols with ASCII fallbacks would go here; every terminal we target renders these. */
export const sym = { prompt: '❯', ok: '✓', fail: '✗', arrow: '▸', dot: '·' };

/** The width output is laid out for when stdout is not a terminal (unless COLUMNS says otherwise): fixed, so pipes and tests are deterministic. */
export const DEFAULT_WIDTH = 80;

/** Columns of the terminal: its own width on a TTY; else COLUMNS when set, else DEFAULT_WIDTH. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 20 ? env : DEFAULT_WIDTH;
}

/** Our colour sequences (SGR): the only escapes our own text carries. */
const SGR_ALL = /\x1b\[[0-9;]*m/g;

export function stripSgr(s: string): string {
  return s.replace(SGR_ALL, '');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** East Asian wide and fullwidth code points (the ranges cli-table3's string-width uses). */
function isWide(cp: number): boolean {
  return (
    cp >= 0x1100 &&
    (cp <= 0x115f ||
      cp === 0x2329 ||
      cp === 0x232a ||
      (cp >= 0x2e80 && cp <= 0x3247 && cp !== 0x303f) ||
      (cp >= 0x3250 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0xa4c6) ||
      (cp >= 0xa960 && cp <= 0xa97c) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe10 && cp <= 0xfe19) ||
      (cp >= 0xfe30 && cp <= 0xfe6b) ||
      (cp >= 0xff01 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1b000 && cp <= 0x1b001) ||
      (cp >= 0x1f200 && cp <= 0x1f251) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd))
  );
}

/** Columns one grapheme takes: 2 for wide characters and emoji, 0 for marks and zero-width characters, else 1. */
export function graphemeWidth(g: string): number {
  const cp = g.codePointAt(0)!;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) || /^\p{M}/u.test(g)) return 0;
  if (isWide(cp) || g.includes('\ufe0f')) return 2;
  return 1;
}

/** Columns s takes on a terminal, colour sequences not counted. */
export function displayWidth(s: string): number {
  const plain = stripSgr(s);
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let w = 0;
  for (const { segment } of graphemes.segment(plain)) w += graphemeWidth(segment);
  return w;
}

/** How many UTF-16 units of s (no colour sequences) fit in `columns` columns, whole graphemes only. */
export function unitsThatFit(s: string, columns: number): number {
  if (/^[\x20-\x7e]*$/.test(s)) return Math.min(s.length, Math.max(0, columns));
  let w = 0;
  let units = 0;
  for (const { segment } of graphemes.segment(s)) {
    w += graphemeWidth(segment);
    if (w > columns) break;
    units += segment.length;
  }
  return units;
}

/**
 * Erases the line the learner just typed (prompt + text) so its transcript line can replace it: as many rows as it
 * took on the terminal, since a long command wraps.
 */
export function eraseTypedLine(prompt: string, typed: string): void {
  const cols = process.stdout.columns || 80;
  const rows = Math.max(1, Math.ceil((displayWidth(prompt) + displayWidth(typed)) / cols));
  process.stdout.write(`${'\x1b[1A\r\x1b[2K'.repeat(rows)}`);
}
