// Lesson cluster (Expert, production lab: cluster). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const clusterLesson = defineLesson({
  id: 'cluster',
  level: 'Expert',
  minutes: 30,
  summary: 'Runs on a cluster lab of its own.',
  keys: ['cluster:*'],
  lab: { topology: 'cluster' },
  prose: new URL('./cluster.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
