// Runs a lesson's steps: prints commands and keys, grades exercises, reports each step so progress can be saved.
import { SafetyError } from '../errors.js';
import { replyToJson, safeText } from '../redis/format-reply.js';
import { insideNamespace } from '../redis/judge.js';
import { endLearnerTurn, inLearnerTransaction, runLearnerCommand } from '../redis/learner-command.js';
import type { RecordedCommand } from '../redis/recorder.js';
import type { Sandbox } from '../redis/sandbox.js';
import { tokenize } from '../redis/tokenize.js';
import { printLine } from '../ui/progress-bar.js';
import { c, eraseTypedLine, sym } from '../ui/theme.js';
import { createContext, type OwnedContext } from './context.js';
import { runExercise } from './exercise.js';
import { EndOfInput, pts } from './feedback.js';
import { runRace } from './race.js';
import { renderMarkdown } from './markdown.js';
import { commandLine, formatMs, keyTable } from './render.js';
import type { JsonCommand, LessonResult, RunMode, RunOptions, StepResult } from './results.js';
import type { Lesson, Step } from './types.js';

export type { JsonCommand, LessonResult, RaceRow, RunMode, RunOptions, StepResult } from './results.js';
export { pointsAfterHints, pts } from './feedback.js';

export function maxScore(lesson: Lesson): number {
  return lesson.steps.reduce((s, st) => s + (st.kind === 'exercise' ? st.points : 0), 0);
}

