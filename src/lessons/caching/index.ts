// Lesson caching (Intermediate): cache-aside, write-through, write-behind through a stream, TTLs with jitter,
// invalidation (TTL, pub/sub, SCAN + UNLINK), the stampede, avalanche and penetration failures and their fixes, and
// client-side caching. Metadata and step order here; behaviour in the section files, prose in caching.md.
import { defineLesson } from '../../engine/prose.js';
import { cacheAsideSteps } from './cache-aside.js';
import { invalidationSteps } from './invalidation.js';
import {
  DB_DELAY_MS,
  DB_RELOADS_PER_S,
  HOT_TTL_LEFT_MS,
  LOOKUPS_EACH,
  MISS_TTL_S,
  PENETRATION_CLIENTS,
  REQUEST_EVERY_MS,
  STAMPEDE_CLIENTS,
  STAMPEDE_RUN_MS,
  WARM_CLIENTS,
  WARM_JITTER,
  WARM_PER_CLIENT,
  WARM_TTL_S,
} from './shared.js';
import { stampedeSteps } from './stampede.js';
import { writeSteps } from './writes.js';

export const cachingLesson = defineLesson({
  id: 'caching',
  level: 'Intermediate',
  minutes: 40,
  summary:
    'Caching with Redis: cache-aside with hit counters, write-through and write-behind through a stream (a failed save ' +
    'retried from the pending list), TTLs with jitter, invalidation by TTL, pub/sub event and SCAN + UNLINK; a hot key ' +
    'expiring under load (database queries counted) fixed with a rebuild lock and with early refresh, avalanche and ' +
    'penetration, and client-side caching with CLIENT TRACKING.',
  keys: ['caching:*'],
  prose: new URL('./caching.md', import.meta.url),
  vars: {
    dbDelayMs: DB_DELAY_MS,
    stampedeClients: STAMPEDE_CLIENTS,
    requestEveryMs: REQUEST_EVERY_MS,
    stampedeRunMs: STAMPEDE_RUN_MS,
    hotTtlLeftMs: HOT_TTL_LEFT_MS,
    readsPerS: (STAMPEDE_CLIENTS * 1000) / REQUEST_EVERY_MS,
    herd: (STAMPEDE_CLIENTS * DB_DELAY_MS) / REQUEST_EVERY_MS,
    warmClients: WARM_CLIENTS,
    warmPerClient: WARM_PER_CLIENT,
    warmKeys: WARM_CLIENTS * WARM_PER_CLIENT,
    warmTtl: WARM_TTL_S,
    warmJitterPct: WARM_JITTER * 100,
    warmMaxTtl: WARM_TTL_S * (1 + WARM_JITTER),
    warmSpread: WARM_TTL_S * WARM_JITTER,
    reloadsPerS: DB_RELOADS_PER_S,
    penetrationClients: PENETRATION_CLIENTS,
    lookupsEach: LOOKUPS_EACH,
    lookupsTotal: PENETRATION_CLIENTS * LOOKUPS_EACH,
    missTtl: MISS_TTL_S,
  },
  steps: [
    { id: 'why-cache', kind: 'explain' },
    ...cacheAsideSteps,
    ...stampedeSteps,
    ...writeSteps,
    ...invalidationSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
