// Tables through cli-table3 that fit the terminal: columns shrink (cells cut with …) or drop, least important first;
// a row never wraps. Coloured headers on a colour terminal, plain borders otherwise.
import Table from 'cli-table3';
import { safeCutIndex, safeText } from '../redis/format-reply.js';
import { c, colorEnabled, displayWidth, stripSgr, terminalWidth, unitsThatFit } from './theme.js';

/** Colour sequences (SGR), the only escapes our own cells carry, and only when colour is on. */
const SGR = /(\x1b\[[0-9;]*m)/;

/**
 * A cell made safe for the terminal: every control character is shown escaped (safeText), a newline included, so a
 * value cannot split its row; with colour on, SGR colour sequences pass through so coloured cells keep their colour.
 */
export function safeCell(cell: string, keepColour = colorEnabled()): string {
  if (!keepColour) return safeText(cell);
  return cell
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : safeText(part)))
    .join('');
}

/**
 * Cuts a safe cell to at most `columns` terminal columns, ending in …; never inside an escape we wrote (\x1b,
 * \u202e) or a character. A cut coloured cell loses its colour (the colour codes cannot be cut safely).
 */
export function clipCell(cell: string, columns: number): string {
  if (displayWidth(cell) <= columns) return cell;
  const plain = stripSgr(cell);
  if (columns <= 0) return '';
  if (columns === 1) return '…';
  const end = safeCutIndex(plain, unitsThatFit(plain, columns - 1));
  return `${plain.slice(0, end)}…`;
}

export interface ColumnSpec {
  /** Lower goes first: its cells are cut (down to minWidth) and, if `drop`, the column is hidden, before higher ones. Default 1. */
  priority?: number;
  /** Narrowest this column's content is cut to before higher-priority columns are touched. Default: its header's width, at least 6. */
  minWidth?: number;
  /** The column may be hidden when the table cannot fit otherwise. Default false. */
  drop?: boolean;
}

export interface TableOptions {
  align?: ('left' | 'right' | 'center')[];
  /** Indent every line by this many spaces. */
  indent?: number;
  /** Columns the table must fit in (default: the terminal's, see terminalWidth). */
  width?: number;
  /** Per column: how important it is, how narrow it may get, whether it may be hidden. */
  columns?: ColumnSpec[];
  /** Add a line naming the columns hidden to fit the width; a string is added to that line (where to see them all). */
  noteHidden?: boolean | string;
  /** Wrap a cut cell's words onto more lines instead of ending it in "…" (prose tables); rows are then ruled apart. */
  wrap?: boolean;
}

/** Words in lines of at most `width` columns (a longer word keeps a line of its own). */
function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && displayWidth(`${cur} ${word}`) > width) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out;
}

/** Padding inside each cell (one space each side) and the border columns. */
const PAD = 2;

/**
 * The content width of each column (null: hidden) so the table fits in `width`: lowest priority first, the widest
 * column of that priority is cut down to its minWidth, then droppable columns of that priority are hidden; columns
 * cut more than needed get the room back (most important first); as a last resort every column is cut further,
 * widest first.
 */
export function fitColumns(
  natural: readonly number[],
  specs: readonly ColumnSpec[],
  heads: readonly number[],
  width: number,
  indent = 0,
): (number | null)[] {
  const n = natural.length;
  const w: (number | null)[] = [...natural];
  const spec = (i: number) => specs[i] ?? {};
  const prio = (i: number) => spec(i).priority ?? 1;
  const min = (i: number) => Math.min(natural[i]!, spec(i).minWidth ?? Math.max(heads[i]!, 6));
  const total = () => {
    const shown = w.filter((x): x is number => x !== null);
    return indent + shown.reduce((s, x) => s + x + PAD, 0) + shown.length + 1;
  };
  const levels = [...new Set(Array.from({ length: n }, (_, i) => prio(i)))].sort((a, b) => a - b);
  for (const level of levels) {
    if (total() <= width) break;
    const cols = Array.from({ length: n }, (_, i) => i).filter((i) => prio(i) === level);
    shrink(cols, min);
    for (const i of [...cols].reverse()) {
      if (total() <= width) break;
      if (spec(i).drop && w.filter((x) => x !== null).length > 1) w[i] = null;
    }
  }
  // Hiding a column may free more room than was missing: give it back, most important columns first.
  let slack = width - total();
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => prio(b) - prio(a) || a - b);
  for (const i of order) {
    if (slack <= 0) break;
    const cur = w[i];
    if (cur === null || cur === undefined || cur >= natural[i]!) continue;
    const add = Math.min(slack, natural[i]! - cur);
    w[i] = cur + add;
    slack -= add;
  }
  // Still too wide: cut every column further, widest first (one column of … at the least).
  shrink(
    Array.from({ length: n }, (_, i) => i),
    () => 1,
  );
  return w;

  function shrink(cols: number[], floor: (i: number) => number): void {
    for (let excess = total() - width; excess > 0; excess--) {
      let widest = -1;
      for (const i of cols) {
        const cur = w[i];
        if (cur === null || cur === undefined || cur <= floor(i)) continue;
        if (widest < 0 || cur > w[widest]!) widest = i;
      }
      if (widest < 0) return;
      w[widest] = w[widest]! - 1;
    }
  }
}

