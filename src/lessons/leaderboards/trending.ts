// Trending: events counted in hourly buckets that expire on their own, "trending now" as a weighted ZUNIONSTORE of the
// last buckets, and two exercises: the weighted union, then the union and its TTL in one transaction.
import { all, builtOnServer, custom, ranCommands, writesThatMadeIt } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { recordTrendingEvent, trendingBucketKey, trendingNow } from '../../patterns/index.js';
import { showEntries, zaddArgs, zsetEntries } from './board.js';

const HOUR = 3_600_000;

/** The trending step's events, by bucket age (0 = this hour): topic → how many. */
const TOPIC_EVENTS: Record<string, number>[] = [
  { sale: 10, outage: 30, recap: 5 },
  { launch: 20, sale: 18, outage: 4 },
  { launch: 50, sale: 20 },
];

/** The exercises' hourly buckets of tag uses: the hour starting 10:00, 11:00… */
const TAGS: Record<string, Record<string, number>> = {
  h10: { redis: 40, kafka: 30, rust: 8 },
  h11: { redis: 12, kafka: 20, rust: 16, go: 10 },
  h12: { redis: 6, kafka: 4, rust: 24, go: 8 },
  h13: { rust: 30, go: 12, redis: 2 },
};
/** h12 × 1 + h11 × 0.5 + h10 × 0.25, lowest first (every product is exact in binary). */
const TRENDING_AT_12: [string, number][] = [
  ['go', 13],
  ['kafka', 21.5],
  ['redis', 22],
  ['rust', 34],
];
/** h13 × 1 + h12 × 0.5 + h11 × 0.25. */
const TRENDING_AT_13: [string, number][] = [
  ['kafka', 7],
  ['redis', 8],
  ['go', 18.5],
  ['rust', 46],
];
const TRENDING_TTL = 60;

const DEST = 'leaderboards:tags:trending';
const bucketNames = (hours: string[]) => hours.map((h) => `leaderboards:tags:${h}`);

