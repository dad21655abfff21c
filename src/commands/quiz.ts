// `redis-learn quiz`: lists the bank, asks a round or a mock interview (terminal prompts or piped answers), saves the cards.
import { UsageError } from '../errors.js';
import type { CardState } from '../progress/store.js';
import type { BankEntry, ValidFilter } from '../quiz/bank.js';
import type { QuizInput } from '../quiz/input.js';
import type { LoadedProgress, QuizRound } from '../progress/store.js';
import type { GlobalOptions } from '../session.js';
import { emitJson, printWarnings } from './output.js';

export interface QuizOptions {
  topic?: string;
  level?: string;
  /** Questions in the round (default 10; 6 in an interview). */
  count?: number;
  review?: boolean;
  seed?: number;
  list?: boolean;
  /** A timed mock interview instead of a round. */
  interview?: boolean;
  /** The interview's time budget (default 20). */
  minutes?: number;
  json?: boolean;
}

export async function quizCommand(opts: QuizOptions, g: GlobalOptions): Promise<void> {
  if (opts.interview) {
    const clash = opts.review ? '--review' : opts.list ? '--list' : undefined;
    if (clash) throw new UsageError(`--interview cannot be combined with ${clash} (redis-learn quiz --help)`);
  } else if (opts.minutes !== undefined) {
    throw new UsageError('--minutes is the time budget of --interview: add --interview (redis-learn quiz --help)');
  }
  const { bankEntries, filterEntries, validateFilter } = await import('../quiz/bank.js');
  const filter = validateFilter({ topic: opts.topic, level: opts.level });
  if (opts.list) {
    await printList(filterEntries(bankEntries(), filter), Boolean(opts.json));
    return;
  }
  if (opts.interview) await runInterviewCommand(opts, g, filter);
  else await runQuiz(opts, g, filter);
}

/** Where a run's text goes (stderr when stdout carries JSON), its input, and how a graded card is saved. */
async function quizIo(json: boolean): Promise<{
  out: (line: string) => void;
  interactive: boolean;
  input: QuizInput;
  saver: (cards: Record<string, CardState>) => (id: string, card: CardState) => void;
}> {
  const { updateProgress } = await import('../progress/store.js');
  // With --json, stdout carries only the final object: everything a person reads goes to stderr.
  const out = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const interactive = Boolean(process.stdin.isTTY && (json ? process.stderr.isTTY : process.stdout.isTTY));
  const { pipedInput, terminalInput } = await import('../quiz/input.js');
  const input = interactive ? await terminalInput(json ? process.stderr : process.stdout) : pipedInput(out);
  // Each card is saved as soon as it is graded, so an interrupted run keeps what was answered.
  const saver = (cards: Record<string, CardState>) => (id: string, card: CardState) => {
    cards[id] = card;
    const saved = updateProgress((p) => {
      p.quiz.cards[id] = card;
    });
    printWarnings(saved.warnings);
  };
  return { out, interactive, input, saver };
}

async function printList(entries: BankEntry[], json: boolean): Promise<void> {
  if (json) {
    const rows = entries.map((e) => ({
      id: e.question.id,
      topic: e.topic.id,
      level: e.question.level,
      kind: e.question.kind,
      live: e.question.kind === 'command' || e.question.kind === 'predict',
      versions: e.question.versions ?? null,
      question: e.question.question,
    }));
    emitJson(rows);
    return;
  }
  const { renderTable } = await import('../ui/table.js');
  const { c } = await import('../ui/theme.js');
  const { plural } = await import('../util/plural.js');
  // One line per question: the table cuts what does not fit the terminal.
  const oneLine = (s: string) => s.replaceAll('{ns}', 'learn:').replace(/\s+/g, ' ');
  process.stdout.write(
    `${renderTable(
      ['id', 'topic', 'level', 'kind', 'question'],
      entries.map((e) => [e.question.id, e.topic.id, e.question.level, e.question.kind, oneLine(e.question.question)]),
      // The id is what the guide and the cards refer to: it is cut last; then the question gets the room.
      {
        columns: [
          { priority: 9, minWidth: 60 },
          // Ids start with their topic, so the topic column goes first on a narrow terminal.
          { priority: 0, minWidth: 8, drop: true },
          { priority: 3, minWidth: 5 },
          { priority: 3, minWidth: 6 },
          { priority: 2, minWidth: 24 },
        ],
        noteHidden: '--json lists every field',
      },
    )}\n`,
  );
  const topics = new Set(entries.map((e) => e.topic.id)).size;
  process.stdout.write(
    c.dim(`${plural(entries.length, 'question')} · ${plural(topics, 'topic')} · redis-learn quiz [--topic T] [--level L] [--count N]\n`),
  );
}

