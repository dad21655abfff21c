// Section 1 of the simple lesson: one key, one value; SET and GET, SET's options, and two exercises on them.
import { all, stringEquals } from '../../engine/checks.js';
import type { StepSpec } from '../../engine/prose.js';
import { EXPIRY_COMMANDS, lastWriteTo, sent, setOptions, setsValueAndTtl, ttlAbout, valueAndTtlInOneCommand } from './checks.js';

export const stringSteps: StepSpec[] = [
  { id: 'intro', kind: 'explain' },
  {
    id: 'set-get',
    kind: 'run',
    commands: [
      'SET {ns}greeting "hello, redis"',
      'GET {ns}greeting',
      'GET {ns}nothing-here',
      'STRLEN {ns}greeting',
      'APPEND {ns}greeting "!"',
    ],
  },
  {
    id: 'set-options',
    kind: 'run',
    commands: [
      'SET {ns}session:abc user:1001 EX 1800',
      'TTL {ns}session:abc',
      'SET {ns}session:abc user:2002 NX',
      'GET {ns}session:abc',
      'SET {ns}feature:beta on XX',
      'SET {ns}greeting "hello again" GET',
    ],
  },
  {
    id: 'visits-ttl',
    kind: 'exercise',
    points: 2,
    setup: ['DEL {ns}visits'],
    check: all(stringEquals('visits', '1'), ttlAbout('visits', 60), valueAndTtlInOneCommand('visits')),
    hints: ['SET can carry the expiry itself; no EXPIRE needed afterwards.', 'SET key value EX seconds   (or PX milliseconds)'],
    solution: ['SET {ns}visits 1 EX 60'],
    wrong: [
      // Two commands: between them the counter has no expiry (and never gets one if the client dies there).
      ['SET {ns}visits 1', 'EXPIRE {ns}visits 60'],
      ['INCR {ns}visits', 'EXPIRE {ns}visits 60'],
      // One command, but PX counts milliseconds.
      ['SET {ns}visits 1 PX 60'],
    ],
  },
  {
    id: 'nx-lock',
    kind: 'exercise',
    points: 2,
    setup: ['DEL {ns}lock:report'],
    check: all(
      stringEquals('lock:report', 'worker-1'),
      ttlAbout('lock:report', 10),
      lastWriteTo(
        'lock:report',
        'SET KEY … NX with the TTL in the same command',
        (c) => c.name === 'SET' && setOptions(c.args).includes('NX') && setsValueAndTtl(c),
        (writes, key) => {
          const last = writes.at(-1)!;
          if (last.transaction !== null && EXPIRY_COMMANDS.has(last.name))
            return `${sent(writes)}: inside MULTI the EXPIRE runs even when the NX write finds the lock taken, extending another worker's lock`;
          if (writes.length > 1 && EXPIRY_COMMANDS.has(last.name))
            return `${sent(writes)}: a crash between the two leaves ${key} locked forever`;
          if (last.name === 'SETNX' || (last.name === 'SET' && setOptions(last.args).includes('NX')))
            return `${sent(writes)}: the lock has no TTL, so a crashed worker would hold it forever`;
          return `${sent(writes)}: without NX the SET takes the lock even while another worker holds it`;
        },
      ),
    ),
    hints: [
      'One SET can say "only if absent" and "expire after N seconds" at the same time.',
      'SET key value NX EX seconds   (NX: only if absent; the value names the owner)',
    ],
    solution: ['SET {ns}lock:report worker-1 NX EX 10'],
    wrong: [
      // The classic bug: SETNX then EXPIRE, two commands.
      ['SETNX {ns}lock:report worker-1', 'EXPIRE {ns}lock:report 10'],
      ['SET {ns}lock:report worker-1 NX', 'EXPIRE {ns}lock:report 10'],
      // Check, then take: another worker can take it in between, and this SET would overwrite theirs.
      ['EXISTS {ns}lock:report', 'SET {ns}lock:report worker-1 EX 10'],
      ['SET {ns}lock:report worker-1 NX PX 10'],
    ],
  },
];