export const trendingSteps: StepSpec[] = [
  {
    id: 'trending',
    kind: 'code',
    async run(ctx) {
      const prefix = ctx.key('leaderboards:topics');
      const dest = ctx.key('leaderboards:topics:trending');
      const now = Date.now();
      const opts = { bucketMs: HOUR, ttlMs: 3 * HOUR + 60_000 };
      const buckets = TOPIC_EVENTS.map((_e, age) => trendingBucketKey(ctx.redis, prefix, now - age * HOUR, HOUR));
      await ctx.claim([...buckets, dest]);
      await ctx.unrecorded.unlink(...buckets, dest);
      // The last three hours of events, loaded unprinted: the commands would be the same MULTI as the one printed below.
      for (const [age, events] of TOPIC_EVENTS.entries()) {
        for (const [topic, n] of Object.entries(events)) {
          await recordTrendingEvent(ctx.unrecorded, prefix, topic, { ...opts, at: now - age * HOUR, by: n });
        }
      }
      ctx.say(`Three hourly buckets were filled unprinted (${buckets.length} keys, each with its TTL). One more event, printed:`);
      await recordTrendingEvent(ctx.redis, prefix, 'outage', { ...opts, at: now });
      const trending = await trendingNow(ctx.redis, prefix, dest, { buckets: 3, bucketMs: HOUR, decay: 0.5, top: 5, at: now });
      const plain = await trendingNow(ctx.unrecorded, prefix, dest, { buckets: 3, bucketMs: HOUR, decay: 1, top: 5, at: now });
      const counts = await Promise.all(buckets.map((b) => zsetEntries(ctx, b).then((e) => new Map(e))));
      const plainOf = new Map(plain.map((p) => [p.item, p.score]));
      ctx.table(
        ['topic', '2 h ago', '1 h ago', 'this hour', 'trending (×0.25, ×0.5, ×1)', 'plain sum'],
        trending.map((t) => [
          t.item,
          counts[2]!.get(t.item) ?? 0,
          counts[1]!.get(t.item) ?? 0,
          counts[0]!.get(t.item) ?? 0,
          t.score,
          plainOf.get(t.item) ?? 0,
        ]),
      );
      const bucketTtl = await ctx.unrecorded.ttl(buckets[0]!);
      ctx.say(
        `"launch" leads the plain sum on old news; weighted, this hour's "${trending[0]?.item}" leads. ` +
          `This hour's bucket expires in ${bucketTtl} s; no cleanup job deletes old buckets.`,
      );
    },
  },
  {
    id: 'trending-weights',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fillBuckets(ctx, ['h10', 'h11', 'h12']),
    check: expanded(
      all(
        custom(`{ns}${DEST} = ${showEntries(TRENDING_AT_12)} (h12 × 1 + h11 × 0.5 + h10 × 0.25)`, async (ctx) => {
          const dest = ctx.key(DEST);
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const got = await zsetEntries(ctx, dest);
          const ok = showEntries(got) === showEntries(TRENDING_AT_12);
          const redis = new Map(got).get('redis');
          const why = ok
            ? ''
            : redis === 58
              ? ': every hour counted fully (no WEIGHTS), so the old "redis" burst still leads'
              : redis === 47.5
                ? ': the weights are in the wrong order: WEIGHTS pairs with the keys in the order you named them'
                : '';
          return { pass: ok, actual: `${dest} = ${showEntries(got)}${why}` };
        }),
        builtOnServer(DEST, 'ZUNIONSTORE … WEIGHTS', { oneCommand: true }),
      ),
    ),
    hints: [
      'One command adds the three buckets up on the server, and can scale each bucket before adding: the newest counts fully, older ones less.',
      'ZUNIONSTORE destination numkeys key [key …] WEIGHTS weight [weight …]   (one weight per key, in the same order)',
    ],
    solution: [
      `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h12', 'h11', 'h10'])
        .map((k) => `{ns}${k}`)
        .join(' ')} WEIGHTS 1 0.5 0.25`,
    ],
    wrong: [
      // No WEIGHTS: a plain sum, where the old burst wins.
      [
        `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h12', 'h11', 'h10'])
          .map((k) => `{ns}${k}`)
          .join(' ')}`,
      ],
      // Weights in the order of the hours, keys from the newest: the oldest hour counts fully.
      [
        `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h12', 'h11', 'h10'])
          .map((k) => `{ns}${k}`)
          .join(' ')} WEIGHTS 0.25 0.5 1`,
      ],
      // Worked out by hand and typed in.
      [`ZADD {ns}${DEST} 34 rust 22 redis 21.5 kafka 13 go`],
    ],
  },
  {
    id: 'trending-ttl',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fillBuckets(ctx, ['h11', 'h12', 'h13'], async (dest) => {
        // The previous computation, still cached for 20 s.
        await ctx.unrecorded.zadd(dest, ...TRENDING_AT_12.flatMap(([m, s]) => [s, m]));
        await ctx.unrecorded.expire(dest, 20);
      }),
    check: expanded(
      all(
        custom(`{ns}${DEST} = ${showEntries(TRENDING_AT_13)} (h13 × 1 + h12 × 0.5 + h11 × 0.25)`, async (ctx) => {
          const dest = ctx.key(DEST);
          const got = await zsetEntries(ctx, dest);
          const ok = showEntries(got) === showEntries(TRENDING_AT_13);
          const stale = showEntries(got) === showEntries(TRENDING_AT_12);
          return {
            pass: ok,
            actual: `${dest} = ${showEntries(got)}${stale ? ': still the 12:00 result; the 13:00 buckets are h11, h12 and h13' : ''}`,
          };
        }),
        custom(`{ns}${DEST} TTL ${TRENDING_TTL - 10}..${TRENDING_TTL} s`, async (ctx) => {
          const dest = ctx.key(DEST);
          const pttl = await ctx.unrecorded.pttl(dest);
          const s = Math.round(pttl / 1000);
          if (pttl >= 0 && s >= TRENDING_TTL - 10 && s <= TRENDING_TTL) return { pass: true, actual: `TTL ${s} s` };
          const stored = ranCommands(ctx.history).some((c) => c.name === 'ZUNIONSTORE' && c.args[1] === dest);
          const actual =
            pttl === -1
              ? `no TTL: ${stored ? 'the ZUNIONSTORE replaced the key, and every TTL set before it went with it' : 'nothing set one'}, so this cached result never expires`
              : pttl === -2
                ? `${dest} does not exist`
                : `TTL ${s} s${s <= 20 ? ': still the old TTL of the 12:00 result' : ''}`;
          return { pass: false, actual };
        }),
        builtOnServer(DEST, 'ZUNIONSTORE … WEIGHTS'),
        custom(`the ZUNIONSTORE and then an EXPIRE of {ns}${DEST} in one MULTI … EXEC`, unionThenExpireInOneExec),
      ),
    ),
    hints: [
      'A …STORE replaces the destination whole, and its TTL goes with it: the expiry must come after the union, in the same transaction.',
      'MULTI · ZUNIONSTORE dest 3 k1 k2 k3 WEIGHTS w1 w2 w3 · EXPIRE dest 60 · EXEC',
    ],
    solution: [
      'MULTI',
      `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h13', 'h12', 'h11'])
        .map((k) => `{ns}${k}`)
        .join(' ')} WEIGHTS 1 0.5 0.25`,
      `EXPIRE {ns}${DEST} ${TRENDING_TTL}`,
      'EXEC',
    ],
    wrong: [
      // The union alone: it wiped the 20 s TTL, so this cache never expires.
      [
        `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h13', 'h12', 'h11'])
          .map((k) => `{ns}${k}`)
          .join(' ')} WEIGHTS 1 0.5 0.25`,
      ],
      // Two commands: a crash between them leaves it with no TTL.
      [
        `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h13', 'h12', 'h11'])
          .map((k) => `{ns}${k}`)
          .join(' ')} WEIGHTS 1 0.5 0.25`,
        `EXPIRE {ns}${DEST} ${TRENDING_TTL}`,
      ],
      // One transaction, wrong order: the union replaces the key and drops the TTL just set.
      [
        'MULTI',
        `EXPIRE {ns}${DEST} ${TRENDING_TTL}`,
        `ZUNIONSTORE {ns}${DEST} 3 ${bucketNames(['h13', 'h12', 'h11'])
          .map((k) => `{ns}${k}`)
          .join(' ')} WEIGHTS 1 0.5 0.25`,
        'EXEC',
      ],
    ],
  },
];

