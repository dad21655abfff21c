// Lesson cluster (Expert, production lab: cluster): the 16384 slots, MOVED and ASK met live, hash tags and CROSSSLOT
// (and hot tags), a slot resharded while clients write, a primary killed and its replica promoted (timed), and a bulk
// load grouped by node against one request per key. Metadata and step order here; behaviour in the section files,
// prose in cluster.md, the lab's bookkeeping (formed state, restore) in lib/.
import { defineLesson } from '../../engine/prose.js';
import { bulkSteps } from './bulk.js';
import { failoverSteps } from './failover.js';
import { hashTagSteps } from './hash-tags.js';
import { reshardSteps } from './resharding.js';
import {
  ANSWER_KEY,
  BULK_KEYS,
  COUNT_SLOT,
  HOT_KEYS,
  LIVE_KEYS,
  LIVE_SLOT,
  LIVE_WRITERS,
  MOVE_FROM,
  MOVE_SLOT,
  MOVE_TO,
  orderSlot,
  PROMOTED,
  USER_SLOT,
} from './shared.js';
import { slotSteps } from './slots.js';

export const clusterLesson = defineLesson({
  id: 'cluster',
  level: 'Expert',
  minutes: 45,
  summary:
    'Redis Cluster on a six-node lab of its own: the 16384 slots, MOVED and ASK met live, hash tags against CROSSSLOT ' +
    '(and the hot tag they can make), a slot resharded while clients write (redirections counted, no write lost), a ' +
    'primary killed and its replica promoted (timed), and a bulk load grouped by node against one request per key.',
  keys: ['cluster:*'],
  lab: { topology: 'cluster' },
  prose: new URL('./cluster.md', import.meta.url),
  vars: {
    order1: orderSlot('1001'),
    order2: orderSlot('1002'),
    order3: orderSlot('1003'),
    userSlot: USER_SLOT,
    countSlot: COUNT_SLOT,
    answerKey: ANSWER_KEY,
    moveSlot: MOVE_SLOT,
    moveFrom: MOVE_FROM,
    moveTo: MOVE_TO,
    liveSlot: LIVE_SLOT,
    liveKeys: LIVE_KEYS,
    liveWriters: LIVE_WRITERS,
    promoted: PROMOTED,
    bulkKeys: BULK_KEYS,
    hotKeys: HOT_KEYS,
  },
  steps: [
    { id: 'intro', kind: 'explain' },
    ...slotSteps,
    ...hashTagSteps,
    ...reshardSteps,
    ...failoverSteps,
    ...bulkSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
