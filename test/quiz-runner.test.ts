// A round run in-process on fixture topics with piped answers: grading per kind, cards saved per answer, the quiz
// scope's keys removed afterwards, and end of input ending the round early.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardState } from '../src/progress/store.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { LESSONS } from '../src/lessons/index.js';
import type { Progress } from '../src/progress/store.js';
import { findEntry } from '../src/quiz/bank.js';
import { pipedInput, type QuizInput } from '../src/quiz/input.js';
import { missedCardId, recordMissedExercise } from '../src/quiz/missed.js';
import { runRound, summaryLines, type RoundResult } from '../src/quiz/runner.js';
import { selectRound, type RoundItem } from '../src/quiz/select.js';
import { optionOrder, shownCorrect } from '../src/quiz/option-order.js';
import type { ChoiceQuestion, PredictQuestion } from '../src/quiz/types.js';
import { FIXTURE_TOPICS, alpha, beta } from './fixtures/quiz-topics.js';
import { openSandbox } from './helpers.js';

const NS = 'quiztest:run:';
let sb: Sandbox;

beforeAll(async () => {
  sb = await openSandbox(8, NS);
  await sb.reset();
});

afterAll(async () => {
  await sb.reset();
  await sb.close();
});

function itemsById(ids: string[]): RoundItem[] {
  const all = selectRound(
    { version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } },
    { filter: {}, count: 99, seed: 1, topics: FIXTURE_TOPICS },
  );
  return ids.map((id) => all.find((it) => it.type === 'question' && it.entry.question.id === id)!);
}

async function round(
  ids: string[] | RoundItem[],
  answers: string[],
): Promise<{ result: RoundResult; cards: Record<string, CardState>; lines: string[] }> {
  const lines: string[] = [];
  const cards: Record<string, CardState> = {};
  const input = pipedInput((l) => lines.push(l), Readable.from(answers.map((a) => `${a}\n`)));
  const result = await runRound({
    items: typeof ids[0] === 'string' ? itemsById(ids as string[]) : (ids as RoundItem[]),
    input,
    seed: 1,
    namespace: NS,
    sandbox: () => Promise.resolve(sb),
    out: (l) => lines.push(l),
    card: (id) => cards[id],
    saveCard: (id, card) => (cards[id] = card),
  });
  input.close();
  return { result, cards, lines };
}

const ORDER = ['alpha-choice-one', 'alpha-command', 'alpha-predict', 'beta-choice-many', 'beta-open', 'beta-predict-error'];
const ONE = alpha.questions[0] as ChoiceQuestion;
const MANY = beta.questions[0] as ChoiceQuestion;

/** The right pick as the round shows the options (shuffled from the round's seed, 1 here). */
const right = (q: ChoiceQuestion, seed = 1): string => shownCorrect(q, optionOrder(q, seed)).join(',');
/** A wrong single pick, as shown. */
const wrong = (q: ChoiceQuestion, seed = 1): string => String(optionOrder(q, seed).findIndex((i) => !q.options[i]!.correct) + 1);

