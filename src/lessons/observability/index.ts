// Lesson observability (Advanced, production lab: single). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const observabilityLesson = defineLesson({
  id: 'observability',
  level: 'Advanced',
  minutes: 30,
  summary: 'Runs on a single lab of its own.',
  keys: ['observability:*'],
  lab: { topology: 'single' },
  prose: new URL('./observability.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
