// The complex lesson's set steps: tags and unique visitors, and set algebra computed on the server.
import { all, setEquals } from '../../engine/checks.js';
import type { StepSpec } from '../../engine/prose.js';
import { computedBy } from './checks.js';

export const setSteps: StepSpec[] = [
  {
    id: 'sets',
    kind: 'run',
    commands: [
      'SADD {ns}tags:post:1 redis databases caching',
      'SADD {ns}tags:post:1 redis',
      'SISMEMBER {ns}tags:post:1 caching',
      'SMISMEMBER {ns}tags:post:1 redis nosql caching',
      'SADD {ns}visitors:mon u1 u2 u3 u1 u2',
      'SADD {ns}visitors:tue u2 u3 u4',
      'SCARD {ns}visitors:mon',
      'SINTER {ns}visitors:mon {ns}visitors:tue',
      'SUNION {ns}visitors:mon {ns}visitors:tue',
      'SDIFF {ns}visitors:tue {ns}visitors:mon',
    ],
  },
  {
    id: 'ex-sets',
    kind: 'exercise',
    points: 3,
    setup: [
      'DEL {ns}likes:rust {ns}likes:go {ns}likes:both {ns}likes:rust-only',
      'SADD {ns}likes:rust ana ben chen dara',
      'SADD {ns}likes:go ben dara eli',
    ],
    check: all(
      setEquals('likes:both', ['ben', 'dara']),
      setEquals('likes:rust-only', ['ana', 'chen']),
      computedBy('likes:both', 'SINTERSTORE'),
      computedBy('likes:rust-only', 'SDIFFSTORE'),
    ),
    hints: [
      'SINTER and SDIFF return a result; each has a twin that stores the result in a key instead.',
      'SINTERSTORE destination key [key …] and SDIFFSTORE destination key [key …] (SDIFF keeps members of the first key not in the others)',
    ],
    solution: ['SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go'],
    wrong: [
      ['SADD {ns}likes:both ben dara', 'SADD {ns}likes:rust-only ana chen'],
      // Redis computed it, the client copied it back.
      [
        'SINTER {ns}likes:rust {ns}likes:go',
        'SADD {ns}likes:both ben dara',
        'SDIFF {ns}likes:rust {ns}likes:go',
        'SADD {ns}likes:rust-only ana chen',
      ],
      ['SUNIONSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go'],
      // SDIFF keeps the members of its first key.
      ['SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:go {ns}likes:rust'],
    ],
  },
];