describe('a piped round', () => {
  it('grades right answers of every kind as right and schedules each card', async () => {
    const { result, cards, lines } = await round(ORDER, [
      right(ONE),
      `SET ${NS}visits 1 EX 60`,
      '(integer) 7',
      right(MANY),
      'good',
      'WRONGTYPE',
    ]);
    expect(result.questions.map((q) => [q.id, q.correct])).toEqual(ORDER.map((id) => [id, true]));
    expect(result).toMatchObject({ asked: 6, correct: 6, score: 100, completed: true, weakestTopic: undefined });
    expect(result.byTopic).toEqual({ alpha: { asked: 3, correct: 3 }, beta: { asked: 3, correct: 3 } });
    expect(Object.keys(cards).sort()).toEqual([...ORDER].sort());
    for (const id of ORDER) expect(cards[id]!.reps).toBe(1);
    // The learner's command and the predicted sequence were shown with their replies.
    expect(lines.join('\n')).toMatch(/SET quiztest:run:visits 1 EX 60\s+OK/);
    expect(lines.join('\n')).toMatch(/INCR quiztest:run:n\s+\(integer\) 7/);
    const [, left] = await sb.admin.scan('0', 'MATCH', `${NS}*`, 'COUNT', 1000);
    expect(left).toEqual([]);
  });

  it('grades wrong answers as wrong, shows expected vs actual, and names the weakest topic', async () => {
    const { result, lines } = await round(ORDER, [wrong(ONE), `SET ${NS}visits 1`, '6', right(MANY).split(',')[0]!, 'again', 'OK']);
    expect(result.questions.map((q) => q.correct)).toEqual([false, false, false, false, false, false]);
    const text = lines.join('\n');
    expect(text).toMatch(/expected quiztest:run:visits TTL 1\.\.60 s, found quiztest:run:visits TTL -1 \(no expiry\)/);
    expect(text).toMatch(/a reference answer: SET quiztest:run:visits 1 EX 60/);
    expect(text).toMatch(/expected \(integer\) 7, you said 6/);
    expect(text).toMatch(/HSET writes a hash field/);
    expect(result.weakestTopic).toBeDefined();
    const summary = summaryLines(result, (id) => id.toUpperCase(), new Date(Date.now() + 600_000).toISOString(), 0).join('\n');
    expect(summary).toMatch(/Score 0\/6 \(0 %\)/);
    expect(summary).toMatch(/Weakest topic: (ALPHA|BETA)/);
    expect(summary).toMatch(/Next review: in 10 min/);
  });

  it('refuses a command outside the sandbox and grades it wrong', async () => {
    const { result, lines } = await round(['alpha-command'], ['SET visits 1 EX 60']);
    expect(result.questions[0]!.correct).toBe(false);
    expect(lines.join('\n')).toMatch(/not run: SET visits 1 EX 60: key visits is outside the sandbox/);
    expect(await sb.admin.exists('visits')).toBe(0);
  });

  it('ends early at end of input and still reports what was answered', async () => {
    const { result, cards } = await round(ORDER, [right(ONE), `SET ${NS}visits 1 EX 60`]);
    expect(result).toMatchObject({ asked: 2, correct: 2, completed: false });
    expect(Object.keys(cards)).toHaveLength(2);
  });

  it('never grades an empty self-grade from a pipe as good: it counts as again', async () => {
    const { result, cards, lines } = await round(['beta-open'], ['']);
    expect(result.questions[0]).toMatchObject({ correct: false, rating: 1 });
    expect(cards['beta-open']!.lastGrade).toBe(1);
    expect(lines.join('\n')).toMatch(/no grade given: counted as again/);
  });

  it('asks again at a terminal when the self-grade is empty, instead of taking a default', async () => {
    const asked: string[] = [];
    const grades = ['', '  ', 'hard'];
    const input: QuizInput = {
      interactive: true,
      choice: () => Promise.resolve(null),
      text: () => Promise.resolve(null),
      draft: () => Promise.resolve(true),
      selfGrade: (message) => {
        asked.push(message);
        return Promise.resolve(grades.shift() ?? null);
      },
      confirm: () => Promise.resolve(false),
      close: () => {},
    };
    const lines: string[] = [];
    const result = await runRound({
      items: itemsById(['beta-open']),
      input,
      seed: 1,
      namespace: NS,
      out: (l) => lines.push(l),
      card: () => undefined,
      saveCard: () => {},
    });
    expect(asked).toHaveLength(3);
    expect(result.questions[0]).toMatchObject({ rating: 2, correct: true, answer: 'hard' });
    expect(lines.join('\n')).toMatch(/pick a grade: again, hard, good or easy/);
  });

  it('shows the setup of a live question (dimmed, "given:") before asking it', async () => {
    const { lines } = await round(['alpha-predict', 'beta-predict-error'], ['(integer) 7', 'WRONGTYPE']);
    const text = lines.join('\n');
    const given = text.indexOf('given:');
    expect(given).toBeGreaterThan(-1);
    expect(text.indexOf(`SET ${NS}n 5`)).toBeGreaterThan(given);
    expect(text.indexOf(`SET ${NS}n 5`)).toBeLessThan(text.indexOf('What does the second INCR reply?'));
    expect(text.indexOf(`SET ${NS}s hello`)).toBeLessThan(text.indexOf('What does LPUSH on a string reply?'));
    // A question without setup shows no "given:".
    const plain = await round(['alpha-command'], [`SET ${NS}visits 1 EX 60`]);
    expect(plain.lines.join('\n')).not.toContain('given:');
  });

  it.each(['system-design-sliding-log', 'pipelining-performance-hscan-small'])(
    '%s shows the state the learner must reason about before the question',
    async (id) => {
      const entry = findEntry(id)!;
      const q = entry.question as PredictQuestion;
      expect(q.setup?.length).toBeGreaterThan(0);
      const { result, lines } = await round([{ type: 'question', entry, due: false }], [q.answer]);
      expect(result.questions[0]).toMatchObject({ id, correct: true });
      const text = lines.join('\n');
      const question = text.indexOf(q.question.split('\n')[0]!.slice(0, 40));
      expect(question).toBeGreaterThan(0);
      expect(text.indexOf('given:')).toBeGreaterThan(-1);
      expect(text.indexOf('given:')).toBeLessThan(question);
      for (const line of q.setup!) {
        const at = text.indexOf(line.replaceAll('{ns}', NS));
        expect(at, line).toBeGreaterThan(text.indexOf('given:'));
        expect(at, line).toBeLessThan(question);
      }
    },
  );

  it('treats an unreadable self-grade from a pipe as again', async () => {
    const { result, cards } = await round(['beta-open'], ['I think it is fast']);
    expect(result.questions[0]).toMatchObject({ correct: false, rating: 1 });
    expect(cards['beta-open']!.lastGrade).toBe(1);
  });

  it('asks a missed lesson exercise back as a self-graded recall with the way to redo it', async () => {
    const lesson = LESSONS.find((l) => l.steps.some((st) => st.kind === 'exercise'))!;
    const stepIndex = lesson.steps.findIndex((st) => st.kind === 'exercise');
    const step = lesson.steps[stepIndex]!;
    const p: Progress = { version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } };
    recordMissedExercise(p, lesson.id, step.id, step.title);
    const id = missedCardId(lesson.id, step.id);
    const { result, lines } = await round([{ type: 'missed', id, card: p.quiz.cards[id]! }], ['good']);
    const text = lines.join('\n');
    expect(text).toContain(`redis-learn lesson ${lesson.id} --step ${stepIndex + 1}`);
    if (step.kind === 'exercise') expect(text).toContain(step.solution[0]!.replaceAll('{ns}', NS));
    expect(result.questions[0]).toMatchObject({ id, topic: 'lessons', kind: 'missed', correct: true, rating: 3 });
  });

  it("skips, without touching it, a question whose keys already exist and are not redis-learn's", async () => {
    await sb.admin.set(`${NS}n`, 'precious');
    try {
      const { result, lines } = await round(['alpha-predict', 'alpha-choice-one'], [right(ONE)]); // a skipped question reads no line
      expect(result.unavailable.map((u) => u.id)).toEqual(['alpha-predict']);
      expect(result).toMatchObject({ asked: 1, correct: 1 });
      expect(lines.join('\n')).toMatch(/skipped: .*already existed and was not created by redis-learn/);
      expect(await sb.admin.get(`${NS}n`)).toBe('precious');
    } finally {
      await sb.admin.del(`${NS}n`);
    }
  });
});
