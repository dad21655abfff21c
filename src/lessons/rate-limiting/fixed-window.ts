// The fixed window: the counter that loses its TTL (INCR, crash, no EXPIRE; SET … NX, expiry, INCR) shown live and
// healed by the script and by MULTI + EXPIRE … NX, 50 clients racing a GET-then-INCR limiter and the two atomic ones,
// and two exercises: count a request in one MULTI without pushing the window, and repair counters that never expire.
import { all, custom, stringEquals, ttlBetween, writesTo, type RanCommand } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { fixedWindowNaive, fixedWindowSetNxThenIncr } from '../../antipatterns/rate-limit.js';
import { fixedWindowCheckThenIncr } from '../../antipatterns/rate-limiting.js';
import { fixedWindowAllow, fixedWindowHit, fixedWindowHitMulti, windowKey } from '../../patterns/index.js';
import { versionAtLeast } from '../../redis/capabilities.js';
import {
  admissionRace,
  CRASHED_KEY,
  DEMO_LIMIT,
  EXPIRY,
  GAP_KEY,
  hasOption,
  RACE_LIMIT,
  RACE_WINDOW_MS,
  sleep,
  transactionOpen,
} from './shared.js';

/** The hourly counter the fixed-window exercise counts in: 412 requests so far, 25 minutes of the window left. */
export const FW_KEY = 'rate-limiting:fw:user-7:475000';
const FW_START = 412;
const FW_TTL = 1500;

/** The repair exercise's counters: [name, count, TTL in seconds or -1 for none]. */
export const API_COUNTERS: readonly [string, string, number][] = [
  ['rate-limiting:api:k-11:475000', '120', 1200],
  ['rate-limiting:api:k-12:475000', '1000', -1],
  ['rate-limiting:api:k-13:475000', '37', 2400],
  ['rate-limiting:api:k-14:475000', '1003', -1],
];

const hasExpireOption = (ctx: LessonContext) => versionAtLeast(ctx.sb.target.version, '7.0.0');

