// Colours, switched off by --no-color, NO_COLOR or a non-TTY stdout.
import { Chalk, type ChalkInstance } from 'chalk';

function defaultLevel(): 0 | 1 | 2 | 3 {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return 0;
  if (process.env.FORCE_COLOR) return 1;
  return process.stdout.isTTY ? 1 : 0;
}

export let c: ChalkInstance = new Chalk({ level: defaultLevel() });

export function setColor(enabled: boolean): void {
  c = new Chalk({ level: enabled ? Math.max(1, defaultLevel()) as 1 | 2 | 3 : 0 });
}

export function colorEnabled(): boolean {
  return c.level > 0;
}

/** Symbols with ASCII fallbacks would go here; every terminal we target renders these. */
export const sym = { prompt: '❯', ok: '✓', fail: '✗', arrow: '▸', dot: '·' };
