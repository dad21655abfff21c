// Builds the LessonContext a lesson's (or quiz question's) functions receive.
import type { Redis } from 'ioredis';
import type { RecordedCommand } from '../redis/recorder.js';
import type { Sandbox } from '../redis/sandbox.js';
import { createProgressBar, printLine } from '../ui/progress-bar.js';
import { renderTable } from '../ui/table.js';
import { terminalWidth } from '../ui/theme.js';
import { wrap } from './render.js';
import type { LessonContext, LessonLab, LessonOptions } from './types.js';

export interface ContextOptions {
  scope: string;
  options?: LessonOptions;
  interactive?: boolean;
  /** Where narration goes; defaults to stdout. --json runs pass a sink that keeps stdout clean. */
  write?: (line: string) => void;
  /** A lab lesson's topology. */
  lab?: LessonLab;
}

export interface OwnedContext extends LessonContext {
  /** Closes the extra connections made by clients(). */
  dispose(): Promise<void>;
}

export function createContext(sb: Sandbox, opts: ContextOptions): OwnedContext {
  const write = opts.write ?? printLine;
  const pool: Redis[] = [];
  const history: RecordedCommand[] = [];
  return {
    sb,
    redis: sb.client,
    unrecorded: sb.admin,
    key: (name: string) => sb.key(name),
    options: opts.options ?? {},
    scope: opts.scope,
    claim: (keys) => sb.claim(opts.scope, keys),
    // Narration is wrapped to the screen like prose, indented under the step.
    say: (text) =>
      write(
        wrap(sb.expand(text), Math.min(terminalWidth(), 100) - 4)
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      ),
    table: (head, rows) => write(renderTable(head, rows, { indent: 2 })),
    progress: (total, label) => createProgressBar(total, label),
    async clients(n: number) {
      while (pool.length < n) pool.push(...(await sb.extraClients(Math.min(n - pool.length, 25))));
      return pool.slice(0, n);
    },
    history,
    interactive: opts.interactive ?? false,
    ...(opts.lab ? { lab: opts.lab } : {}),
    dispose() {
      for (const c of pool.splice(0)) c.disconnect();
      return Promise.resolve();
    },
  };
}
