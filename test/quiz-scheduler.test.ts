// Spaced repetition: good answers push a card further out each time, a lapse brings it back; missed exercises become
// due cards; the summary and --review selection read the same cards.
import { describe, expect, it } from 'vitest';
import type { Progress } from '../src/progress/store.js';
import { recordMissedExercise, missedCardId } from '../src/quiz/missed.js';
import { RELEARN_MS, isDue, newCard, retrievability, review, type Rating } from '../src/quiz/scheduler.js';
import { selectRound } from '../src/quiz/select.js';
import { dueCount, nothingDueLine, quizSummary } from '../src/quiz/summary.js';
import { TOPICS } from '../src/quiz/bank/index.js';
import { FIXTURE_TOPICS } from './fixtures/quiz-topics.js';

const DAY = 86_400_000;
const T0 = new Date('2026-01-01T09:00:00Z');

function emptyProgress(): Progress {
  return { version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } };
}

/** Reviews a card at each due date with the given ratings; returns the intervals in days. */
function intervals(ratings: Rating[]): { gaps: number[]; dues: number[] } {
  let card = newCard(T0);
  let now = T0;
  const gaps: number[] = [];
  const dues: number[] = [];
  for (const r of ratings) {
    card = review(card, r, now);
    const due = Date.parse(card.due);
    gaps.push((due - now.getTime()) / DAY);
    dues.push(due);
    now = new Date(due);
  }
  return { gaps, dues };
}

describe('FSRS scheduler', () => {
  it('pushes the due date further with every good answer', () => {
    const { gaps, dues } = intervals([3, 3, 3, 3, 3, 3]);
    for (let i = 1; i < gaps.length; i++) {
      expect(gaps[i]!, `interval ${i + 1} after ${gaps[i - 1]}`).toBeGreaterThan(gaps[i - 1]!);
      expect(dues[i]!).toBeGreaterThan(dues[i - 1]!);
    }
    expect(gaps[0]).toBeGreaterThanOrEqual(1);
  });

  it('orders first intervals again < hard <= good < easy', () => {
    const first = (r: Rating) => (Date.parse(review(newCard(T0), r, T0).due) - T0.getTime()) / DAY;
    expect(first(1)).toBeLessThan(first(2));
    expect(first(2)).toBeLessThanOrEqual(first(3));
    expect(first(3)).toBeLessThan(first(4));
  });

  it('brings a card back soon after a lapse, then grows it again from a lower stability', () => {
    let card = newCard(T0);
    let now = T0;
    for (let i = 0; i < 4; i++) {
      card = review(card, 3, now);
      now = new Date(card.due);
    }
    const before = card;
    const lapsed = review(card, 1, now);
    expect(Date.parse(lapsed.due) - now.getTime()).toBe(RELEARN_MS);
    expect(lapsed.lapses).toBe(before.lapses + 1);
    expect(lapsed.stability).toBeLessThan(before.stability);
    const goodBefore = Date.parse(review(before, 3, now).due) - now.getTime();
    const relearnNow = new Date(lapsed.due);
    const after = review(lapsed, 3, relearnNow);
    expect(Date.parse(after.due) - relearnNow.getTime()).toBeLessThan(goodBefore);
  });

  it('keeps retrievability at 90 % when the elapsed time equals the stability', () => {
    expect(retrievability(10, 10)).toBeCloseTo(0.9, 6);
    expect(retrievability(0, 10)).toBe(1);
  });

  it('counts reps and remembers the last grade', () => {
    const c1 = review(newCard(T0), 3, T0);
    const c2 = review(c1, 2, new Date(c1.due));
    expect([c1.reps, c2.reps, c2.lastGrade]).toEqual([1, 2, 2]);
    expect(isDue(c2, new Date(Date.parse(c2.due) - 1))).toBe(false);
    expect(isDue(c2, new Date(c2.due))).toBe(true);
  });
});

