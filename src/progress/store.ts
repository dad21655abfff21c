// The progress file: versioned JSON under $XDG_CONFIG_HOME/redis-learn, checked by a schema, written atomically.
// Version 2 stores cards as ts-fsrs schedules them (state, scheduled days, learning step); a version 1 file is read,
// its cards converted, and written as version 2 on the next save, the version 1 file kept beside it.
import { constants, copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';

export const PROGRESS_VERSION = 2;

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

/** The fields every card has had since version 1. */
const cardBase = {
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
};

/** ts-fsrs card states, by name (its `State` enum keys). */
export const CARD_STATES = ['New', 'Learning', 'Review', 'Relearning'] as const;
export type CardStateName = (typeof CARD_STATES)[number];

/** A spaced-repetition card (quiz question or missed exercise), as ts-fsrs schedules it. Owned by src/quiz. */
const CardStateSchema = v.object({
  ...cardBase,
  state: v.picklist(CARD_STATES),
  /** Whole days from the last review to `due` (0 while in a learning step). */
  scheduledDays: count,
  /** Index of the (re)learning step the card is in. */
  learningSteps: count,
});

/** A version 1 card: the hand-written FSRS-4.5 scheduler's, without a state. */
const CardStateV1Schema = v.object(cardBase);

const tally = v.object({ asked: count, correct: count });

const QuizRoundSchema = v.object({
  at: timestamp,
  asked: count,
  correct: count,
  byTopic: v.record(v.string(), tally),
});

/** Read first, so that a file from a newer redis-learn is refused before its contents are judged. */
const VersionSchema = v.object({
  version: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.maxValue(PROGRESS_VERSION, (issue) => `written by a newer redis-learn (version ${String(issue.input)})`),
  ),
});

const progressSchema = <C extends typeof CardStateSchema | typeof CardStateV1Schema>(card: C) =>
  v.object({
    version: v.number(),
    lessons: v.record(v.string(), LessonProgressSchema),
    quiz: v.object({ cards: v.record(v.string(), card), rounds: v.array(QuizRoundSchema) }),
  });
const ProgressSchema = progressSchema(CardStateSchema);
const ProgressV1Schema = progressSchema(CardStateV1Schema);

export type LessonProgress = v.InferOutput<typeof LessonProgressSchema>;
export type CardState = v.InferOutput<typeof CardStateSchema>;
export type CardStateV1 = v.InferOutput<typeof CardStateV1Schema>;
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

const DAY_MS = 86_400_000;
/** The version 1 scheduler's relearning step: a card rated again was due ten minutes after that review. */
const V1_RELEARN_MS = 10 * 60_000;

/**
 * A version 1 card as ts-fsrs holds it. Due date, stability, difficulty, reps, lapses, last grade, source and title
 * are kept as they were:
 * - never reviewed (no reps, or no stability): New;
 * - last rated again and due within the relearning step after that review: in its first (re)learning step, Learning
 *   if it never lapsed (it was never answered right) and Relearning otherwise;
 * - otherwise Review, scheduled for the whole days from its last review to its due date.
 * A reviewed card without a last review gets one estimated back from its due date: the relearning step for a card
 * last rated again, otherwise the interval its stability gives at 90 % retention (in FSRS the stability itself,
 * which version 1 rounded to whole days, at least one).
 */
export function migrateCardV1(card: CardStateV1): CardState {
  const due = Date.parse(card.due);
  if (card.reps === 0 || card.stability <= 0) return { ...card, state: 'New', scheduledDays: 0, learningSteps: 0 };
  const again = card.lastGrade === 1;
  const estimated = again ? V1_RELEARN_MS : Math.max(1, Math.round(card.stability)) * DAY_MS;
  const last = card.lastReview ? Date.parse(card.lastReview) : due - estimated;
  const lastReview = card.lastReview ?? new Date(last).toISOString();
  if (again && due - last <= V1_RELEARN_MS) {
    return { ...card, lastReview, state: card.lapses === 0 ? 'Learning' : 'Relearning', scheduledDays: 0, learningSteps: 0 };
  }
  const scheduledDays = Math.max(0, Math.round((due - last) / DAY_MS));
  return { ...card, lastReview, state: 'Review', scheduledDays, learningSteps: 0 };
}

function migrateV1(p: v.InferOutput<typeof ProgressV1Schema>): Progress {
  const cards: Record<string, CardState> = {};
  for (const [id, card] of Object.entries(p.quiz.cards)) cards[id] = migrateCardV1(card);
  return { ...p, version: PROGRESS_VERSION, quiz: { ...p.quiz, cards } };
}

interface Read {
  progress: Progress;
  /** The version the file had when it was older than PROGRESS_VERSION and converted on reading. */
  migratedFrom?: number;
}

function invalid(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): { invalid: string } {
  const issue = issues[0];
  const where = v.getDotPath(issue);
  const why = issue.received === 'undefined' ? 'missing' : issue.message;
  return { invalid: where ? `${where}: ${why}` : why };
}

/** Why a file is not usable progress, or the progress it holds (converted to the current version). */
function parse(path: string): Read | { invalid: string } {
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
  const version = v.safeParse(VersionSchema, data);
  if (!version.success) return invalid(version.issues);
  if (version.output.version === 1) {
    const v1 = v.safeParse(ProgressV1Schema, data);
    return v1.success ? { progress: migrateV1(v1.output), migratedFrom: 1 } : invalid(v1.issues);
  }
  const result = v.safeParse(ProgressSchema, data);
  return result.success ? { progress: result.output } : invalid(result.issues);
}

/** One line, no control characters, not too long: the reason may quote the file's own bytes. */
function oneLine(s: string): string {
  const clean = s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/**
 * Reads the progress file. A missing file is fresh progress; a file that is too big, not JSON, not of the schema or
 * from a newer redis-learn is moved aside (progress.json.corrupt-<time>) and the run goes on with fresh progress, with
 * one warning saying so. A file from an older version is converted in memory; it is rewritten on the next save.
 */
export function loadProgress(): LoadedProgress {
  const { progress, warnings } = read();
  return { progress, warnings };
}

function read(): LoadedProgress & { migratedFrom?: number } {
  const path = progressPath();
  let got: Read | { invalid: string };
  try {
    got = parse(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: empty(), warnings: [] };
    got = { invalid: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (!('invalid' in got)) return { ...got, warnings: [] };
  const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let kept: string;
  try {
    renameSync(path, backup);
    kept = `kept it as ${backup}`;
  } catch (err) {
    kept = `could not move it aside (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return { progress: empty(), warnings: [`progress file was invalid (${oneLine(got.invalid)}); ${kept} and started afresh`] };
}

/** Where the file of an older version is kept, once, when it is first rewritten in the current version. */
export function olderVersionPath(version: number): string {
  return join(configDir(), `progress.v${version}.json`);
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
  const { progress, warnings, migratedFrom } = read();
  fn(progress);
  if (migratedFrom !== undefined) {
    // An older redis-learn cannot read the new version: the old file stays beside it, never overwritten.
    try {
      copyFileSync(progressPath(), olderVersionPath(migratedFrom), constants.COPYFILE_EXCL);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') warnings.push(`could not keep a copy of the version ${migratedFrom} progress file (${code ?? 'error'})`);
    }
  }
  saveProgress(progress);
  return { progress, warnings };
}

export function lessonStatus(lp: LessonProgress | undefined): 'new' | 'in progress' | 'done' {
  if (!lp) return 'new';
  if (lp.completedAt) return 'done';
  return lp.attempts > 0 || lp.currentStep > 0 ? 'in progress' : 'new';
}