export const fixedWindowSteps: StepSpec[] = [
  {
    id: 'ttl-lost',
    kind: 'code',
    async run(ctx) {
      const crashed = ctx.key(CRASHED_KEY);
      const gap = ctx.key(GAP_KEY);
      await ctx.claim([crashed, gap]);
      await ctx.unrecorded.unlink(crashed, gap);
      const first = await fixedWindowNaive(ctx.redis, crashed, DEMO_LIMIT, 60, true);
      ctx.say(`request 1: INCR answered ${first.count}, and the process died before its EXPIRE → TTL ${first.ttl}`);
      const rows: (string | number)[][] = [[1, first.count, first.allowed ? 'allowed' : 'refused', first.ttl]];
      for (let n = 2; n <= 7; n++) {
        // Later requests run the same two-command code; INCR no longer answers 1, so none of them sends EXPIRE.
        const r = await fixedWindowNaive(ctx.unrecorded, crashed, DEMO_LIMIT, 60);
        rows.push([n, r.count, r.allowed ? 'allowed' : 'refused (429)', r.ttl]);
      }
      ctx.table(['request', 'count', `limit ${DEMO_LIMIT}/min`, 'TTL'], rows);
      ctx.say(
        `The window was meant to end after 60 s. With TTL -1 it never ends: this API key is refused from request 6 on, ` +
          `forever, and the counter stays in memory.`,
      );
      const g = await fixedWindowSetNxThenIncr(ctx.redis, gap, DEMO_LIMIT, 1, 5);
      ctx.say(
        `SET … 0 PX 1 NX, then INCR 5 ms later → count ${g.count}, TTL ${g.ttl}: the key expired between the two ` +
          `commands and INCR created a new one, without a TTL.`,
      );
    },
  },
  {
    id: 'ttl-healed',
    kind: 'code',
    async run(ctx) {
      const crashed = ctx.key(CRASHED_KEY);
      const gap = ctx.key(GAP_KEY);
      await ctx.claim([crashed, gap]);
      // Started with --step: rebuild what the step before leaves behind (two counters without a TTL).
      if ((await ctx.unrecorded.ttl(crashed)) !== -1) await ctx.unrecorded.set(crashed, '7');
      if ((await ctx.unrecorded.ttl(gap)) !== -1) await ctx.unrecorded.set(gap, '1');
      const before = await ctx.unrecorded.get(crashed);
      const healed = await fixedWindowHit(ctx.redis, crashed, DEMO_LIMIT, 60);
      ctx.say(
        `the script on the crashed counter (count ${before}, TTL -1) → count ${healed.count}, TTL ${healed.ttl}: ` +
          `still refused in this window, but the window now ends.`,
      );
      if (!hasExpireOption(ctx)) {
        ctx.say(`This server is Redis ${ctx.sb.target.version}: EXPIRE … NX needs 7.0, so the MULTI version is skipped here.`);
        return;
      }
      const m = await fixedWindowHitMulti(ctx.redis, gap, DEMO_LIMIT, 60);
      ctx.say(`MULTI / INCR / EXPIRE … 60 NX / TTL / EXEC on the other one → count ${m.count}, TTL ${m.ttl}: NX found no TTL and set one.`);
      await sleep(1100);
      const again = await fixedWindowHitMulti(ctx.redis, gap, DEMO_LIMIT, 60);
      ctx.say(
        `1.1 s later, the same transaction → count ${again.count}, TTL ${again.ttl}: EXPIRE … NX answered 0 and the ` +
          `window's end stayed where it was.`,
      );
    },
  },
  admissionRace('fixed-window-race', [
    {
      label: 'GET, check, INCR',
      atomic: false,
      key: 'rate-limiting:race:fw-naive',
      hit: (client, state) => fixedWindowCheckThenIncr(client, state.key, RACE_LIMIT, RACE_WINDOW_MS / 1000),
      describe: async (ctx, key) => `the counter reads ${await ctx.unrecorded.get(key)}`,
    },
    {
      label: 'script (fixedWindowAllow)',
      atomic: true,
      key: 'rate-limiting:race:fw-script',
      hit: async (client, state) => (await fixedWindowAllow(client, state.key, RACE_LIMIT, RACE_WINDOW_MS)).allowed,
      describe: async (ctx, key) => `the counter reads ${await ctx.unrecorded.get(key)}, TTL ${await ctx.unrecorded.ttl(key)} s`,
    },
    {
      label: 'MULTI: INCR + EXPIRE … NX',
      atomic: true,
      // One window for the whole run (its number taken once), so a minute ending mid-race cannot open a second one.
      key: 'rate-limiting:race:fw-multi',
      async prepare(ctx, state) {
        state.key = windowKey(`${state.key}:`, 'user-7', RACE_WINDOW_MS / 1000);
        await ctx.claim([state.key]);
        await ctx.unrecorded.unlink(state.key);
        if (!hasExpireOption(ctx)) {
          state.legacy = true;
          ctx.say(`Redis ${ctx.sb.target.version} has no EXPIRE … NX (7.0+): this row runs the script fixedWindowHit instead.`);
        }
      },
      hit: async (client, state) =>
        (state.legacy
          ? await fixedWindowHit(client, state.key, RACE_LIMIT, RACE_WINDOW_MS / 1000)
          : await fixedWindowHitMulti(client, state.key, RACE_LIMIT, RACE_WINDOW_MS / 1000)
        ).allowed,
      describe: async (ctx, key) =>
        `INCR counted every request (${await ctx.unrecorded.get(key)}) and only replies up to ${RACE_LIMIT} were admitted`,
    },
  ]),
  {
    id: 'fixed-window-multi',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [FW_KEY], async (k) => {
        await ctx.unrecorded.set(k(FW_KEY), String(FW_START), 'EX', FW_TTL);
      }),
    check: expanded(
      all(
        custom(`INCR and EXPIRE {ns}${FW_KEY} 3600 NX in one MULTI … EXEC`, incrWithExpireNx),
        stringEquals(FW_KEY, String(FW_START + 1)),
        ttlBetween(FW_KEY, 1, FW_TTL),
      ),
    ),
    hints: [
      'The app sends the same commands for every request, the first of a window included: the expiry goes in the same transaction as the INCR, with the option that leaves an existing TTL alone.',
      'MULTI · INCR key · EXPIRE key 3600 NX · EXEC   (NX: set the expiry only when the key has none; Redis 7.0+)',
    ],
    solution: ['MULTI', `INCR {ns}${FW_KEY}`, `EXPIRE {ns}${FW_KEY} 3600 NX`, 'EXEC'],
    wrong: [
      // Two commands: on the first request of a window, a crash between them leaves a counter without a TTL.
      [`INCR {ns}${FW_KEY}`, `EXPIRE {ns}${FW_KEY} 3600 NX`],
      // One unit, but without NX every request sets the TTL back to a full hour.
      ['MULTI', `INCR {ns}${FW_KEY}`, `EXPIRE {ns}${FW_KEY} 3600`, 'EXEC'],
      [`INCR {ns}${FW_KEY}`, `EXPIRE {ns}${FW_KEY} 3600`],
      // The counter had a TTL this time, so INCR alone looks right.
      [`INCR {ns}${FW_KEY}`],
    ],
  },
  {
    id: 'repair-ttl',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(
        ctx,
        API_COUNTERS.map(([name]) => name),
        async (k) => {
          for (const [name, count, ttl] of API_COUNTERS) {
            if (ttl > 0) await ctx.unrecorded.set(k(name), count, 'EX', ttl);
            else await ctx.unrecorded.set(k(name), count);
          }
        },
      ),
    check: expanded(
      all(
        custom('the counters without a TTL get one of 1..3600 s, keeping their counts; the others keep their TTLs', repairedOnly),
        ...API_COUNTERS.map(([name, count]) => stringEquals(name, count)),
      ),
    ),
    hints: [
      'SCAN with MATCH lists the counters without blocking the server (KEYS would); TTL answers -1 for a key that exists without an expiry. Give those an expiry and nothing else: the counts stay.',
      'SCAN 0 MATCH {ns}rate-limiting:api:* COUNT 100 · TTL key (for each) · EXPIRE key 3600 NX (NX: only where there is no TTL, so it is safe on every counter)',
    ],
    solution: [
      'SCAN 0 MATCH {ns}rate-limiting:api:* COUNT 100',
      ...API_COUNTERS.map(([name]) => `TTL {ns}${name}`),
      ...API_COUNTERS.filter(([, , ttl]) => ttl < 0).map(([name]) => `EXPIRE {ns}${name} 3600 NX`),
    ],
    wrong: [
      // Every counter gets a full hour: the healthy windows are pushed back.
      API_COUNTERS.map(([name]) => `EXPIRE {ns}${name} 3600`),
      // Deleting them resets the counts: those clients get a fresh, full window at once.
      [`DEL {ns}${API_COUNTERS[1]![0]} {ns}${API_COUNTERS[3]![0]}`],
      // Only one of the two found.
      [`EXPIRE {ns}${API_COUNTERS[1]![0]} 3600`],
      // The TTL comes with a rewrite of the count: a request counted in between would be lost.
      [`SET {ns}${API_COUNTERS[1]![0]} 1000 EX 3600`, `SET {ns}${API_COUNTERS[3]![0]} 1003 EX 3600`],
    ],
  },
];

