// `redis-learn progress`: lessons and quiz, from the progress file; needs no Redis.
import { loadProgress, progressPath } from '../progress/store.js';
import type { GlobalOptions } from '../session.js';
import { renderTable } from '../ui/table.js';
import { c } from '../ui/theme.js';
import { catalogue } from './lessons.js';
import { emitJson, printWarnings } from './output.js';
import { quizStatus } from './quiz-status.js';

export interface ProgressOptions {
  json?: boolean;
}

export async function progressCommand(opts: ProgressOptions, _g: GlobalOptions): Promise<void> {
  const { progress, warnings } = loadProgress();
  printWarnings(warnings);
  const lessons = catalogue(progress);
  const quiz = await quizStatus(progress);
  const total = lessons.reduce((s, l) => s + l.bestScore, 0);
  const max = lessons.reduce((s, l) => s + l.maxScore, 0);
  if (opts.json) {
    emitJson({ file: progressPath(), score: total, maxScore: max, lessons, quiz });
    return;
  }
  const done = lessons.filter((l) => l.status === 'done').length;
  process.stdout.write(`${c.bold('Lessons')} ${c.dim(`${done}/${lessons.length} done · ${total}/${max} pts`)}\n`);
  process.stdout.write(
    `${renderTable(
      ['lesson', 'level', 'status', 'last', 'best'],
      lessons.map((l) => [
        l.id,
        l.level,
        l.status === 'in progress' ? `step ${l.currentStep + 1}/${l.steps}` : l.status,
        `${l.score}/${l.maxScore}`,
        `${l.bestScore}/${l.maxScore}`,
      ]),
    )}\n`,
  );
  process.stdout.write(`${c.bold('Quiz')} ${c.dim(quiz.line)}\n`);
  process.stdout.write(c.dim(`progress file: ${progressPath()}\n`));
}
