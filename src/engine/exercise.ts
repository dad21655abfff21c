// An exercise: setup, the task, the learner's commands through the one learner path, the check after each, hints.
import { safeText } from '../redis/format-reply.js';
import { endLearnerTurn, inLearnerTransaction, judgeLine, runLearnerCommand } from '../redis/learner-command.js';
import type { RecordedCommand } from '../redis/recorder.js';
import type { Sandbox } from '../redis/sandbox.js';
import { tokenize } from '../redis/tokenize.js';
import type { LineReader } from '../ui/line-reader.js';
import { c, eraseTypedLine, sym } from '../ui/theme.js';
import type { OwnedContext } from './context.js';
import { EndOfInput, META_HELP, indented, pointsAfterHints, pts } from './feedback.js';
import { renderMarkdown } from './markdown.js';
import { commandLine, verdict } from './render.js';
import type { RunMode, StepResult } from './results.js';
import { restoreNamespace, snapshotNamespace } from './snapshot.js';
import type { CheckResult, ExerciseStep, LessonContext } from './types.js';

export interface ExerciseRunOptions {
  sb: Sandbox;
  ctx: OwnedContext;
  /** Who owns the keys the exercise creates: the lesson id. */
  scope: string;
  /** Shown as "Exercise N". */
  number: number;
  print: (line: string) => void;
  mode: RunMode;
  /** Where the learner's lines come from (interactive and stdin modes). */
  input?: LineReader;
  /** Asks before a command the dangerous-command table flags on a private server. */
  confirm?: (question: string) => Promise<boolean>;
  /** Also check the starting state and every `wrong` attempt (private server only): the generic lesson test. */
  verify?: boolean;
  /** How to come back to a skipped exercise, e.g. `redis-learn lesson simple --step 4`. */
  redo?: string;
}

/**
 * In a lab lesson a solution or wrong attempt may move the prompt as the learner would, with a `:node NAME` line
 * (one exercise can then use two nodes). True when `line` was such a move.
 */
function movedNode(sb: Sandbox, line: string): boolean {
  const m = /^:node\s+(\S+)\s*$/.exec(line.trim());
  if (!m || !sb.lab) return false;
  if (!sb.lab.names.includes(m[1]!)) throw new Error(`no node "${m[1]}" in this lab (${sb.lab.names.join(', ')})`);
  sb.lab.target = m[1]!;
  return true;
}

/** Brings the server to the exercise's starting state, unprinted. */
export async function applySetup(step: ExerciseStep, o: { sb: Sandbox; ctx: LessonContext; scope: string }): Promise<void> {
  if (!step.setup) return;
  if (typeof step.setup === 'function') await step.setup(o.ctx);
  else for (const line of step.setup) await o.sb.exec(tokenize(o.sb.expand(line)), o.scope);
  o.sb.recorder.take();
}

/**
 * What the engine does for a learner who types `lines` (with {ns}) into an exercise: its setup, each line through the
 * learner's path (MULTI held until EXEC, refusals skipped) recorded in the history, then the check. For tests.
 */
export async function attemptExercise(
  step: ExerciseStep,
  o: { sb: Sandbox; ctx: LessonContext; scope: string },
  lines: readonly string[],
  before?: () => Promise<void>,
): Promise<CheckResult> {
  o.ctx.history.length = 0;
  if (o.sb.lab) o.sb.lab.target = step.node ?? o.sb.lab.home;
  await applySetup(step, o);
  await before?.();
  for (const line of lines) {
    if (movedNode(o.sb, line)) continue;
    const r = await runLearnerCommand(o.sb, o.sb.expand(line), { scope: o.scope, confirm: () => Promise.resolve(true) });
    if (r.status === 'ran') o.ctx.history.push(r.record);
  }
  const result = await step.check(o.ctx);
  await endLearnerTurn(o.sb);
  return result;
}

