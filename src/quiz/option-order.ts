// The order a choice question's options are shown in: shuffled per question from the round's seed, so the right
// answer is not always first, and mapped back to the bank's options when grading.
import { mixSeed, mulberry32, shuffle } from '../util/random.js';
import type { ChoiceOption, ChoiceQuestion } from './types.js';

/**
 * Bank indexes (0-based) in the order they are shown. The same seed and question give the same order (`quiz --seed N`
 * replays a round exactly); `salt` varies it between reviews of one card (the card's review count), so a review never
 * shows the order the learner has already memorised.
 */
export function optionOrder(q: Pick<ChoiceQuestion, 'id' | 'options'>, seed: number, salt = 0): number[] {
  const rand = mulberry32(mixSeed(seed, q.id, salt));
  return shuffle(
    q.options.map((_, i) => i),
    rand,
  );
}

/** The options as shown. */
export function shownOptions(q: Pick<ChoiceQuestion, 'options'>, order: readonly number[]): ChoiceOption[] {
  return order.map((i) => q.options[i]!);
}

/** Shown positions (1-based, as typed) → bank positions (1-based), sorted; positions outside the order are dropped. */
export function toBankPicks(order: readonly number[], shownPicks: readonly number[]): number[] {
  return shownPicks
    .filter((p) => p >= 1 && p <= order.length)
    .map((p) => order[p - 1]! + 1)
    .sort((a, b) => a - b);
}

/** The shown positions (1-based) of the correct options, as "2,4". */
export function shownCorrect(q: Pick<ChoiceQuestion, 'options'>, order: readonly number[]): number[] {
  return order.flatMap((bankIndex, shownIndex) => (q.options[bankIndex]!.correct ? [shownIndex + 1] : []));
}
