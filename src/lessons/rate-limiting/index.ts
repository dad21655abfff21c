// Lesson rate-limiting (Intermediate): the fixed window and the counter that loses its TTL, the sliding log, the sliding
// counter and the token bucket, each raced by 50 clients against a version that decides in the client, the four
// compared at a window's edge, and a failed-login block. Metadata and step order here; prose in rate-limiting.md.
import { defineLesson } from '../../engine/prose.js';
import { boundarySteps } from './boundary.js';
import { API_COUNTERS, fixedWindowSteps, FW_KEY } from './fixed-window.js';
import { BLOCK_KEY, BLOCK_SECONDS, FAILURES_KEY, lockoutSteps, MAX_FAILURES } from './lockout.js';
import {
  CRASHED_KEY,
  DEMO_LIMIT,
  EDGE_EARLY_MS,
  EDGE_LATE_MS,
  EDGE_LIMIT,
  EDGE_WINDOW_MS,
  GAP_KEY,
  RACE_CLIENTS,
  RACE_LIMIT,
  RACE_REQUESTS,
  RACE_WINDOW_MS,
} from './shared.js';
import { COUNTER_DEMO, LOG_DEMO, LOG_KEY, LOG_NOW, LOG_WINDOW_MS, slidingSteps } from './sliding.js';
import { BUCKET, BUCKET_AFTER, BUCKET_DEMO, BUCKET_KEY, BUCKET_PEXPIRE, tokenBucketSteps } from './token-bucket.js';

export const rateLimitingLesson = defineLesson({
  id: 'rate-limiting',
  level: 'Intermediate',
  minutes: 40,
  summary:
    'Four rate limiters on Redis, each hammered by 50 concurrent clients with the admissions counted: a fixed window ' +
    '(INCR + EXPIRE as two commands losing the TTL live, then a script and MULTI + EXPIRE … NX), a sliding-window ' +
    'log, a sliding-window counter and a token bucket, compared at a window edge on real time; plus a failed-login ' +
    'block with SET … EX … NX and a repair of counters that never expire.',
  keys: ['rate-limiting:*'],
  prose: new URL('./rate-limiting.md', import.meta.url),
  vars: {
    raceClients: RACE_CLIENTS,
    raceRequests: RACE_REQUESTS,
    raceTotal: RACE_CLIENTS * RACE_REQUESTS,
    raceLimit: RACE_LIMIT,
    raceWindowS: RACE_WINDOW_MS / 1000,
    demoLimit: DEMO_LIMIT,
    crashedKey: CRASHED_KEY,
    gapKey: GAP_KEY,
    fwKey: FW_KEY,
    apiCounterA: API_COUNTERS[0]![0],
    logKey: LOG_KEY,
    logNow: LOG_NOW,
    logCutoff: LOG_NOW - LOG_WINDOW_MS,
    logWindowMs: LOG_WINDOW_MS,
    logDemoLimit: LOG_DEMO.limit,
    logDemoWindowMs: LOG_DEMO.windowMs,
    counterLimit: COUNTER_DEMO.limit,
    counterWindowMs: COUNTER_DEMO.windowMs,
    counterOffsetMs: COUNTER_DEMO.offsetMs,
    counterLaterMs: COUNTER_DEMO.laterMs,
    counterBurst: COUNTER_DEMO.limit + 1,
    bucketKey: BUCKET_KEY,
    bucketCapacity: BUCKET.capacity,
    bucketTs: BUCKET.ts,
    bucketTokens: BUCKET.tokens,
    bucketNow: BUCKET.now,
    bucketAfter: BUCKET_AFTER,
    bucketPexpire: BUCKET_PEXPIRE,
    bucketDemoCapacity: BUCKET_DEMO.capacity,
    bucketDemoBurst: BUCKET_DEMO.burst,
    bucketDemoPause: BUCKET_DEMO.pauseMs,
    bucketDemoAfter: BUCKET_DEMO.after,
    edgeLimit: EDGE_LIMIT,
    edgeWindowMs: EDGE_WINDOW_MS,
    edgeLateMs: EDGE_LATE_MS,
    edgeEarlyMs: EDGE_EARLY_MS,
    failuresKey: FAILURES_KEY,
    blockKey: BLOCK_KEY,
    maxFailures: MAX_FAILURES,
    blockSeconds: BLOCK_SECONDS,
  },
  steps: [
    { id: 'intro', kind: 'explain' },
    ...fixedWindowSteps,
    ...slidingSteps,
    ...tokenBucketSteps,
    ...boundarySteps,
    ...lockoutSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
