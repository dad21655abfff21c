// Lesson sentinel (Expert, production lab: sentinel). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const sentinelLesson = defineLesson({
  id: 'sentinel',
  level: 'Expert',
  minutes: 30,
  summary: 'Runs on a sentinel lab of its own.',
  keys: ['sentinel:*'],
  lab: { topology: 'sentinel' },
  prose: new URL('./sentinel.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