describe('missed exercises, summary and review selection', () => {
  it('turns a missed exercise into a card that is soon due, and a second miss into a lapse', () => {
    const p = emptyProgress();
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', T0);
    const id = missedCardId('simple', 'visits-ttl');
    const card = p.quiz.cards[id]!;
    expect(card.source).toBe(id);
    expect(card.title).toBe('A counter that expires');
    expect(isDue(card, T0)).toBe(false);
    expect(isDue(card, new Date(T0.getTime() + RELEARN_MS))).toBe(true);
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', new Date(T0.getTime() + DAY));
    expect(p.quiz.cards[id]!.lapses).toBe(1);
    expect(p.quiz.cards[id]!.reps).toBe(2);
  });

  it('asks only due cards in --review, most overdue first, never unseen questions', () => {
    const p = emptyProgress();
    const later = new Date(T0.getTime() + 30 * DAY);
    p.quiz.cards['alpha-predict'] = { ...review(newCard(T0), 1, T0) };
    p.quiz.cards['beta-open'] = { ...review(newCard(T0), 1, new Date(T0.getTime() - DAY)) };
    p.quiz.cards['alpha-command'] = review(newCard(T0), 4, later); // not due
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', T0);
    const now = new Date(T0.getTime() + DAY);
    const items = selectRound(p, { filter: {}, count: 10, review: true, seed: 1, now, topics: FIXTURE_TOPICS });
    const ids = items.map((it) => (it.type === 'missed' ? it.id : it.entry.question.id));
    expect(ids).toEqual(['beta-open', 'alpha-predict', missedCardId('simple', 'visits-ttl')]);
    // A topic filter leaves out missed exercises, which belong to no topic.
    const alpha = selectRound(p, { filter: { topic: 'alpha' }, count: 10, review: true, seed: 1, now, topics: FIXTURE_TOPICS });
    expect(alpha.every((it) => it.type === 'question' && it.entry.topic.id === 'alpha')).toBe(true);
  });

  it('has nothing to review when no card is due, and says when the next one is', () => {
    const p = emptyProgress();
    expect(nothingDueLine(p, {}, T0)).toBe(
      'Nothing is due for review: no review cards yet (a card is made for each question you answer: redis-learn quiz).',
    );
    expect(selectRound(p, { filter: {}, count: 10, review: true, seed: 1, now: T0, topics: FIXTURE_TOPICS })).toEqual([]);
    p.quiz.cards['alpha-predict'] = review(newCard(T0), 1, T0); // due again in 10 min
    p.quiz.cards['beta-open'] = review(newCard(T0), 3, T0); // due in days
    expect(selectRound(p, { filter: {}, count: 10, review: true, seed: 1, now: T0, topics: FIXTURE_TOPICS })).toEqual([]);
    // The line reads the real bank's cards (as `quiz --review` does).
    const [first, second] = TOPICS[0]!.questions;
    const real = emptyProgress();
    real.quiz.cards[first!.id] = review(newCard(T0), 1, T0);
    real.quiz.cards[second!.id] = review(newCard(T0), 3, T0);
    expect(nothingDueLine(real, {}, T0)).toMatch(/^Nothing is due for review; next card due in 10 min \(.+\)\.$/);
    expect(nothingDueLine(real, { topic: TOPICS[1]!.id }, T0)).toMatch(
      new RegExp(`^Nothing in ${TOPICS[1]!.id} is due for review: no review cards yet`),
    );
    // Ten minutes later the relearning card is due and the review asks it alone.
    const later = new Date(T0.getTime() + RELEARN_MS);
    const items = selectRound(p, { filter: {}, count: 10, review: true, seed: 1, now: later, topics: FIXTURE_TOPICS });
    expect(items.map((it) => (it.type === 'question' ? it.entry.question.id : it.id))).toEqual(['alpha-predict']);
  });

  it('orders a normal round by seed, reproducibly', () => {
    const p = emptyProgress();
    const a = selectRound(p, { filter: {}, count: 6, seed: 42, topics: FIXTURE_TOPICS });
    const b = selectRound(p, { filter: {}, count: 6, seed: 42, topics: FIXTURE_TOPICS });
    const ids = (xs: typeof a) => xs.map((it) => (it.type === 'question' ? it.entry.question.id : it.id));
    expect(ids(a)).toEqual(ids(b));
    expect(new Set(ids(a)).size).toBe(6);
    const orders = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((s) => ids(selectRound(p, { filter: {}, count: 6, seed: s, topics: FIXTURE_TOPICS })).join()),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it('summarises cards, due count, accuracy and the weakest topic', () => {
    const p = emptyProgress();
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', T0);
    p.quiz.rounds.push(
      {
        at: T0.toISOString(),
        asked: 4,
        correct: 3,
        byTopic: { fundamentals: { asked: 2, correct: 2 }, cluster: { asked: 2, correct: 1 } },
      },
      { at: T0.toISOString(), asked: 2, correct: 1, byTopic: { fundamentals: { asked: 2, correct: 1 } } },
    );
    const now = new Date(T0.getTime() + DAY);
    const s = quizSummary(p, now);
    expect(s).toMatchObject({ cards: 1, due: 1, rounds: 2, weakestTopic: 'cluster' });
    expect(s.accuracy).toBeCloseTo(4 / 6, 6);
    expect(s.nextDue).toBe(p.quiz.cards[missedCardId('simple', 'visits-ttl')]!.due);
    expect(dueCount(p, now)).toBe(1);
    expect(dueCount(p, T0)).toBe(0);
    expect(quizSummary({ version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } })).toEqual({
      cards: 0,
      due: 0,
      nextDue: undefined,
      rounds: 0,
      accuracy: undefined,
      weakestTopic: undefined,
    });
  });
});
