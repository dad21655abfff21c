// Lesson 3 (Advanced): thousands of users — generated, loaded one by one vs pipelined, indexed, queried, measured,
// removed. This file holds the metadata and the step order; the prose is bulk.md, the steps live in their sections.
import { defineLesson, type StepSpec } from '../../engine/prose.js';
import { COMMANDS_PER_USER } from './lib/loaders.js';
import { BUCKET_SIZE } from './lib/memory-layout.js';
import { cleanupSteps } from './cleanup.js';
import { loadingSteps } from './loading.js';
import { memorySteps } from './memory.js';
import { queryExercises, querySteps } from './queries.js';
import { scanSteps } from './scan.js';
import { LAYOUT_SAMPLE, ONE_BY_ONE_CAP, fmt } from './shared.js';

const steps: StepSpec[] = [
  { id: 'intro', kind: 'explain' },
  ...loadingSteps,
  { id: 'indexes', kind: 'explain' },
  ...querySteps,
  ...scanSteps,
  ...queryExercises,
  ...memorySteps,
  ...cleanupSteps((id) => steps.findIndex((s) => s.id === id) + 1),
  { id: 'recap', kind: 'explain' },
];

export const bulkLesson = defineLesson({
  id: 'bulk',
  level: 'Advanced',
  minutes: 40,
  summary:
    'Generate 10,000 users batch by batch, load them one by one and pipelined (timed), build set and sorted-set ' +
    'indexes and query them (intersections, ranges, pagination, SCAN vs KEYS), measure bytes per user for three ' +
    'layouts and the listpack → hashtable switch, then delete everything fast with batched UNLINK.',
  keys: ['user:*', 'idx:*', 'q:*', 'mem:*', 'demo:*'],
  prose: new URL('./bulk.md', import.meta.url),
  vars: {
    oneByOneCap: fmt(ONE_BY_ONE_CAP),
    commandsPerUser: COMMANDS_PER_USER,
    layoutSample: fmt(LAYOUT_SAMPLE),
    bucketSize: BUCKET_SIZE,
  },
  steps,
});