/** Text this wide with spaces in it is prose (a title, a question, a label): cut it before names, ids and numbers. */
const PROSE = 16;

/**
 * Without a spec: a prose column (wider than PROSE, words with spaces) is cut first, down to PROSE columns; other
 * columns (ids, key names, numbers) keep their width unless nothing else is left to cut.
 */
function defaultSpec(natural: number, head: number, cells: string[]): ColumnSpec {
  const prose = natural > PROSE && cells.some((cell) => cell.includes(' '));
  return prose ? { priority: 0, minWidth: Math.max(head, PROSE) } : { priority: 1, minWidth: natural };
}

/**
 * A table that fits the terminal width: when it is too wide, the least important columns are cut (cells end in …)
 * or hidden first (see ColumnSpec); without specs the widest prose column is cut first (see defaultSpec), then every
 * column, widest first. Every cell is escaped (safeCell), so a row is always one line.
 */
export function renderTable(head: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const color = colorEnabled();
  const indent = opts.indent ?? 0;
  const width = opts.width ?? terminalWidth();
  const headCells = head.map((h) => safeCell(h, false));
  const body = rows.map((r) => head.map((_, i) => safeCell(String(r[i] ?? ''), color)));
  const heads = headCells.map(displayWidth);
  const natural = heads.map((hw, i) => Math.max(hw, 1, ...body.map((r) => displayWidth(r[i]!))));
  const specs = head.map((_, i) => {
    if (opts.columns?.[i]) return opts.columns[i];
    const spec = defaultSpec(
      natural[i]!,
      heads[i]!,
      body.map((r) => r[i]!),
    );
    // A wrapped prose column loses nothing when narrow: let it give way down to a few words' width.
    return opts.wrap && spec.priority === 0 ? { ...spec, minWidth: Math.max(heads[i]!, 10) } : spec;
  });
  const widths = fitColumns(natural, specs, heads, width, indent);
  const shown = widths.flatMap((w, i) => (w === null ? [] : [i]));
  const t = new Table({
    head: shown.map((i) => {
      const h = clipCell(headCells[i]!, widths[i]!);
      return color ? c.bold(h) : h;
    }),
    colWidths: shown.map((i) => widths[i]! + PAD),
    style: { head: [], border: color ? ['grey'] : [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    colAligns: shown.map((i) => opts.align?.[i] ?? 'left'),
    chars: opts.wrap ? {} : { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const cell = (text: string, w: number) =>
    opts.wrap
      ? wrapWords(text, w)
          .map((l) => clipCell(l, w))
          .join('\n')
      : clipCell(text, w);
  for (const r of body) t.push(shown.map((i) => cell(r[i]!, widths[i]!)));
  const pad = ' '.repeat(indent);
  const lines = t
    .toString()
    .split('\n')
    .map((l) => pad + l);
  const hidden = widths.flatMap((w, i) => (w === null ? [headCells[i]!] : []));
  if (opts.noteHidden && hidden.length) {
    const where = typeof opts.noteHidden === 'string' ? `; ${opts.noteHidden}` : '';
    const note = `(${hidden.join(', ')} hidden to fit ${width} columns${where})`;
    for (const l of wrapWords(note, Math.max(20, width - indent))) lines.push(pad + c.dim(l));
  }
  return lines.join('\n');
}
