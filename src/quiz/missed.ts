// Missed lesson exercises as review cards: recorded by the lesson runner, asked back as self-graded recall prompts.
import type { CardState, Progress } from '../progress/store.js';
import { newCard, review } from './scheduler.js';

const PREFIX = 'lesson:';

export function missedCardId(lessonId: string, stepId: string): string {
  return `${PREFIX}${lessonId}:${stepId}`;
}

export function isMissedCard(id: string, card?: CardState): boolean {
  return id.startsWith(PREFIX) || Boolean(card?.source?.startsWith(PREFIX));
}

export function parseMissedId(id: string): { lessonId: string; stepId: string } | null {
  const m = /^lesson:([^:]+):(.+)$/.exec(id);
  return m ? { lessonId: m[1]!, stepId: m[2]! } : null;
}

/**
 * Called by the lesson runner when a learner reveals an exercise's solution or skips it: the exercise becomes
 * a card rated "again", so it comes back for review soon (a lapse if the card already existed). Changes `p` in place.
 */
export function recordMissedExercise(p: Progress, lessonId: string, stepId: string, title: string, now: Date = new Date()): void {
  const id = missedCardId(lessonId, stepId);
  const card = p.quiz.cards[id] ?? newCard(now);
  p.quiz.cards[id] = { ...review(card, 1, now), source: id, title };
}

export interface MissedExercise {
  lessonId: string;
  stepId: string;
  title: string;
  /** 1-based, for `lesson <id> --step N`; absent when the lesson no longer has that step. */
  stepNumber?: number;
  task?: string;
  solution?: string[];
}

/** What to show for a missed-exercise card: the lesson registry is read lazily, only when such a card comes up. */
export async function describeMissed(id: string, card: CardState): Promise<MissedExercise | null> {
  const parsed = parseMissedId(card.source ?? id);
  if (!parsed) return null;
  const out: MissedExercise = { ...parsed, title: card.title ?? parsed.stepId };
  try {
    const { findLesson } = await import('../lessons/index.js');
    const lesson = findLesson(parsed.lessonId);
    const i = lesson?.steps.findIndex((s) => s.id === parsed.stepId) ?? -1;
    const step = i >= 0 ? lesson!.steps[i] : undefined;
    if (step) {
      out.stepNumber = i + 1;
      out.title = step.title;
      if (step.kind === 'exercise') {
        out.task = step.text;
        out.solution = step.solution;
      }
    }
  } catch {
    // Without the registry the card still says which lesson to redo.
  }
  return out;
}
