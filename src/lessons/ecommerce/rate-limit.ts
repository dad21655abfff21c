// Rate limiting: a fixed window whose counter can never lose its TTL (the two-command versions shown failing), an
// exercise that opens such a window in one unit, and a failed-login lockout.
import { all, custom, stringEquals, ttlBetween, writesThatMadeIt, type RanCommand } from '../../engine/checks.js';
import { expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { fixedWindowNaive, fixedWindowSetNxThenIncr } from '../../antipatterns/rate-limit.js';
import { blockedFor, clearFailures, fixedWindowHit, fixedWindowHitMulti, recordFailedLogin, windowKey } from '../../patterns/index.js';
import { versionAtLeast } from '../../redis/capabilities.js';
import { RATE_EXERCISE_KEY, RATE_GAP_KEY, SCRIPT_CALL } from './shop.js';

export const rateLimitSteps: StepSpec[] = [
  {
    id: 'rate-limit',
    kind: 'code',
    async run(ctx) {
      const limit = 10;
      const crashed = ctx.key('rate:api:k-crash:28500000');
      const key = windowKey(ctx.key('rate:api:'), 'k-demo', 60);
      const multiKey = windowKey(ctx.key('rate:api:'), 'k-multi', 60);
      const setNxKey = ctx.key(RATE_GAP_KEY);
      await ctx.claim([crashed, key, multiKey, setNxKey]);
      await ctx.redis.unlink(crashed, key, multiKey, setNxKey);
      const naive = await fixedWindowNaive(ctx.redis, crashed, limit, 60, true);
      ctx.say(`naive INCR, then the process "dies" before EXPIRE → count ${naive.count}, TTL ${naive.ttl}: this counter never expires`);
      const gap = await fixedWindowSetNxThenIncr(ctx.redis, setNxKey, limit, 1, 5);
      ctx.say(
        `SET … 0 PX 1 NX, 5 ms later INCR → count ${gap.count}, TTL ${gap.ttl}: the window ended between the two commands, ` +
          `and INCR made a counter that never expires`,
      );
      const rows: (string | number)[][] = [];
      for (let i = 1; i <= 12; i++) {
        const r = await fixedWindowHit(ctx.redis, key, limit, 60);
        rows.push([i, r.count, r.allowed ? 'allowed' : 'refused (429)', r.ttl]);
      }
      ctx.table(['request', 'count', `limit ${limit}/min`, 'TTL'], rows);
      const healed = await fixedWindowHit(ctx.redis, crashed, limit, 60);
      ctx.say(`the script on the crashed counter → count ${healed.count}, TTL ${healed.ttl}: it repairs a missing TTL`);
      if (versionAtLeast(ctx.sb.target.version, '7.0.0')) {
        const m = await fixedWindowHitMulti(ctx.redis, multiKey, limit, 60);
        ctx.say(`MULTI + EXPIRE … NX → count ${m.count}, TTL ${m.ttl}`);
      } else {
        ctx.say(
          `this server is Redis ${ctx.sb.target.version}: EXPIRE … NX needs 7.0, so the MULTI variant is skipped (the script works everywhere)`,
        );
      }
    },
  },
  {
    id: 'rate-window',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, [RATE_EXERCISE_KEY], () => Promise.resolve(undefined)),
    check: expanded(
      all(
        stringEquals(RATE_EXERCISE_KEY, '1'),
        ttlBetween(RATE_EXERCISE_KEY, 1, 60),
        custom(`INCR and EXPIRE … NX on {ns}${RATE_EXERCISE_KEY} in one MULTI … EXEC, or in one script`, windowInOneUnit),
      ),
    ),
    hints: [
      'MULTI queues commands and EXEC runs them back to back, with nothing in between, not even an expiry. EXPIRE has an option (Redis 7.0+) that sets a TTL only when the key has none.',
      'MULTI · INCR key · EXPIRE key 60 NX · EXEC   (or one EVAL script that does both)',
    ],
    solution: ['MULTI', `INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60 NX`, 'EXEC'],
    wrong: [
      // Born with its TTL, then counted: two commands, and the window can end between them.
      [`SET {ns}${RATE_EXERCISE_KEY} 0 EX 60 NX`, `INCR {ns}${RATE_EXERCISE_KEY}`],
      // The classic: a crash between the two leaves a counter with no TTL.
      [`INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60`],
      [`INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60 NX`],
      // One unit, but every request would set the TTL to 60 again.
      ['MULTI', `INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60`, 'EXEC'],
    ],
  },
  {
    id: 'login-lockout',
    kind: 'code',
    async run(ctx) {
      const fails = ctx.key('failed_login:10.0.0.7');
      const block = ctx.key('blocked_ip:10.0.0.7');
      await ctx.claim([fails, block]);
      await ctx.redis.unlink(fails, block);
      const opts = { maxFailures: 5, windowSeconds: 900, blockSeconds: 900 };
      for (let attempt = 1; attempt <= 6; attempt++) {
        const wait = await blockedFor(ctx.redis, block);
        if (wait > 0) {
          ctx.say(`attempt ${attempt}: refused before the password is even checked (blocked for ${wait} s more)`);
          continue;
        }
        const r = await recordFailedLogin(ctx.redis, fails, block, opts);
        ctx.say(`attempt ${attempt}: wrong password, failure ${r.failures}/${opts.maxFailures}${r.blocked ? ' → IP blocked' : ''}`);
      }
      await clearFailures(ctx.redis, fails);
      ctx.say('(a later successful login would UNLINK the failure counter, as just done)');
    },
  },
];

