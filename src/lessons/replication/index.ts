// Lesson replication (Advanced, production lab: replication). Placeholder while the lesson is written.
import { defineLesson } from '../../engine/prose.js';

export const replicationLesson = defineLesson({
  id: 'replication',
  level: 'Advanced',
  minutes: 30,
  summary: 'Runs on a replication lab of its own.',
  keys: ['replication:*'],
  lab: { topology: 'replication' },
  prose: new URL('./replication.md', import.meta.url),
  steps: [{ id: 'intro', kind: 'explain' }],
});
