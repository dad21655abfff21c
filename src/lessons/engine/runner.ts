// Runs a lesson's steps: prints commands and keys, grades exercises, reports each step so progress can be saved.
import { SafetyError } from '../../errors.js';
import { replyToJson, safeText } from '../../redis/format-reply.js';
import { insideNamespace } from '../../redis/judge.js';
import { endLearnerTurn, inLearnerTransaction, judgeLine, runLearnerCommand } from '../../redis/learner-command.js';
import type { RecordedCommand } from '../../redis/recorder.js';
import type { Sandbox } from '../../redis/sandbox.js';
import { globEscape, scanAll } from '../../redis/scan.js';
import { tokenize } from '../../redis/tokenize.js';
import type { LineReader } from '../../ui/line-reader.js';
import { printLine } from '../../ui/progress-bar.js';
import { c, sym, terminalWidth } from '../../ui/theme.js';
import { createContext, type OwnedContext } from './context.js';
import { commandLine, formatMs, keyTable, verdict, wrap } from './render.js';
import type { CheckResult, ExerciseStep, Lesson, LessonOptions, RaceStep, Step } from './types.js';

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

/** How much of an exercise's points survive the hints used: none, a nudge, the syntax, the solution. */
const HINT_FACTOR = [1, 0.75, 0.5, 0];

/** Points an exercise is worth after `hints` hints: every hint costs at least a point while any are left; the solution leaves none. */
export function pointsAfterHints(points: number, hints: number): number {
  if (hints <= 0) return points;
  if (hints >= 3) return 0;
  return Math.max(0, Math.min(Math.floor(points * HINT_FACTOR[hints]!), points - hints));
}

export function pts(n: number): string {
  return `${n} ${n === 1 ? 'pt' : 'pts'}`;
}

export function maxScore(lesson: Lesson): number {
  return lesson.steps.reduce((s, st) => s + (st.kind === 'exercise' ? st.points : 0), 0);
}

const META_HELP = ':hint  next hint · :solution  show it · :check  expected vs actual · :reset  start over · :skip · :quit';

class EndOfInput extends Error {}

/** A feedback line wrapped to the terminal, indented by two, its continuation lines by four. */
function indented(text: string): string {
  return wrap(text, Math.min(terminalWidth(), 100) - 6)
    .split('\n')
    .map((line, i) => `${i === 0 ? '  ' : '    '}${line}`)
    .join('\n');
}

