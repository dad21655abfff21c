// Lesson replication (Advanced, production lab: replication): replicas and REPLICAOF, INFO replication and offsets,
// reads from replicas (READONLY, stale reads counted), lag, partial vs full resync and the backlog, WAIT and its
// limits, writes lost when the primary dies, a manual failover, and min-replicas as the guard of an isolated primary.
// Metadata and step order here; behaviour in the section files, prose in replication.md.
import { defineLesson } from '../../engine/prose.js';
import { basicsSteps } from './basics.js';
import { failoverSteps } from './failover.js';
import { guardSteps } from './guard.js';
import { bytes } from './lib/topology.js';
import { resyncSteps } from './resync.js';
import {
  BACKLOG_NEEDED,
  FAILOVER_ORDERS,
  GUARD_MAX_LAG,
  GUARD_REPLICAS,
  LAG_TICKS,
  LAG_WRITES_PER_TICK,
  LONG_CUT_BYTES,
  LONG_CUT_VALUE_BYTES,
  LONG_CUT_WRITES,
  ORDERS_BEFORE,
  ORDERS_DURING,
  SHORT_CUT_WRITES,
  STALE_TRIES,
} from './shared.js';
import { waitSteps } from './wait.js';

export const replicationLesson = defineLesson({
  id: 'replication',
  level: 'Advanced',
  minutes: 40,
  summary:
    'A primary and two replicas of your own: REPLICAOF and chained replicas, INFO replication and offsets, reads from ' +
    'replicas (READONLY, stale reads counted), a paused replica falling behind, partial resync vs full sync and the ' +
    'backlog that decides, WAIT and what it does not promise, acknowledged writes lost when the primary dies ' +
    '(counted), a manual failover, and min-replicas-to-write as the guard of an isolated primary.',
  keys: ['replication:*'],
  lab: { topology: 'replication' },
  prose: new URL('./replication.md', import.meta.url),
  vars: {
    staleTries: STALE_TRIES,
    lagWrites: LAG_WRITES_PER_TICK,
    lagSeconds: LAG_TICKS / 2,
    shortCut: SHORT_CUT_WRITES,
    longCutWrites: LONG_CUT_WRITES,
    longCutValue: bytes(LONG_CUT_VALUE_BYTES),
    longCutBytes: bytes(LONG_CUT_BYTES),
    backlogNeeded: bytes(BACKLOG_NEEDED),
    ordersBefore: ORDERS_BEFORE,
    ordersDuring: ORDERS_DURING,
    failoverOrders: FAILOVER_ORDERS,
    guardReplicas: GUARD_REPLICAS,
    guardMaxLag: GUARD_MAX_LAG,
  },
  steps: [
    { id: 'how-it-works', kind: 'explain' },
    ...basicsSteps,
    ...resyncSteps,
    ...waitSteps,
    ...failoverSteps,
    ...guardSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
