// The home menu (`redis-learn` in a terminal): continue, lessons by level, quiz, mock interview, review, bench, REPL,
// progress, quit.
import { LEVELS } from '../engine/types.js';
import { RedisLearnError, errorMessage, isPromptCancelled } from '../errors.js';
import { loadProgress } from '../progress/store.js';
import type { GlobalOptions } from '../session.js';
import { shuttingDown } from '../shutdown.js';
import { c, terminalWidth } from '../ui/theme.js';
import { catalogue } from './lessons.js';
import { printWarnings } from './output.js';
import { quizStatus } from './quiz-status.js';

type Choice = { name: string; value: string; description?: string };

export async function homeCommand(g: GlobalOptions): Promise<void> {
  const { select, Separator } = await import('@inquirer/prompts');
  for (;;) {
    const { progress, warnings } = loadProgress();
    printWarnings(warnings);
    const lessons = catalogue(progress);
    const quiz = await quizStatus(progress);
    const current = lessons.find((l) => l.status === 'in progress') ?? lessons.find((l) => l.status === 'new');
    const choices: (Choice | InstanceType<typeof Separator>)[] = [];
    if (current) {
      choices.push({
        name:
          current.status === 'in progress'
            ? `Continue: ${current.title} (step ${current.currentStep + 1}/${current.steps})`
            : `Start: ${current.title} (${current.level}, ~${current.minutes} min)`,
        value: `lesson:${current.id}`,
      });
    }
    choices.push({ name: 'Lessons by level', value: 'lessons' });
    choices.push({ name: 'Quiz: interview questions', value: 'quiz' });
    choices.push({ name: 'Mock interview: timed, with model answers to grade yourself', value: 'interview' });
    const reviewLabel =
      quiz.due > 0
        ? `${quiz.due} due`
        : quiz.cards === 0
          ? 'no cards yet'
          : quiz.nextIn
            ? `nothing due · next ${quiz.nextIn}`
            : 'nothing due';
    choices.push({ name: `Review (${reviewLabel})`, value: 'review' });
    choices.push({ name: 'Bench: pipelines vs round trips', value: 'bench' });
    choices.push({ name: 'REPL: a sandboxed redis-cli', value: 'repl' });
    choices.push({ name: 'Progress', value: 'progress' });
    choices.push({ name: 'Quit', value: 'quit' });
    const done = lessons.filter((l) => l.status === 'done').length;
    const pick = await select({
      message: `redis-learn ${c.dim(`· ${done}/${lessons.length} lessons done · quiz: ${quiz.line}`)}`,
      choices,
      pageSize: 12,
    });
    if (pick === 'quit') return;
    if (pick === 'lessons') {
      const byLevel: (Choice | InstanceType<typeof Separator>)[] = [];
      // The titles as one column, as wide as the longest, cut with … when the terminal is narrow.
      const titleWidth = Math.min(Math.max(...lessons.map((l) => l.title.length)), Math.max(20, terminalWidth() - 42));
      const fit = (t: string) => (t.length > titleWidth ? `${t.slice(0, titleWidth - 1)}…` : t.padEnd(titleWidth));
      for (const level of LEVELS) {
        const ls = lessons.filter((l) => l.level === level);
        if (!ls.length) continue;
        byLevel.push(new Separator(c.dim(`── ${level}`)));
        for (const l of ls) {
          const status =
            l.status === 'done'
              ? `✓ ${l.bestScore}/${l.maxScore}`
              : l.status === 'in progress'
                ? `step ${l.currentStep + 1}/${l.steps}`
                : 'new';
          byLevel.push({ name: `${fit(l.title)}  ${c.dim(`${l.id} · ~${l.minutes} min · ${status}`)}`, value: `lesson:${l.id}` });
        }
      }
      byLevel.push(new Separator(' '));
      byLevel.push({ name: '← back', value: 'back' });
      const l = await select({ message: 'Lessons', choices: byLevel, pageSize: 20 });
      if (l === 'back') continue;
      await runSafely(() => runLesson(l.slice('lesson:'.length), g));
      continue;
    }
    if (pick.startsWith('lesson:')) {
      await runSafely(() => runLesson(pick.slice('lesson:'.length), g));
      continue;
    }
    if (pick === 'review' && quiz.due === 0) {
      // Nothing to review: say when the next card is due and stay in the menu, rather than start an ordinary quiz.
      const { nothingDueLine } = await import('../quiz/summary.js');
      process.stdout.write(`${nothingDueLine(progress)}\n`);
      continue;
    }
    if (pick === 'quiz' || pick === 'review') {
      const { quizCommand } = await import('./quiz.js');
      await runSafely(() => quizCommand({ count: 10, review: pick === 'review' }, g));
      continue;
    }
    if (pick === 'interview') {
      const { quizCommand } = await import('./quiz.js');
      await runSafely(() => quizCommand({ interview: true }, g));
      continue;
    }
    if (pick === 'bench') {
      const { benchCommand } = await import('./bench.js');
      await runSafely(() => benchCommand({ workload: 'users', records: 20000 }, g));
      continue;
    }
    if (pick === 'repl') {
      const { replCommand } = await import('./repl.js');
      await runSafely(() => replCommand(g));
      continue;
    }
    if (pick === 'progress') {
      const { progressCommand } = await import('./progress.js');
      await progressCommand({}, g);
    }
  }
}

async function runLesson(id: string, g: GlobalOptions): Promise<void> {
  const { lessonCommand } = await import('./lesson.js');
  await lessonCommand(id, {}, g);
}

/** A failed action returns to the menu with its one-line message instead of ending the session. */
async function runSafely(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    // A signal or a lost server ends the whole run: that is not the menu's to catch.
    if (shuttingDown() !== null) throw err;
    if (isPromptCancelled(err)) return;
    const unexpected = err instanceof RedisLearnError ? '' : 'unexpected error: ';
    process.stderr.write(`redis-learn: ${unexpected}${errorMessage(err).split('\n')[0]}\n`);
  }
}
