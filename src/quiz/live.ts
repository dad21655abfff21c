// Runs command and predict questions in the sandbox: setup under the quiz scope, the learner's commands, the check.
import { createContext } from '../engine/context.js';
import type { CheckResult } from '../engine/types.js';
import { formatReplyInline } from '../redis/format-reply.js';
import type { RecordedCommand } from '../redis/recorder.js';
import { endLearnerTurn, judgeLine, runLearnerCommand } from '../redis/learner-command.js';
import type { Sandbox } from '../redis/sandbox.js';
import { tokenize } from '../redis/tokenize.js';
import { splitCommands } from './grading.js';
import type { CommandQuestion, PredictQuestion } from './types.js';

/** The scope every quiz key is owned under: reset before each question and after the round. */
export const QUIZ_SCOPE = 'quiz';

/** A question this server cannot run (a command refused on a shared server, a failing setup): skipped, not failed. */
export class QuestionUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuestionUnavailable';
  }
}

/**
 * The bank's lines are judged like a learner's: one this server refuses, or one that would write a key that exists
 * and is not redis-learn's, makes the question unavailable here. A 'confirm' only comes back on the tool's own
 * private server, where the bank may change settings.
 */
async function checkBankLine(sb: Sandbox, line: string): Promise<void> {
  const verdict = await judgeLine(sb, sb.expand(line));
  if (!verdict.ok) throw new QuestionUnavailable(`${sb.expand(line)}: ${verdict.reason}`);
  const foreign = await sb.notOurs(verdict.keys.filter((k) => k.write).map((k) => k.key));
  if (foreign.length) throw new QuestionUnavailable(`${foreign[0]} already existed and was not created by redis-learn: it is left alone`);
}

/** The bank's own command lines, checked then sent. */
async function runBankLines(sb: Sandbox, lines: readonly string[]): Promise<RecordedCommand[]> {
  const out: RecordedCommand[] = [];
  for (const line of lines) {
    await checkBankLine(sb, line);
    out.push(await sb.exec(tokenize(sb.expand(line)), QUIZ_SCOPE));
  }
  return out;
}

/**
 * Removes the quiz's keys, then brings the server to the question's starting state (unprinted). `later` are bank
 * lines the question will send afterwards: they are checked against the guard now, so a question this server
 * cannot run is skipped before the learner answers it.
 */
export async function prepareQuestion(sb: Sandbox, setup: readonly string[] = [], later: readonly string[] = []): Promise<void> {
  for (const line of later) await checkBankLine(sb, line);
  await sb.reset(QUIZ_SCOPE);
  const recs = await runBankLines(sb, setup);
  const bad = recs.find((r) => r.error);
  if (bad) throw new QuestionUnavailable(`setup failed: ${bad.command} → ${bad.error}`);
}

export interface LearnerRun {
  ran: RecordedCommand[];
  /** The first command that was not sent, and why; the ones after it are not sent either. */
  refused?: { line: string; reason: string };
}

export interface RunOptions {
  /** Asked (with confirmQuestion's words) before a risky command on the private server; refused when absent. */
  confirm?: (question: string) => Promise<boolean>;
}

/** Sends the learner's answer line (several commands may be separated by `;`) through the one learner-command path. */
export async function runLearnerLine(sb: Sandbox, line: string, opts: RunOptions = {}): Promise<LearnerRun> {
  const ran: RecordedCommand[] = [];
  for (const part of splitCommands(line)) {
    if (!part.trim()) continue;
    const res = await runLearnerCommand(sb, part, { scope: QUIZ_SCOPE, confirm: opts.confirm });
    if (res.status === 'refused') return { ran, refused: { line: part, reason: res.reason } };
    ran.push(res.record);
  }
  return { ran };
}

export interface CommandGrade extends CheckResult {
  run: LearnerRun;
}

/**
 * Setup, the learner's answer, then the question's check with the learner's commands as history. The answer is one
 * typed line (commands separated by `;`) or several lines, as a bank's reference answer is written.
 */
export async function gradeCommandQuestion(
  sb: Sandbox,
  q: CommandQuestion,
  answer: string | readonly string[],
  opts: RunOptions = {},
): Promise<CommandGrade> {
  await prepareQuestion(sb, q.setup, q.answer);
  return checkCommandAnswer(sb, q, answer, opts);
}

/** The learner's answer on a server already prepared with the question's setup, then the check. */
export async function checkCommandAnswer(
  sb: Sandbox,
  q: CommandQuestion,
  answer: string | readonly string[],
  opts: RunOptions = {},
): Promise<CommandGrade> {
  const run: LearnerRun = { ran: [] };
  for (const line of typeof answer === 'string' ? [answer] : answer) {
    const part = await runLearnerLine(sb, line, opts);
    run.ran.push(...part.ran);
    if (part.refused) {
      run.refused = part.refused;
      break;
    }
  }
  await endLearnerTurn(sb);
  const ctx = createContext(sb, { scope: QUIZ_SCOPE, write: () => {} });
  ctx.history.push(...run.ran);
  try {
    const r = await q.check(ctx);
    return { ...r, run };
  } finally {
    await ctx.dispose();
  }
}

/** How redis-cli would print a recorded reply on one line, in full. */
export function inlineReply(rec: RecordedCommand): string {
  return formatReplyInline(rec.error !== undefined ? new Error(rec.error) : rec.reply, 100_000);
}

export interface PredictRun {
  records: RecordedCommand[];
  /** The last command's reply as redis-cli prints it inline. */
  reply: string;
}

/** Setup (unprinted), then the shown commands; the last reply is what the learner predicted. */
export async function runPredictQuestion(sb: Sandbox, q: PredictQuestion): Promise<PredictRun> {
  await prepareQuestion(sb, q.setup, q.commands);
  return runPredictCommands(sb, q);
}

/** The shown commands on a server already prepared with the question's setup. */
export async function runPredictCommands(sb: Sandbox, q: PredictQuestion): Promise<PredictRun> {
  const records = await runBankLines(sb, q.commands);
  const last = records.at(-1);
  return { records, reply: last ? inlineReply(last) : '(no command)' };
}