export async function runLesson(lesson: Lesson, sb: Sandbox, opts: RunOptions): Promise<LessonResult> {
  const out = opts.out ?? printLine;
  const quiet = () => {};
  const start = opts.startStep ?? 0;
  const earned: Record<string, number> = { ...(opts.earned ?? {}) };
  const steps: StepResult[] = [];
  const missed: string[] = [];
  const ctx = createContext(sb, { scope: lesson.id, options: opts.options, interactive: opts.mode === 'interactive', write: out });
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
        const table = touched.length ? await keyTable(sb.admin, [...new Set(touched)]) : null;
        if (table && step.kind !== 'race') out(table);
      }
      if (step.kind === 'exercise') {
        earned[step.id] = result.points ?? 0;
        if (result.solutionShown || result.skipped) missed.push(step.id);
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
      const line = await opts.input?.next(c.dim(`  ↵ next · q quit · or type a command ${tx}› `));
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
        if (opts.input?.tty && !asked) process.stdout.write('\x1b[1A\r\x1b[2K');
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
    if (step.text && step.kind !== 'exercise') print(wrap(sb.expand(step.text)));
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
        return runRace(step, sctx, print, result);
      case 'exercise':
        return runExercise(step, index, sctx, print, replay ? 'auto' : mode, result, replay);
    }
  }

  async function runRace(step: RaceStep, sctx: OwnedContext, print: (l: string) => void, result: StepResult): Promise<StepResult> {
    const rows: RaceRow[] = [];
    const clients = await sctx.clients(step.clients);
    print('');
    for (const v of step.variants) {
      await v.setup?.(sctx);
      const t0 = process.hrtime.bigint();
      await Promise.all(clients.map((cl, i) => v.worker(cl, i, sctx)));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = await v.measure(sctx);
      rows.push({ label: v.label, atomic: v.atomic, expected: m.expected, actual: m.actual, unit: m.unit, ms });
    }
    result.race = rows;
    const oneUnit = rows.every((r) => r.unit === rows[0]?.unit) ? rows[0]?.unit : undefined;
    result.passed = rows.every((r) => !r.atomic || r.actual === r.expected);
    const { renderTable } = await import('../../ui/table.js');
    print(
      renderTable(
        // One unit for every row (the usual case) is named once, in the header, so the table fits 80 columns.
        oneUnit
          ? ['version', `${step.clients} clients`, `${oneUnit} expected`, 'counted', 'difference', 'time']
          : ['version', `${step.clients} clients`, 'expected', 'actual', 'difference', 'time'],
        rows.map((r) => {
          const diff = r.actual - r.expected;
          const unit = oneUnit ? '' : ` ${r.unit}`;
          const mark = diff === 0 ? c.green(`${sym.ok} exact`) : c.red(`${sym.fail} ${diff > 0 ? '+' : ''}${diff}${unit}`);
          return [r.label, r.atomic ? 'atomic' : 'naive', `${r.expected}${unit}`, `${r.actual}${unit}`, mark, formatMs(r.ms)];
        }),
        // The version's name and the counts matter most; "naive/atomic" and the time give way first on a narrow screen.
        {
          indent: 2,
          columns: [
            { priority: 3 },
            { priority: 0, drop: true },
            { priority: 2 },
            { priority: 2 },
            { priority: 2 },
            { priority: 1, drop: true },
          ],
        },
      ),
    );
    return result;
  }

  async function runExercise(
    step: ExerciseStep,
    index: number,
    sctx: OwnedContext,
    print: (l: string) => void,
    mode: RunMode,
    result: StepResult,
    replay: boolean,
  ): Promise<StepResult> {
    result.maxPoints = step.points;
    result.hintsUsed = 0;
    sctx.history.length = 0;
    const applySetup = async () => {
      if (!step.setup) return;
      if (typeof step.setup === 'function') await step.setup(sctx);
      else for (const line of step.setup) await sb.exec(tokenize(sb.expand(line)), lesson.id);
      sb.recorder.take();
    };
    await applySetup();
    const n = exerciseNumbers.get(step.id) ?? 0;
    print(wrap(`${c.bold(`Exercise ${n}`)} ${c.dim(`(${pts(step.points)})`)}: ${sb.expand(step.text)}`));
    // An exercise whose own solution this server refuses cannot be done here: say so, and do not count it.
    for (const line of step.solution) {
      const j = await judgeLine(sb, sb.expand(line));
      if (!j.ok) {
        result.passed = false;
        result.points = 0;
        result.unavailable = j.reason;
        print(`  ${c.yellow(sym.fail)} not available on this server: ${safeText(j.reason)}. It does not count against your score.`);
        return result;
      }
    }
    if (opts.verify && !replay) {
      result.passedBeforeSolution = (await step.check(sctx)).pass;
    }

    /** Runs a learner line; prints a refusal. The caller prints the transcript line, then the note. */
    const send = async (args: string[], echo?: () => void): Promise<{ rec: RecordedCommand; note?: string; asked: boolean } | null> => {
      // The reference solution is the lesson's own content: applying it needs no confirmation.
      let asked = false;
      const confirm =
        mode === 'auto'
          ? async () => true
          : mode === 'interactive' && opts.confirm
            ? (q: string) => {
                asked = true;
                return opts.confirm!(q);
              }
            : undefined;
      const res = await runLearnerCommand(sb, args, { scope: lesson.id, confirm });
      if (res.status === 'refused') {
        echo?.();
        print(`  ${c.yellow(sym.fail)} ${safeText(res.reason)}`);
        return null;
      }
      sctx.history.push(res.record);
      return { rec: res.record, note: res.note, asked };
    };

    /** A learner who stopped inside MULTI or after WATCH must not leave the lesson's connection in that state. */
    const tidy = () => endLearnerTurn(sb);

    if (opts.verify && !replay && step.wrong?.length) {
      // Snapshot and restore rewrite the whole namespace: only ever on a server of our own.
      if (!sb.target.private) throw new Error('verify mode runs wrong attempts on a private server only');
      // Each wrong attempt runs from the starting state through the learner's path; the namespace is put back after.
      result.wrongAttempts = [];
      for (const attempt of step.wrong) {
        const before = await snapshotNamespace(sb);
        sctx.history.length = 0;
        for (const line of attempt)
          await runLearnerCommand(sb, sb.expand(line), { scope: lesson.id, confirm: async () => true }).then((r) => {
            if (r.status === 'ran') sctx.history.push(r.record);
          });
        const r = await step.check(sctx);
        await tidy();
        result.wrongAttempts.push({ attempt: attempt.map((l) => sb.expand(l)), passed: r.pass, actual: r.actual });
        await restoreNamespace(sb, before);
        sctx.history.length = 0;
        sb.recorder.take();
      }
    }

    if (mode === 'auto') {
      for (const line of step.solution) {
        const sent = await send(tokenize(sb.expand(line)));
        if (sent) print(commandLine(sent.rec, `  redis-learn ${sym.arrow} `));
        if (sent?.note) print(c.dim(`  ${sent.note}`));
      }
      const r = await step.check(sctx);
      await tidy();
      result.passed = r.pass;
      result.points = r.pass ? step.points : 0;
      print(indented(verdict(r, { earned: result.points, max: step.points })));
      return result;
    }

    if (!opts.input) throw new Error('an exercise needs an input');
    print(c.dim(indented(META_HELP)));
    let hints = 0;
    for (;;) {
      // Inside MULTI the prompt says so, as redis-cli's does, and nothing is checked until EXEC.
      const prompt = `${c.cyan(`redis-learn${inLearnerTransaction(sb) ? '(TX)' : ''} ${sym.arrow}`)} `;
      // A piped command is not echoed: its transcript line (command, reply, time) follows. Anything else is.
      const line = await opts.input.next(prompt, { echo: false });
      if (line === null) throw new EndOfInput();
      const trimmed = line.trim();
      const echo = () => {
        if (!opts.input!.tty) print(`${prompt}${line}`);
      };
      if (!trimmed) continue;
      if (/^(q|quit|exit)$/i.test(trimmed) || trimmed.startsWith(':')) echo();
      // redis-cli habits: a bare quit or exit leaves, as :quit does.
      if (/^(q|quit|exit)$/i.test(trimmed)) throw new EndOfInput();
      if (trimmed.startsWith(':')) {
        const cmd = trimmed.slice(1).toLowerCase();
        if (cmd === 'hint' || cmd === 'h') {
          hints = Math.min(3, hints + 1);
          if (hints === 1) print(`  ${c.magenta('hint 1:')} ${sb.expand(step.hints[0])}`);
          else if (hints === 2) print(`  ${c.magenta('hint 2:')} ${sb.expand(step.hints[1])}`);
          else showSolution();
          print(c.dim(`  worth now: ${pts(pointsAfterHints(step.points, hints))}`));
        } else if (cmd === 'solution' || cmd === 'show') {
          hints = 3;
          showSolution();
        } else if (cmd === 'reset' || cmd === 'restart') {
          // Start the exercise over: its starting state again, and what was typed so far no longer counts.
          await tidy();
          await applySetup();
          sctx.history.length = 0;
          print(
            c.dim(
              `  back to the exercise's starting state${step.setup ? '' : ' (it has no setup: your keys stay as they are)'}; what you typed before no longer counts`,
            ),
          );
        } else if (cmd === 'check') {
          print(indented(verdict(await step.check(sctx))));
        } else if (cmd === 'skip') {
          result.passed = false;
          result.skipped = true;
          result.points = 0;
          result.hintsUsed = hints;
          print(c.dim(`  skipped — redo it later with: redis-learn lesson ${lesson.id} --step ${index + 1}`));
          await tidy();
          return result;
        } else if (cmd === 'quit' || cmd === 'q' || cmd === 'exit') {
          await tidy();
          throw new EndOfInput();
        } else {
          print(c.dim(indented(META_HELP)));
        }
        continue;
      }
      let args: string[];
      try {
        args = tokenize(trimmed);
      } catch (err) {
        echo();
        print(`  ${c.yellow(sym.fail)} ${(err as Error).message}`);
        continue;
      }
      const sent = await send(args, echo);
      if (!sent) continue;
      // On a terminal, rewrite the typed line as the full transcript line (command, reply, time) like design.md shows
      // (not after a confirmation question: the line above is then its answer).
      if (opts.input.tty && !sent.asked) process.stdout.write('\x1b[1A\r\x1b[2K');
      print(commandLine(sent.rec, `redis-learn ${sym.arrow} `, { commands: sb.table }));
      if (sent.note) print(c.dim(`  ${sent.note}`));
      if (inLearnerTransaction(sb)) continue;
      // A command Redis rejected changed nothing (a failed EXEC aside): its error and any suggestion are the feedback.
      if (sent.rec.error && String(sent.rec.args[0]).toUpperCase() !== 'EXEC') continue;
      const r: CheckResult = await step.check(sctx);
      if (r.pass) {
        result.passed = true;
        result.hintsUsed = hints;
        result.solutionShown = hints >= 3;
        result.points = pointsAfterHints(step.points, hints);
        print(indented(verdict(r, { earned: result.points, max: step.points })));
        await tidy();
        return result;
      }
      print(c.dim(indented(`not yet: expected ${r.expected}, found ${r.actual}`)));
    }

    function showSolution() {
      print(`  ${c.magenta('solution:')}`);
      for (const s of step.solution) print(`    ${sb.expand(s)}`);
    }
  }
}

