// `quiz --interview`: a timed mock interview — the mix of questions, asking them against a time budget, the debrief
// (model answers and key points to self-grade against), the score and the cards.
import { commandLine, wrap } from '../engine/render.js';
import type { CardState, Progress, QuizRound } from '../progress/store.js';
import type { Sandbox } from '../redis/sandbox.js';
import { renderTable } from '../ui/table.js';
import { c, displayWidth, sym } from '../ui/theme.js';
import { plural } from '../util/plural.js';
import { KIND_LABELS, PROOF_PLACES, type BankEntry } from './bank.js';
import { gradeChoice, gradePredict, parseChoice } from './grading.js';
import type { QuizInput } from './input.js';
import { QuestionUnavailable, checkCommandAnswer, prepareQuestion, runPredictCommands } from './live.js';
import { optionOrder, shownCorrect, shownOptions, toBankPicks } from './option-order.js';
import { describeDue, newCard, review, type Rating } from './scheduler.js';
import { hang, md } from './runner.js';
import { selectRound } from './select.js';
import type { TopicTally } from './summary.js';
import { expectedReply, type Question, type QuestionKind, type QuizLevel, type Topic } from './types.js';

export const INTERVIEW_DEFAULTS = { level: 'advanced' as QuizLevel, count: 6, minutes: 20 };

/** The topic whose open questions are design questions: an interview has one when the level offers one. */
export const DESIGN_TOPIC = 'system-design';

/** Where a level too thin on questions borrows from: the nearest level first. */
const FALLBACK: Record<QuizLevel, QuizLevel[]> = {
  beginner: ['beginner', 'intermediate', 'advanced'],
  intermediate: ['intermediate', 'advanced', 'beginner'],
  advanced: ['advanced', 'intermediate', 'beginner'],
};

const isLive = (q: Question): boolean => q.kind === 'command' || q.kind === 'predict';

export interface InterviewPlanOptions {
  level: QuizLevel;
  topic?: string;
  count: number;
  seed: number;
  now?: Date;
  topics?: readonly Topic[];
}

export interface InterviewPlan {
  /** In the order they are asked: a choice warm-up (if any), live and explain questions in turn, the design question last. */
  entries: BankEntry[];
  /** Live questions not picked, in order of preference: one takes the place of a live question this server cannot run. */
  spares: BankEntry[];
  /** What the selection had to do differently (another level, fewer questions), to tell the learner. */
  notes: string[];
}

/**
 * About half open questions (one of them a design question when the level has one), the rest live questions, at most
 * one choice question when the level is short of live ones. A level short of open or live questions borrows from the
 * nearest level, and the notes say so. Within each kind, unseen and due questions come first (as in a normal round),
 * in the seed's order.
 */