export async function runLesson(lesson: Lesson, sb: Sandbox, opts: RunOptions): Promise<LessonResult> {
  const out = opts.out ?? printLine;
  const quiet = () => {};
  const start = opts.startStep ?? 0;
  const earned: Record<string, number> = { ...(opts.earned ?? {}) };
  const steps: StepResult[] = [];
  const missed: string[] = [];
  if (lesson.lab && (!opts.lab || !sb.lab)) {
    throw new Error(`lesson "${lesson.id}" runs on a ${lesson.lab.topology} lab: start it with withLabLesson (src/lab/lesson-session.ts)`);
  }
  const ctx = createContext(sb, {
    scope: lesson.id,
    options: opts.options,
    interactive: opts.mode === 'interactive',
    write: out,
    lab: opts.lab,
  });
  const exerciseNumbers = new Map<string, number>();
  lesson.steps.filter((s) => s.kind === 'exercise').forEach((s, i) => exerciseNumbers.set(s.id, i + 1));

  await sb.assertNoForeign(lesson.keys, `lesson "${lesson.id}"`);
  await clearOtherLessons(sb, lesson, out);
  await sb.reset(lesson.id);
  sb.recorder.take();
  opts.onStart?.();

  out(
    `${c.bold(`${lesson.title}`)} ${c.dim(`· ${lesson.id} · ${lesson.level} · ~${lesson.minutes} min · ${lesson.steps.length} steps · ${pts(maxScore(lesson))}`)}`,
  );
  if (lesson.intro && start === 0) out(renderMarkdown(sb.expand(lesson.intro)));
  let completed = true;
  try {
    if (start > 0) {
      out(c.dim(`  replaying steps 1–${start} to rebuild their keys…`));
      for (let i = 0; i < start && i < lesson.steps.length; i++) {
        await runStep(lesson.steps[i]!, i, { ...ctx, say: quiet, table: quiet }, quiet, 'auto', true);
        sb.recorder.take();
      }
    }
    for (let i = start; i < lesson.steps.length; i++) {
      const step = lesson.steps[i]!;
      out('');
      out(c.bold(`── ${i + 1}/${lesson.steps.length} · ${step.title} ${'─'.repeat(Math.max(2, 50 - step.title.length))}`));
      const result = await runStep(step, i, ctx, out, opts.mode, false);
      const rec = sb.recorder.take();
      result.commands.push(...rec.commands.map(toJson));
      result.totalCommands += rec.total;
      await claimWritten(sb, lesson, rec.written);
      if (step.kind !== 'explain' && !result.skipped) {
        const touched = rec.touched.filter((k) => k !== sb.metaKey && k.startsWith(sb.ns));
        // On a lab the node the table reads may be down (the lesson killed it): then there is no table.
        const table = touched.length
          ? await keyTable(sb.admin, [...new Set(touched)]).catch((err: unknown) => {
              if (sb.lab) return null;
              throw err;
            })
          : null;
        if (table && step.kind !== 'race') out(table);
      }
      if (step.kind === 'exercise') {
        earned[step.id] = result.points ?? 0;
        if (!result.unavailable && (result.solutionShown || result.skipped)) missed.push(step.id);
      }
      steps.push(result);
      opts.onStep?.(i + 1, result, { ...earned });
      if (opts.mode === 'interactive' && step.kind !== 'exercise' && i < lesson.steps.length - 1) {
        if (!(await pause())) {
          completed = false;
          break;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof EndOfInput)) throw err;
    completed = false;
  } finally {
    await ctx.dispose();
  }

  const score = Object.values(earned).reduce((a, b) => a + b, 0);
  const unavailablePoints = steps.reduce((sum, st) => sum + (st.unavailable ? (st.maxPoints ?? 0) : 0), 0);
  return {
    lesson: lesson.id,
    title: lesson.title,
    level: lesson.level,
    score,
    maxScore: maxScore(lesson) - unavailablePoints,
    completed,
    missed,
    server: { version: sb.target.version, private: sb.target.private, kind: sb.target.kind },
    steps,
  };

  /**
   * Between steps: Enter goes on, q quits, and a command typed here runs (inside the sandbox, owned by the lesson) so a
   * learner can look around; it is never dropped. Returns false to quit.
   */
  async function pause(): Promise<boolean> {
    for (;;) {
      const tx = inLearnerTransaction(sb) ? '(TX) ' : '';
      const prompt = c.dim(`  ↵ next · q quit · or type a command ${tx}› `);
      const line = await opts.input?.next(prompt);
      if (line === null || line === undefined || /^\s*(q|quit|exit|:q|:quit)\s*$/i.test(line)) {
        await endLearnerTurn(sb);
        return false;
      }
      const trimmed = line.trim();
      if (!trimmed) {
        if (inLearnerTransaction(sb)) out(c.dim('  the open MULTI was discarded: nothing queued was run'));
        await endLearnerTurn(sb);
        return true;
      }
      if (trimmed.startsWith(':')) {
        out(c.dim('  :hint, :solution, :check and :skip work inside exercises; press Enter to go on'));
        continue;
      }
      let asked = false;
      const confirm = opts.confirm
        ? (q: string) => {
            asked = true;
            return opts.confirm!(q);
          }
        : undefined;
      const res = await runLearnerCommand(sb, trimmed, { scope: lesson.id, confirm });
      if (res.status === 'refused') out(`  ${c.yellow(sym.fail)} ${safeText(res.reason)}`);
      else {
        // On a terminal the typed line becomes the transcript line (command, reply, time), as in exercises.
        if (opts.input?.tty && !asked) eraseTypedLine(prompt, line);
        out(commandLine(res.record, '  › ', { commands: sb.table }));
        if (res.note) out(c.dim(`  ${res.note}`));
      }
      sb.recorder.take();
    }
  }

  async function runStep(
    step: Step,
    index: number,
    sctx: OwnedContext,
    print: (line: string) => void,
    mode: RunMode,
    replay: boolean,
  ): Promise<StepResult> {
    const result: StepResult = { id: step.id, kind: step.kind, title: step.title, passed: true, commands: [], totalCommands: 0 };
    const missing = (step.requires?.commands ?? []).filter((name) => !sb.table.has(name.toLowerCase()));
    if (step.requires && missing.length) {
      // Not this server's: say what it needs and move on; an exercise's points leave the total.
      result.passed = false;
      result.skipped = true;
      result.unavailable = `needs ${step.requires.needs}: ${sb.target.product} has no ${missing.join(', ')}`;
      if (step.kind === 'exercise') {
        result.maxPoints = step.points;
        result.points = 0;
      }
      print(c.dim(`  skipped: this step ${result.unavailable}. It does not count against your score.`));
      return result;
    }
    if (step.text && step.kind !== 'exercise') print(renderMarkdown(sb.expand(step.text)));
    switch (step.kind) {
      case 'explain':
        return result;
      case 'run': {
        if (step.text) print('');
        for (const line of step.commands) {
          const rec = await sb.exec(tokenize(sb.expand(line)), lesson.id);
          print(commandLine(rec));
        }
        return result;
      }
      case 'code': {
        if (step.text) print('');
        const shownLimit = 12;
        let shown = 0;
        let hidden = 0;
        const off = sb.recorder.onCommand((rec) => {
          if (shown < shownLimit) {
            shown++;
            print(commandLine(rec));
          } else hidden++;
        });
        const t0 = process.hrtime.bigint();
        try {
          await step.run(sctx);
        } finally {
          off();
        }
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        // Pipelined commands overlap, so the step's wall time is the honest figure, not a sum of round trips.
        if (hidden) {
          print(
            c.dim(`  … and ${hidden.toLocaleString('en-US')} more command${hidden === 1 ? '' : 's'} (the step took ${formatMs(wall)})`),
          );
        }
        return result;
      }
      case 'race':
        return runRace(step, { ctx: sctx, print });
      case 'exercise':
        return runExercise(step, {
          sb,
          ctx: sctx,
          scope: lesson.id,
          number: exerciseNumbers.get(step.id) ?? 0,
          print,
          mode: replay ? 'auto' : mode,
          input: opts.input,
          confirm: opts.confirm,
          verify: opts.verify && !replay,
          redo: `redis-learn lesson ${lesson.id} --step ${index + 1}`,
        });
    }
  }
}

function toJson(rec: RecordedCommand): JsonCommand {
  return { command: rec.command, reply: rec.error ? { error: rec.error } : replyToJson(rec.reply), ms: rec.ms, keys: rec.keys };
}

/** Scopes whose keys a learner made by hand: never removed to make room for a lesson. */
const HAND_MADE = new Set(['repl']);

/**
 * Lessons rebuild their state from scratch, so keys another lesson (or the quiz) left under this lesson's names are
 * removed first; keys the learner made in the REPL are not: the lesson refuses instead.
 */
async function clearOtherLessons(sb: Sandbox, lesson: Lesson, out: (line: string) => void): Promise<void> {
  const owners = await sb.owners(lesson.keys);
  const byScope = new Map<string, string[]>();
  for (const [key, owner] of owners) {
    if (owner === null || owner === lesson.id) continue;
    byScope.set(owner, [...(byScope.get(owner) ?? []), key]);
  }
  for (const [scope, keys] of byScope) {
    if (HAND_MADE.has(scope)) {
      throw new SafetyError(
        `lesson "${lesson.id}" would overwrite ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ` and ${keys.length - 3} more` : ''}, made in the REPL. Nothing was changed. Remove them with: redis-learn reset ${scope}`,
      );
    }
  }
  for (const [scope, keys] of byScope) {
    await sb.removeOwned(keys);
    out(
      c.dim(
        `  removed ${keys.length} key${keys.length === 1 ? '' : 's'} the ${scope} ${scope === 'quiz' ? '' : 'lesson '}left under this lesson's names`,
      ),
    );
  }
}

/** A glob (the lesson's key patterns) as a regular expression. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/**
 * After a step: keys the lesson's own commands wrote (seen by the recorder) that match its declared patterns become
 * its own if they exist and were unclaimed (a safety net for code steps that did not claim first); claims of keys
 * that are gone are dropped. Keys nobody of ours wrote are never claimed, so a key another client creates meanwhile
 * stays theirs; keys outside the patterns are never claimed, so a lesson that writes undeclared keys fails the reset test.
 */
async function claimWritten(sb: Sandbox, lesson: Lesson, written: readonly string[]): Promise<void> {
  const patterns = lesson.keys.map((k) => globToRegExp(sb.ns + k));
  const mine = written.filter((k) => insideNamespace(sb.ns, k));
  const declared = mine.filter((k) => patterns.some((re) => re.test(k)));
  await sb.ownership.afterWrite(lesson.id, mine, declared);
}
