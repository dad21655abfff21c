// The token bucket: the library's script run with its commands printed (a burst, then the refill), 50 clients racing a
// read-then-write bucket and the script, and an exercise that writes a bucket back under WATCH with its PEXPIRE in
// the same MULTI.
import { all, custom, hashHas, writesTo } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { tokenBucketReadThenWrite } from '../../antipatterns/rate-limiting.js';
import { tokenBucketAllow, type RateLimitResult } from '../../patterns/index.js';
import { admissionRace, EXPIRY, RACE_LIMIT, RACE_WINDOW_MS, sameExec, sleep, transactionOpen, watchedTransactions } from './shared.js';

/** The exercise's bucket: 10 tokens at most, one more every 10 minutes; 2 tokens at BUCKET_TS, a request 30 min later. */
export const BUCKET_KEY = 'rate-limiting:bucket:user-7';
export const BUCKET = {
  capacity: 10,
  msPerToken: 600_000,
  ts: 1_700_000_000_000,
  tokens: 2,
  now: 1_700_001_800_000,
} as const;
/** After the request: 2 + 3 dripped in − 1 taken. */
export const BUCKET_AFTER = BUCKET.tokens + (BUCKET.now - BUCKET.ts) / BUCKET.msPerToken - 1;
/** The time until the bucket would be full again: what its PEXPIRE should say. */
export const BUCKET_PEXPIRE = (BUCKET.capacity - BUCKET_AFTER) * BUCKET.msPerToken;
/** What the bucket had left of its TTL at the request: it would have been full 80 minutes after BUCKET_TS. */
const BUCKET_TTL_LEFT_MS = (BUCKET.capacity - BUCKET.tokens) * BUCKET.msPerToken - (BUCKET.now - BUCKET.ts);

/** The demonstration bucket of the code step: 5 tokens, refilled at 5 per second. */
export const BUCKET_DEMO = { capacity: 5, windowMs: 1000, burst: 7, pauseMs: 450, after: 3 } as const;

const verdict = (r: RateLimitResult) => (r.allowed ? `allowed, ${r.remaining} left` : `refused, retry after ${r.retryAfterMs} ms`);

export const tokenBucketSteps: StepSpec[] = [
  {
    id: 'token-bucket',
    kind: 'code',
    async run(ctx) {
      const { capacity, windowMs, burst, pauseMs, after } = BUCKET_DEMO;
      const key = ctx.key('rate-limiting:bucket:demo');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const t0 = Date.now();
      const first = await Promise.all(Array.from({ length: burst }, () => tokenBucketAllow(ctx.redis, key, capacity, windowMs)));
      const h = await ctx.redis.hgetall(key);
      const pttl = await ctx.redis.pttl(key);
      await sleep(pauseMs - (Date.now() - t0));
      const rows: (string | number)[][] = first.map((r, i) => [i + 1, '0 ms', verdict(r)]);
      for (let n = 0; n < after; n++) {
        const r = await tokenBucketAllow(ctx.redis, key, capacity, windowMs);
        rows.push([burst + n + 1, `${Date.now() - t0} ms`, verdict(r)]);
      }
      ctx.table(['request', 'sent at', `${capacity} tokens, +1 per ${windowMs / capacity} ms`], rows);
      ctx.say(
        `After the burst the hash held tokens=${Number(h.tokens).toFixed(3)} and ts=${h.ts} (server time in ms), with ` +
          `PTTL ${pttl} ms: the time the bucket needs to fill up again. A missing bucket and a full one mean the same, ` +
          `so an idle client's bucket simply expires.`,
      );
      ctx.say(
        `In ${pauseMs} ms about ${((pauseMs * capacity) / windowMs).toFixed(1)} tokens dripped back in: the script ` +
          `computes them from the time since ts when a request comes; nothing runs in between.`,
      );
    },
  },
  admissionRace('token-bucket-race', [
    {
      label: 'HMGET, refill, HSET',
      atomic: false,
      key: 'rate-limiting:race:bucket-naive',
      hit: (client, state) => tokenBucketReadThenWrite(client, state.key, RACE_LIMIT, RACE_WINDOW_MS),
      describe: async (ctx, key) => `the bucket still holds ${Number(await ctx.unrecorded.hget(key, 'tokens')).toFixed(2)} tokens`,
    },
    {
      label: 'script (tokenBucketAllow)',
      atomic: true,
      key: 'rate-limiting:race:bucket-script',
      hit: async (client, state) => (await tokenBucketAllow(client, state.key, RACE_LIMIT, RACE_WINDOW_MS)).allowed,
      describe: async (ctx, key) => `the bucket holds ${Number(await ctx.unrecorded.hget(key, 'tokens')).toFixed(2)} tokens`,
    },
  ]),
  {
    id: 'token-bucket-multi',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [BUCKET_KEY], async (k) => {
        await ctx.unrecorded.hset(k(BUCKET_KEY), 'tokens', BUCKET.tokens, 'ts', BUCKET.ts);
        await ctx.unrecorded.pexpire(k(BUCKET_KEY), BUCKET_TTL_LEFT_MS);
      }),
    check: expanded(
      all(
        custom(`WATCH {ns}${BUCKET_KEY}, then HSET and PEXPIRE in one MULTI … EXEC`, writtenUnderWatch),
        hashHas(BUCKET_KEY, { tokens: String(BUCKET_AFTER), ts: String(BUCKET.now) }),
        custom(`{ns}${BUCKET_KEY} PTTL renewed to about ${BUCKET_PEXPIRE} ms`, bucketTtlRenewed),
      ),
    ),
    hints: [
      'Read under WATCH, so that EXEC refuses to run if another request changed the bucket after your read; then write the new state and its expiry in the same transaction.',
      `WATCH key · HMGET key tokens ts · MULTI · HSET key tokens ${BUCKET_AFTER} ts ${BUCKET.now} · PEXPIRE key ${BUCKET_PEXPIRE} · EXEC`,
    ],
    solution: [
      `WATCH {ns}${BUCKET_KEY}`,
      `HMGET {ns}${BUCKET_KEY} tokens ts`,
      'MULTI',
      `HSET {ns}${BUCKET_KEY} tokens ${BUCKET_AFTER} ts ${BUCKET.now}`,
      `PEXPIRE {ns}${BUCKET_KEY} ${BUCKET_PEXPIRE}`,
      'EXEC',
    ],
    wrong: [
      // Two commands, no transaction, no WATCH.
      [`HSET {ns}${BUCKET_KEY} tokens ${BUCKET_AFTER} ts ${BUCKET.now}`, `PEXPIRE {ns}${BUCKET_KEY} ${BUCKET_PEXPIRE}`],
      // Watched and atomic, but the expiry was not renewed: HSET leaves the old TTL.
      [
        `WATCH {ns}${BUCKET_KEY}`,
        `HMGET {ns}${BUCKET_KEY} tokens ts`,
        'MULTI',
        `HSET {ns}${BUCKET_KEY} tokens ${BUCKET_AFTER} ts ${BUCKET.now}`,
        'EXEC',
      ],
      // Atomic write, but the read it is based on was not watched: a concurrent request spends the same token.
      [
        `HMGET {ns}${BUCKET_KEY} tokens ts`,
        'MULTI',
        `HSET {ns}${BUCKET_KEY} tokens ${BUCKET_AFTER} ts ${BUCKET.now}`,
        `PEXPIRE {ns}${BUCKET_KEY} ${BUCKET_PEXPIRE}`,
        'EXEC',
      ],
    ],
  },
];