const RESTART = ' (:reset starts the exercise over)';

/**
 * fixed-window-multi: the INCR ran inside a MULTI whose EXEC also ran EXPIRE (or PEXPIRE…) … NX on the key; no expiry
 * without NX ran, and no INCR ran alone. Each other shape is named with what it would do to a window.
 */
function incrWithExpireNx(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key(FW_KEY);
  if (transactionOpen(ctx)) return { pass: false, actual: 'the transaction is still open: EXEC runs it' };
  const writes = writesTo(ctx, key);
  const incrs = writes.filter((c) => /^INCR(BY)?$/.test(c.name));
  const expiries = writes.filter((c) => EXPIRY.test(c.name));
  const pushed = expiries.find((c) => !hasOption(c, 'NX'));
  if (pushed) {
    return {
      pass: false,
      actual:
        `${pushed.command} has no NX: it set the TTL back to a full hour. Sent with every request, it pushes the ` +
        `window's end away each time, so a client that keeps calling never gets a new window${RESTART}`,
    };
  }
  const alone = incrs.find((c) => c.transaction === null);
  if (alone) {
    return {
      pass: false,
      actual: expiries.length
        ? `INCR and ${expiries[0]!.name} … NX ran as two commands: on the first request of a window, a crash between them leaves a counter that never expires. Put both in one MULTI … EXEC${RESTART}`
        : `INCR alone: this counter already had a TTL, but the same code on the first request of a window creates one without${RESTART}`,
    };
  }
  const together = (c: RanCommand) =>
    writes.filter((w) => w.transaction === c.transaction).find((w) => EXPIRY.test(w.name) && hasOption(w, 'NX'));
  const good = incrs.map((c) => [c, together(c)] as const).find(([, e]) => e);
  if (good) return { pass: true, actual: `${good[0].command} and ${good[1]!.command} ran in one EXEC` };
  if (incrs.length)
    return { pass: false, actual: `the transaction counted but set no expiry: on a new window that counter would never expire${RESTART}` };
  return { pass: false, actual: `no INCR on ${key} yet` };
}

const EXPIRY_ONLY = /^(P?EXPIRE(AT)?|GETEX)$/;

/**
 * repair-ttl: the counters found without a TTL have one now (1..3600 s) and were written only by commands that set a
 * TTL (not rewritten); the healthy ones still have at most the TTL they had.
 */
async function repairedOnly(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const fixed: string[] = [];
  for (const [name, , ttl] of API_COUNTERS) {
    const key = ctx.key(name);
    const pttl = await ctx.unrecorded.pttl(key);
    if (pttl === -2) {
      return {
        pass: false,
        actual: `${key} is gone: deleting a counter hands that client a fresh, full window at once; keep the count and give it a TTL${RESTART}`,
      };
    }
    if (ttl < 0) {
      if (pttl === -1) return { pass: false, actual: `${key} still has no TTL (TTL -1): it never expires` };
      if (pttl > 3_600_000) return { pass: false, actual: `${key} TTL ${Math.round(pttl / 1000)} s: more than the 3600 s window` };
      const rewrite = writesTo(ctx, key).find((c) => !EXPIRY_ONLY.test(c.name));
      if (rewrite) {
        return {
          pass: false,
          actual: `${rewrite.command} rewrote the count to give it a TTL: a request counted between your read and that write would be lost. EXPIRE changes only the TTL${RESTART}`,
        };
      }
      fixed.push(`${name.split(':').at(-2)} TTL ${Math.round(pttl / 1000)} s`);
    } else if (pttl === -1 || pttl > ttl * 1000) {
      return {
        pass: false,
        actual: `${key} had ${ttl} s of its window left and now has ${pttl === -1 ? 'no TTL' : `${Math.round(pttl / 1000)} s`}: its window was moved. Only the counters without a TTL needed one (EXPIRE … NX leaves the others alone)${RESTART}`,
      };
    }
  }
  return { pass: true, actual: `${fixed.join(', ')}; the other counters kept their TTLs` };
}
