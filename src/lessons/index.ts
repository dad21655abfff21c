// The lesson registry: adding a lesson = one file in src/lessons/ and one line here, in learning order.
import type { Lesson } from '../engine/types.js';
import { simpleLesson } from './simple/index.js';
import { complexLesson } from './complex/index.js';
import { bulkLesson } from './bulk/index.js';
import { ecommerceLesson } from './ecommerce/index.js';
import { sessionsLesson } from './sessions/index.js';
import { cachingLesson } from './caching/index.js';
import { rateLimitingLesson } from './rate-limiting/index.js';
import { leaderboardsLesson } from './leaderboards/index.js';
import { locksLesson } from './locks/index.js';
import { messagingLesson } from './messaging/index.js';
import { probabilisticLesson } from './probabilistic/index.js';
import { persistenceLesson } from './persistence/index.js';
import { replicationLesson } from './replication/index.js';
import { observabilityLesson } from './observability/index.js';
import { sentinelLesson } from './sentinel/index.js';
import { clusterLesson } from './cluster/index.js';
import { securityLesson } from './security/index.js';

/** The four core tracks first, then the pattern lessons, then the lab lessons (the catalogue and menu group by level). */
export const LESSONS: Lesson[] = [
  simpleLesson,
  complexLesson,
  bulkLesson,
  ecommerceLesson,
  sessionsLesson,
  cachingLesson,
  rateLimitingLesson,
  leaderboardsLesson,
  locksLesson,
  messagingLesson,
  probabilisticLesson,
  // The production lab: each runs on a topology of its own (src/lab), never on the configured server.
  persistenceLesson,
  replicationLesson,
  observabilityLesson,
  sentinelLesson,
  clusterLesson,
  securityLesson,
];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
