// `redis-learn lessons`: the catalogue with each lesson's status and score; needs no Redis.
import { LESSONS } from '../lessons/index.js';
import { maxScore } from '../engine/runner.js';
import { LEVELS } from '../engine/types.js';
import { lessonStatus, loadProgress, type Progress } from '../progress/store.js';
import type { GlobalOptions } from '../session.js';
import { renderTable, type ColumnSpec } from '../ui/table.js';
import { c, terminalWidth } from '../ui/theme.js';
import { wrap } from '../engine/render.js';
import { emitJson, printWarnings } from './output.js';

export interface LessonsOptions {
  json?: boolean;
}

export interface CatalogueEntry {
  id: string;
  title: string;
  level: string;
  minutes: number;
  steps: number;
  exercises: number;
  status: 'new' | 'in progress' | 'done';
  score: number;
  bestScore: number;
  maxScore: number;
  currentStep: number;
  /** A lab lesson: the topology it starts for itself (null: it runs on the configured server). */
  lab: string | null;
}

/** Every lesson by level (Beginner first); within a level the registry's order: the core track, then the patterns. */
export function catalogue(p: Progress): CatalogueEntry[] {
  const byLevel = [...LESSONS].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
  return byLevel.map((l) => {
    const lp = p.lessons[l.id];
    return {
      id: l.id,
      title: l.title,
      level: l.level,
      minutes: l.minutes,
      steps: l.steps.length,
      exercises: l.steps.filter((s) => s.kind === 'exercise').length,
      status: lessonStatus(lp),
      score: lp?.lastScore ?? 0,
      bestScore: lp?.bestScore ?? 0,
      maxScore: maxScore(l),
      currentStep: lp?.currentStep ?? 0,
      lab: l.lab?.topology ?? null,
    };
  });
}

/** On a narrow terminal the title is cut first, then the exercise count, level and minutes are hidden. */
const CATALOGUE_COLUMNS: ColumnSpec[] = [
  { priority: 9, minWidth: 12 }, // id
  { priority: 0, minWidth: 28 }, // title
  { priority: 2, drop: true }, // level
  { priority: 3, drop: true }, // min
  { priority: 1, drop: true }, // exercises
  { priority: 8 }, // status
  { priority: 7 }, // best score
];

export function lessonsCommand(opts: LessonsOptions, _g: GlobalOptions): void {
  const { progress, warnings } = loadProgress();
  printWarnings(warnings);
  const list = catalogue(progress);
  if (opts.json) {
    emitJson(list);
    return;
  }
  const status = (e: CatalogueEntry) =>
    e.status === 'done' ? c.green('done') : e.status === 'in progress' ? c.yellow(`step ${e.currentStep + 1}/${e.steps}`) : c.dim('new');
  process.stdout.write(
    `${renderTable(
      ['id', 'title', 'level', 'min', 'exercises', 'status', 'best score'],
      list.map((e) => [e.id, e.title, e.level, e.minutes, e.exercises, status(e), `${e.bestScore}/${e.maxScore}`]),
      { align: ['left', 'left', 'left', 'right', 'right', 'left', 'right'], columns: CATALOGUE_COLUMNS },
    )}\n`,
  );
  process.stdout.write(c.dim('Start one with: redis-learn lesson <id>\n'));
  const labs = list.filter((e) => e.lab).map((e) => e.id);
  if (labs.length) {
    const text = `${labs.join(', ')} run on a lab of their own (replicas, Sentinels, a cluster), started and stopped by the lesson`;
    process.stdout.write(`${c.dim(wrap(text, Math.min(terminalWidth(), 100)))}\n`);
  }
}
