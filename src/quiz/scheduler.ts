// Spaced repetition: a compact FSRS-4.5 (default weights, 90 % target retention) over the progress file's CardState.
import type { CardState } from '../progress/store.js';
import { plural } from '../util/plural.js';

/** FSRS ratings: 1 again (forgot), 2 hard, 3 good, 4 easy. */
export type Rating = 1 | 2 | 3 | 4;
export const RATING_NAMES = ['again', 'hard', 'good', 'easy'] as const;
export type RatingName = (typeof RATING_NAMES)[number];

/** FSRS-4.5 default parameters, fitted by the FSRS authors on millions of Anki reviews. */
const W = [
  0.4872, 1.4003, 3.7145, 13.8206, 5.1618, 1.2298, 0.8975, 0.031, 1.6474, 0.1367, 1.0461, 2.1072, 0.0793, 0.3246, 1.587, 0.2272, 2.8755,
] as const;
const DECAY = -0.5;
/** Chosen so that retrievability is exactly 90 % when elapsed time equals stability. */
const FACTOR = 19 / 81;
const RETENTION = 0.9;
const DAY_MS = 86_400_000;
/** A forgotten card comes back within the same sitting, as a relearning step. */
export const RELEARN_MS = 10 * 60_000;
const MAX_INTERVAL_DAYS = 36_500;

const clampDifficulty = (d: number): number => Math.min(10, Math.max(1, d));

/** Probability of recall after `elapsedDays` for a memory of stability `s` days. */
export function retrievability(elapsedDays: number, s: number): number {
  return Math.pow(1 + (FACTOR * elapsedDays) / s, DECAY);
}

/** Days until retrievability falls to the target retention. */
export function intervalDays(s: number): number {
  return (s / FACTOR) * (Math.pow(RETENTION, 1 / DECAY) - 1);
}

function initialDifficulty(g: Rating): number {
  return clampDifficulty(W[4] - (g - 3) * W[5]);
}

function nextDifficulty(d: number, g: Rating): number {
  // Mean reversion towards the difficulty of an "easy" first answer keeps difficulty from drifting to the bounds.
  return clampDifficulty(W[7] * initialDifficulty(4) + (1 - W[7]) * (d - W[6] * (g - 3)));
}

function recallStability(d: number, s: number, r: number, g: Rating): number {
  const hard = g === 2 ? W[15] : 1;
  const easy = g === 4 ? W[16] : 1;
  return s * (1 + Math.exp(W[8]) * (11 - d) * Math.pow(s, -W[9]) * (Math.exp(W[10] * (1 - r)) - 1) * hard * easy);
}

function forgetStability(d: number, s: number, r: number): number {
  const sf = W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) * Math.exp(W[14] * (1 - r));
  return Math.min(s, sf);
}

/** A card never reviewed: due now. */
export function newCard(now: Date = new Date()): CardState {
  return { due: now.toISOString(), stability: 0, difficulty: 0, reps: 0, lapses: 0 };
}

/** The card after a review with this rating at `now`; the input is not changed. */
export function review(card: CardState, rating: Rating, now: Date = new Date()): CardState {
  let stability: number;
  let difficulty: number;
  let lapses = card.lapses;
  if (card.reps === 0 || card.stability <= 0) {
    stability = W[rating - 1]!;
    difficulty = initialDifficulty(rating);
  } else {
    const last = card.lastReview ? Date.parse(card.lastReview) : now.getTime();
    const elapsed = Math.max(0, (now.getTime() - last) / DAY_MS);
    const r = retrievability(elapsed, card.stability);
    difficulty = nextDifficulty(card.difficulty, rating);
    if (rating === 1) {
      stability = forgetStability(card.difficulty, card.stability, r);
      lapses++;
    } else {
      stability = recallStability(card.difficulty, card.stability, r, rating);
    }
  }
  const dueMs =
    rating === 1
      ? now.getTime() + RELEARN_MS
      : now.getTime() + Math.min(MAX_INTERVAL_DAYS, Math.max(1, Math.round(intervalDays(stability)))) * DAY_MS;
  return {
    ...card,
    due: new Date(dueMs).toISOString(),
    stability,
    difficulty,
    reps: card.reps + 1,
    lapses,
    lastReview: now.toISOString(),
    lastGrade: rating,
  };
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
