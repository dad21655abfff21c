// The progress file: versioned JSON under $XDG_CONFIG_HOME/redis-learn, written atomically; the single owner of saved state.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PROGRESS_VERSION = 1;

export interface LessonProgress {
  /** Index of the next step to run; equals the step count when finished. */
  currentStep: number;
  bestScore: number;
  lastScore: number;
  maxScore: number;
  attempts: number;
  /** Exercise id → points earned in the current attempt. */
  solved: Record<string, number>;
  completedAt?: string;
  updatedAt: string;
}

/** A spaced-repetition card (quiz question or missed exercise). Owned by src/quiz. */
export interface CardState {
  due: string;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  lastReview?: string;
  lastGrade?: number;
  /** For a card made from a missed exercise: "lesson:<id>:<step>". */
  source?: string;
  /** For a card made from a missed exercise: the exercise's title, shown when it comes up for review. */
  title?: string;
}

export interface QuizRound {
  at: string;
  asked: number;
  correct: number;
  byTopic: Record<string, { asked: number; correct: number }>;
}

export interface Progress {
  version: number;
  lessons: Record<string, LessonProgress>;
  quiz: { cards: Record<string, CardState>; rounds: QuizRound[] };
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

/** Warnings to show the learner once (a corrupt file moved aside). */
export const progressWarnings: string[] = [];

export function loadProgress(): Progress {
  const path = progressPath();
  if (!existsSync(path)) return empty();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
    const data = JSON.parse(text) as Partial<Progress>;
    if (typeof data !== 'object' || data === null || typeof data.version !== 'number') throw new Error('not a progress file');
    if (data.version > PROGRESS_VERSION) throw new Error(`written by a newer redis-learn (version ${data.version})`);
    return {
      version: PROGRESS_VERSION,
      lessons: data.lessons ?? {},
      quiz: { cards: data.quiz?.cards ?? {}, rounds: data.quiz?.rounds ?? [] },
    };
  } catch (err) {
    const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(path, backup);
    } catch {
      /* leave it where it is */
    }
    progressWarnings.push(
      `progress file was unreadable (${err instanceof Error ? err.message : String(err)}); kept it as ${backup} and started afresh`,
    );
    return empty();
  }
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
export function updateProgress(fn: (p: Progress) => void): Progress {
  const p = loadProgress();
  fn(p);
  saveProgress(p);
  return p;
}

export function lessonStatus(lp: LessonProgress | undefined): 'new' | 'in progress' | 'done' {
  if (!lp) return 'new';
  if (lp.completedAt) return 'done';
  return lp.attempts > 0 || lp.currentStep > 0 ? 'in progress' : 'new';
}
