// `redis-learn lesson <id>`: resolves the lesson, resumes or starts it, saves progress after every step.
import { UsageError } from '../errors.js';
import { LESSONS, findLesson } from '../lessons/index.js';
import { maxScore, pts, runLesson, type LessonResult, type RunMode } from '../engine/runner.js';
import { loadProgress, updateProgress, type Progress } from '../progress/store.js';
import { withSession, type GlobalOptions } from '../session.js';
import type { Lesson, LessonLab } from '../engine/types.js';
import type { Sandbox } from '../redis/sandbox.js';
import { createLineReader } from '../ui/line-reader.js';
import { printLine } from '../ui/progress-bar.js';
import { c, sym } from '../ui/theme.js';
import { emitJson, printWarnings } from './output.js';

export interface LessonOptions {
  auto?: boolean;
  json?: boolean;
  /** Start at this step (1-based). */
  step?: number;
  restart?: boolean;
  /** Records to generate in bulk lessons. */
  records?: number;
}

export function unknownLesson(id: string): UsageError {
  return new UsageError(`unknown lesson "${id}". Lessons: ${LESSONS.map((l) => l.id).join(', ')}`);
}

export async function lessonCommand(id: string, opts: LessonOptions, g: GlobalOptions): Promise<LessonResult> {
  const lesson = findLesson(id);
  if (!lesson) throw unknownLesson(id);
  if (opts.step !== undefined && opts.step > lesson.steps.length) {
    throw new UsageError(`lesson "${id}" has ${lesson.steps.length} steps; --step ${opts.step} is past the end`);
  }
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const mode: RunMode = opts.auto ? 'auto' : tty && !opts.json ? 'interactive' : 'stdin';
  const loaded = loadProgress();
  printWarnings(loaded.warnings);
  const lp = loaded.progress.lessons[id];
  let start = 0;
  if (opts.step !== undefined) start = opts.step - 1;
  else if (mode === 'interactive' && !opts.restart && lp && lp.currentStep > 0 && lp.currentStep < lesson.steps.length) {
    start = lp.currentStep;
  }
  // `--step N` on a finished lesson is practice: it never lowers the saved score or moves the lesson back to unfinished.
  const practice = opts.step !== undefined && !opts.restart && Boolean(lp?.completedAt);
  const stepIds = new Set(lesson.steps.slice(0, start).map((s) => s.id));
  const earned = start > 0 && lp ? Object.fromEntries(Object.entries(lp.solved).filter(([k]) => stepIds.has(k))) : {};
  const out = opts.json ? () => {} : printLine;
  const commandNames: string[] = [];
  const completer = (line: string): [string[], string] => {
    if (line.includes(' ')) return [[], line];
    const pool = line.startsWith(':') ? [':hint', ':solution', ':check', ':reset', ':skip', ':quit'] : commandNames;
    return [pool.filter((n) => n.toLowerCase().startsWith(line.toLowerCase())), line];
  };
  // With --json, stdout carries one JSON object and nothing else: piped lines are not echoed there.
  const input = mode === 'auto' ? undefined : createLineReader({ completer, echo: opts.json ? () => {} : undefined });
  const max = maxScore(lesson);

  let result: LessonResult;
  try {
    result = await lessonSession(lesson, g, Boolean(opts.json), (sb, lab) => {
      commandNames.push(...[...sb.table.keys()].map((n) => n.toUpperCase()).sort());
      if (start > 0 && opts.step === undefined && !opts.json) out(c.dim(`Resuming at step ${start + 1} (--restart starts over).`));
      return runLesson(lesson, sb, {
        mode,
        startStep: start,
        options: { records: opts.records },
        lab,
        out,
        input,
        earned,
        // Counted only once the lesson may start (server answered, its keys are free): a refusal loses nothing.
        onStart() {
          if (practice) return;
          save((p) => {
            const cur = p.lessons[id];
            p.lessons[id] = {
              currentStep: start,
              bestScore: cur?.bestScore ?? 0,
              lastScore: Object.values(earned).reduce((a, b) => a + b, 0),
              maxScore: max,
              attempts: (cur?.attempts ?? 0) + (start === 0 ? 1 : 0),
              solved: earned,
              completedAt: cur?.completedAt,
              updatedAt: new Date().toISOString(),
            };
          });
        },
        confirm: async (q) => {
          const line = await input?.next(`  ${q} [y/N] `);
          return /^y(es)?$/i.test(line?.trim() ?? '');
        },
        onStep(next, res, soFar) {
          save((p) => {
            const cur = p.lessons[id]!;
            if (practice) {
              // Revisiting a step of a finished lesson: an exercise keeps its best points, nothing else moves back.
              if (res.kind === 'exercise') cur.solved[res.id] = Math.max(cur.solved[res.id] ?? 0, res.points ?? 0);
              cur.lastScore = Object.values(cur.solved).reduce((a, b) => a + b, 0);
              cur.bestScore = Math.max(cur.bestScore, cur.lastScore);
              cur.updatedAt = new Date().toISOString();
              return;
            }
            const score = Object.values(soFar).reduce((a, b) => a + b, 0);
            cur.currentStep = next;
            cur.solved = soFar;
            cur.lastScore = score;
            cur.maxScore = max;
            cur.updatedAt = new Date().toISOString();
            if (next >= lesson.steps.length) {
              cur.completedAt = cur.updatedAt;
              cur.bestScore = Math.max(cur.bestScore, score);
            }
          });
        },
      });
    });
  } finally {
    input?.close();
  }

  if (result.missed.length) await rememberMissed(id, result.missed);
  if (opts.json) {
    emitJson(result);
    return result;
  }
  out('');
  if (result.completed) {
    const next = LESSONS[LESSONS.indexOf(lesson) + 1];
    out(`${c.green(sym.ok)} ${c.bold(`${lesson.title} complete`)} — score ${result.score}/${result.maxScore}`);
    if (result.missed.length) {
      const n = result.missed.length;
      out(c.dim(`  ${n} ${n === 1 ? 'exercise' : 'exercises'} added to your review deck: redis-learn quiz --review`));
    }
    if (next) out(c.dim(`  next: redis-learn lesson ${next.id}  (${next.title}, ${next.level})`));
  } else {
    out(
      `Stopped with ${result.score}/${pts(result.maxScore)} so far. Progress saved: run ${c.bold(`redis-learn lesson ${id}`)} to continue.`,
    );
  }
  return result;
}

