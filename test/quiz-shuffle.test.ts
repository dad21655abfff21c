// Choice options are shown shuffled, seeded per question: a round replays exactly with its seed, reviews reshuffle,
// grading maps the shown numbers back to the bank's options, and answering the same position every time scores near
// chance instead of 100 % (the bank lists correct options first).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bankEntries } from '../src/quiz/bank.js';
import { gradeChoice } from '../src/quiz/grading.js';
import { pipedInput } from '../src/quiz/input.js';
import { optionOrder, shownCorrect, shownOptions, toBankPicks } from '../src/quiz/option-order.js';
import { runRound, type RoundResult } from '../src/quiz/runner.js';
import type { RoundItem } from '../src/quiz/select.js';
import type { ChoiceQuestion } from '../src/quiz/types.js';

const choiceEntries = bankEntries().filter((e) => e.question.kind === 'choice');
const choices = choiceEntries.map((e) => e.question as ChoiceQuestion);
const single = choices.filter((q) => q.options.filter((o) => o.correct).length === 1);

/** A round of every choice question in the bank, answered from a pipe with the same line each time. */
async function sameAnswerRound(answer: string, seed: number): Promise<{ result: RoundResult; lines: string[] }> {
  const lines: string[] = [];
  const items: RoundItem[] = choiceEntries.map((entry) => ({ type: 'question', entry, due: false }));
  const input = pipedInput(() => {}, Readable.from(items.map(() => `${answer}\n`)));
  const result = await runRound({
    items,
    input,
    seed,
    namespace: 'learn:',
    out: (l) => lines.push(l),
    card: () => undefined,
    saveCard: () => {},
  });
  input.close();
  return { result, lines };
}

describe('option order', () => {
  it('is the same for the same seed and question, and differs between seeds', () => {
    for (const q of choices) expect(optionOrder(q, 7), q.id).toEqual(optionOrder(q, 7));
    const orders = (seed: number) => choices.map((q) => optionOrder(q, seed).join('')).join('|');
    expect(orders(7)).toBe(orders(7));
    expect(orders(7)).not.toBe(orders(8));
    expect(new Set([1, 2, 3, 4, 5].map(orders)).size).toBe(5);
    // Every order is a permutation of the bank's options.
    for (const q of choices) expect([...optionOrder(q, 3)].sort()).toEqual(q.options.map((_, i) => i));
  });

  it('reshuffles a card on each review (the review count salts the seed)', () => {
    const differs = choices.filter((q) => optionOrder(q, 7, 0).join() !== optionOrder(q, 7, 1).join());
    expect(differs.length).toBeGreaterThan(choices.length / 2);
  });

  it('no longer shows the right answer first: over a seeded round, about 1 in n single-answer questions has it at 1', () => {
    const first = single.filter((q) => shownCorrect(q, optionOrder(q, 7))[0] === 1).length;
    expect(first / single.length).toBeLessThan(0.6);
    expect(first).toBeGreaterThan(0);
  });

  it('maps shown positions back to the bank options for grading', () => {
    for (const q of choices) {
      const order = optionOrder(q, 11);
      const right = shownCorrect(q, order);
      expect(gradeChoice(q, toBankPicks(order, right)), q.id).toBe(true);
      // The shown option at a correct position is a correct bank option, and the texts match.
      for (const n of right) expect(shownOptions(q, order)[n - 1]!.correct).toBe(true);
      const wrongPick = order.findIndex((i) => !q.options[i]!.correct) + 1;
      expect(gradeChoice(q, toBankPicks(order, [wrongPick])), q.id).toBe(false);
    }
  });
});

describe('answering the same position every time', () => {
  // Chance for a single-answer question with n options is 1/n; a several-answer question is never right with one pick.
  const expected = single.reduce((sum, q) => sum + 1 / q.options.length, 0);
  const sd = Math.sqrt(single.reduce((sum, q) => sum + (1 / q.options.length) * (1 - 1 / q.options.length), 0));

  it.each([
    ['1', 7],
    ['2', 7],
    ['1', 42],
    ['2', 42],
  ] as const)('always "%s" (seed %i) scores near chance', async (answer, seed) => {
    const { result } = await sameAnswerRound(answer, seed);
    expect(result.asked).toBe(choices.length);
    const singleIds = new Set(single.map((q) => q.id));
    const rightSingle = result.questions.filter((r) => singleIds.has(r.id) && r.correct).length;
    const rightSeveral = result.questions.filter((r) => !singleIds.has(r.id) && r.correct).length;
    expect(rightSeveral).toBe(0);
    // Chance is about a quarter of the single-answer questions; allow four standard deviations either way.
    expect(rightSingle).toBeGreaterThan(0);
    expect(rightSingle / single.length).toBeLessThan(0.6);
    expect(Math.abs(rightSingle - expected), `right ${rightSingle}, chance ${expected.toFixed(1)} ± ${sd.toFixed(1)}`).toBeLessThan(4 * sd);
  });

  it('grades the shown position: picking the right option by its shown number is always right', async () => {
    const items: RoundItem[] = choiceEntries.map((entry) => ({ type: 'question', entry, due: false }));
    const answers = choices.map((q) => shownCorrect(q, optionOrder(q, 5)).join(','));
    const input = pipedInput(() => {}, Readable.from(answers.map((a) => `${a}\n`)));
    const result = await runRound({ items, input, seed: 5, namespace: 'learn:', out: () => {}, card: () => undefined, saveCard: () => {} });
    input.close();
    expect(result.questions.filter((r) => !r.correct).map((r) => r.id)).toEqual([]);
    // The result reports the options in the order they were shown, and the right numbers in that order.
    for (const [i, r] of result.questions.entries()) {
      const q = choices[i]!;
      expect(r.options).toEqual(shownOptions(q, optionOrder(q, 5)).map((o) => o.text.replaceAll('{ns}', 'learn:')));
      expect(r.expected).toBe(answers[i]);
    }
  });

  it('replays a seeded round exactly, option order included', async () => {
    const a = await sameAnswerRound('1', 9);
    const b = await sameAnswerRound('1', 9);
    const c = await sameAnswerRound('1', 10);
    expect(a.lines).toEqual(b.lines);
    const strip = (r: RoundResult) => r.questions.map(({ due: _due, ...rest }) => rest);
    expect(strip(a.result)).toEqual(strip(b.result));
    expect(a.lines).not.toEqual(c.lines);
  });
});
