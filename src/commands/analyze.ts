// `redis-learn analyze`: declares the command and its options; the analysis itself is lazy-imported from src/analyze.
import { InvalidArgumentError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../session.js';

/** The share of the server's time the analysis may take unless --pace says otherwise. */
export const DEFAULT_PACE = 10;

export interface AnalyzeOptions {
  match?: string;
  separator: string;
  sample?: number;
  pace: number;
  top: number;
  json?: boolean;
}

function wholeNumber(name: string, min: number, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Infinity ? `${name} must be a whole number of at least ${min}` : `${name} must be a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/**
 * Adds `analyze` to the program. `globals` is cli.ts's reader of the global options (--url, --private, --server,
 * --no-color), passed in so there is one of it; it is called with the command as commander hands it over.
 */
export function registerAnalyzeCommand(program: CommandUnknownOpts, globals: (cmd: never) => Promise<GlobalOptions>): void {
  program
    .command('analyze')
    .description('read-only keyspace and memory analysis: biggest keys, top prefixes, TTLs, encodings, advice (paced)')
    .option('--match <glob>', 'only the keys matching this SCAN pattern, e.g. "session:*"')
    .option('--separator <text>', 'what splits a key into prefix segments', ':')
    .option(
      '--sample <n>',
      'analyse at most N keys, the first the SCAN walk returns, and extrapolate (default: every key up to 100,000, then a sample of 100,000)',
      wholeNumber('--sample', 1),
    )
    .option(
      '--pace <percent>',
      "the most of the server's time the analysis may take, 1-100 (100: no pauses; lower: gentler and slower)",
      wholeNumber('--pace', 1, 100),
      DEFAULT_PACE,
    )
    .option('--top <n>', 'rows in each table of prefixes and biggest keys', wholeNumber('--top', 1, 1000), 10)
    .option('--json', 'print one JSON object and nothing else on stdout')
    .action(async (opts, cmd) => {
      await analyzeCommand(opts, await globals(cmd as never));
    });
}

export async function analyzeCommand(opts: AnalyzeOptions, g: GlobalOptions): Promise<void> {
  if (opts.separator === '') throw new UsageError('--separator must not be empty');
  const json = Boolean(opts.json);
  // With --json, stdout carries the object alone; everything for people goes to stderr.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const { runAnalysis } = await import('../analyze/run.js');
  const { c } = await import('../ui/theme.js');
  const report = await runAnalysis({
    url: g.url,
    private: g.private,
    match: opts.match,
    separator: opts.separator,
    sample: opts.sample,
    pace: opts.pace,
    top: opts.top,
    say: (line) => say(c.dim(line)),
  });
  if (json) {
    const { emitJson } = await import('./output.js');
    emitJson(report);
    return;
  }
  const { renderReport } = await import('../analyze/render.js');
  for (const line of renderReport(report)) say(line);
}
