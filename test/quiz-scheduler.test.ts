// Spaced repetition through ts-fsrs: good answers push a card further out each time, a lapse brings it back; missed
// exercises become due cards; the summary and --review selection read the same cards.
import { describe, expect, it } from 'vitest';
import { PROGRESS_VERSION, type CardState, type Progress } from '../src/progress/store.js';
import { recordMissedExercise, missedCardId } from '../src/quiz/missed.js';
import {
  RELEARN_MS,
  cardRetrievability,
  createScheduler,
  intervalDays,
  isDue,
  newCard,
  retrievability,
  review,
  type Rating,
} from '../src/quiz/scheduler.js';
import { selectRound } from '../src/quiz/select.js';
import { dueCount, nothingDueLine, quizSummary } from '../src/quiz/summary.js';
import { TOPICS } from '../src/quiz/bank/index.js';
import { FIXTURE_TOPICS } from './fixtures/quiz-topics.js';

const DAY = 86_400_000;
const T0 = new Date('2026-01-01T09:00:00Z');
const exact = createScheduler({ fuzz: false });

function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, lessons: {}, quiz: { cards: {}, rounds: [] } };
}

/** Reviews a card at each due date with the given ratings; returns the intervals in days and the cards. */
function intervals(
  ratings: Rating[],
  rev: (c: CardState, r: Rating, now: Date) => CardState = review,
): { gaps: number[]; dues: number[]; cards: CardState[] } {
  let card = newCard(T0);
  let now = T0;
  const gaps: number[] = [];
  const dues: number[] = [];
  const cards: CardState[] = [];
  for (const r of ratings) {
    card = rev(card, r, now);
    const due = Date.parse(card.due);
    gaps.push((due - now.getTime()) / DAY);
    dues.push(due);
    cards.push(card);
    now = new Date(due);
  }
  return { gaps, dues, cards };
}

/** Days from `now` to the card's due date after rating it. */
const gap = (card: CardState, r: Rating, now: Date, rev = review) => (Date.parse(rev(card, r, now).due) - now.getTime()) / DAY;

