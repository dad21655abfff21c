// Lesson locks (Advanced): distributed locks on Redis — SET NX PX with a token, owner-only release and extend, fencing
// tokens for a holder paused past its TTL, counting semaphores, and Redlock with its critique. Metadata and step
// order here; behaviour in the section files, prose in locks.md.
import { defineLesson } from '../../engine/prose.js';
import { basicsSteps } from './basics.js';
import { fencingSteps } from './fencing.js';
import { releaseSteps } from './release.js';
import { SEM_NOW, semaphoreSteps } from './semaphore.js';
import {
  FENCE_PAUSE_MS,
  FENCE_TTL_MS,
  LOCK_RACE_CLIENTS,
  LOCK_RACE_HOLD_MS,
  RELEASE_CLIENTS,
  RELEASE_TTL_MS,
  RELEASE_WORK_MS,
  SEM_CLIENTS,
  SEM_HOLD_MS,
  SEM_LIMIT,
  SLOW_PAUSE_MS,
  SLOW_ROUNDS,
} from './shared.js';

export const locksLesson = defineLesson({
  id: 'locks',
  level: 'Advanced',
  minutes: 45,
  summary:
    'Distributed locks done right: SET NX PX with a token, why SETNX + EXPIRE leaves an immortal lock, a DEL by the ' +
    'wrong owner letting two workers in (counted live), release and extend that compare the token (Lua, WATCH, and ' +
    "Redis 8.4's IFEQ), fencing tokens that stop a paused holder's stale write, counting semaphores in a sorted set, " +
    'and Redlock with Kleppmann’s critique and antirez’s reply.',
  keys: ['locks:*'],
  prose: new URL('./locks.md', import.meta.url),
  vars: {
    lockRaceClients: LOCK_RACE_CLIENTS,
    holdMs: LOCK_RACE_HOLD_MS,
    releaseClients: RELEASE_CLIENTS,
    otherWorkers: RELEASE_CLIENTS - 1,
    releaseTtlMs: RELEASE_TTL_MS,
    workMs: RELEASE_WORK_MS,
    slowStallMs: RELEASE_WORK_MS + SLOW_PAUSE_MS,
    slowRounds: SLOW_ROUNDS,
    fenceTtlMs: FENCE_TTL_MS,
    fencePauseMs: FENCE_PAUSE_MS,
    semClients: SEM_CLIENTS,
    semLimit: SEM_LIMIT,
    semHoldMs: SEM_HOLD_MS,
    semNow: SEM_NOW,
    semExpired: SEM_NOW - 10,
    semW1: SEM_NOW + 20,
    semW2: SEM_NOW + 25,
    semMine: SEM_NOW + 30,
  },
  steps: [
    { id: 'why-locks', kind: 'explain' },
    ...basicsSteps,
    ...releaseSteps,
    ...fencingSteps,
    ...semaphoreSteps,
    { id: 'redlock', kind: 'explain' },
    { id: 'redlock-critique', kind: 'explain' },
    { id: 'wrap-up', kind: 'explain' },
  ],
});
