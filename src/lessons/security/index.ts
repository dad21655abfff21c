// Lesson security (Expert, production lab: single). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const securityLesson = defineLesson({
  id: 'security',
  level: 'Expert',
  minutes: 30,
  summary: 'Runs on a single lab of its own.',
  keys: ['security:*'],
  lab: { topology: 'single' },
  prose: new URL('./security.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
