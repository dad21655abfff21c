// Lesson sentinel (Expert, production lab: sentinel): what Sentinel watches and decides, quorum versus majority, a
// kill of the primary followed through the Sentinels' own events while a Sentinel-aware client writes across it (its
// failed writes, its gap, the acknowledged writes lost), the old primary's return, and five graded exercises on the lab.
// Metadata and step order here; behaviour in failover.ts and exercises.ts, prose in sentinel.md.
import { defineLesson } from '../../engine/prose.js';
import { SENTINEL_DOWN_AFTER_MS, SENTINEL_FAILOVER_TIMEOUT_MS, SENTINEL_QUORUM } from '../../lab/topology.js';
import { exerciseSteps } from './exercises.js';
import { failoverSteps } from './failover.js';
import { AFTER_WRITES, CUT_MS, SHORT_FAILOVER_TIMEOUT_MS, WARMUP_WRITES } from './shared.js';

export const sentinelLesson = defineLesson({
  id: 'sentinel',
  level: 'Expert',
  minutes: 35,
  summary:
    'Sentinel on a live lab of one primary, two replicas and three Sentinels: quorum versus majority shown with one and ' +
    'two Sentinels paused, a killed primary followed event by event (+sdown … +switch-master) while a Sentinel-aware ' +
    'client writes across the failover (failed writes, the gap, the acknowledged writes lost), the old primary turned ' +
    'into a replica, and manual failover, replica-priority and quorum at the prompt.',
  keys: ['sentinel:*'],
  lab: { topology: 'sentinel' },
  prose: new URL('./sentinel.md', import.meta.url),
  vars: {
    quorum: SENTINEL_QUORUM,
    downAfter: SENTINEL_DOWN_AFTER_MS,
    failoverTimeout: SENTINEL_FAILOVER_TIMEOUT_MS,
    shortTimeout: SHORT_FAILOVER_TIMEOUT_MS,
    warmup: WARMUP_WRITES,
    cutMs: CUT_MS,
    afterWrites: AFTER_WRITES,
  },
  steps: [
    { id: 'what-sentinel-does', kind: 'explain' },
    ...failoverSteps,
    { id: 'sentinel-commands', kind: 'explain' },
    ...exerciseSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
