// The sliding windows: the log (a sorted set of request times, exact) and the counter (two fixed-window counts, the
// previous one weighted), each run with its commands printed and raced against a version that decides in the client,
// and an exercise that logs two requests of the same millisecond in one MULTI each.
import { all, custom, writesTo, zsetEquals } from '../../engine/checks.js';
import { expanded, fresh, pairs } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { slidingCounterReadThenWrite, slidingLogCheckThenAdd } from '../../antipatterns/rate-limiting.js';
import { slidingCounterAllow, slidingLogAllow, type RateLimitResult } from '../../patterns/index.js';
import {
  admissionRace,
  alignToServerWindow,
  commandsOn,
  EXPIRY,
  RACE_LIMIT,
  RACE_WINDOW_MS,
  sameExec,
  sleep,
  transactionOpen,
} from './shared.js';

/** The sliding-log exercise: an hour-long log at "now" = LOG_NOW, two entries already out of the window. */
export const LOG_KEY = 'rate-limiting:log:user-7';
export const LOG_NOW = 1_700_003_600_000;
export const LOG_WINDOW_MS = 3_600_000;
const LOG_START: readonly [number, string][] = [
  [1_699_998_200_000, 'r1'],
  [1_699_999_900_000, 'r2'],
  [1_700_001_000_000, 'r3'],
  [1_700_002_400_000, 'r4'],
];
/** What the log had left of its TTL at "now": an hour after r4, 20 minutes ago. */
const LOG_TTL_LEFT_MS = LOG_START[3]![0] + LOG_WINDOW_MS - LOG_NOW;
const member = (t: number, id: string) => `${t}-${id}`;
const LOG_END: [string, number][] = [
  ...LOG_START.filter(([t]) => t > LOG_NOW - LOG_WINDOW_MS).map(([t, id]) => [member(t, id), t] as [string, number]),
  [member(LOG_NOW, 'r5'), LOG_NOW],
  [member(LOG_NOW, 'r6'), LOG_NOW],
];

/** The demonstration windows of the code steps. */
export const LOG_DEMO = { limit: 3, windowMs: 1000 } as const;
export const COUNTER_DEMO = { limit: 10, windowMs: 1000, offsetMs: 50, laterMs: 250 } as const;

const verdict = (r: RateLimitResult) => (r.allowed ? `allowed, ${r.remaining} left` : `refused, retry after ${r.retryAfterMs} ms`);