export function planInterview(p: Progress, opts: InterviewPlanOptions): InterviewPlan {
  const ordered = (level: QuizLevel): BankEntry[] =>
    selectRound(p, {
      filter: { topic: opts.topic, level },
      count: Number.MAX_SAFE_INTEGER,
      seed: opts.seed,
      now: opts.now,
      topics: opts.topics,
    }).flatMap((it) => (it.type === 'question' ? [it.entry] : []));
  const chain = FALLBACK[opts.level];
  const pools = new Map(chain.map((l) => [l, ordered(l)]));
  const taken = new Set<string>();
  let designPicked = false;
  const where = opts.topic ? ` in ${opts.topic}` : '';
  const isOpen = (q: Question) => q.kind === 'open';
  const isChoice = (q: Question) => q.kind === 'choice';

  /** Up to `want` unpicked questions that `match`, from `levels` in turn. */
  const take = (want: number, match: (q: Question) => boolean, levels: readonly QuizLevel[]): BankEntry[] => {
    const got: BankEntry[] = [];
    for (const level of levels) {
      const pool = pools.get(level)!.filter((e) => match(e.question) && !taken.has(e.question.id));
      // One design question when the level has one: it is what a senior interview is built around.
      if (match === isOpen && !opts.topic && !designPicked) {
        const design = pool.findIndex((e) => e.topic.id === DESIGN_TOPIC);
        if (design > 0) pool.unshift(...pool.splice(design, 1));
      }
      for (const e of pool.slice(0, Math.max(0, want - got.length))) {
        got.push(e);
        taken.add(e.question.id);
        if (e.topic.id === DESIGN_TOPIC && e.question.kind === 'open') designPicked = true;
      }
    }
    return got;
  };

  const openWant = Math.ceil(opts.count / 2);
  const liveWant = opts.count - openWant;
  const here = [opts.level];
  const others = chain.slice(1);
  const opens = take(openWant, isOpen, here);
  const lives = take(liveWant, isLive, here);
  // Short of live questions at the level: one choice question at the level before borrowing from another.
  const choices = lives.length < liveWant ? take(1, isChoice, here) : [];
  // Then the nearest levels, for what is still missing.
  opens.push(...take(openWant - opens.length, isOpen, others));
  lives.push(...take(liveWant - lives.length - choices.length, isLive, others));
  // A topic short of open questions: live ones fill in, and the other way round; a choice only if nothing else is left.
  const short = () => opts.count - opens.length - lives.length - choices.length;
  if (short() > 0) lives.push(...take(short(), isLive, chain));
  if (short() > 0) opens.push(...take(short(), isOpen, chain));
  if (short() > 0 && choices.length === 0) choices.push(...take(1, isChoice, chain));
  const notes = borrowNotes(opts.level, where, { open: opens, live: lives, choice: choices });
  const total = opens.length + lives.length + choices.length;
  if (total < opts.count) notes.push(`only ${plural(total, 'question')} to ask${where}, not ${opts.count}`);

  const design = opts.topic ? -1 : opens.findIndex((e) => e.topic.id === DESIGN_TOPIC);
  const designQ = design >= 0 ? opens.splice(design, 1) : [];
  const mixed: BankEntry[] = [];
  for (let i = 0; i < Math.max(lives.length, opens.length); i++) {
    if (lives[i]) mixed.push(lives[i]!);
    if (opens[i]) mixed.push(opens[i]!);
  }
  const spares = chain.flatMap((l) => pools.get(l)!.filter((e) => isLive(e.question) && !taken.has(e.question.id)));
  return { entries: [...choices, ...mixed, ...designQ], spares, notes };
}

function borrowNotes(level: QuizLevel, where: string, groups: Record<'open' | 'live' | 'choice', BankEntry[]>): string[] {
  const notes: string[] = [];
  for (const [label, group] of Object.entries(groups)) {
    const other = group.filter((e) => e.question.level !== level);
    if (!other.length) continue;
    const byLevel = new Map<string, number>();
    for (const e of other) byLevel.set(e.question.level, (byLevel.get(e.question.level) ?? 0) + 1);
    const from = [...byLevel].map(([l, n]) => `${n} from ${l}`).join(', ');
    notes.push(`only ${plural(group.length - other.length, `${label} question`)} at ${level} level${where}: ${from}`);
  }
  return notes;
}

/** "3 min 20 s", "45 s", "20 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m === 0) return `${rest} s`;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

/**
 * Which key points the learner's answer hit: "1 3 4", "1,3", "b d" (1-based); empty, "none", "-" or "0" is none and
 * "all" is every one. Null when the text is not such a list (a number out of range, a word).
 */
export function parseKeyPointHits(text: string, total: number): number[] | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'none' || t === '-' || t === '0') return [];
  if (t === 'all') return Array.from({ length: total }, (_, i) => i + 1);
  return parseChoice(t, total);
}

/** The card's rating for the share of an answer that was right: 75 % or more good, 40 % or more hard, else again. */
export function ratingForShare(share: number): Rating {
  return share >= 0.75 ? 3 : share >= 0.4 ? 2 : 1;
}

/** One line on the whole interview, from its score in percent. */
export function verdictLine(percent: number): string {
  if (percent >= 80) return 'Strong: you would likely pass this round.';
  if (percent >= 60) return 'Promising: close the gaps the missed key points show, and you are there.';
  if (percent >= 40) return 'Not yet: go over the model answers, then redo them with redis-learn quiz --review.';
  return 'Keep practising: try an easier level first (--level), then come back.';
}