const RESTART = ' (:reset starts the exercise over)';

/**
 * token-bucket-multi: every write to the bucket ran inside an EXEC; the last one wrote the hash and its expiry
 * together, while the learner's WATCH on the bucket (from before the read) was still in force.
 */
function writtenUnderWatch(ctx: LessonContext): { pass: boolean; actual: string } {
  const key = ctx.key(BUCKET_KEY);
  if (transactionOpen(ctx)) return { pass: false, actual: 'the transaction is still open: EXEC runs it' };
  const writes = writesTo(ctx, key);
  const alone = writes.find((c) => c.transaction === null);
  if (alone) {
    return {
      pass: false,
      actual: `${alone.command} ran on its own: the bucket is read, computed and written in separate steps, and another request can spend the same token in between. WATCH, read, then MULTI … EXEC${RESTART}`,
    };
  }
  const last = writes.filter((c) => c.name === 'HSET' || c.name === 'HMSET').at(-1);
  if (!last) return { pass: false, actual: `no HSET on ${key} yet` };
  if (!sameExec(ctx, last, key).some((c) => EXPIRY.test(c.name))) {
    return {
      pass: false,
      actual: `the transaction with ${last.command} has no PEXPIRE: HSET leaves the old TTL, which ends ${(BUCKET_PEXPIRE - BUCKET_TTL_LEFT_MS) / 60000} minutes before the bucket is full again, and a missing bucket counts as full: a free token${RESTART}`,
    };
  }
  if (!watchedTransactions(ctx, key).has(last.transaction!)) {
    return {
      pass: false,
      actual: `the EXEC was not under WATCH ${key}: a request that spends a token between your HMGET and EXEC is overwritten, and both spend the same token (the race above). WATCH the bucket before reading it${RESTART}`,
    };
  }
  return { pass: true, actual: `read under WATCH; ${last.command} and its expiry in one EXEC` };
}

/** token-bucket-multi: the bucket expires when it would be full again, not when the old state would have been. */
async function bucketTtlRenewed(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const pttl = await ctx.unrecorded.pttl(ctx.key(BUCKET_KEY));
  if (pttl === -1) return { pass: false, actual: 'no TTL (-1): an idle client’s bucket would stay forever' };
  if (pttl <= BUCKET_TTL_LEFT_MS) return { pass: false, actual: `PTTL ${pttl} ms: the TTL left from the previous write` };
  return { pass: pttl <= BUCKET_PEXPIRE, actual: `PTTL ${pttl} ms` };
}
