// Tables through cli-table3: coloured headers on a colour terminal, plain borders otherwise.
import Table from 'cli-table3';
import { safeText } from '../redis/format-reply.js';
import { c, colorEnabled } from './theme.js';

/** Colour sequences (SGR), the only escapes our own cells carry, and only when colour is on. */
const SGR = /(\x1b\[[0-9;]*m)/;

/**
 * A cell made safe for the terminal: every control character is shown escaped (safeText), except, with colour on,
 * SGR colour sequences, which pass through so coloured cells keep their colour.
 */
export function safeCell(cell: string, keepColour = colorEnabled()): string {
  if (!keepColour) return safeText(cell);
  return cell
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : safeText(part)))
    .join('');
}

export interface TableOptions {
  align?: ('left' | 'right' | 'center')[];
  /** Indent every line by this many spaces. */
  indent?: number;
}

export function renderTable(head: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const color = colorEnabled();
  const t = new Table({
    head: head.map((h) => (color ? c.bold(safeCell(h, color)) : safeCell(h, color))),
    style: { head: [], border: color ? ['grey'] : [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    colAligns: opts.align ?? [],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(r.map((x) => safeCell(String(x), color)));
  const pad = ' '.repeat(opts.indent ?? 0);
  return t
    .toString()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
