// The quiz line shown by `progress` and the home menu, from the quiz module's summary when it is present.
import type { Progress } from '../progress/store.js';
import { plural } from '../util/plural.js';

export interface QuizStatus {
  cards: number;
  due: number;
  rounds: number;
  accuracy?: number;
  weakestTopic?: string;
  nextDue?: string;
  line: string;
  /** "in 3 h" when no card is due yet; absent when a card is due or there are none. */
  nextIn?: string;
}

export async function quizStatus(p: Progress, now: Date = new Date()): Promise<QuizStatus> {
  const [{ quizSummary }, { describeDue }] = await Promise.all([import('../quiz/summary.js'), import('../quiz/scheduler.js')]);
  const s = quizSummary(p, now);
  const nextIn = s.nextDue && s.due === 0 ? describeDue(s.nextDue, now) : undefined;
  const parts = [plural(s.rounds, 'round'), plural(s.cards, 'card'), `${s.due} due`];
  if (s.accuracy !== undefined) parts.push(`${Math.round(s.accuracy * 100)}% correct`);
  if (s.weakestTopic) parts.push(`weakest: ${s.weakestTopic}`);
  if (nextIn) parts.push(`next review ${nextIn}`);
  return { ...s, nextIn, line: parts.join(' · ') };
}
