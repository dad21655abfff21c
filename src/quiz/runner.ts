// Asks a round: each question by kind, the verdict with its explanation, the card's next review, and the summary.
import { commandLine, verdict, wrap } from '../engine/render.js';
import { EndOfInput } from '../engine/feedback.js';
import type { CardState, QuizRound } from '../progress/store.js';
import type { Sandbox } from '../redis/sandbox.js';
import { c, displayWidth, sym } from '../ui/theme.js';
import { KIND_LABELS, PROOF_PLACES } from './bank.js';
import { plural } from '../util/plural.js';
import { gradeChoice, gradePredict, parseChoice, parseSelfGrade } from './grading.js';
import type { QuizInput } from './input.js';
import { QuestionUnavailable, checkCommandAnswer, prepareQuestion, runPredictCommands } from './live.js';
import { describeMissed } from './missed.js';
import { optionOrder, shownCorrect, shownOptions, toBankPicks } from './option-order.js';
import { describeDue, newCard, review, type Rating } from './scheduler.js';
import type { RoundItem } from './select.js';
import { LESSON_TOPIC, weakestTopic, type TopicTally } from './summary.js';
import {
  expectedReply,
  type ChoiceQuestion,
  type CommandQuestion,
  type OpenQuestion,
  type PredictQuestion,
  type Question,
} from './types.js';

export interface QuestionResult {
  id: string;
  topic: string;
  level?: string;
  kind: Question['kind'] | 'missed';
  correct: boolean;
  /** What the learner typed (a self-grade for open questions; option numbers as shown, for choice questions). */
  answer: string;
  /** For choice questions: the numbers of the correct options as shown, e.g. "2,4". */
  expected: string;
  /** For choice questions: the option texts in the order they were shown (the shuffled order the numbers refer to). */
  options?: string[];
  /** What the server held or replied, for command and predict questions. */
  actual?: string;
  rating: Rating;
  /** When the card comes back (ISO). */
  due: string;
}

export interface RoundResult {
  seed: number;
  review: boolean;
  asked: number;
  correct: number;
  /** Percent of correct answers, 0–100. */
  score: number;
  byTopic: TopicTally;
  weakestTopic?: string;
  /** Whether the round ran to its last question (false when input ended early). */
  completed: boolean;
  questions: QuestionResult[];
  /** Questions this server could not run, with the reason: not counted. */
  unavailable: { id: string; reason: string }[];
}

export interface RoundOptions {
  items: RoundItem[];
  input: QuizInput;
  seed: number;
  review?: boolean;
  /** Namespace shown in questions before any sandbox exists. */
  namespace: string;
  /** Opens the sandbox on first use; absent when the round has no command or predict question. */
  sandbox?: () => Promise<Sandbox>;
  out?: (line: string) => void;
  /** The learner's current card for a question id. */
  card: (id: string) => CardState | undefined;
  /** Persists a card right after its answer, so an interrupted round keeps what was answered. */
  saveCard: (id: string, card: CardState) => void;
  now?: () => Date;
}

const visible = displayWidth;

/** A hanging indent: the prefix on the first line, the text wrapped beside it. */
export function hang(prefix: string, text: string): string {
  const width = Math.min(process.stdout.columns || 88, 100) - 2 - visible(prefix);
  const pad = ' '.repeat(visible(prefix));
  return wrap(text, Math.max(30, width))
    .split('\n')
    .map((line, i) => (i === 0 ? prefix : pad) + line)
    .join('\n');
}

