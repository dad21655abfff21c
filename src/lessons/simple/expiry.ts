// Section 3 of the simple lesson: time to live: EXPIRE/TTL/PERSIST, a key watched as it expires, and two exercises.
import { all, noTtl, stringEquals, ttlBetween, writtenOnlyBy } from '../../engine/checks.js';
import { retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { watchExpiry } from './lib/expiry-watch.js';
import { EXPIRY_COMMANDS, keptExpiry } from './checks.js';

const SESSION_SETUP = ['SET {ns}session:42 alice EX 600'];
const CART_SETUP = ['SET {ns}cart:77 items=2 EX 900'];

export const expirySteps: StepSpec[] = [
  {
    id: 'expiry',
    kind: 'run',
    commands: [
      'SET {ns}otp 481516',
      'EXPIRE {ns}otp 120',
      'TTL {ns}otp',
      'PERSIST {ns}otp',
      'TTL {ns}otp',
      'TTL {ns}no-such-key',
      'SET {ns}otp 271828 EX 300',
      'SET {ns}otp 314159',
      'TTL {ns}otp',
      'SET {ns}otp 161803 EX 300',
      'SET {ns}otp 141421 KEEPTTL',
      'TTL {ns}otp',
    ],
  },
  {
    id: 'watch-expiry',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('coupon:flash');
      await ctx.claim([key]);
      const readings = await watchExpiry(ctx.redis, key, 'SAVE20', { ttlMs: 1200, intervalMs: 300, maxReadings: 8 }, (r) =>
        ctx.say(`t+${String(r.elapsedMs).padStart(4)} ms  PTTL ${r.pttl === -2 ? '-2 (gone)' : `${r.pttl} ms`}`),
      );
      const last = readings.at(-1);
      ctx.say(
        last?.pttl === -2
          ? `gone after about ${last.elapsedMs} ms: no cleanup job, no DEL, the server did it`
          : 'the key was still there at the last reading (a very busy server); it will be gone shortly',
      );
    },
  },
  {
    id: 'persist',
    kind: 'exercise',
    points: 2,
    setup: SESSION_SETUP,
    check: all(
      stringEquals('session:42', 'alice'),
      noTtl('session:42'),
      writtenOnlyBy(
        'session:42',
        'KEY made permanent with PERSIST, its value never rewritten',
        (c) => c.name === 'PERSIST' || (c.name === 'GETEX' && c.args.slice(2).some((a) => a.toUpperCase() === 'PERSIST')),
        (c) =>
          c.name === 'SET' || c.name === 'SETEX' || c.name === 'GETSET'
            ? `you rewrote the value with ${c.command}`
            : EXPIRY_COMMANDS.has(c.name)
              ? `you changed its expiry with ${c.command}`
              : `you changed it with ${c.command}`,
        retyped(SESSION_SETUP),
      ),
    ),
    hints: [
      "There is a command whose only job is to remove a key's expiry.",
      'PERSIST key   (replies 1 if it removed a TTL, 0 if there was none)',
    ],
    solution: ['PERSIST {ns}session:42'],
    wrong: [
      ['SET {ns}session:42 alice', 'PERSIST {ns}session:42'],
      // A plain SET drops the TTL too: by rewriting the value (a stale copy, if it changed meanwhile).
      ['GET {ns}session:42', 'SET {ns}session:42 alice'],
      // Long is not permanent.
      ['EXPIRE {ns}session:42 999999999'],
    ],
  },
  {
    id: 'keep-ttl',
    kind: 'exercise',
    points: 2,
    setup: CART_SETUP,
    check: all(stringEquals('cart:77', 'items=3'), ttlBetween('cart:77', 1, 900), keptExpiry('cart:77', retyped(CART_SETUP))),
    hints: ['SET has an option that leaves the current TTL alone.', 'SET key value KEEPTTL   (Redis 6.0+)'],
    solution: ['SET {ns}cart:77 items=3 KEEPTTL'],
    wrong: [
      ['SET {ns}cart:77 items=3'],
      // A fresh 15 minutes is not the expiry it had.
      ['SET {ns}cart:77 items=3', 'EXPIRE {ns}cart:77 900'],
      ['SET {ns}cart:77 items=3 EX 900'],
      // Read what is left and write it back: two commands, and the deadline drifts.
      ['TTL {ns}cart:77', 'SET {ns}cart:77 items=3 EX 899'],
    ],
  },
];