export interface InterviewQuestion {
  id: string;
  topic: string;
  level: QuizLevel;
  kind: QuestionKind;
  /** The question as asked. */
  question: string;
  /** What the learner typed; an open answer's lines joined with newlines. */
  answer: string;
  /** From the question shown to the answer given. */
  seconds: number;
  budgetSeconds: number;
  overTime: boolean;
  /** Open questions: the model answer, the key points, the numbers the learner said their answer hit, as typed. */
  modelAnswer?: string;
  keyPoints?: string[];
  hit?: number[];
  selfGrade?: string;
  /** Live and choice questions: graded by the server (or the bank) when answered. */
  passed?: boolean;
  /** Choice questions: the options in the order shown, which the typed numbers refer to. */
  options?: string[];
  expected?: string;
  actual?: string;
  /** 0–1: key points hit / key points, or 1 for a pass and 0 for a fail. */
  score: number;
  /** "2/4 key points", "pass", "fail". */
  result: string;
  rating: Rating;
  /** When the card comes back (ISO). */
  due: string;
}

export interface InterviewResult {
  mode: 'interview';
  seed: number;
  level: QuizLevel;
  topic: string | null;
  minutes: number;
  /** The time budget of each question: the minutes over the count. */
  budgetSeconds: number;
  notes: string[];
  /** Whether every question was asked (false when input ended early). */
  completed: boolean;
  asked: number;
  /** Sum of the questions' scores (each 0–1). */
  points: number;
  /** Percent of `asked`, 0–100. */
  score: number;
  verdict: string;
  totalSeconds: number;
  overTime: number;
  questions: InterviewQuestion[];
  /** Live questions this server could not run, with the reason: replaced by a spare when one was left. */
  unavailable: { id: string; reason: string }[];
}

export interface InterviewOptions {
  plan: InterviewPlan;
  input: QuizInput;
  seed: number;
  level: QuizLevel;
  topic?: string;
  count: number;
  minutes: number;
  /** Namespace shown in questions before any sandbox exists. */
  namespace: string;
  /** Opens the sandbox on first use; absent when the interview has no live question. */
  sandbox?: () => Promise<Sandbox>;
  out?: (line: string) => void;
  card: (id: string) => CardState | undefined;
  /** Persists a card as soon as its question is graded, so an interrupted debrief keeps what was graded. */
  saveCard: (id: string, card: CardState) => void;
  now?: () => Date;
}

/** What the interview keeps of an answer until the debrief grades it. */
type Answered = Omit<InterviewQuestion, 'score' | 'result' | 'rating' | 'due'> & { entry: BankEntry };

class InputEnded extends Error {}

const rule = (head: string): string => c.bold(`── ${head} ${'─'.repeat(Math.max(2, 70 - displayWidth(head)))}`);

