// Lesson persistence (Advanced, production lab: single). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const persistenceLesson = defineLesson({
  id: 'persistence',
  level: 'Advanced',
  minutes: 30,
  summary: 'Runs on a single lab of its own.',
  keys: ['persistence:*'],
  lab: { topology: 'single' },
  prose: new URL('./persistence.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