/** Markdown inline code becomes cyan on a colour terminal; without colour the backticks stay as they are. */
export function md(text: string): string {
  return c.level > 0 ? text.replace(/`([^`]+)`/g, (_m, code: string) => c.cyan(code)) : text;
}

export async function runRound(opts: RoundOptions): Promise<RoundResult> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const expand = (s: string) => s.replaceAll('{ns}', opts.namespace);
  const results: QuestionResult[] = [];
  const unavailable: RoundResult['unavailable'] = [];
  let completed = true;
  let sandbox: Sandbox | undefined;
  const sb = async (): Promise<Sandbox> => {
    if (!opts.sandbox) throw new Error('this question needs Redis, but the round has no sandbox');
    sandbox ??= await opts.sandbox();
    return sandbox;
  };
  const ask = <T>(v: T | null): T => {
    if (v === null) throw new EndOfInput();
    return v;
  };

  const total = opts.items.length;
  try {
    for (const [i, item] of opts.items.entries()) {
      out('');
      const head =
        item.type === 'missed'
          ? `Review ${i + 1}/${total} · missed lesson exercise`
          : `Question ${i + 1}/${total} · ${item.entry.topic.title} · ${item.entry.question.level} · ${KIND_LABELS[item.entry.question.kind]}${item.due ? ' · due' : ''}`;
      out(c.bold(`── ${head} ${'─'.repeat(Math.max(2, 70 - head.length))}`));
      // Which servers the answer holds for: an interviewer may ask about another version than the one you run.
      if (item.type !== 'missed' && item.entry.question.versions) out(c.dim(`holds for ${item.entry.question.versions}`));
      let r: Omit<QuestionResult, 'due'> | null;
      try {
        r = item.type === 'missed' ? await askMissed(item.id, item.card) : await askQuestion(item.entry.question, item.entry.topic.id);
      } catch (err) {
        if (!(err instanceof QuestionUnavailable)) throw err;
        const id = item.type === 'missed' ? item.id : item.entry.question.id;
        unavailable.push({ id, reason: err.message });
        out(`  ${c.yellow('skipped:')} this server cannot run it (${err.message}); it does not count`);
        continue;
      }
      if (!r) continue;
      const card = review(opts.card(r.id) ?? newCard(now()), r.rating, now());
      opts.saveCard(r.id, card);
      out(c.dim(`  next review ${describeDue(card.due, now())}`));
      results.push({ ...r, due: card.due });
    }
  } catch (err) {
    if (!(err instanceof EndOfInput)) throw err;
    completed = false;
    out('');
    out(c.dim('  (input ended: the round stops here)'));
  } finally {
    if (sandbox) await sandbox.reset('quiz').catch(() => 0);
  }

  const byTopic: TopicTally = {};
  for (const r of results) {
    const t = (byTopic[r.topic] ??= { asked: 0, correct: 0 });
    t.asked++;
    if (r.correct) t.correct++;
  }
  const correct = results.filter((r) => r.correct).length;
  return {
    seed: opts.seed,
    review: Boolean(opts.review),
    asked: results.length,
    correct,
    score: results.length ? Math.round((correct / results.length) * 100) : 0,
    byTopic,
    weakestTopic: weakestTopic(byTopic),
    completed,
    questions: results,
    unavailable,
  };

  function showText(q: Question): void {
    out(wrap(md(expand(q.question))));
  }

  /** The state a live question starts from: the learner reasons about it, so it is shown, not only sent. */
  function showGiven(setup: readonly string[] | undefined): void {
    if (!setup?.length) return;
    out(c.dim('  given:'));
    for (const line of setup) out(c.dim(`    ${expand(line)}`));
  }

  function showExplanation(q: Question): void {
    out('');
    out(wrap(md(expand(q.explanation))));
    if (q.proof?.length) {
      out(c.dim(`  ${PROOF_PLACES[q.proofOn ?? 'repl']}:`));
      for (const p of q.proof) out(c.dim(`    ${expand(p)}`));
    }
  }

  async function askQuestion(q: Question, topic: string): Promise<Omit<QuestionResult, 'due'>> {
    const base = { id: q.id, topic, level: q.level, kind: q.kind };
    switch (q.kind) {
      case 'choice':
        return { ...base, ...(await askChoice(q)) };
      case 'command':
        return { ...base, ...(await askCommand(q)) };
      case 'predict':
        return { ...base, ...(await askPredict(q)) };
      case 'open':
        return { ...base, ...(await askOpen(q)) };
    }
  }

  async function askChoice(q: ChoiceQuestion) {
    showText(q);
    // A review reshuffles on every visit (the card's review count salts the seed); a seeded round replays exactly.
    const order = optionOrder(q, opts.seed, opts.review ? (opts.card(q.id)?.reps ?? 0) : 0);
    const shown = shownOptions(q, order);
    const several = shown.filter((o) => o.correct).length > 1;
    if (!opts.input.interactive) {
      shown.forEach((o, i) => out(hang(`    ${i + 1}. `, md(expand(o.text)))));
    }
    const prompt = several ? 'Pick every correct option (e.g. 1,3):' : `Your answer (1–${shown.length}):`;
    const answer = ask(
      await opts.input.choice(
        prompt,
        shown.map((o) => expand(o.text)),
        several,
      ),
    );
    // The learner's numbers refer to the shown order; grading reads the bank's.
    const picked = parseChoice(answer, shown.length) ?? [];
    const correct = gradeChoice(q, toBankPicks(order, picked));
    const expected = shownCorrect(q, order).join(',');
    out(correct ? `  ${c.green(sym.ok)} right` : `  ${c.red(sym.fail)} not quite: the answer is ${expected}`);
    shown.forEach((o, i) => {
      const n = i + 1;
      const mark = o.correct ? c.green(sym.ok) : picked.includes(n) ? c.red(sym.fail) : c.dim(sym.dot);
      out(hang(`  ${mark} ${n}. `, `${md(expand(o.text))} ${c.dim('—')} ${md(expand(o.why))}`));
    });
    showExplanation(q);
    return { correct, answer, expected, options: shown.map((o) => expand(o.text)), rating: (correct ? 3 : 1) as Rating };
  }

  async function askCommand(q: CommandQuestion) {
    const sandbox = await sb();
    await prepareQuestion(sandbox, q.setup, q.answer);
    showGiven(q.setup);
    showText(q);
    const line = ask(await opts.input.text(`${c.cyan(`redis-learn ${sym.arrow}`)}`));
    const expected = q.answer.map(expand).join(' ; ');
    const graded = await checkCommandAnswer(sandbox, q, line, {
      confirm: (question) => opts.input.confirm(question),
    });
    for (const rec of graded.run.ran) out(commandLine(rec));
    if (graded.run.refused) out(`  ${c.yellow(sym.fail)} not run: ${graded.run.refused.line}: ${graded.run.refused.reason}`);
    if (!line.trim()) out(c.dim('  (no command)'));
    out(`  ${verdict(graded)}`);
    if (!graded.pass) out(`  ${c.magenta('a reference answer:')} ${expected}`);
    showExplanation(q);
    return {
      correct: graded.pass,
      answer: line,
      expected: graded.expected,
      actual: graded.actual,
      rating: (graded.pass ? 3 : 1) as Rating,
    };
  }

  async function askPredict(q: PredictQuestion) {
    const sandbox = await sb();
    await prepareQuestion(sandbox, q.setup, q.commands);
    showGiven(q.setup);
    showText(q);
    for (const cmd of q.commands) out(`  ${c.cyan(sym.prompt)} ${expand(cmd)}`);
    const answer = ask(await opts.input.text('The last reply, as redis-cli prints it:'));
    const run = await runPredictCommands(sandbox, q);
    for (const rec of run.records) out(commandLine(rec));
    // A server configured differently from a default Redis 7 (another maxmemory-policy, appendfsync…) may reply
    // otherwise than the bank, which the suite verified on a default server: either reply counts as right.
    const stated = expectedReply(q, sandbox.target.product);
    const differs = !gradePredict(stated, run.reply);
    const correct = gradePredict(run.reply, answer) || (differs && gradePredict(stated, answer));
    out(
      correct
        ? `  ${c.green(sym.ok)} right: ${run.reply}`
        : `  ${c.red(sym.fail)} expected ${run.reply}, you said ${answer.trim() || '(nothing)'}`,
    );
    if (differs) out(c.dim(`  this server is configured differently: a default ${sandbox.target.product} replies ${stated}`));
    showExplanation(q);
    return { correct, answer, expected: run.reply, actual: run.reply, rating: (correct ? 3 : 1) as Rating };
  }

  async function selfGrade(): Promise<{ rating: Rating; answer: string }> {
    const prompt = opts.input.interactive ? 'How did you do?' : 'How did you do? again / hard / good / easy (or 0–3):';
    let answer = ask(await opts.input.selfGrade(prompt));
    let rating = parseSelfGrade(answer);
    // A terminal asks again (an empty answer included: it is never taken as "good"); a pipe has one line per
    // question, so an empty or unreadable grade counts as "again".
    while (rating === null && opts.input.interactive) {
      out(
        c.dim(
          answer.trim()
            ? `  "${answer.trim()}" is not a grade: pick again, hard, good or easy`
            : '  pick a grade: again, hard, good or easy',
        ),
      );
      answer = ask(await opts.input.selfGrade(prompt));
      rating = parseSelfGrade(answer);
    }
    if (rating === null)
      out(c.dim(answer.trim() ? `  "${answer.trim()}" is not a grade: counted as again` : '  no grade given: counted as again'));
    return { rating: rating ?? 1, answer };
  }

  async function askOpen(q: OpenQuestion) {
    showText(q);
    if (!(await opts.input.draft('Your answer (draft it, then Enter to see the model answer):'))) throw new EndOfInput();
    out('');
    out(c.bold('  Model answer'));
    out(wrap(md(expand(q.explanation))));
    out(c.bold('  Key points'));
    for (const k of q.keyPoints) out(hang(`  ${sym.dot} `, md(expand(k))));
    const { rating, answer } = await selfGrade();
    return { correct: rating >= 2, answer, expected: 'self-graded: hard, good or easy counts as right', rating };
  }

  async function askMissed(id: string, card: CardState): Promise<Omit<QuestionResult, 'due'> | null> {
    const m = await describeMissed(id, card);
    if (!m) return null;
    const where = m.stepNumber ? `redis-learn lesson ${m.lessonId} --step ${m.stepNumber}` : `redis-learn lesson ${m.lessonId}`;
    out(
      wrap(
        `You revealed or skipped ${c.bold(m.title)} in lesson ${m.lessonId}. Recall how to solve it — or redo it with ${c.cyan(where)}.`,
      ),
    );
    if (m.task) out(c.dim(wrap(`The task: ${expand(m.task)}`)));
    if (!(await opts.input.draft('Your solution (Enter to reveal):'))) throw new EndOfInput();
    if (m.solution?.length) {
      out(c.bold('  Solution'));
      for (const s of m.solution) out(`    ${expand(s)}`);
    }
    const { rating, answer } = await selfGrade();
    return {
      id,
      topic: LESSON_TOPIC,
      kind: 'missed',
      correct: rating >= 2,
      answer,
      expected: m.solution?.map(expand).join(' ; ') ?? where,
      rating,
    };
  }
}

/** The text summary after a round: score, per-topic accuracy, weakest topic, next review. */
export function summaryLines(
  r: RoundResult,
  topicTitle: (id: string) => string,
  nextDue: string | undefined,
  due: number,
  now = new Date(),
): string[] {
  const lines: string[] = [''];
  if (r.asked === 0) {
    lines.push(c.bold('No questions answered.'));
  } else {
    const colour = r.score >= 80 ? c.green : r.score >= 50 ? c.yellow : c.red;
    lines.push(`${c.bold('Score')} ${colour(`${r.correct}/${r.asked}`)} ${c.dim(`(${r.score} %)`)}`);
  }
  return lines.concat(topicRows(r, topicTitle), footer(r, topicTitle, nextDue, due, now));
}

function topicRows(r: RoundResult, topicTitle: (id: string) => string): string[] {
  const ids = Object.keys(r.byTopic);
  if (ids.length === 0) return [];
  const width = Math.max(...ids.map((id) => topicTitle(id).length), 5);
  return ids.map((id) => {
    const t = r.byTopic[id]!;
    const pct = Math.round((t.correct / t.asked) * 100);
    const bar = '█'.repeat(Math.round(pct / 10)).padEnd(10, '░');
    return `  ${topicTitle(id).padEnd(width)}  ${String(t.correct).padStart(2)}/${String(t.asked).padEnd(2)}  ${c.dim(bar)} ${pct} %`;
  });
}

function footer(r: RoundResult, topicTitle: (id: string) => string, nextDue: string | undefined, due: number, now: Date): string[] {
  const lines: string[] = [];
  if (r.weakestTopic) {
    lines.push(`${c.bold('Weakest topic:')} ${topicTitle(r.weakestTopic)} ${c.dim(`(redis-learn quiz --topic ${r.weakestTopic})`)}`);
  }
  if (r.unavailable.length) {
    const n = r.unavailable.length;
    lines.push(c.dim(`${plural(n, 'question')} skipped: this server cannot run ${n === 1 ? 'it' : 'them'}`));
  }
  if (nextDue) {
    const when = describeDue(nextDue, now);
    lines.push(
      when === 'now'
        ? `${c.bold('Next review:')} ${plural(due, 'card')} due now ${c.dim('(redis-learn quiz --review)')}`
        : `${c.bold('Next review:')} ${when} ${c.dim(`(${new Date(nextDue).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })})`)}`,
    );
  }
  return lines;
}

/** The round as stored in the progress file. */
export function toStoredRound(r: RoundResult, at: Date): QuizRound {
  return { at: at.toISOString(), asked: r.asked, correct: r.correct, byTopic: r.byTopic };
}