const EXPIRY = /^P?EXPIRE(AT)?$/;
const hasOption = (c: RanCommand, option: string) => c.args.slice(3).some((a) => a.toUpperCase() === option);

/**
 * rate-window: among the writes that made the counter (writesThatMadeIt), an INCR and an expiry that only sets a missing TTL (EXPIRE … NX,
 * or SET … NX with EX/PX before the INCR) ran in the same EXEC, or a script wrote the key. Anything else is named.
 */
function windowInOneUnit(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key(RATE_EXERCISE_KEY);
  const names = ctx.history.map((c) => String(c.args[0]).toUpperCase());
  if (names.lastIndexOf('MULTI') > Math.max(names.lastIndexOf('EXEC'), names.lastIndexOf('DISCARD'))) {
    return { pass: false, actual: 'the transaction is still open: EXEC runs it' };
  }
  const writes = writesThatMadeIt(ctx, key);
  const script = writes.find((c) => SCRIPT_CALL.test(c.name));
  if (script) return { pass: true, actual: `${script.name} counted and set the TTL as one` };
  const incrs = writes.filter((c) => /^INCR(BY)?$/.test(c.name));
  const sameUnit = (c: RanCommand) => writes.filter((w) => w.transaction !== null && w.transaction === c.transaction);
  const setsMissingTtl = (c: RanCommand) =>
    (EXPIRY.test(c.name) && hasOption(c, 'NX')) ||
    (c.name === 'SET' && hasOption(c, 'NX') && c.args.slice(3).some((a) => TTL_OPTIONS.has(a.toUpperCase())));
  for (const inc of incrs) {
    if (inc.transaction !== null && sameUnit(inc).some(setsMissingTtl)) {
      return {
        pass: true,
        actual: `INCR and the expiry ran in one EXEC: ${sameUnit(inc)
          .map((c) => c.command)
          .join(' ; ')}`,
      };
    }
  }
  const restart = ` (to start over: UNLINK ${key})`;
  const inTx = incrs.find((c) => c.transaction !== null);
  if (inTx) {
    const plain = sameUnit(inTx).find((c) => EXPIRY.test(c.name));
    return {
      pass: false,
      actual: plain
        ? `one unit, but ${plain.command} has no NX: every request in the window would set the TTL back to 60 and push its end away${restart}`
        : `the transaction counted but set no expiry${restart}`,
    };
  }
  const inc = incrs[0];
  const setNx = writes.find((c) => c.name === 'SET' && hasOption(c, 'NX'));
  const expiry = writes.find((c) => EXPIRY.test(c.name));
  if (inc && setNx) {
    return {
      pass: false,
      actual: `SET … NX and INCR ran as two commands: if the key expires between them, INCR recreates it with no TTL, as the step above showed — put INCR and EXPIRE … 60 NX in one MULTI … EXEC${restart}`,
    };
  }
  if (inc && expiry) {
    return {
      pass: false,
      actual: `INCR and ${expiry.name} ran as two commands: a crash or a timeout between them leaves a counter with no TTL — put both in one MULTI … EXEC${restart}`,
    };
  }
  return { pass: false, actual: inc ? `INCR alone: nothing set the TTL${restart}` : 'no INCR on the key yet' };
}
