// Section 4 of the simple lesson: MSET/MGET (many keys, one round trip) and SET … GET (read and write in one command).
import { all, stringEquals } from '../../engine/checks.js';
import type { StepSpec } from '../../engine/prose.js';
import { oneMset, swappedInOneCommand } from './checks.js';

export const roundTripSteps: StepSpec[] = [
  {
    id: 'mset-mget',
    kind: 'run',
    commands: [
      'MSET {ns}user:1:name Ada {ns}user:1:city London {ns}user:2:name Grace {ns}user:2:city Arlington',
      'MGET {ns}user:1:name {ns}user:2:name {ns}user:3:name',
      'MSETNX {ns}user:2:name Alan {ns}user:3:name Alan',
      'GET {ns}user:2:name',
    ],
  },
  {
    id: 'mset',
    kind: 'exercise',
    points: 2,
    setup: ['DEL {ns}config:theme {ns}config:lang {ns}config:tz'],
    check: all(
      stringEquals('config:theme', 'dark'),
      stringEquals('config:lang', 'en'),
      stringEquals('config:tz', 'UTC'),
      oneMset({ 'config:theme': 'dark', 'config:lang': 'en', 'config:tz': 'UTC' }),
    ),
    hints: ['One command takes key value key value … pairs.', 'MSET key value [key value …]'],
    solution: ['MSET {ns}config:theme dark {ns}config:lang en {ns}config:tz UTC'],
    wrong: [
      ['SET {ns}config:theme dark', 'SET {ns}config:lang en', 'SET {ns}config:tz UTC'],
      ['MSET {ns}config:theme dark {ns}config:lang en', 'SET {ns}config:tz UTC'],
    ],
  },
  {
    id: 'rotate-token',
    kind: 'exercise',
    points: 2,
    setup: ['SET {ns}api:token old-7f3a'],
    check: all(stringEquals('api:token', 'new-91bc'), swappedInOneCommand('api:token', 'old-7f3a')),
    hints: ['The read you need is an option of SET, not a separate GET.', 'SET key value GET   (replies with the value it replaced)'],
    solution: ['SET {ns}api:token new-91bc GET'],
    wrong: [
      ['GET {ns}api:token', 'SET {ns}api:token new-91bc'],
      // Read and delete, then set: for a moment there is no token at all.
      ['GETDEL {ns}api:token', 'SET {ns}api:token new-91bc'],
    ],
  },
];