export const slidingSteps: StepSpec[] = [
  {
    id: 'sliding-log',
    kind: 'code',
    async run(ctx) {
      const { limit, windowMs } = LOG_DEMO;
      const key = ctx.key('rate-limiting:log:demo');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const t0 = Date.now();
      const rows: (string | number)[][] = [];
      let last: RateLimitResult | undefined;
      for (let n = 1; n <= limit + 1; n++) {
        last = await slidingLogAllow(ctx.redis, key, limit, windowMs);
        rows.push([n, `${Date.now() - t0} ms`, verdict(last)]);
      }
      const entries = pairs(await ctx.redis.zrange(key, '0', '-1', 'WITHSCORES'));
      const pttl = await ctx.redis.pttl(key);
      ctx.say(
        `The log holds ${entries.length} entries (score = server time in ms, member = that time plus a random token), ` +
          `PTTL ${pttl} ms: it expires ${windowMs} ms after the last admitted request.`,
      );
      await sleep((last?.retryAfterMs ?? 0) + 10);
      const after = await slidingLogAllow(ctx.redis, key, limit, windowMs);
      rows.push([limit + 2, `${Date.now() - t0} ms`, verdict(after)]);
      ctx.table(['request', 'sent at', `limit ${limit} per ${windowMs} ms`], rows);
      ctx.say(
        `Request ${limit + 2} waited the retryAfterMs the refusal named: by then the oldest entry had left the window, ` +
          `ZREMRANGEBYSCORE dropped it, and there was room for one.`,
      );
    },
  },
  admissionRace('sliding-log-race', [
    {
      label: 'ZCARD, check, ZADD',
      atomic: false,
      key: 'rate-limiting:race:log-naive',
      hit: (client, state, n) => slidingLogCheckThenAdd(client, state.key, RACE_LIMIT, RACE_WINDOW_MS, `req-${n}`),
      describe: async (ctx, key) => `the log holds ${await ctx.unrecorded.zcard(key)} entries`,
    },
    {
      label: 'script (slidingLogAllow)',
      atomic: true,
      key: 'rate-limiting:race:log-script',
      hit: async (client, state) => (await slidingLogAllow(client, state.key, RACE_LIMIT, RACE_WINDOW_MS)).allowed,
      describe: async (ctx, key) => `the log holds ${await ctx.unrecorded.zcard(key)} entries`,
    },
  ]),
  {
    id: 'sliding-log-multi',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [LOG_KEY], async (k) => {
        await ctx.unrecorded.zadd(k(LOG_KEY), ...LOG_START.flatMap(([t, id]) => [t, member(t, id)]));
        await ctx.unrecorded.pexpire(k(LOG_KEY), LOG_TTL_LEFT_MS);
      }),
    check: expanded(
      all(
        custom(`each ZADD in a MULTI … EXEC with ZREMRANGEBYSCORE, ZCARD and PEXPIRE on {ns}${LOG_KEY}`, loggedInOneMulti),
        custom('one entry per request: members r5 and r6 both present', oneEntryPerRequest),
        zsetEquals(LOG_KEY, LOG_END),
        custom(`{ns}${LOG_KEY} PTTL renewed to about ${LOG_WINDOW_MS} ms`, logTtlRenewed),
      ),
    ),
    hints: [
      'Per request, one transaction: drop what left the window (scores up to now − 3600000), add the request, count, and renew the expiry. Two requests in the same millisecond need two different members.',
      `MULTI · ZREMRANGEBYSCORE key -inf ${LOG_NOW - LOG_WINDOW_MS} · ZADD key ${LOG_NOW} ${LOG_NOW}-r5 · ZCARD key · PEXPIRE key ${LOG_WINDOW_MS} · EXEC   (then the same for r6)`,
    ],
    solution: [r5r6('r5'), r5r6('r6')].flat(),
    wrong: [
      // No PEXPIRE: the log keeps the TTL it had, and expires while r5 and r6 are still inside the window.
      [
        'MULTI',
        `ZREMRANGEBYSCORE {ns}${LOG_KEY} -inf ${LOG_NOW - LOG_WINDOW_MS}`,
        `ZADD {ns}${LOG_KEY} ${LOG_NOW} ${LOG_NOW}-r5 ${LOG_NOW} ${LOG_NOW}-r6`,
        `ZCARD {ns}${LOG_KEY}`,
        'EXEC',
      ],
      // The time alone as the member: the second request of the millisecond overwrites the first.
      [
        ...r5r6('r5').map((l) => l.replace(`${LOG_NOW}-r5`, String(LOG_NOW))),
        ...r5r6('r6').map((l) => l.replace(`${LOG_NOW}-r6`, String(LOG_NOW))),
      ],
      // The right commands, one at a time: another client can count between ZCARD and ZADD.
      r5r6('r5').filter((l) => l !== 'MULTI' && l !== 'EXEC'),
      // Nothing trimmed: the two requests from more than an hour ago still count.
      [`ZADD {ns}${LOG_KEY} ${LOG_NOW} ${LOG_NOW}-r5 ${LOG_NOW} ${LOG_NOW}-r6`, `PEXPIRE {ns}${LOG_KEY} ${LOG_WINDOW_MS}`],
    ],
  },
  {
    id: 'sliding-counter',
    kind: 'code',
    async run(ctx) {
      const { limit, windowMs, offsetMs, laterMs } = COUNTER_DEMO;
      const key = ctx.key('rate-limiting:counter:demo');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const t0 = await alignToServerWindow(ctx.unrecorded, windowMs, offsetMs);
      const burst = await Promise.all(Array.from({ length: limit + 1 }, () => slidingCounterAllow(ctx.redis, key, limit, windowMs)));
      const refused = burst.filter((r) => !r.allowed);
      const rows: (string | number)[][] = [
        [`${offsetMs} ms into window 1`, limit + 1, burst.length - refused.length, refused.map((r) => `${r.retryAfterMs} ms`).join(', ')],
      ];
      await sleep(t0 + windowMs + laterMs - offsetMs - Date.now());
      const later: RateLimitResult[] = [];
      for (let n = 0; n < 4; n++) later.push(await slidingCounterAllow(ctx.redis, key, limit, windowMs));
      rows.push([
        `${laterMs} ms into window 2`,
        later.length,
        later.filter((r) => r.allowed).length,
        later
          .filter((r) => !r.allowed)
          .map((r) => `${r.retryAfterMs} ms`)
          .join(', '),
      ]);
      ctx.table(['when (server clock)', 'sent', 'admitted', 'refused: retry after'], rows);
      const h = await ctx.unrecorded.hgetall(key);
      ctx.say(
        `The hash now holds w=${h.w} (the window number), c=${h.c} (this window's count) and p=${h.p} (the previous ` +
          `window's). At ${laterMs} ms in, the sliding window still covers the last ${100 - (laterMs * 100) / windowMs} % of ` +
          `the previous one: estimate = ${h.p} × ${(windowMs - laterMs) / windowMs} + c, and a request passes while estimate + 1 ≤ ${limit}.`,
      );
      const wait = refused[0]?.retryAfterMs ?? 0;
      ctx.say(
        `The first refusal's retry after ${wait} ms${wait > windowMs ? `, longer than the ${windowMs} ms window,` : ''} is no ` +
          `mistake: at the next window's start the previous ${limit} still count in full, and room for one more opens ` +
          `only ${windowMs / limit} ms into it.`,
      );
    },
  },
  admissionRace('sliding-counter-race', [
    {
      label: 'HMGET, estimate, HSET',
      atomic: false,
      key: 'rate-limiting:race:counter-naive',
      hit: (client, state) => slidingCounterReadThenWrite(client, state.key, RACE_LIMIT, RACE_WINDOW_MS),
      describe: async (ctx, key) => `the hash counts c=${(await ctx.unrecorded.hget(key, 'c')) ?? 0}`,
    },
    {
      label: 'script (slidingCounterAllow)',
      atomic: true,
      key: 'rate-limiting:race:counter-script',
      hit: async (client, state) => (await slidingCounterAllow(client, state.key, RACE_LIMIT, RACE_WINDOW_MS)).allowed,
      describe: async (ctx, key) => `the hash counts c=${(await ctx.unrecorded.hget(key, 'c')) ?? 0}`,
    },
  ]),
];

