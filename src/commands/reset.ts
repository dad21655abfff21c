// `redis-learn reset`: removes exactly the keys redis-learn created (for a lesson or all) and the matching progress.
import { UsageError } from '../errors.js';
import { LESSONS, findLesson } from '../lessons/index.js';
import { updateProgress } from '../progress/store.js';
import { withSession, type GlobalOptions } from '../session.js';
import { c, sym } from '../ui/theme.js';

/** Scopes that own keys besides lessons. */
const OTHER_SCOPES = ['repl', 'quiz'];

export async function resetCommand(lesson: string | undefined, opts: { all?: boolean; json?: boolean }, g: GlobalOptions): Promise<void> {
  if (!lesson && !opts.all) throw new UsageError('say what to reset: redis-learn reset <lesson> or redis-learn reset --all');
  if (lesson && opts.all) throw new UsageError('give a lesson or --all, not both');
  if (lesson && !findLesson(lesson) && !OTHER_SCOPES.includes(lesson)) {
    throw new UsageError(`unknown lesson "${lesson}". Lessons: ${LESSONS.map((l) => l.id).join(', ')} (or: ${OTHER_SCOPES.join(', ')})`);
  }
  const removed = await withSession(g, { json: opts.json }, (sb) => sb.reset(opts.all ? undefined : lesson));
  updateProgress((p) => {
    if (opts.all) {
      p.lessons = {};
      p.quiz = { cards: {}, rounds: [] };
    } else if (lesson === 'quiz') {
      p.quiz = { cards: {}, rounds: [] };
    } else if (lesson) {
      delete p.lessons[lesson];
    }
  });
  const what = opts.all ? 'everything' : lesson!;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ reset: what, keysRemoved: removed })}\n`);
    return;
  }
  process.stdout.write(`${c.green(sym.ok)} reset ${what}: removed ${removed} key${removed === 1 ? '' : 's'} redis-learn had created, and the progress.\n`);
}
