// Lesson messaging (Advanced): pub/sub, lists as queues, streams with consumer groups (reading, acknowledging, recovering
// a dead consumer's entries, restarting, trimming) and delayed jobs in a sorted set. Metadata and step order here;
// behaviour in the section files, prose in messaging.md.
import { defineLesson } from '../../engine/prose.js';
import { delayedSteps } from './delayed.js';
import { listSteps } from './lists.js';
import { pubsubSteps } from './pubsub.js';
import { recoverySteps } from './recovery.js';
import { DUE_JOBS, KILLED_WORKERS, LATER_JOBS, MIN_IDLE_MS, PER_PHASE, POLLERS, QUEUE_JOBS, QUEUE_WORKERS } from './setup.js';
import { streamSteps } from './streams.js';
import { trimmingSteps } from './trimming.js';

export const messagingLesson = defineLesson({
  id: 'messaging',
  level: 'Advanced',
  minutes: 40,
  summary:
    'Messaging: pub/sub and what a subscriber misses while away, lists as reliable queues (BLMOVE into a processing ' +
    'list, workers killed mid-job), streams with consumer groups (XREADGROUP, XACK, XPENDING, XAUTOCLAIM after a crash, ' +
    're-reading with ID 0 after a restart, trimming what every group is done with), and delayed jobs in a sorted set ' +
    'claimed exactly once.',
  keys: ['messaging:*'],
  prose: new URL('./messaging.md', import.meta.url),
  vars: {
    perPhase: PER_PHASE,
    published: PER_PHASE * 3,
    queueWorkers: QUEUE_WORKERS,
    queueJobs: QUEUE_JOBS,
    killed: KILLED_WORKERS.length,
    pollers: POLLERS,
    dueJobs: DUE_JOBS,
    laterJobs: LATER_JOBS,
    minIdle: MIN_IDLE_MS,
  },
  steps: [
    { id: 'overview', kind: 'explain' },
    ...pubsubSteps,
    ...listSteps,
    ...streamSteps,
    ...recoverySteps,
    ...trimmingSteps,
    ...delayedSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
