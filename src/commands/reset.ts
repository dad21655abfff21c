// `redis-learn reset`: removes exactly the keys redis-learn created (for a lesson or all) and the matching progress.
import { UsageError } from '../errors.js';
import { LESSONS, findLesson } from '../lessons/index.js';
import { updateProgress } from '../progress/store.js';
import type { DeadRunsRemoved } from '../benchmarks/run-space.js';
import type { Sandbox } from '../redis/sandbox.js';
import { withSession, type GlobalOptions } from '../session.js';
import { c, sym } from '../ui/theme.js';
import { emitJson, printWarnings } from './output.js';
import { scanPages } from '../patterns/scan.js';

export interface ResetOptions {
  all?: boolean;
  json?: boolean;
}

/** Scopes that own keys besides lessons. */
const OTHER_SCOPES = ['repl', 'quiz'];

export async function resetCommand(lesson: string | undefined, opts: ResetOptions, g: GlobalOptions): Promise<void> {
  if (!lesson && !opts.all) throw new UsageError('say what to reset: redis-learn reset <lesson> or redis-learn reset --all');
  if (lesson && opts.all) throw new UsageError('give a lesson or --all, not both');
  if (lesson && !findLesson(lesson) && !OTHER_SCOPES.includes(lesson)) {
    throw new UsageError(`unknown lesson "${lesson}". Lessons: ${LESSONS.map((l) => l.id).join(', ')} (or: ${OTHER_SCOPES.join(', ')})`);
  }
  const { removed, bench } = await withSession(g, { json: opts.json }, async (sb) => {
    if (!opts.all) return { removed: await sb.reset(lesson), bench: null };
    return resetAll(sb);
  });
  const { warnings } = updateProgress((p) => {
    if (opts.all) {
      p.lessons = {};
      p.quiz = { cards: {}, rounds: [] };
    } else if (lesson === 'quiz') {
      p.quiz = { cards: {}, rounds: [] };
    } else if (lesson) {
      delete p.lessons[lesson];
    }
  });
  printWarnings(warnings);
  const what = opts.all ? 'everything' : lesson!;
  if (opts.json) {
    const benchJson = bench && {
      benchmarkRunsRemoved: bench.runs,
      benchmarkKeysRemoved: bench.removed,
      benchmarkRunsLeft: bench.live.map((r) => ({ run: r.marker, pid: r.owner?.pid ?? null, host: r.owner?.host ?? null })),
    };
    emitJson({ reset: what, keysRemoved: removed, ...benchJson });
    return;
  }
  const n = (x: number) => x.toLocaleString('en-US');
  const left =
    bench && bench.runs > 0
      ? ` (${n(bench.removed)} of them left by ${bench.runs === 1 ? 'an interrupted benchmark run' : `${bench.runs} interrupted benchmark runs`})`
      : '';
  process.stdout.write(
    `${c.green(sym.ok)} reset ${what}: removed ${n(removed)} key${removed === 1 ? '' : 's'} redis-learn had created${left}, and the progress.\n`,
  );
  for (const run of bench?.live ?? []) {
    process.stdout.write(`  left alone: the benchmark run ${run.marker} (${run.why})\n`);
  }
}

/**
 * Every scope's keys, and what dead benchmark runs left under {ns}bench:<run id>: (their data keys were never claimed
 * one by one). A benchmark still running in another process keeps its keys and its claim: it removes them itself.
 */
async function resetAll(sb: Sandbox): Promise<{ removed: number; bench: DeadRunsRemoved }> {
  const { removeDeadRuns, BENCH_SCOPE } = await import('../benchmarks/run-space.js');
  const bench = await removeDeadRuns(sb);
  let removed = bench.removed;
  for (const scope of await scopes(sb)) {
    // The benchmark's claims left are the markers of live runs.
    if (scope !== BENCH_SCOPE) removed += await sb.reset(scope);
  }
  return { removed, bench };
}

/** The scopes that hold claims in the namespace. */
async function scopes(sb: Sandbox): Promise<string[]> {
  const out = new Set<string>();
  for await (const page of scanPages(sb.admin, { command: 'HSCAN', key: sb.metaKey, count: 1000 }))
    for (const [, scope] of page.pairs ?? []) out.add(scope);
  return [...out];
}