/** Writes the exercise's buckets (and lets `extra` write the destination) after claiming every trending key. */
function fillBuckets(ctx: LessonContext, hours: string[], extra?: (dest: string) => Promise<void>): Promise<void> {
  return fresh(ctx, [...bucketNames(Object.keys(TAGS)), DEST], async (k) => {
    for (const h of hours) await ctx.unrecorded.zadd(k(`leaderboards:tags:${h}`), ...zaddArgs(TAGS[h]!));
    await extra?.(k(DEST));
  });
}

const EXPIRY = /^P?EXPIRE(AT)?$/;

/** The last ZUNIONSTORE into the destination and an expiry of it after that store, both run by the same EXEC. */
function unionThenExpireInOneExec(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  return Promise.resolve().then(() => {
    const dest = ctx.key(DEST);
    const restart = ' (:reset starts the exercise over)';
    const writes = writesThatMadeIt(ctx, dest);
    const store = writes.find((c) => c.name === 'ZUNIONSTORE');
    if (!store) return { pass: false, actual: `no ZUNIONSTORE into ${dest} yet` };
    const expiry = writes.find((c) => EXPIRY.test(c.name));
    if (store.transaction === null) {
      return {
        pass: false,
        actual: expiry
          ? `${store.name} and ${expiry.name} ran as two commands: if the process dies between them, the result never expires${restart}`
          : `${store.name} ran on its own and dropped the old TTL: the result never expires${restart}`,
      };
    }
    if (expiry && expiry.transaction === store.transaction)
      return { pass: true, actual: `one EXEC ran ${store.name} then ${expiry.command}` };
    // An expiry in the store's EXEC that is not among the writes since the store ran before it.
    const before = ranCommands(ctx.history).find((c) => EXPIRY.test(c.name) && c.args[1] === dest && c.transaction === store.transaction);
    return {
      pass: false,
      actual: before
        ? `${before.command} ran before the ZUNIONSTORE in the same EXEC: the union replaced the key, and its TTL with it${restart}`
        : expiry
          ? `${expiry.name} ran outside the transaction of the ZUNIONSTORE${restart}`
          : `the transaction stored the union but set no TTL${restart}`,
    };
  });
}