/**
 * Where a lesson runs: the configured server's sandbox, or for a lab lesson a topology of its own, started for the run
 * and stopped after it (the configured server is never contacted).
 */
async function lessonSession<T>(
  lesson: Lesson,
  g: GlobalOptions,
  json: boolean,
  fn: (sb: Sandbox, lab?: LessonLab) => Promise<T>,
): Promise<T> {
  if (!lesson.lab) return withSession(g, { json }, (sb) => fn(sb));
  const { withLabLesson, labHeader } = await import('../lab/lesson-session.js');
  const { redactUrl } = await import('../redis/connect.js');
  const topology = lesson.lab.topology;
  // With --json, stdout carries one object: what the lab is doing goes to stderr.
  const say = (line: string) => (json ? process.stderr.write(`${line}\n`) : printLine(line));
  const configured = g.url ?? process.env.REDIS_URL;
  say(c.dim(`starting the ${topology} lab for this lesson…`));
  return withLabLesson(
    topology,
    {
      namespace: g.namespace,
      onNodeExit: (name, how) => say(c.yellow(`  ${name} stopped (${how})`)),
    },
    async (session) => {
      for (const line of labHeader(session, topology, configured ? redactUrl(configured) : null)) say(c.dim(line));
      return fn(session.sb, session.lessonLab);
    },
  );
}

/** Writes a change to the progress file, telling the learner if the file had to be set aside first. */
function save(fn: (p: Progress) => void): void {
  printWarnings(updateProgress(fn).warnings);
}

/** Missed exercises become review cards (quiz --review asks them again). */
async function rememberMissed(lessonId: string, stepIds: string[]): Promise<void> {
  const lesson = findLesson(lessonId);
  if (!lesson) return;
  const { recordMissedExercise } = await import('../quiz/missed.js');
  save((p) => {
    for (const s of stepIds) {
      const step = lesson.steps.find((st) => st.id === s);
      recordMissedExercise(p, lessonId, s, step?.title ?? s);
    }
  });
}
