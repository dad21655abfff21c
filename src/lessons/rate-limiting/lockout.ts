// Failed-login lockout: at the fifth failure, a block key is written with its TTL in one command, and only if there
// is no block yet (SET … EX … NX); SET then EXPIRE, SETNX then EXPIRE and SET … EX without NX are shown failing.
import { all, custom, stringEquals, ttlBetween, writesThatMadeIt, type RanCommand } from '../../engine/checks.js';
import { expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { EXPIRY, hasOption } from './shared.js';

export const FAILURES_KEY = 'rate-limiting:failures:10.0.0.9';
export const BLOCK_KEY = 'rate-limiting:blocked:10.0.0.9';
export const MAX_FAILURES = 5;
export const BLOCK_SECONDS = 900;

export const lockoutSteps: StepSpec[] = [
  {
    id: 'login-lockout',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [FAILURES_KEY, BLOCK_KEY], async (k) => {
        await ctx.unrecorded.set(k(FAILURES_KEY), String(MAX_FAILURES), 'EX', 600);
      }),
    check: expanded(
      all(
        custom(`{ns}${BLOCK_KEY} written by one SET with EX and NX`, blockedInOneCommand),
        stringEquals(BLOCK_KEY, String(MAX_FAILURES)),
        ttlBetween(BLOCK_KEY, BLOCK_SECONDS - 10, BLOCK_SECONDS),
      ),
    ),
    hints: [
      'One command can write a value, give it a TTL and refuse to overwrite an existing key, all at once.',
      `SET key value EX seconds NX   e.g. SET {ns}${BLOCK_KEY} ${MAX_FAILURES} EX ${BLOCK_SECONDS} NX`,
    ],
    solution: [`SET {ns}${BLOCK_KEY} ${MAX_FAILURES} EX ${BLOCK_SECONDS} NX`],
    wrong: [
      // The block and its TTL as two commands: a crash between them blocks the IP forever.
      [`SET {ns}${BLOCK_KEY} ${MAX_FAILURES}`, `EXPIRE {ns}${BLOCK_KEY} ${BLOCK_SECONDS}`],
      [`SETNX {ns}${BLOCK_KEY} ${MAX_FAILURES}`, `EXPIRE {ns}${BLOCK_KEY} ${BLOCK_SECONDS}`],
      // One command, but it overwrites a block already there and restarts its 15 minutes.
      [`SET {ns}${BLOCK_KEY} ${MAX_FAILURES} EX ${BLOCK_SECONDS}`],
    ],
  },
];

const RESTART = ' (:reset starts the exercise over)';
const hasTtl = (c: RanCommand) => c.args.slice(3).some((a) => TTL_OPTIONS.has(a.toUpperCase()));

/** login-lockout: every write that made the block key is a SET carrying both a TTL option and NX. */
function blockedInOneCommand(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key(BLOCK_KEY);
  const writes = writesThatMadeIt(ctx, key);
  if (!writes.length) return { pass: false, actual: `no command of yours wrote ${key} yet` };
  const expiry = writes.find((c) => EXPIRY.test(c.name));
  if (expiry) {
    return {
      pass: false,
      actual: `the block and its TTL were two commands (${writes.map((c) => c.name).join(', then ')}): a crash or timeout between them leaves an IP blocked forever${RESTART}`,
    };
  }
  const bad = writes.find((c) => c.name !== 'SET' || !hasTtl(c) || !hasOption(c, 'NX'));
  if (bad) {
    return {
      pass: false,
      actual:
        bad.name === 'SET' && hasTtl(bad)
          ? `${bad.command} has no NX: a second failing request overwrites the block and restarts its ${BLOCK_SECONDS / 60} minutes, and both handlers believe they created it (and both send the alert)${RESTART}`
          : `${bad.command} sets no TTL: the block would never end${RESTART}`,
    };
  }
  return { pass: true, actual: `${writes.at(-1)!.command}: value, TTL and "only if absent" in one command` };
}
