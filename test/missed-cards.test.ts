// Missed lesson exercises come back as review cards for every lesson in the registry, the pattern lessons included:
// the card names the lesson and step, and shows the task and the reference solution.
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../src/lessons/index.js';
import { describeMissed, isMissedCard, missedCardId, recordMissedExercise } from '../src/quiz/missed.js';
import type { Progress } from '../src/progress/store.js';

const CORE = ['simple', 'complex', 'bulk', 'ecommerce'];

describe('missed-exercise review cards', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: every exercise becomes a card that shows its task and solution',
    async (_id, lesson) => {
      const exercises = lesson.steps.filter((s) => s.kind === 'exercise');
      // The pattern lessons have at least five exercises each (issue #14); the core tracks at least one.
      expect(exercises.length).toBeGreaterThanOrEqual(CORE.includes(lesson.id) ? 1 : 5);
      const p = { lessons: {}, quiz: { cards: {} } } as unknown as Progress;
      for (const ex of exercises) {
        recordMissedExercise(p, lesson.id, ex.id, ex.title, new Date('2026-12-01T10:00:00Z'));
        const id = missedCardId(lesson.id, ex.id);
        const card = p.quiz.cards[id]!;
        expect(isMissedCard(id, card)).toBe(true);
        const shown = await describeMissed(id, card);
        expect(shown).toMatchObject({ lessonId: lesson.id, stepId: ex.id, title: ex.title, task: ex.text, solution: ex.solution });
        expect(shown!.stepNumber).toBe(lesson.steps.indexOf(ex) + 1);
      }
    },
  );
});