describe('FSRS scheduler (ts-fsrs)', () => {
  it('pushes the due date further with every good answer', () => {
    for (const rev of [review, exact.review]) {
      const { gaps, dues, cards } = intervals([3, 3, 3, 3, 3, 3], rev);
      for (let i = 1; i < gaps.length; i++) {
        expect(gaps[i]!, `interval ${i + 1} after ${gaps[i - 1]}`).toBeGreaterThan(gaps[i - 1]!);
        expect(dues[i]!).toBeGreaterThan(dues[i - 1]!);
      }
      expect(gaps[0]).toBeGreaterThanOrEqual(1);
      expect(cards.every((c) => c.state === 'Review' && c.scheduledDays === Math.round(gaps[cards.indexOf(c)]!))).toBe(true);
    }
  });

  it('orders intervals again < hard < good < easy, for a new card and a reviewed one', () => {
    const fresh = newCard(T0);
    const first = ([1, 2, 3, 4] as Rating[]).map((r) => gap(fresh, r, T0, exact.review));
    expect(first[0]! * DAY).toBe(RELEARN_MS);
    expect(first[0]).toBeLessThan(first[1]!);
    expect(first[1]).toBeLessThan(first[2]!);
    expect(first[2]).toBeLessThan(first[3]!);
    const { cards, dues } = intervals([3, 3, 3], exact.review);
    const now = new Date(dues[2]!);
    const later = ([1, 2, 3, 4] as Rating[]).map((r) => gap(cards[2]!, r, now, exact.review));
    expect(later[0]! * DAY).toBe(RELEARN_MS);
    expect(later[0]).toBeLessThan(later[1]!);
    expect(later[1]).toBeLessThan(later[2]!);
    expect(later[2]).toBeLessThan(later[3]!);
  });

  it('keeps a wrong first answer in a ten-minute learning step, and graduates a right one to days', () => {
    const wrong = review(newCard(T0), 1, T0);
    expect(wrong).toMatchObject({ state: 'Learning', reps: 1, lapses: 0, scheduledDays: 0, lastGrade: 1 });
    expect(Date.parse(wrong.due) - T0.getTime()).toBe(RELEARN_MS);
    const right = review(wrong, 3, new Date(wrong.due));
    expect(right).toMatchObject({ state: 'Review', reps: 2, lapses: 0 });
    expect(right.scheduledDays).toBeGreaterThanOrEqual(1);
  });

  it('counts a lapse: a reviewed card forgotten comes back in ten minutes, then grows again from a lower stability', () => {
    let card = newCard(T0);
    let now = T0;
    for (let i = 0; i < 4; i++) {
      card = review(card, 3, now);
      now = new Date(card.due);
    }
    const before = card;
    const lapsed = review(card, 1, now);
    expect(Date.parse(lapsed.due) - now.getTime()).toBe(RELEARN_MS);
    expect(lapsed).toMatchObject({ state: 'Relearning', lapses: before.lapses + 1, reps: before.reps + 1, scheduledDays: 0 });
    expect(lapsed.stability).toBeLessThan(before.stability);
    const goodBefore = Date.parse(review(before, 3, now).due) - now.getTime();
    const relearnNow = new Date(lapsed.due);
    const after = review(lapsed, 3, relearnNow);
    expect(after.state).toBe('Review');
    expect(after.lapses).toBe(lapsed.lapses);
    expect(Date.parse(after.due) - relearnNow.getTime()).toBeLessThan(goodBefore);
  });

  it('keeps retrievability at 90 % when the elapsed time equals the stability, and at the due date', () => {
    expect(retrievability(10, 10)).toBeCloseTo(0.9, 6);
    expect(retrievability(0, 10)).toBe(1);
    expect(retrievability(20, 10)).toBeLessThan(0.9);
    expect(intervalDays(10)).toBeCloseTo(10, 6);
    const { cards } = intervals([3, 3, 3, 3], exact.review);
    for (const card of cards) {
      // The interval is the stability rounded to whole days, so recall at the due date is 90 %, give or take that rounding.
      expect(card.scheduledDays).toBe(Math.max(1, Math.round(intervalDays(card.stability))));
      const atDue = cardRetrievability(card, new Date(card.due));
      expect(atDue).toBeCloseTo(retrievability(card.scheduledDays, card.stability), 6);
      expect(atDue).toBeGreaterThanOrEqual(retrievability(card.stability + 0.5, card.stability));
      expect(atDue).toBeLessThanOrEqual(retrievability(card.stability - 0.5, card.stability));
      if (card.stability > 30) expect(atDue).toBeCloseTo(0.9, 2);
      expect(cardRetrievability(card, new Date(card.lastReview!))).toBe(1);
    }
    expect(cardRetrievability(newCard(T0), T0)).toBe(0);
  });

  it('adds no fuzz when it is disabled, and only a little when it is on', () => {
    let differs = 0;
    for (let day = 0; day < 40; day++) {
      const start = new Date(T0.getTime() + day * DAY + day * 37_000);
      let plain = newCard(start);
      let fuzzed = newCard(start);
      let now = start;
      for (let i = 0; i < 4; i++) {
        const p = exact.review(plain, 3, now);
        expect(p.scheduledDays).toBe(Math.max(1, Math.round(p.stability)));
        expect(Date.parse(p.due) - now.getTime()).toBe(p.scheduledDays * DAY);
        // Same memory state, the interval spread by a few percent at most.
        const f = review(plain, 3, now);
        expect(f.stability).toBe(p.stability);
        expect(Math.abs(f.scheduledDays - p.scheduledDays)).toBeLessThanOrEqual(Math.max(1, Math.ceil(p.scheduledDays * 0.15)));
        if (f.scheduledDays !== p.scheduledDays) differs++;
        plain = p;
        fuzzed = f;
        now = new Date(p.due);
      }
      expect(fuzzed.reps).toBe(4);
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('is deterministic for a fixed now, fuzz included', () => {
    const run = (rev: (c: CardState, r: Rating, now: Date) => CardState) => intervals([3, 2, 4, 1, 3, 3], rev).cards;
    expect(run(review)).toEqual(run(review));
    expect(run(createScheduler().review)).toEqual(run(review));
    expect(run(exact.review)).toEqual(run(createScheduler({ fuzz: false }).review));
  });

  it('does not change the card it is given, and keeps its source and title', () => {
    const card = { ...newCard(T0), source: 'lesson:simple:visits-ttl', title: 'A counter' };
    const copy = structuredClone(card);
    const next = review(card, 3, T0);
    expect(card).toEqual(copy);
    expect(next).toMatchObject({ source: card.source, title: card.title });
  });

  it('counts reps and remembers the last grade', () => {
    const c1 = review(newCard(T0), 3, T0);
    const c2 = review(c1, 2, new Date(c1.due));
    expect([c1.reps, c2.reps, c2.lastGrade]).toEqual([1, 2, 2]);
    expect(c2.lastReview).toBe(c1.due);
    expect(isDue(c2, new Date(Date.parse(c2.due) - 1))).toBe(false);
    expect(isDue(c2, new Date(c2.due))).toBe(true);
  });

  it('reviews a card whose last review is later than now (a clock set back) as if just reviewed', () => {
    const c1 = exact.review(newCard(T0), 3, T0);
    const early = new Date(T0.getTime() - DAY);
    const c2 = exact.review(c1, 3, early);
    expect(c2.lastReview).toBe(early.toISOString());
    expect(Date.parse(c2.due)).toBeGreaterThan(early.getTime());
  });

  it('starts a card whose memory state is unusable (hand-edited) again as a new one', () => {
    const broken: CardState = { ...exact.review(newCard(T0), 3, T0), stability: 0, difficulty: 0 };
    const next = exact.review(broken, 3, new Date(T0.getTime() + 2 * DAY));
    expect(next).toMatchObject({ state: 'Review', reps: 2 });
    expect(next.stability).toBeGreaterThan(0);
  });
});

describe('missed exercises, summary and review selection', () => {
  it('turns a missed exercise into a card that is soon due; a miss after it was learnt is a lapse', () => {
    const p = emptyProgress();
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', T0);
    const id = missedCardId('simple', 'visits-ttl');
    const card = p.quiz.cards[id]!;
    expect(card.source).toBe(id);
    expect(card.title).toBe('A counter that expires');
    expect(card.state).toBe('Learning');
    expect(isDue(card, T0)).toBe(false);
    expect(isDue(card, new Date(T0.getTime() + RELEARN_MS))).toBe(true);
    // Missed again while still being learnt: not a lapse, it never was remembered.
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', new Date(T0.getTime() + DAY));
    expect(p.quiz.cards[id]).toMatchObject({ state: 'Learning', reps: 2, lapses: 0 });
    // Recalled at review, then missed in the lesson: a lapse.
    const now = new Date(T0.getTime() + 2 * DAY);
    p.quiz.cards[id] = review(p.quiz.cards[id]!, 3, now);
    recordMissedExercise(p, 'simple', 'visits-ttl', 'A counter that expires', new Date(now.getTime() + 3 * DAY));
    expect(p.quiz.cards[id]).toMatchObject({ state: 'Relearning', reps: 4, lapses: 1, source: id, title: 'A counter that expires' });
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
    expect(quizSummary(emptyProgress())).toEqual({
      cards: 0,
      due: 0,
      nextDue: undefined,
      rounds: 0,
      accuracy: undefined,
      weakestTopic: undefined,
    });
  });
});