/** One request of the exercise, as the solution types it. */
function r5r6(id: 'r5' | 'r6'): string[] {
  return [
    'MULTI',
    `ZREMRANGEBYSCORE {ns}${LOG_KEY} -inf ${LOG_NOW - LOG_WINDOW_MS}`,
    `ZADD {ns}${LOG_KEY} ${LOG_NOW} ${LOG_NOW}-${id}`,
    `ZCARD {ns}${LOG_KEY}`,
    `PEXPIRE {ns}${LOG_KEY} ${LOG_WINDOW_MS}`,
    'EXEC',
  ];
}

const RESTART = ' (:reset starts the exercise over)';
const ZADD_OPTIONS = new Set(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']);

/** sliding-log-multi: every ZADD on the log ran in an EXEC that also trimmed, counted and renewed the TTL of the log. */
function loggedInOneMulti(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key(LOG_KEY);
  if (transactionOpen(ctx)) return { pass: false, actual: 'the transaction is still open: EXEC runs it' };
  const adds = writesTo(ctx, key).filter((c) => c.name === 'ZADD');
  if (!adds.length) return { pass: false, actual: `no ZADD on ${key} yet` };
  for (const add of adds) {
    if (add.transaction === null) {
      return {
        pass: false,
        actual: `${add.command} ran on its own: between counting and adding, another request can count the same total and both get in. Trim, add, count and expire in one MULTI … EXEC${RESTART}`,
      };
    }
    const names = new Set(sameExec(ctx, add, key).map((c) => c.name));
    const missing = [
      names.has('ZREMRANGEBYSCORE') ? '' : 'ZREMRANGEBYSCORE (entries older than the window still count)',
      names.has('ZCARD') ? '' : 'ZCARD (the app needs the count to decide)',
      [...names].some((n) => EXPIRY.test(n))
        ? ''
        : 'PEXPIRE (the log keeps its old TTL and can expire while these requests are still inside the window)',
    ].filter(Boolean);
    if (missing.length) return { pass: false, actual: `the transaction with ${add.command} has no ${missing.join(', no ')}${RESTART}` };
  }
  return { pass: true, actual: `${adds.length} ZADD${adds.length > 1 ? 's' : ''}, each with its trim, count and expiry in one EXEC` };
}

/** sliding-log-multi: both requests have their own entry (a member reused only moves its score). */
async function oneEntryPerRequest(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key(LOG_KEY);
  const now = await ctx.unrecorded.zrangebyscore(key, LOG_NOW, LOG_NOW);
  const want = [member(LOG_NOW, 'r5'), member(LOG_NOW, 'r6')];
  if (want.every((m) => now.includes(m))) return { pass: true, actual: `${now.length} entries at ${LOG_NOW}` };
  // A member added twice: by a second ZADD (its reply counts 0 new members) or twice in one ZADD.
  const reused = commandsOn(ctx, key).some((c) => {
    if (c.name !== 'ZADD') return false;
    const pairsFrom = c.args.slice(2).findIndex((a) => !ZADD_OPTIONS.has(a.toUpperCase()));
    const members = c.args.slice(2 + Math.max(0, pairsFrom)).filter((_a, i) => i % 2 === 1);
    return Number(c.reply) < members.length || new Set(members).size < members.length;
  });
  return {
    pass: false,
    actual:
      `entries at ${LOG_NOW}: ${now.join(', ') || 'none'}` +
      (reused
        ? ` — two requests, one entry: ZADD with a member that is already there only updates its score. Make each member unique: the time plus the request id, ${want.join(' and ')}${RESTART}`
        : `; ${want.filter((m) => !now.includes(m)).join(' and ')} not logged yet`),
  };
}

/** sliding-log-multi: the log's TTL was renewed to the window (it started with LOG_TTL_LEFT_MS left). */
async function logTtlRenewed(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const pttl = await ctx.unrecorded.pttl(ctx.key(LOG_KEY));
  if (pttl === -1) return { pass: false, actual: 'no TTL (-1): the log would stay forever once its client goes quiet' };
  if (pttl <= LOG_TTL_LEFT_MS) {
    return {
      pass: false,
      actual: `PTTL ${pttl} ms: the TTL left from r4. The log would expire ${(LOG_WINDOW_MS - LOG_TTL_LEFT_MS) / 60000} minutes before r5 and r6 leave the window, and forget them`,
    };
  }
  return { pass: pttl <= LOG_WINDOW_MS, actual: `PTTL ${pttl} ms` };
}
