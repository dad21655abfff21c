// The quiz line shown by `progress` and the home menu, from the quiz module's summary when it is present.
import type { Progress } from '../progress/store.js';

export interface QuizStatus {
  cards: number;
  due: number;
  rounds: number;
  accuracy?: number;
  weakestTopic?: string;
  nextDue?: string;
  line: string;
}

export async function quizStatus(p: Progress): Promise<QuizStatus> {
  const { quizSummary } = await import('../quiz/summary.js');
  const s = quizSummary(p);
  const parts = [`${s.rounds} round${s.rounds === 1 ? '' : 's'}`, `${s.cards} cards`, `${s.due} due`];
  if (s.accuracy !== undefined) parts.push(`${Math.round(s.accuracy * 100)}% correct`);
  if (s.weakestTopic) parts.push(`weakest: ${s.weakestTopic}`);
  if (s.nextDue && s.due === 0) parts.push(`next review ${s.nextDue.slice(0, 16).replace('T', ' ')}`);
  return { ...s, line: parts.join(' · ') };
}