async function runQuiz(opts: QuizOptions, g: GlobalOptions, filter: ValidFilter): Promise<void> {
  const [{ loadProgress }, { needsRedis }, { selectRound }, { randomSeed }, { plural }, runner, { quizSummary, nothingDueLine }, { c }] =
    await Promise.all([
      import('../progress/store.js'),
      import('../quiz/bank.js'),
      import('../quiz/select.js'),
      import('../util/random.js'),
      import('../util/plural.js'),
      import('../quiz/runner.js'),
      import('../quiz/summary.js'),
      import('../ui/theme.js'),
    ]);
  const { TOPICS } = await import('../quiz/bank/index.js');
  const json = Boolean(opts.json);
  // With --json, stdout carries only the final object: everything a person reads goes to stderr.
  const out = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const count = opts.count ?? 10;
  const { progress, warnings } = loadProgress();
  printWarnings(warnings);

  const seed = opts.seed ?? randomSeed();
  const items = selectRound(progress, { filter, count, review: opts.review, seed });
  const topicTitle = (id: string) => (id === 'lessons' ? 'Missed lesson exercises' : (TOPICS.find((t) => t.id === id)?.title ?? id));

  if (items.length === 0) {
    const s = quizSummary(progress);
    // A review with nothing due says so and when the next card is, instead of quietly starting an ordinary round.
    out(opts.review ? nothingDueLine(progress, filter) : 'No question matches.');
    if (json) {
      emitJson({
        seed,
        review: Boolean(opts.review),
        asked: 0,
        correct: 0,
        score: 0,
        byTopic: {},
        completed: true,
        questions: [],
        unavailable: [],
        due: s.due,
        nextDue: s.nextDue ?? null,
      });
    }
    return;
  }

  const needs = items.some((it) => it.type === 'question' && needsRedis(it.entry.question));
  const { openSession, closeSession } = await import('../session.js');
  // Opened up front when a question needs Redis, so an unreachable server is reported before the first question.
  const sb = needs ? await openSession(g, { json }) : undefined;
  const { interactive, input, saver } = await quizIo(json);

  const due = items.filter((it) => it.type === 'missed' || it.due).length;
  out(
    c.bold(`Redis interview quiz · ${plural(items.length, 'question')}`) +
      c.dim(` · ${opts.review ? `${due} due for review · ` : ''}seed ${seed} (replay with --seed ${seed})`),
  );
  if (!interactive) out(c.dim('answers are read from standard input, one line per question'));

  const cards = { ...progress.quiz.cards };
  let result: Awaited<ReturnType<typeof runner.runRound>>;
  try {
    result = await runner.runRound({
      items,
      input,
      seed,
      review: opts.review,
      namespace: sb?.ns ?? g.namespace,
      sandbox: sb ? () => Promise.resolve(sb) : undefined,
      out,
      card: (id) => cards[id],
      saveCard: saver(cards),
    });
  } finally {
    input.close();
    if (sb) await closeSession(sb);
  }

  const after = await recordRound(result.asked, () => runner.toStoredRound(result, new Date()));
  printWarnings(after.warnings);
  const s = quizSummary(after.progress);
  for (const line of runner.summaryLines(result, topicTitle, s.nextDue, s.due)) out(line);
  if (json) {
    emitJson({ ...result, due: s.due, nextDue: s.nextDue ?? null });
  }
}

async function runInterviewCommand(opts: QuizOptions, g: GlobalOptions, filter: ValidFilter): Promise<void> {
  const [{ loadProgress }, { needsRedis }, interview, { randomSeed }, { quizSummary }, { describeDue }, { c }] = await Promise.all([
    import('../progress/store.js'),
    import('../quiz/bank.js'),
    import('../quiz/interview.js'),
    import('../util/random.js'),
    import('../quiz/summary.js'),
    import('../quiz/scheduler.js'),
    import('../ui/theme.js'),
  ]);
  const json = Boolean(opts.json);
  const { progress, warnings } = loadProgress();
  printWarnings(warnings);
  const seed = opts.seed ?? randomSeed();
  const level = filter.level ?? interview.INTERVIEW_DEFAULTS.level;
  const count = opts.count ?? interview.INTERVIEW_DEFAULTS.count;
  const minutes = opts.minutes ?? interview.INTERVIEW_DEFAULTS.minutes;
  const plan = interview.planInterview(progress, { level, topic: filter.topic, count, seed });

  const needs = plan.entries.some((e) => needsRedis(e.question));
  const { openSession, closeSession } = await import('../session.js');
  // Opened up front when a question needs Redis, so an unreachable server is reported before the first question.
  const sb = needs && plan.entries.length ? await openSession(g, { json }) : undefined;
  const { out, interactive, input, saver } = await quizIo(json);
  if (!interactive && plan.entries.length) {
    out(c.dim('answers are read from standard input: one line per answer; an open answer ends at an empty line'));
  }

  const cards = { ...progress.quiz.cards };
  let result: Awaited<ReturnType<typeof interview.runInterview>>;
  try {
    result = await interview.runInterview({
      plan,
      input,
      seed,
      level,
      topic: filter.topic,
      count,
      minutes,
      namespace: sb?.ns ?? g.namespace,
      sandbox: sb ? () => Promise.resolve(sb) : undefined,
      out,
      card: (id) => cards[id],
      saveCard: saver(cards),
    });
  } finally {
    input.close();
    if (sb) await closeSession(sb);
  }

  const after = await recordRound(result.asked, () => interview.toStoredInterview(result, new Date()));
  printWarnings(after.warnings);
  const s = quizSummary(after.progress);
  if (s.nextDue) {
    const when = describeDue(s.nextDue);
    out(c.dim(when === 'now' ? 'Cards due now: redis-learn quiz --review' : `Next review ${when} (redis-learn quiz --review)`));
  }
  if (json) emitJson({ ...result, due: s.due, nextDue: s.nextDue ?? null });
}

/**
 * Adds a round to the quiz history when anything was asked (the history feeds accuracy figures; a thousand rounds is
 * plenty) and returns the progress as it is now.
 */
async function recordRound(asked: number, round: () => QuizRound): Promise<LoadedProgress> {
  const { loadProgress, updateProgress } = await import('../progress/store.js');
  if (asked === 0) return loadProgress();
  return updateProgress((p) => {
    p.quiz.rounds.push(round());
    if (p.quiz.rounds.length > 1000) p.quiz.rounds.splice(0, p.quiz.rounds.length - 1000);
  });
}