export async function runExercise(step: ExerciseStep, opts: ExerciseRunOptions): Promise<StepResult> {
  const { sb, ctx: sctx, scope, print, mode } = opts;
  const result: StepResult = { id: step.id, kind: step.kind, title: step.title, passed: true, commands: [], totalCommands: 0 };
  result.maxPoints = step.points;
  result.hintsUsed = 0;
  sctx.history.length = 0;
  const lab = sb.lab;
  if (lab) lab.target = step.node ?? lab.home;
  const setup = () => applySetup(step, { sb, ctx: sctx, scope });
  await setup();
  print(renderMarkdown(`**Exercise ${opts.number}** (${pts(step.points)}): ${sb.expand(step.text)}`));
  // An exercise whose own solution this server refuses cannot be done here: say so, and do not count it.
  for (const line of step.solution) {
    if (lab && /^:node\s/.test(line.trim())) continue;
    const j = await judgeLine(sb, sb.expand(line));
    if (!j.ok) {
      result.passed = false;
      result.points = 0;
      result.unavailable = j.reason;
      print(`  ${c.yellow(sym.fail)} not available on this server: ${safeText(j.reason)}. It does not count against your score.`);
      return result;
    }
  }
  if (opts.verify) {
    result.passedBeforeSolution = (await step.check(sctx)).pass;
  }

  /** Runs a learner line; prints a refusal. The caller prints the transcript line, then the note. */
  const send = async (args: string[], echo?: () => void): Promise<{ rec: RecordedCommand; note?: string; asked: boolean } | null> => {
    // The reference solution is the lesson's own content: applying it needs no confirmation.
    let asked = false;
    const confirm =
      mode === 'auto'
        ? () => Promise.resolve(true)
        : mode === 'interactive' && opts.confirm
          ? (q: string) => {
              asked = true;
              return opts.confirm!(q);
            }
          : undefined;
    const res = await runLearnerCommand(sb, args, { scope, confirm });
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

  if (opts.verify && step.wrong.length) {
    // Snapshot and restore rewrite the whole namespace: only ever on a server of our own.
    if (!sb.target.private) throw new Error('verify mode runs wrong attempts on a private server only');
    // Each wrong attempt runs from the starting state through the learner's path; the namespace is put back after.
    // A lab's state is more than keys (roles, settings, nodes up): its setup restores it, before and after each.
    result.wrongAttempts = [];
    for (const attempt of step.wrong) {
      const before = lab ? null : await snapshotNamespace(sb);
      if (lab) lab.target = step.node ?? lab.home;
      sctx.history.length = 0;
      for (const line of attempt) {
        if (movedNode(sb, line)) continue;
        await runLearnerCommand(sb, sb.expand(line), { scope, confirm: () => Promise.resolve(true) }).then((r) => {
          if (r.status === 'ran') sctx.history.push(r.record);
        });
      }
      const r = await step.check(sctx);
      await tidy();
      result.wrongAttempts.push({ attempt: attempt.map((l) => sb.expand(l)), passed: r.pass, actual: r.actual });
      if (before) await restoreNamespace(sb, before);
      else await setup();
      sctx.history.length = 0;
      sb.recorder.take();
    }
  }

  if (mode === 'auto') {
    if (lab) lab.target = step.node ?? lab.home;
    for (const line of step.solution) {
      if (movedNode(sb, line)) {
        print(c.dim(`  ${line.trim()}  (your commands now go to ${lab!.target})`));
        continue;
      }
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
  print(c.dim(indented(lab && lab.names.length > 1 ? `${META_HELP} · :node  which node you type at` : META_HELP)));
  let hints = 0;
  for (;;) {
    // Inside MULTI the prompt says so, as redis-cli's does, and nothing is checked until EXEC. On a lab of several
    // nodes it names the node the command goes to.
    const where = lab && lab.names.length > 1 ? `[${lab.target}]` : '';
    const prompt = `${c.cyan(`redis-learn${where}${inLearnerTransaction(sb) ? '(TX)' : ''} ${sym.arrow}`)} `;
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
        if (hints === 1) print(indented(`${c.magenta('hint 1:')} ${sb.expand(step.hints[0])}`));
        else if (hints === 2) print(indented(`${c.magenta('hint 2:')} ${sb.expand(step.hints[1])}`));
        else showSolution();
        print(c.dim(`  worth now: ${pts(pointsAfterHints(step.points, hints))}`));
      } else if (cmd === 'solution' || cmd === 'show') {
        hints = 3;
        showSolution();
      } else if (cmd === 'reset' || cmd === 'restart') {
        // Start the exercise over: its starting state again, and what was typed so far no longer counts.
        await tidy();
        await setup();
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
        print(c.dim(`  skipped${opts.redo ? ` — redo it later with: ${opts.redo}` : ''}`));
        await tidy();
        return result;
      } else if (lab && (cmd === 'node' || cmd.startsWith('node '))) {
        const name = trimmed.slice(1).split(/\s+/)[1];
        if (name === undefined) {
          for (const l of await lab.describe()) print(`  ${l}`);
          print(c.dim('  :node NAME sends your next commands to that node'));
        } else if (!lab.names.includes(name)) {
          print(`  ${c.yellow(sym.fail)} no node "${safeText(name)}": ${lab.names.join(', ')}`);
        } else if (inLearnerTransaction(sb)) {
          print(`  ${c.yellow(sym.fail)} finish the transaction first (EXEC or DISCARD): it is open on ${lab.target}`);
        } else {
          await tidy();
          lab.target = name;
          print(c.dim(`  your commands now go to ${name}`));
        }
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
    // On a terminal, rewrite the typed line as the full transcript line (command, reply, time), as redis-cli users expect
    // (not after a confirmation question: the line above is then its answer).
    if (opts.input.tty && !sent.asked) eraseTypedLine(prompt, line);
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
