// What running steps produces: per-step results (the --json schema), and how a run is driven.
import type { LineReader } from '../ui/line-reader.js';
import type { LessonLab, LessonOptions, Step } from './types.js';

export type RunMode =
  /** A person at a TTY: pauses between steps, prompts in exercises. */
  | 'interactive'
  /** No prompts: reference solutions are applied. */
  | 'auto'
  /** Learner commands come from piped stdin, one per line; no pauses. */
  | 'stdin';

export interface RunOptions {
  mode: RunMode;
  /** Index of the first step to run; earlier steps are replayed silently to rebuild their state. */
  startStep?: number;
  options?: LessonOptions;
  /** Where lines go; a no-op for --json. */
  out?: (line: string) => void;
  input?: LineReader;
  /** Before applying a solution in auto mode, run the check and record whether it (wrongly) passed. */
  verify?: boolean;
  /** Points already earned in earlier steps (resume). */
  earned?: Record<string, number>;
  /** Called once the lesson may start (its keys are free), before any step runs: the moment to record the attempt. */
  onStart?: () => void;
  /** Called after every step with the index of the next one. */
  onStep?: (nextStep: number, result: StepResult, earned: Record<string, number>) => void;
  /** Asks before a command the dangerous-command table flags on a private server. */
  confirm?: (question: string) => Promise<boolean>;
  /** A lab lesson's topology (src/lab/lesson-session.ts); a lab lesson refuses to run without it. */
  lab?: LessonLab;
}

export interface JsonCommand {
  command: string;
  reply: unknown;
  ms: number;
  keys: string[];
}

export interface RaceRow {
  label: string;
  atomic: boolean;
  expected: number;
  actual: number;
  unit: string;
  ms: number;
}

export interface StepResult {
  id: string;
  kind: Step['kind'];
  title: string;
  passed: boolean;
  points?: number;
  maxPoints?: number;
  hintsUsed?: number;
  solutionShown?: boolean;
  skipped?: boolean;
  /** This server refuses a command the exercise needs (a shared server and EVAL, say): its points do not count. */
  unavailable?: string;
  /** verify mode: whether the check passed on the starting state (it must not). */
  passedBeforeSolution?: boolean;
  /** verify mode: each `wrong` attempt and whether the check (wrongly) passed it. */
  wrongAttempts?: { attempt: string[]; passed: boolean; actual: string }[];
  race?: RaceRow[];
  commands: JsonCommand[];
  totalCommands: number;
}

export interface LessonResult {
  lesson: string;
  title: string;
  level: string;
  score: number;
  maxScore: number;
  completed: boolean;
  /** Exercises whose solution was revealed or that were skipped: material for review cards. */
  missed: string[];
  server: { version: string; private: boolean; kind: string };
  steps: StepResult[];
}
