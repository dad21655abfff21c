// Counted nouns in quiz output read right in the singular and the plural: "1 card", never "1 cards" or "card(s)".
import { describe, expect, it } from 'vitest';
import { quizStatus } from '../src/commands/quiz-status.js';
import type { Progress } from '../src/progress/store.js';
import { TOPICS } from '../src/quiz/bank/index.js';
import { summaryLines, type RoundResult } from '../src/quiz/runner.js';
import { describeDue, newCard, review } from '../src/quiz/scheduler.js';
import { nounFor, plural } from '../src/util/plural.js';

const T0 = new Date('2026-01-01T09:00:00Z');

function result(over: Partial<RoundResult>): RoundResult {
  return {
    seed: 1,
    review: false,
    asked: 1,
    correct: 1,
    score: 100,
    byTopic: { alpha: { asked: 1, correct: 1 } },
    completed: true,
    questions: [],
    unavailable: [],
    ...over,
  };
}

describe('plural helper', () => {
  it('uses the singular for exactly one and the plural otherwise, with irregular plurals', () => {
    expect(plural(1, 'card')).toBe('1 card');
    expect(plural(0, 'card')).toBe('0 cards');
    expect(plural(2, 'card')).toBe('2 cards');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(nounFor(1, 'pt')).toBe('pt');
    expect(nounFor(5, 'pt')).toBe('pts');
  });
});

describe('quiz output', () => {
  it('says "1 question skipped … it" and "1 card due now"', () => {
    const one = summaryLines(result({ unavailable: [{ id: 'x', reason: 'no' }] }), (id) => id, T0.toISOString(), 1, T0).join('\n');
    expect(one).toContain('1 question skipped: this server cannot run it');
    expect(one).toContain('1 card due now');
    expect(one).not.toMatch(/\(s\)|1 cards|1 questions/);
    const two = summaryLines(
      result({
        unavailable: [
          { id: 'x', reason: 'no' },
          { id: 'y', reason: 'no' },
        ],
      }),
      (id) => id,
      T0.toISOString(),
      2,
      T0,
    ).join('\n');
    expect(two).toContain('2 questions skipped: this server cannot run them');
    expect(two).toContain('2 cards due now');
  });

  it('counts rounds and cards in the singular in the progress line', async () => {
    const id = TOPICS[0]!.questions[0]!.id;
    const p: Progress = {
      version: 1,
      lessons: {},
      quiz: { cards: { [id]: review(newCard(T0), 3, T0) }, rounds: [{ at: T0.toISOString(), asked: 1, correct: 1, byTopic: {} }] },
    };
    const s = await quizStatus(p, T0);
    expect(s.line).toMatch(/^1 round · 1 card · 0 due/);
    expect(s.line).toMatch(/next review in \d+ days?$/);
    expect(describeDue(new Date(T0.getTime() + 86_400_000).toISOString(), T0)).toBe('in 1 day');
    expect(describeDue(new Date(T0.getTime() + 3 * 86_400_000).toISOString(), T0)).toBe('in 3 days');
  });
});
