// Lesson 2 (Intermediate): hashes, lists, sets and sorted sets through real patterns, then batching and WATCH.
// This file holds the metadata and the step order; the steps live in the section files, their prose in complex.md.
import { defineLesson } from '../../engine/prose.js';
import { MEMORY_USERS, hashSteps } from './hashes.js';
import { listSteps } from './lists.js';
import { setSteps } from './sets.js';
import { sortedSetSteps } from './sorted-sets.js';
import { BATCH_REPEATS, BATCH_SIZE, RACE_CLIENTS, RACE_ROUNDS, transactionSteps } from './transactions.js';

export const complexLesson = defineLesson({
  id: 'complex',
  level: 'Intermediate',
  minutes: 35,
  summary:
    'Profiles in hashes (and what they save), feeds and reliable queues on lists, sets for tags and visitors, ' +
    'leaderboards and priority queues on sorted sets; then round trips vs pipelines vs MULTI, and WATCH under contention.',
  keys: [
    'user:*',
    'mem:*',
    'tasks:*',
    'feed:*',
    'queue:*',
    'tags:*',
    'visitors:*',
    'likes:*',
    'leaderboard:*',
    'pq:*',
    'rt:*',
    'account:*',
    'race:*',
  ],
  prose: new URL('./complex.md', import.meta.url),
  vars: {
    memoryUsers: MEMORY_USERS,
    batchSize: BATCH_SIZE,
    batchRepeats: BATCH_REPEATS,
    raceClients: RACE_CLIENTS,
    raceRounds: RACE_ROUNDS,
  },
  steps: [
    { id: 'intro', kind: 'explain' },
    ...hashSteps,
    ...listSteps,
    ...setSteps,
    ...sortedSetSteps,
    ...transactionSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
