// Quiz figures for the `progress` command and the home menu: cards, due count, accuracy, weakest topic.
import type { CardState, Progress } from '../progress/store.js';
import { bankEntries, filterEntries, type ValidFilter } from './bank.js';
import { isMissedCard } from './missed.js';
import { describeDue, isDue } from './scheduler.js';

/** The pseudo-topic missed lesson exercises are counted under. */
export const LESSON_TOPIC = 'lessons';

export type TopicTally = Record<string, { asked: number; correct: number }>;

let bankIds: Set<string> | undefined;

/** Cards that can still be asked: a bank question (ids removed from the bank are ignored) or a missed exercise. */
export function liveCards(p: Progress): [string, CardState][] {
  bankIds ??= new Set(bankEntries().map((e) => e.question.id));
  return Object.entries(p.quiz.cards).filter(([id, card]) => bankIds!.has(id) || isMissedCard(id, card));
}

export function dueCount(p: Progress, now: Date = new Date()): number {
  return liveCards(p).filter(([, card]) => isDue(card, now)).length;
}

/** The bank topic with the lowest accuracy (ties: the one asked more often); missed exercises are not a topic. */
export function weakestTopic(byTopic: TopicTally): string | undefined {
  let best: { id: string; acc: number; asked: number } | undefined;
  for (const [id, t] of Object.entries(byTopic)) {
    if (id === LESSON_TOPIC || t.asked === 0) continue;
    const acc = t.correct / t.asked;
    if (!best || acc < best.acc || (acc === best.acc && t.asked > best.asked)) best = { id, acc, asked: t.asked };
  }
  // A topic answered perfectly is nobody's weakest.
  return best && best.acc < 1 ? best.id : undefined;
}

export interface QuizSummary {
  cards: number;
  due: number;
  /** The earliest due date of any card (ISO), possibly already past. */
  nextDue?: string;
  rounds: number;
  /** Share of correct answers over all rounds, 0..1; absent before the first answer. */
  accuracy?: number;
  weakestTopic?: string;
}

export function quizSummary(p: Progress, now: Date = new Date()): QuizSummary {
  const cards = liveCards(p);
  const nextDue = cards.map(([, c]) => c.due).sort()[0];
  const tally: TopicTally = {};
  let asked = 0;
  let correct = 0;
  for (const r of p.quiz.rounds) {
    asked += r.asked;
    correct += r.correct;
    for (const [id, t] of Object.entries(r.byTopic)) {
      const acc = (tally[id] ??= { asked: 0, correct: 0 });
      acc.asked += t.asked;
      acc.correct += t.correct;
    }
  }
  return {
    cards: cards.length,
    due: cards.filter(([, c]) => isDue(c, now)).length,
    nextDue,
    rounds: p.quiz.rounds.length,
    accuracy: asked > 0 ? correct / asked : undefined,
    weakestTopic: weakestTopic(tally),
  };
}

/**
 * The one line `quiz --review` and the home menu print when no card is due: when the next one is, or that there are
 * no cards yet. With a --topic/--level filter only that part of the bank counts (missed exercises belong to none).
 */
export function nothingDueLine(p: Progress, filter: ValidFilter = {}, now: Date = new Date()): string {
  const filtered = Boolean(filter.topic || filter.level);
  const ids = filtered ? new Set(filterEntries(bankEntries(), filter).map((e) => e.question.id)) : undefined;
  const cards = liveCards(p).filter(([id]) => !ids || ids.has(id));
  const what = filtered
    ? `Nothing${filter.topic ? ` in ${filter.topic}` : ''}${filter.level ? ` at ${filter.level} level` : ''} is due for review`
    : 'Nothing is due for review';
  if (cards.length === 0) return `${what}: no review cards yet (a card is made for each question you answer: redis-learn quiz).`;
  const next = cards.map(([, c]) => c.due).sort()[0]!;
  const when = describeDue(next, now);
  const at = new Date(next).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return `${what}; next card due ${when === 'now' ? 'now' : `${when} (${at})`}.`;
}
