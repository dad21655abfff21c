// What a lesson is: typed data (steps) plus small check functions. The engine names no lesson.
import type { Redis } from 'ioredis';
import type { Lab } from '../lab/lab.js';
import type { Topology } from '../lab/topology.js';
import type { RecordedCommand } from '../redis/recorder.js';
import type { Sandbox } from '../redis/sandbox.js';
import type { ProgressBar } from '../ui/progress-bar.js';

export type Level = 'Beginner' | 'Intermediate' | 'Advanced' | 'Expert';
export const LEVELS: readonly Level[] = ['Beginner', 'Intermediate', 'Advanced', 'Expert'];

export interface LessonOptions {
  /** `--records N`: how many records a bulk lesson generates. */
  records?: number;
}

/** Everything a step's functions may use. Texts and commands may contain {ns}, replaced by the namespace. */
export interface LessonContext {
  sb: Sandbox;
  /** The recorded connection: every command sent on it is printed with reply, time and keys. */
  redis: Redis;
  /** An unrecorded connection, for checks and measurements the learner should not see as lesson commands. */
  unrecorded: Redis;
  /** namespace + name. */
  key(name: string): string;
  options: LessonOptions;
  /** The lesson id: the scope its keys are owned under. */
  scope: string;
  /** Records keys this lesson is about to create, so reset can remove them. Call before writing. */
  claim(keys: readonly string[]): Promise<void>;
  /** Prints a line of narration (a result, a measurement). */
  say(text: string): void;
  /** Prints a table. */
  table(head: string[], rows: (string | number)[][]): void;
  /** A progress bar on stderr when it is a TTY, silent otherwise. */
  progress(total: number, label: string): Promise<ProgressBar>;
  /** n extra unrecorded connections, closed when the lesson ends. */
  clients(n: number): Promise<Redis[]>;
  /** The learner's commands in the current exercise, oldest first (empty outside exercises). */
  history: RecordedCommand[];
  /** True when a person is at the keyboard (TTY, not --auto). */
  interactive: boolean;
  /** A lab lesson's running topology (absent in other lessons). `redis` and `unrecorded` are on its first data node. */
  lab?: LessonLab;
}

/** What a lab lesson's steps get: the topology, and connections to any of its nodes. */
export interface LessonLab {
  /** The running topology: its nodes, health, and the failures (kill, pause, resume, restart, cut, reconnect, diskBudget). */
  readonly lab: Lab;
  /** A recorded connection to a node (its commands print with the node's name); made once, reconnects after a restart. */
  client(node: string): Promise<Redis>;
  /** An unrecorded connection to a node, for checks and measurements; made once, reconnects after a restart. */
  admin(node: string): Promise<Redis>;
  /** The node the learner's commands go to now. */
  readonly target: string;
}

export interface CheckResult {
  pass: boolean;
  /** What the check wanted, e.g. `learn:visits TTL 1..60 s`. */
  expected: string;
  /** What the server holds, e.g. `-1 (no expiry)`. */
  actual: string;
}

export type Check = (ctx: LessonContext) => Promise<CheckResult>;

interface StepBase {
  /** Unique within the lesson, kebab-case. */
  id: string;
  title: string;
  /** Prose shown before the step runs. */
  text?: string;
  /**
   * Commands the step needs that not every server has (HSETEX from Redis 8.0, VADD in Redis 8 only). On a server
   * without them the step is skipped with `needs`, e.g. "Redis 8.0 or later", and its points do not count.
   */
  requires?: { commands: string[]; needs: string };
}

/** Text only. */
export interface ExplainStep extends StepBase {
  kind: 'explain';
  text: string;
}

/** Commands the lesson sends and prints, one command line each (redis-cli quoting). */
export interface RunStep extends StepBase {
  kind: 'run';
  commands: string[];
}

/** A pattern function runs; every command it sends on ctx.redis is printed (long runs are summarised). */
export interface CodeStep extends StepBase {
  kind: 'code';
  run(ctx: LessonContext): Promise<void>;
}

export interface RaceVariant<S = unknown> {
  label: string;
  /** True for the correct version: the generic test requires it to lose nothing. */
  atomic: boolean;
  /** `state` is fresh for each variant, from the step's `state()` factory. */
  setup?(ctx: LessonContext, state: S): Promise<void>;
  /** One concurrent client's work; `i` is its index. */
  worker(client: Redis, i: number, ctx: LessonContext, state: S): Promise<void>;
  /** What the run should have produced and what it did. */
  measure(ctx: LessonContext, state: S): Promise<{ expected: number; actual: number; unit: string }>;
}

/** Concurrent clients run the naive and the correct version; the counts are shown side by side. */
export interface RaceStep<S = unknown> extends StepBase {
  kind: 'race';
  clients: number;
  /** Makes each variant's own state (counters, attempts seen): shared by its setup, workers and measure. */
  state?: () => S;
  variants: RaceVariant<S>[];
}

/** The learner types commands; after each one the check inspects the server. */
export interface ExerciseStep extends StepBase {
  kind: 'exercise';
  /** The task, shown as "Exercise N (P pts): task". */
  text: string;
  points: number;
  /**
   * A lab lesson: the node the learner's prompt starts on (default: the lab's first data node; `:node NAME` moves it).
   */
  node?: string;
  /**
   * Brings the server to the exercise's starting state (run unprinted before the prompt). In a lab lesson it must
   * restore the topology too (roles, settings, nodes up): it runs again before each `wrong` attempt and on `:reset`.
   */
  setup?: string[] | ((ctx: LessonContext) => Promise<void>);
  check: Check;
  /** Tier 1: a nudge; tier 2: the command's name and syntax. Tier 3 is the solution itself. */
  hints: [string, string];
  /** The reference solution: command lines the learner could type. */
  solution: string[];
  /**
   * The mistakes the exercise is about, typed as a learner would: each attempt is one or more command lines
   * (run from the exercise's starting state) that must not pass. The generic lesson test proves each one fails.
   */
  wrong: [string[], ...string[][]];
}

export type Step = ExplainStep | RunStep | CodeStep | RaceStep | ExerciseStep;
export type StepKind = Step['kind'];

export interface Lesson {
  id: string;
  title: string;
  level: Level;
  /** Estimated minutes for a learner. */
  minutes: number;
  summary: string;
  /** Shown under the lesson's header before the first step (the Markdown's text before its first step section). */
  intro?: string;
  /** The Markdown file the prose came from (defineLesson), for the test that every step has its section. */
  proseFile?: string;
  /**
   * Key names (without the namespace, glob patterns allowed) the lesson may create. The lesson refuses
   * to start if any of them exists and was not created by redis-learn.
   */
  keys: string[];
  steps: Step[];
  /**
   * A lab lesson: it runs on this topology, started for the run on free ports and stopped after it, never on the
   * server the learner configured.
   */
  lab?: { topology: Topology };
}
