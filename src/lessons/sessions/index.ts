// Lesson sessions (Beginner): the state a web app keeps per visitor — sessions in hashes with a sliding TTL, carts
// merged at login, idempotency keys for retried requests, feature flags. Metadata and step order here; behaviour in the
// section files, prose in sessions.md.
import { defineLesson } from '../../engine/prose.js';
import { cartSteps } from './carts.js';
import { flagSteps } from './flags.js';
import { idempotencySteps } from './idempotency.js';
import { sessionSteps } from './session-store.js';
import {
  CLAIM_TTL,
  LINE_RACE_LINES,
  LINE_RACE_PAUSE_MS,
  MERGE_LOGINS,
  PAYMENT_MS,
  RACE_GUEST_CART,
  RACE_USER_CART,
  RESULT_TTL,
  RETRIES,
  SESSION_TTL,
  sumOf,
} from './shared.js';

export const sessionsLesson = defineLesson({
  id: 'sessions',
  level: 'Beginner',
  minutes: 40,
  summary:
    'The state a web app keeps per visitor: sessions in hashes with a sliding TTL, carts with HINCRBY and a guest ' +
    'cart merged once at login, idempotency keys so a retried payment charges once, and feature flags with an ' +
    'allow-list and a percentage rollout.',
  keys: ['sessions:*'],
  prose: new URL('./sessions.md', import.meta.url),
  vars: {
    sessionTtl: SESSION_TTL,
    lineRaceLines: LINE_RACE_LINES,
    lineRaceClients: LINE_RACE_LINES * 2,
    lineRacePauseMs: LINE_RACE_PAUSE_MS,
    mergeLogins: MERGE_LOGINS,
    otherTabs: MERGE_LOGINS - 1,
    guestUnits: sumOf(RACE_GUEST_CART),
    userUnits: sumOf(RACE_USER_CART),
    mergedUnits: sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART),
    retries: RETRIES,
    paymentMs: PAYMENT_MS,
    claimTtl: CLAIM_TTL,
    claimTtlMs: CLAIM_TTL * 1000,
    resultTtl: RESULT_TTL,
  },
  steps: [...sessionSteps, ...cartSteps, ...idempotencySteps, ...flagSteps, { id: 'wrap-up', kind: 'explain' }],
});