export async function runInterview(opts: InterviewOptions): Promise<InterviewResult> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const expand = (s: string) => s.replaceAll('{ns}', opts.namespace);
  const budget = (opts.minutes * 60) / opts.count;
  const total = opts.plan.entries.length;
  const spares = [...opts.plan.spares];
  const answered: Answered[] = [];
  const unavailable: InterviewResult['unavailable'] = [];
  let completed = true;
  let sandbox: Sandbox | undefined;
  const sb = async (): Promise<Sandbox> => {
    if (!opts.sandbox) throw new Error('this question needs Redis, but the interview has no sandbox');
    sandbox ??= await opts.sandbox();
    return sandbox;
  };
  const need = <T>(v: T | null): T => {
    if (v === null) throw new InputEnded();
    return v;
  };

  if (total === 0) {
    for (const n of opts.plan.notes) out(c.dim(`note: ${n}`));
    out('No question fits an interview with these options.');
  } else {
    out('');
    out(c.bold(`Mock interview · ${opts.level} · ${plural(total, 'question')} · ${formatDuration(budget * total)}`));
    out(c.dim(`about ${formatDuration(budget)} a question · seed ${opts.seed} (replay with --seed ${opts.seed})`));
    for (const n of opts.plan.notes) out(c.dim(`  note: ${n}`));
    out(
      c.dim(
        wrap(
          'Answer as you would to an interviewer: open questions in your own words (an empty line ends the answer), live ones on the server. The clock is only a guide: nothing is cut off. Model answers, key points and your score come at the end.',
        ),
      ),
    );
  }

  try {
    for (let i = 0; i < total; i++) {
      let entry: BankEntry | undefined = opts.plan.entries[i]!;
      while (entry) {
        try {
          answered.push(await ask(entry, i + 1));
          break;
        } catch (err) {
          if (!(err instanceof QuestionUnavailable)) throw err;
          unavailable.push({ id: entry.question.id, reason: err.message });
          entry = spares.shift();
          out(
            `  ${c.yellow('skipped:')} this server cannot run it (${err.message}); ${entry ? 'another question takes its place' : 'it does not count'}`,
          );
        }
      }
    }
  } catch (err) {
    if (!(err instanceof InputEnded)) throw err;
    completed = false;
    out('');
    out(c.dim('  (input ended: the interview stops here)'));
  } finally {
    if (sandbox) await sandbox.reset('quiz').catch(() => 0);
  }

  const questions: InterviewQuestion[] = [];
  if (answered.length) {
    out('');
    out(c.bold('Debrief'));
    out(c.dim('  model answers and key points: say which points your answers hit; live questions are already graded'));
  }
  let inputOpen = true;
  for (const [i, a] of answered.entries()) {
    const graded = await debrief(a, i + 1);
    const card = review(opts.card(a.id) ?? newCard(now()), graded.rating, now());
    opts.saveCard(a.id, card);
    out(c.dim(`  next review ${describeDue(card.due, now())}`));
    const { entry: _entry, ...rest } = a;
    questions.push({ ...rest, ...graded, due: card.due });
  }

  const points = questions.reduce((sum, q) => sum + q.score, 0);
  const score = questions.length ? Math.round((points / questions.length) * 100) : 0;
  const result: InterviewResult = {
    mode: 'interview',
    seed: opts.seed,
    level: opts.level,
    topic: opts.topic ?? null,
    minutes: opts.minutes,
    budgetSeconds: Math.round(budget),
    notes: opts.plan.notes,
    completed,
    asked: questions.length,
    points: Math.round(points * 100) / 100,
    score,
    verdict: questions.length ? verdictLine(score) : 'No questions answered.',
    totalSeconds: questions.reduce((sum, q) => sum + q.seconds, 0),
    overTime: questions.filter((q) => q.overTime).length,
    questions,
    unavailable,
  };
  for (const line of interviewSummaryLines(result)) out(line);
  return result;

  async function ask(entry: BankEntry, n: number): Promise<Answered> {
    const q = entry.question;
    const head = `Question ${n}/${total} · ${entry.topic.title} · ${q.level} · ${KIND_LABELS[q.kind]} · ${formatDuration(budget)}`;
    out('');
    out(rule(head));
    // A live question's setup runs before the clock starts (and may make it unavailable here).
    if (q.kind === 'command') await prepareQuestion(await sb(), q.setup, q.answer);
    if (q.kind === 'predict') await prepareQuestion(await sb(), q.setup, q.commands);
    out(c.dim(`holds for ${q.versions}`));
    if ((q.kind === 'command' || q.kind === 'predict') && q.setup?.length) {
      out(c.dim('  given:'));
      for (const line of q.setup) out(c.dim(`    ${expand(line)}`));
    }
    out(wrap(md(expand(q.question))));
    const started = now().getTime();
    const base = {
      entry,
      id: q.id,
      topic: entry.topic.id,
      level: q.level,
      kind: q.kind,
      question: expand(q.question),
      budgetSeconds: Math.round(budget),
    };
    let got: Omit<Answered, keyof typeof base | 'seconds' | 'overTime'>;
    switch (q.kind) {
      case 'open': {
        const lines: string[] = [];
        for (;;) {
          const line = await opts.input.text(lines.length ? '…' : 'Your answer (an empty line ends it):');
          // Input ending mid-answer ends the answer; ending before any line ends the interview.
          if (line === null && lines.length === 0) throw new InputEnded();
          if (line === null || line.trim() === '') break;
          lines.push(line);
        }
        got = { answer: lines.join('\n'), modelAnswer: expand(q.explanation), keyPoints: q.keyPoints.map(expand) };
        break;
      }
      case 'command': {
        const box = await sb();
        const line = need(await opts.input.text(c.cyan(`redis-learn ${sym.arrow}`)));
        const elapsed = now().getTime();
        const graded = await checkCommandAnswer(box, q, line, { confirm: (question) => opts.input.confirm(question) });
        // What ran is shown as a terminal would; whether it passes waits for the debrief.
        for (const rec of graded.run.ran) out(commandLine(rec));
        if (graded.run.refused) out(`  ${c.yellow(sym.fail)} not run: ${graded.run.refused.line}: ${graded.run.refused.reason}`);
        return timed(
          { ...base, answer: line, passed: graded.pass, expected: graded.expected, actual: graded.actual },
          (elapsed - started) / 1000,
        );
      }
      case 'predict': {
        for (const cmd of q.commands) out(`  ${c.cyan(sym.prompt)} ${expand(cmd)}`);
        const answer = need(await opts.input.text('The last reply, as redis-cli prints it:'));
        const elapsed = now().getTime();
        const box = await sb();
        const run = await runPredictCommands(box, q);
        const stated = expectedReply(q, box.target.product);
        const passed = gradePredict(run.reply, answer) || (!gradePredict(stated, run.reply) && gradePredict(stated, answer));
        return timed({ ...base, answer, passed, expected: run.reply, actual: run.reply }, (elapsed - started) / 1000);
      }
      case 'choice': {
        const order = optionOrder(q, opts.seed);
        const shown = shownOptions(q, order).map((o) => expand(o.text));
        const several = q.options.filter((o) => o.correct).length > 1;
        if (!opts.input.interactive) shown.forEach((o, k) => out(hang(`    ${k + 1}. `, md(o))));
        const answer = need(
          await opts.input.choice(several ? 'Pick every correct option (e.g. 1,3):' : `Your answer (1–${shown.length}):`, shown, several),
        );
        const passed = gradeChoice(q, toBankPicks(order, parseChoice(answer, shown.length) ?? []));
        got = { answer, passed, expected: shownCorrect(q, order).join(','), options: shown };
        break;
      }
    }
    return timed({ ...base, ...got }, (now().getTime() - started) / 1000);
  }

  function timed(a: Omit<Answered, 'seconds' | 'overTime'>, seconds: number): Answered {
    const overTime = seconds > budget;
    const s = Math.round(seconds);
    out(
      overTime
        ? `  ${c.yellow(`${formatDuration(s)} · over time`)} ${c.dim(`(budget ${formatDuration(budget)})`)}`
        : c.dim(`  ${formatDuration(s)} of ${formatDuration(budget)}`),
    );
    return { ...a, seconds: s, overTime };
  }

  async function debrief(a: Answered, n: number): Promise<Pick<InterviewQuestion, 'score' | 'result' | 'rating' | 'hit' | 'selfGrade'>> {
    const q = a.entry.question;
    const time = `${formatDuration(a.seconds)}${a.overTime ? ', over time' : ''}`;
    out('');
    out(rule(`${n}/${answered.length} · ${a.entry.topic.title} · ${KIND_LABELS[q.kind]} · ${time}`));
    out(wrap(md(a.question)));
    if (q.kind === 'open') {
      out(c.bold('  Your answer'));
      if (a.answer.trim()) for (const line of a.answer.split('\n')) out(hang('    ', line));
      else out(c.dim('    (no answer)'));
      out(c.bold('  Model answer'));
      out(wrap(md(a.modelAnswer!)));
      out(c.bold('  Key points'));
      const points = a.keyPoints!;
      points.forEach((k, i) => out(hang(`    ${i + 1}. `, md(k))));
      const { hit, typed } = await keyPointHits(points.length);
      const score = points.length ? hit.length / points.length : 0;
      out(`  ${hit.length === points.length ? c.green(sym.ok) : c.yellow(sym.dot)} ${hit.length}/${points.length} key points`);
      return { hit, selfGrade: typed, score, result: `${hit.length}/${points.length} key points`, rating: ratingForShare(score) };
    }
    if (q.kind === 'choice') {
      out(
        `  ${a.passed ? `${c.green(sym.ok)} right` : `${c.red(sym.fail)} you said ${a.answer.trim() || '(nothing)'}; the answer is ${a.expected}`}`,
      );
      const order = optionOrder(q, opts.seed);
      shownOptions(q, order).forEach((o, i) => {
        const mark = o.correct ? c.green(sym.ok) : c.dim(sym.dot);
        out(hang(`  ${mark} ${i + 1}. `, `${md(expand(o.text))} ${c.dim('—')} ${md(expand(o.why))}`));
      });
    } else if (q.kind === 'command') {
      out(`  ${c.dim('you ran:')} ${a.answer.trim() || '(no command)'}`);
      out(
        a.passed
          ? `  ${c.green(sym.ok)} passes: ${a.actual}`
          : `  ${c.red(sym.fail)} expected ${a.expected}, found ${a.actual}\n  ${c.magenta('a reference answer:')} ${q.answer.map(expand).join(' ; ')}`,
      );
    } else if (q.kind === 'predict') {
      for (const cmd of q.commands) out(`  ${c.cyan(sym.prompt)} ${expand(cmd)}`);
      out(
        a.passed
          ? hang(`  ${c.green(sym.ok)} right: `, a.expected ?? '')
          : hang(`  ${c.red(sym.fail)} `, `the reply is ${a.expected}; you said ${a.answer.trim() || '(nothing)'}`),
      );
    }
    out('');
    out(wrap(md(expand(q.explanation))));
    if (q.proof?.length) {
      out(c.dim(`  ${PROOF_PLACES[q.proofOn ?? 'repl']}:`));
      for (const p of q.proof) out(c.dim(`    ${expand(p)}`));
    }
    return { score: a.passed ? 1 : 0, result: a.passed ? 'pass' : 'fail', rating: a.passed ? 3 : 1 };
  }

  /** The learner's self-grade: a terminal asks again until it reads; a pipe's unreadable line counts as none. */
  async function keyPointHits(count: number): Promise<{ hit: number[]; typed: string }> {
    const prompt = 'Key points your answer hit (e.g. 1 3; empty = none):';
    for (;;) {
      const typed = inputOpen ? await opts.input.text(prompt) : null;
      if (typed === null) {
        if (inputOpen) out(c.dim('  (input ended: this and any answer left count as no key points hit)'));
        inputOpen = false;
        return { hit: [], typed: '' };
      }
      const hit = parseKeyPointHits(typed, count);
      if (hit) return { hit, typed };
      if (!opts.input.interactive) {
        out(c.dim(`  "${typed.trim()}" is not a list of point numbers (1–${count}): counted as none`));
        return { hit: [], typed };
      }
      out(c.dim(`  "${typed.trim()}" is not a list of point numbers: type numbers from 1 to ${count}, or nothing for none`));
    }
  }
}

