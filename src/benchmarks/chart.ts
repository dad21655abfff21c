// A horizontal bar chart for the terminal, by hand: one line per bar, █ scaled to the largest value, eighths at the tip.

export interface Bar {
  label: string;
  value: number;
  /** Printed after the bar, e.g. the formatted value. */
  text?: string;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** The bar for `value` out of `max` in `width` cells, with an eighth-block tip so close values differ. */
export function barOf(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

export function barChart(bars: readonly Bar[], width = 40, indent = 2): string {
  if (!bars.length) return '';
  const max = Math.max(...bars.map((b) => b.value));
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  const pad = ' '.repeat(indent);
  return bars
    .map((b) => {
      const bar = barOf(b.value, max, width);
      return `${pad}${b.label.padEnd(labelWidth)} ${bar}${' '.repeat(Math.max(0, width + 1 - [...bar].length))}${b.text ?? ''}`.trimEnd();
    })
    .join('\n');
}
