// Lesson 1 (Beginner): strings, counters, expiry, MSET/MGET, JSON-in-a-string, key naming and SCAN.
// Metadata and step order only: the prose is simple.md, each section's behaviour is in its own file.
import { defineLesson } from '../../engine/prose.js';
import { counterSteps, RACE_CLIENTS, RACE_ROUNDS } from './counters.js';
import { expirySteps } from './expiry.js';
import { jsonSteps } from './json.js';
import { keySteps } from './keys.js';
import { roundTripSteps } from './round-trips.js';
import { stringSteps } from './strings.js';

export const simpleLesson = defineLesson({
  id: 'simple',
  level: 'Beginner',
  minutes: 20,
  summary:
    'SET/GET and their options, atomic counters (and the lost update they prevent), TTLs watched live, MSET/MGET, ' +
    'why JSON in a string hurts partial updates, key naming, and SCAN instead of KEYS.',
  keys: [
    'greeting',
    'session:*',
    'feature:*',
    'visits',
    'lock:*',
    'page_views',
    'signups',
    'temperature',
    'race:*',
    'downloads',
    'otp',
    'coupon:*',
    'cart:*',
    'user:*',
    'config:*',
    'api:*',
  ],
  prose: new URL('./simple.md', import.meta.url),
  vars: { clients: RACE_CLIENTS, rounds: RACE_ROUNDS },
  steps: [...stringSteps, ...counterSteps, ...expirySteps, ...roundTripSteps, ...jsonSteps, ...keySteps],
});