/** The table of questions, the overall score and its verdict. */
export function interviewSummaryLines(r: InterviewResult): string[] {
  const lines: string[] = [''];
  if (r.asked === 0) return [...lines, c.bold('No questions answered.')];
  lines.push(c.bold('Summary'));
  const rows = r.questions.map((q, i) => [
    String(i + 1),
    q.id,
    q.kind,
    q.overTime ? `${formatDuration(q.seconds)} (over)` : formatDuration(q.seconds),
    q.result,
  ]);
  lines.push(
    renderTable(['#', 'question', 'kind', 'time', 'score'], rows, {
      indent: 2,
      columns: [{ priority: 9 }, { priority: 1, minWidth: 16 }, { priority: 2, drop: true }, { priority: 5 }, { priority: 8 }],
    }),
  );
  const colour = r.score >= 80 ? c.green : r.score >= 50 ? c.yellow : c.red;
  lines.push(
    `${c.bold('Overall')} ${colour(`${r.score} %`)} ${c.dim(`· ${formatPoints(r.points)} of ${r.asked} points (an open answer scores the share of key points it hit)`)}`,
  );
  lines.push(`${c.bold('Verdict:')} ${r.verdict}`);
  const budget = r.budgetSeconds * r.asked;
  lines.push(
    c.dim(
      `Time ${formatDuration(r.totalSeconds)} of ${formatDuration(budget)}${r.overTime ? ` · over time on ${plural(r.overTime, 'question')}` : ''}`,
    ),
  );
  if (!r.completed) lines.push(c.dim('The interview stopped early: only the questions answered count.'));
  if (r.unavailable.length)
    lines.push(
      c.dim(`${plural(r.unavailable.length, 'question')} skipped: this server cannot run ${r.unavailable.length === 1 ? 'it' : 'them'}`),
    );
  return lines;
}

const formatPoints = (n: number): string => String(Math.round(n * 100) / 100);

/** The interview as stored with the rounds: a question counts as correct when its card was not rated again. */
export function toStoredInterview(r: InterviewResult, at: Date): QuizRound {
  const byTopic: TopicTally = {};
  for (const q of r.questions) {
    const t = (byTopic[q.topic] ??= { asked: 0, correct: 0 });
    t.asked++;
    if (q.rating >= 2) t.correct++;
  }
  return { at: at.toISOString(), asked: r.asked, correct: r.questions.filter((q) => q.rating >= 2).length, byTopic };
}
