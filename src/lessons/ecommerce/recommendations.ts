// Recommendations: "also viewed" from a weighted union of sets, a recently-viewed list kept de-duplicated and capped,
// and weighted personal recommendations built on the server.
import { all, builtOnServer, custom } from '../../engine/checks.js';
import { count, expanded, fresh, pairs } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { recordView } from '../../patterns/index.js';

export const recommendationSteps: StepSpec[] = [
  {
    id: 'also-viewed',
    kind: 'run',
    commands: [
      'SADD {ns}views:user-1 PROD-1 PROD-2 PROD-3',
      'SADD {ns}views:user-2 PROD-1 PROD-3 PROD-5',
      'SADD {ns}views:user-3 PROD-1 PROD-4 PROD-5',
      'ZUNIONSTORE {ns}also_viewed:PROD-1 3 {ns}views:user-1 {ns}views:user-2 {ns}views:user-3 WEIGHTS 1 1 2',
      'ZREM {ns}also_viewed:PROD-1 PROD-1',
      'ZRANGE {ns}also_viewed:PROD-1 0 -1 REV WITHSCORES',
    ],
  },
  {
    id: 'recently-viewed',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('recent_views:user-42');
      await ctx.claim([key]);
      await ctx.redis.unlink(key);
      const views = ['PROD-7', 'PROD-12', 'PROD-7', 'PROD-30', 'PROD-18', 'PROD-23', 'PROD-42', 'PROD-12'];
      for (const p of views) await recordView(ctx.redis, key, p, 5);
      ctx.say(`viewed in this order: ${views.join(', ')}`);
      ctx.say(`recently viewed now: ${(await ctx.unrecorded.lrange(key, 0, -1)).join(', ')}`);
    },
  },
  {
    id: 'recent-views',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['recent_views:user-7'], (k) =>
        ctx.unrecorded.rpush(k('recent_views:user-7'), 'PROD-5', 'PROD-4', 'PROD-3', 'PROD-2', 'PROD-1'),
      ),
    check: expanded(
      custom('{ns}recent_views:user-7 = [PROD-9, PROD-3, PROD-5, PROD-4, PROD-2]: newest first, no duplicates, 5 items', async (ctx) => {
        const key = ctx.key('recent_views:user-7');
        const want = ['PROD-9', 'PROD-3', 'PROD-5', 'PROD-4', 'PROD-2'];
        const type = await ctx.unrecorded.type(key);
        if (type !== 'list') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
        const got = await ctx.unrecorded.lrange(key, 0, -1);
        if (got.join() === want.join()) return { pass: true, actual: `${key} = [${got.join(', ')}]` };
        // Name what went wrong: the duplicate LREM would have removed, the cap LTRIM would have kept, the wrong end.
        const problems: string[] = [];
        const dup = got.find((p, i) => got.indexOf(p) !== i);
        if (dup) problems.push(`${dup} is in it twice: LREM the earlier view before the LPUSH`);
        if (got.length > 5) problems.push(`${count(got.length, 'item')}: LTRIM 0 4 keeps the newest 5`);
        if (!problems.length && got[0] !== 'PROD-9') problems.push('the newest view belongs at the head: LPUSH, not RPUSH');
        return { pass: false, actual: `${key} = [${got.join(', ')}]${problems.length ? ` — ${problems.join('; ')}` : ''}` };
      }),
    ),
    hints: [
      'For each view: remove the product if it is there, push it to the front, cut the list to 5.',
      'LREM key 0 member · LPUSH key member · LTRIM key 0 4',
    ],
    solution: [
      'LREM {ns}recent_views:user-7 0 PROD-3',
      'LPUSH {ns}recent_views:user-7 PROD-3',
      'LTRIM {ns}recent_views:user-7 0 4',
      'LREM {ns}recent_views:user-7 0 PROD-9',
      'LPUSH {ns}recent_views:user-7 PROD-9',
      'LTRIM {ns}recent_views:user-7 0 4',
    ],
    wrong: [
      // Only LPUSH: a duplicate, and a list that grows forever.
      ['LPUSH {ns}recent_views:user-7 PROD-3', 'LPUSH {ns}recent_views:user-7 PROD-9'],
      // Capped, but not de-duplicated.
      [
        'LPUSH {ns}recent_views:user-7 PROD-3',
        'LTRIM {ns}recent_views:user-7 0 4',
        'LPUSH {ns}recent_views:user-7 PROD-9',
        'LTRIM {ns}recent_views:user-7 0 4',
      ],
      // De-duplicated, but never cut.
      ['LREM {ns}recent_views:user-7 0 PROD-3', 'LPUSH {ns}recent_views:user-7 PROD-3', 'LPUSH {ns}recent_views:user-7 PROD-9'],
    ],
  },
  {
    id: 'recs-weights',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['also_viewed:PROD-4', 'also_viewed:PROD-8', 'recs:user-7'], async (k) => {
        await ctx.unrecorded.zadd(k('also_viewed:PROD-4'), 4, 'PROD-5', 2, 'PROD-6', 1, 'PROD-7');
        await ctx.unrecorded.zadd(k('also_viewed:PROD-8'), 3, 'PROD-6', 5, 'PROD-9');
      }),
    check: expanded(
      all(
        custom('{ns}recs:user-7 = also_viewed:PROD-4 × 2 + also_viewed:PROD-8 × 1', async (ctx) => {
          const dest = ctx.key('recs:user-7');
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const want = pairs(
            await ctx.unrecorded.call(
              'ZUNION',
              '2',
              ctx.key('also_viewed:PROD-4'),
              ctx.key('also_viewed:PROD-8'),
              'WEIGHTS',
              '2',
              '1',
              'WITHSCORES',
            ),
          );
          const got = pairs(await ctx.unrecorded.call('ZRANGE', dest, '0', '-1', 'WITHSCORES'));
          const show = (p: [string, number][]) => p.map(([m, sc]) => `${m}:${sc}`).join(' ');
          if (show(got) === show(want)) return { pass: true, actual: `${dest} = ${show(got)}` };
          // Name the usual slips by computing what each would have produced.
          const a = ctx.key('also_viewed:PROD-4');
          const b = ctx.key('also_viewed:PROD-8');
          const slips: [string, unknown][] = [
            ["equal weights: today's product must count twice (WEIGHTS 2 1)", await ctx.unrecorded.call('ZUNION', '2', a, b, 'WITHSCORES')],
            [
              'the weights are the wrong way round: they follow the order of the keys, so 2 goes with also_viewed:PROD-4',
              await ctx.unrecorded.call('ZUNION', '2', a, b, 'WEIGHTS', '1', '2', 'WITHSCORES'),
            ],
            [
              'only the products in both sets: ZINTERSTORE drops the rest, ZUNIONSTORE keeps them',
              await ctx.unrecorded.call('ZINTER', '2', a, b, 'WEIGHTS', '2', '1', 'WITHSCORES'),
            ],
          ];
          const slip = slips.find(([, r]) => show(pairs(r)) === show(got));
          return { pass: false, actual: `${dest} = ${show(got) || '(empty)'} (want ${show(want)})${slip ? ` — ${slip[0]}` : ''}` };
        }),
        builtOnServer('recs:user-7', 'ZUNIONSTORE … WEIGHTS'),
      ),
    ),
    hints: [
      'One command unions sorted sets into a destination and can multiply each input by a weight.',
      'ZUNIONSTORE destination numkeys key [key …] WEIGHTS w [w …]',
    ],
    solution: ['ZUNIONSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8 WEIGHTS 2 1'],
    wrong: [
      ['ZUNIONSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8'],
      ['ZUNIONSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8 WEIGHTS 1 2'],
      ['ZINTERSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8 WEIGHTS 2 1'],
      // Read both, add up in the app, type the totals back: the right numbers, computed on the client.
      [
        'ZRANGE {ns}also_viewed:PROD-4 0 -1 WITHSCORES',
        'ZRANGE {ns}also_viewed:PROD-8 0 -1 WITHSCORES',
        'ZADD {ns}recs:user-7 8 PROD-5 7 PROD-6 2 PROD-7 5 PROD-9',
      ],
    ],
  },
  {
    id: 'similar-products',
    kind: 'run',
    requires: { commands: ['VADD', 'VSIM', 'VCARD'], needs: 'Redis 8 (vector sets are built in; Valkey 8 has none)' },
    // Hand-made 3-number "embeddings", 0 to 9: how much a product is about lighting, the kitchen, and furniture.
    commands: [
      `VADD {ns}vectors:products VALUES 3 9 1 2 desk-lamp SETATTR '{"price":30}'`,
      `VADD {ns}vectors:products VALUES 3 8 0 5 floor-lamp SETATTR '{"price":80}'`,
      `VADD {ns}vectors:products VALUES 3 7 3 0 candle SETATTR '{"price":9}'`,
      `VADD {ns}vectors:products VALUES 3 0 9 1 mug SETATTR '{"price":9}'`,
      `VADD {ns}vectors:products VALUES 3 1 8 0 teapot SETATTR '{"price":25}'`,
      `VADD {ns}vectors:products VALUES 3 2 0 9 desk SETATTR '{"price":150}'`,
      'VCARD {ns}vectors:products',
      'VDIM {ns}vectors:products',
      'VSIM {ns}vectors:products ELE desk-lamp WITHSCORES COUNT 3',
      `VSIM {ns}vectors:products ELE desk-lamp COUNT 3 FILTER '.price < 50'`,
      'VSIM {ns}vectors:products VALUES 3 1 9 0 COUNT 2',
    ],
  },
];
