// Section 2 of the simple lesson: counters on the server, the lost update they prevent (a race), and an exercise.
import type { Redis } from 'ioredis';
import { all, stringEquals, writtenOnlyBy } from '../../engine/checks.js';
import { retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { incrementByReadWrite } from '../../antipatterns/counter.js';
import { incrementCounter } from '../../patterns/index.js';

export const RACE_CLIENTS = 50;
/** Increments per client in the races: enough interleaving that the naive version reliably loses some. */
export const RACE_ROUNDS = 10;

const DOWNLOADS_SETUP = ['SET {ns}downloads 41'];
const INCREMENTS: ReadonlySet<string> = new Set(['INCR', 'INCRBY', 'DECR', 'DECRBY', 'INCRBYFLOAT']);

async function readNumber(redis: Redis, key: string): Promise<number> {
  return Number((await redis.get(key)) ?? '0');
}

export const counterSteps: StepSpec[] = [
  {
    id: 'counters',
    kind: 'run',
    commands: [
      'SET {ns}page_views 10',
      'INCR {ns}page_views',
      'INCRBY {ns}page_views 5',
      'DECR {ns}page_views',
      'INCR {ns}signups',
      'SET {ns}temperature 21.5',
      'INCRBYFLOAT {ns}temperature -0.3',
      'INCR {ns}greeting',
    ],
  },
  {
    id: 'lost-updates',
    kind: 'race',
    clients: RACE_CLIENTS,
    variants: [
      {
        label: 'GET then SET (read-modify-write in the client)',
        atomic: false,
        async setup(ctx) {
          await ctx.claim([ctx.key('race:naive')]);
          await ctx.redis.set(ctx.key('race:naive'), '0');
        },
        async worker(client, _i, ctx) {
          for (let r = 0; r < RACE_ROUNDS; r++) await incrementByReadWrite(client, ctx.key('race:naive'));
        },
        async measure(ctx) {
          return {
            expected: RACE_CLIENTS * RACE_ROUNDS,
            actual: await readNumber(ctx.unrecorded, ctx.key('race:naive')),
            unit: 'increments',
          };
        },
      },
      {
        label: 'INCR (atomic on the server)',
        atomic: true,
        async setup(ctx) {
          await ctx.claim([ctx.key('race:atomic')]);
          await ctx.redis.set(ctx.key('race:atomic'), '0');
        },
        async worker(client, _i, ctx) {
          for (let r = 0; r < RACE_ROUNDS; r++) await incrementCounter(client, ctx.key('race:atomic'));
        },
        async measure(ctx) {
          return {
            expected: RACE_CLIENTS * RACE_ROUNDS,
            actual: await readNumber(ctx.unrecorded, ctx.key('race:atomic')),
            unit: 'increments',
          };
        },
      },
    ],
  },
  {
    id: 'atomic-counter',
    kind: 'exercise',
    points: 2,
    setup: DOWNLOADS_SETUP,
    check: all(
      stringEquals('downloads', '46'),
      writtenOnlyBy(
        'downloads',
        'KEY changed on the server by INCRBY (or INCR), never written back from the client',
        (c) => INCREMENTS.has(c.name),
        (c) =>
          c.name === 'DEL' || c.name === 'UNLINK'
            ? `you deleted it (${c.command}) and counted again from zero: increments landing in between are lost`
            : `you wrote the number yourself (${c.command}): an increment landing after your read is lost`,
        retyped(DOWNLOADS_SETUP),
      ),
    ),
    hints: ['There is a counter command that adds any integer, not just 1.', 'INCRBY key increment   (O(1), returns the new value)'],
    solution: ['INCRBY {ns}downloads 5'],
    wrong: [
      ['GET {ns}downloads', 'SET {ns}downloads 46'],
      ['SET {ns}downloads 46'],
      ['INCR {ns}downloads', 'SET {ns}downloads 46'],
      ['DEL {ns}downloads', 'INCRBY {ns}downloads 46'],
    ],
  },
];