interface Snapshot {
  /** Each key's dump and its absolute expiry in Unix ms (0: none). */
  keys: Map<string, { dump: Buffer; expireAt: number }>;
}

/**
 * Every key under the namespace (bookkeeping included), dumped: verify mode puts it back after a wrong attempt.
 * Expiries are kept as absolute times, so a restored key dies when the original would have (and when the
 * ownership bookkeeping expects it to), not later.
 */
async function snapshotNamespace(sb: Sandbox): Promise<Snapshot> {
  const keys = new Map<string, { dump: Buffer; expireAt: number }>();
  for (const key of await scanAll(sb.admin, `${globEscape(sb.ns)}*`)) {
    // PEXPIRETIME (7.0+) gives the exact absolute expiry; before 7.0, PTTL from now is within a millisecond of it.
    const [dump, at] = await Promise.all([
      sb.admin.dumpBuffer(key),
      sb.admin.call('PEXPIRETIME', key).catch(async () => {
        const pttl = await sb.admin.pttl(key);
        return pttl > 0 ? Date.now() + pttl : pttl;
      }) as Promise<number>,
    ]);
    if (dump && at !== -2) keys.set(key, { dump, expireAt: at > 0 ? at : 0 });
  }
  return { keys };
}

async function restoreNamespace(sb: Sandbox, snap: Snapshot): Promise<void> {
  for (const key of await scanAll(sb.admin, `${globEscape(sb.ns)}*`)) if (!snap.keys.has(key)) await sb.admin.unlink(key);
  for (const [key, { dump, expireAt }] of snap.keys) {
    if (expireAt === 0) await sb.admin.restore(key, 0, dump, 'REPLACE');
    else if (expireAt > Date.now()) await sb.admin.restore(key, expireAt, dump, 'REPLACE', 'ABSTTL');
    else await sb.admin.unlink(key);
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
