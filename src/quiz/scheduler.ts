// Spaced repetition through ts-fsrs, the maintained FSRS implementation (default FSRS-6 weights, 90 % target
// retention), over the progress file's CardState. One ten-minute (re)learning step: a wrong answer comes back in the
// same sitting, a right one graduates to days.
import { createEmptyCard, forgetting_curve, fsrs, generatorParameters, S_MIN, State, type Card, type FSRS } from 'ts-fsrs';
import type { CardState, CardStateName } from '../progress/store.js';
import { plural } from '../util/plural.js';

/** FSRS ratings: 1 again (forgot), 2 hard, 3 good, 4 easy (ts-fsrs's Grade). */
export type Rating = 1 | 2 | 3 | 4;
export const RATING_NAMES = ['again', 'hard', 'good', 'easy'] as const;
export type RatingName = (typeof RATING_NAMES)[number];

/** The retention the intervals aim at: a card is due when the chance of recalling it falls to 90 %. */
export const TARGET_RETENTION = 0.9;
/** A forgotten card comes back within the same sitting, as a (re)learning step. */
export const RELEARN_MS = 10 * 60_000;
const STEPS = ['10m'] as const;
const DAY_MS = 86_400_000;

export interface SchedulerOptions {
  /**
   * Spread intervals of 3 days and more by a few percent, as Anki does, so cards learnt together do not stay due
   * together. The spread is seeded by the review time and the card, so a fixed `now` gives a fixed due date. On by default.
   */
  fuzz?: boolean;
}

export interface Scheduler {
  /** The card after a review with this rating at `now`; the input is not changed. */
  review(card: CardState, rating: Rating, now?: Date): CardState;
  /** Probability of recalling the card at `now` (0 for a card never reviewed). */
  retrievability(card: CardState, now?: Date): number;
}

function parameters(fuzz: boolean) {
  return generatorParameters({
    request_retention: TARGET_RETENTION,
    enable_fuzz: fuzz,
    enable_short_term: true,
    learning_steps: STEPS,
    relearning_steps: STEPS,
  });
}

/** The progress file's card as ts-fsrs reads it; a card whose memory state cannot be used starts again as new. */
function toFsrs(card: CardState, now: Date): Card {
  const usable = card.state === 'New' || (card.stability >= S_MIN && card.difficulty >= 1);
  if (!usable) return { ...createEmptyCard(card.due), reps: card.reps, lapses: card.lapses };
  const last = card.lastReview ? Math.min(Date.parse(card.lastReview), now.getTime()) : undefined;
  return {
    due: new Date(card.due),
    stability: card.state === 'New' ? 0 : card.stability,
    difficulty: card.state === 'New' ? 0 : card.difficulty,
    // Deprecated in ts-fsrs and not read when scheduling: the elapsed time comes from last_review.
    elapsed_days: 0,
    scheduled_days: card.scheduledDays,
    learning_steps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: State[card.state],
    last_review: last === undefined ? undefined : new Date(last),
  };
}

function fromFsrs(next: Card, card: CardState, rating: Rating, now: Date): CardState {
  return {
    ...card,
    due: next.due.toISOString(),
    stability: next.stability,
    difficulty: next.difficulty,
    reps: next.reps,
    lapses: next.lapses,
    state: State[next.state] as CardStateName,
    scheduledDays: next.scheduled_days,
    learningSteps: next.learning_steps,
    lastReview: now.toISOString(),
    lastGrade: rating,
  };
}

export function createScheduler(opts: SchedulerOptions = {}): Scheduler {
  const f: FSRS = fsrs(parameters(opts.fuzz ?? true));
  return {
    review: (card, rating, now = new Date()) => fromFsrs(f.next(toFsrs(card, now), now, rating).card, card, rating, now),
    retrievability: (card, now = new Date()) => f.get_retrievability(toFsrs(card, now), now, false),
  };
}

const scheduler = createScheduler();
const { w } = parameters(false);
const intervalModifier = fsrs(parameters(false)).interval_modifier;

/** Probability of recall after `elapsedDays` for a memory of stability `s` days: 90 % when they are equal. */
export function retrievability(elapsedDays: number, s: number): number {
  return forgetting_curve(w, elapsedDays, s);
}

/** Days until retrievability falls to the target retention (before rounding to whole days and fuzz). */
export function intervalDays(s: number): number {
  return s * intervalModifier;
}

/** A card never reviewed: due now. */
export function newCard(now: Date = new Date()): CardState {
  const c = createEmptyCard(now);
  return {
    due: c.due.toISOString(),
    stability: c.stability,
    difficulty: c.difficulty,
    reps: c.reps,
    lapses: c.lapses,
    state: 'New',
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
  };
}

/** The card after a review with this rating at `now`; the input is not changed. */
export function review(card: CardState, rating: Rating, now: Date = new Date()): CardState {
  return scheduler.review(card, rating, now);
}

/** Probability of recalling the card at `now`. */
export function cardRetrievability(card: CardState, now: Date = new Date()): number {
  return scheduler.retrievability(card, now);
}

export function isDue(card: CardState, now: Date = new Date()): boolean {
  return Date.parse(card.due) <= now.getTime();
}

/** "in 3 days", "in 10 min", "now": for the summary line. */
export function describeDue(due: string, now: Date = new Date()): string {
  const ms = Date.parse(due) - now.getTime();
  if (ms <= 0) return 'now';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `in ${min} min`;
  const h = Math.round(ms / 3_600_000);
  if (h < 20) return `in ${h} h`;
  const d = Math.round(ms / DAY_MS);
  return `in ${plural(d, 'day')}`;
}
