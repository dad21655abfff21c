// The progress file: versioned JSON under $XDG_CONFIG_HOME/redis-learn, checked by a schema, written atomically.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';

export const PROGRESS_VERSION = 1;

/** A file larger than this is set aside unread: real progress is a few kilobytes, and parsing 100 MB takes seconds. */
export const MAX_PROGRESS_BYTES = 5 * 1024 * 1024;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const points = v.pipe(v.number(), v.finite(), v.minValue(0));
const timestamp = v.pipe(
  v.string(),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'expected a date'),
);

const LessonProgressSchema = v.object({
  /** Index of the next step to run; equals the step count when finished. */
  currentStep: count,
  bestScore: points,
  lastScore: points,
  maxScore: points,
  attempts: count,
  /** Exercise id → points earned in the current attempt. */
  solved: v.record(v.string(), points),
  completedAt: v.optional(timestamp),
  updatedAt: v.string(),
});

/** A spaced-repetition card (quiz question or missed exercise). Owned by src/quiz. */
const CardStateSchema = v.object({
  due: timestamp,
  stability: v.pipe(v.number(), v.finite()),
  difficulty: v.pipe(v.number(), v.finite()),
  reps: count,
  lapses: count,
  lastReview: v.optional(timestamp),
  lastGrade: v.optional(v.number()),
  /** For a card made from a missed exercise: "lesson:<id>:<step>". */
  source: v.optional(v.string()),
  /** For a card made from a missed exercise: the exercise's title, shown when it comes up for review. */
  title: v.optional(v.string()),
});

const tally = v.object({ asked: count, correct: count });

const QuizRoundSchema = v.object({
  at: timestamp,
  asked: count,
  correct: count,
  byTopic: v.record(v.string(), tally),
});

const ProgressSchema = v.object({
  version: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.maxValue(PROGRESS_VERSION, (issue) => `written by a newer redis-learn (version ${String(issue.input)})`),
  ),
  lessons: v.record(v.string(), LessonProgressSchema),
  quiz: v.object({ cards: v.record(v.string(), CardStateSchema), rounds: v.array(QuizRoundSchema) }),
});

export type LessonProgress = v.InferOutput<typeof LessonProgressSchema>;
export type CardState = v.InferOutput<typeof CardStateSchema>;
export type QuizRound = v.InferOutput<typeof QuizRoundSchema>;
export type Progress = v.InferOutput<typeof ProgressSchema>;

/** The progress read from the file, and what the learner must be told about it (once: the caller prints them). */
export interface LoadedProgress {
  progress: Progress;
  warnings: string[];
}

export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'redis-learn');
}

export function progressPath(): string {
  return join(configDir(), 'progress.json');
}

function empty(): Progress {
  return { version: PROGRESS_VERSION, lessons: {}, quiz: { cards: {}, rounds: [] } };
}

/** Why a file is not usable progress, or the progress it holds. */
function parse(path: string): Progress | { invalid: string } {
  const size = statSync(path).size;
  if (size > MAX_PROGRESS_BYTES) {
    return { invalid: `${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_PROGRESS_BYTES / 1024 / 1024} MB a progress file may be` };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { invalid: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const result = v.safeParse(ProgressSchema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const where = v.getDotPath(issue);
  const why = issue.received === 'undefined' ? 'missing' : issue.message;
  return { invalid: where ? `${where}: ${why}` : why };
}

/** One line, no control characters, not too long: the reason may quote the file's own bytes. */
function oneLine(s: string): string {
  const clean = s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/**
 * Reads the progress file. A missing file is fresh progress; a file that is too big, not JSON, not of the schema or
 * from a newer redis-learn is moved aside (progress.json.corrupt-<time>) and the run goes on with fresh progress, with
 * one warning saying so.
 */
export function loadProgress(): LoadedProgress {
  const path = progressPath();
  let read: Progress | { invalid: string };
  try {
    read = parse(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: empty(), warnings: [] };
    read = { invalid: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (!('invalid' in read)) return { progress: read, warnings: [] };
  const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let kept: string;
  try {
    renameSync(path, backup);
    kept = `kept it as ${backup}`;
  } catch (err) {
    kept = `could not move it aside (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return { progress: empty(), warnings: [`progress file was invalid (${oneLine(read.invalid)}); ${kept} and started afresh`] };
}

export function saveProgress(p: Progress): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true });
  const path = progressPath();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(p, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Read, change, write: every write re-reads so two commands never undo each other's progress. */
export function updateProgress(fn: (p: Progress) => void): LoadedProgress {
  const loaded = loadProgress();
  fn(loaded.progress);
  saveProgress(loaded.progress);
  return loaded;
}

export function lessonStatus(lp: LessonProgress | undefined): 'new' | 'in progress' | 'done' {
  if (!lp) return 'new';
  if (lp.completedAt) return 'done';
  return lp.attempts > 0 || lp.currentStep > 0 ? 'in progress' : 'new';
}
