// Tables through cli-table3: coloured headers on a colour terminal, plain borders otherwise.
import Table from 'cli-table3';
import { c, colorEnabled } from './theme.js';

export interface TableOptions {
  align?: ('left' | 'right' | 'center')[];
  /** Indent every line by this many spaces. */
  indent?: number;
}

export function renderTable(head: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const color = colorEnabled();
  const t = new Table({
    head: head.map((h) => (color ? c.bold(h) : h)),
    style: { head: [], border: color ? ['grey'] : [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    colAligns: opts.align ?? [],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(r.map((x) => String(x)));
  const pad = ' '.repeat(opts.indent ?? 0);
  return t
    .toString()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
