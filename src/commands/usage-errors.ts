// commander's own errors turned into the product's one-line usage errors, for every command and subcommand.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';

/**
 * commander's own errors (unknown option, bad value, stray argument) become UsageErrors: one `redis-learn: …` line
 * naming the command's --help, exit 2, like every other usage error. Help and --version pass through (exit 0).
 */
export function usageErrors(cmd: CommandUnknownOpts, path: string): void {
  cmd.exitOverride((err) => {
    if (err.exitCode === 0) throw err;
    // One line: commander puts a "(Did you mean --json?)" on a line of its own.
    const what = err.message
      .replace(/^error: /, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
    throw new UsageError(`${what} (${path} --help)`, { cause: err });
  });
  // The error is ours to print, in one line: commander's own output of it is dropped.
  cmd.configureOutput({ outputError: () => {} });
}
