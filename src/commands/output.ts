// What a command writes besides its own text: the one JSON value scripts read on stdout, and warnings on stderr.
import { c } from '../ui/theme.js';

/** Prints `value` as the command's JSON output: one indented JSON value and a newline, nothing else on stdout. */
export function emitJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints each warning as one `warning: …` line on stderr (never stdout: it may carry JSON). */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`${c.yellow('warning:')} ${w}\n`);
}
