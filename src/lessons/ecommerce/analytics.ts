// Analytics: unique visitors in HyperLogLogs (measured against a set), daily metrics, a conversion funnel and top
// products, and an exercise that merges three days of visitors.
import { custom, ranCommands } from '../../engine/checks.js';
import { expanded, formatBytes, fresh, pairs } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addUniqueVisitors } from '../../patterns/index.js';
import { funnelReport, recordVisit, FUNNEL_STAGES, type FunnelStage } from './lib/analytics.js';
import { mulberry32 } from '../../util/random.js';
import { CATALOGUE, pct, VISITOR_DAYS } from './shop.js';

async function memoryUsage(ctx: LessonContext, key: string): Promise<number> {
  return Number(await ctx.unrecorded.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

function visitorIds(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `visitor-${from + i}`);
}

export const analyticsSteps: StepSpec[] = [
  {
    id: 'unique-visitors',
    kind: 'code',
    async run(ctx) {
      const setKey = ctx.key('visitors:set:2024-06-01');
      await ctx.claim([setKey, ...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`))]);
      await ctx.redis.unlink(setKey, ...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)));
      for (const [day, from, to] of VISITOR_DAYS) {
        await addUniqueVisitors(ctx.redis, ctx.key(`visitors:${day}`), visitorIds(from, to), {
          exactSetKey: day === VISITOR_DAYS[0]![0] ? setKey : undefined,
        });
      }
      const rows: (string | number)[][] = [];
      for (const [day, from, to] of VISITOR_DAYS) {
        const est = await ctx.redis.pfcount(ctx.key(`visitors:${day}`));
        const exact = to - from + 1;
        rows.push([day, exact, est, pct(Math.abs(est - exact) / exact)]);
      }
      const unionExact = new Set(VISITOR_DAYS.flatMap(([, from, to]) => visitorIds(from, to))).size;
      const unionEst = await ctx.redis.pfcount(...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)));
      rows.push(['3 days (union)', unionExact, unionEst, pct(Math.abs(unionEst - unionExact) / unionExact)]);
      ctx.table(['day', 'exact', 'PFCOUNT', 'error'], rows);
      const setBytes = await memoryUsage(ctx, setKey);
      const hllBytes = await memoryUsage(ctx, ctx.key(`visitors:${VISITOR_DAYS[0]![0]}`));
      const setEncoding = String(await ctx.unrecorded.call('OBJECT', 'ENCODING', setKey));
      ctx.table(
        ['2024-06-01, same visitors', 'MEMORY USAGE', 'answers'],
        [
          [
            `set (${await ctx.unrecorded.scard(setKey)} members, ${setEncoding})`,
            formatBytes(setBytes),
            'exact count, membership, listing',
          ],
          ['HyperLogLog', formatBytes(hllBytes), 'estimated count, union'],
        ],
      );
      const perMember = setBytes / (await ctx.unrecorded.scard(setKey));
      ctx.say(
        `the set takes ${(setBytes / hllBytes).toFixed(1)}× the memory, about ${perMember.toFixed(0)} B per visitor: ` +
          `a million visitors a day would need ~${perMember.toFixed(0)} MB per day, the HyperLogLog still ${formatBytes(hllBytes)}`,
      );
    },
  },
  {
    id: 'metrics',
    kind: 'code',
    async run(ctx) {
      const day = '2024-06-01';
      const keys = {
        metrics: ctx.key(`daily_metrics:${day}`),
        funnel: ctx.key(`funnel:${day}`),
        topProducts: ctx.key(`top_products:${day}`),
      };
      await ctx.claim(Object.values(keys));
      await ctx.redis.unlink(...Object.values(keys));
      const random = mulberry32(2024);
      const products = [...CATALOGUE.values()];
      const visits = 400;
      for (let v = 0; v < visits; v++) {
        const product = products[Math.floor(random() * products.length)]!;
        // Each stage keeps a share of the previous one, as real funnels do.
        let reached: FunnelStage = 'viewed';
        if (random() < 0.35) reached = 'added_to_cart';
        if (reached === 'added_to_cart' && random() < 0.6) reached = 'checkout';
        if (reached === 'checkout' && random() < 0.7) reached = 'purchased';
        await recordVisit(ctx.redis, keys, {
          reached,
          pageViews: 1 + Math.floor(random() * 6),
          product: product.id,
          price: product.price,
        });
      }
      const funnel = await funnelReport(ctx.unrecorded, keys.funnel);
      ctx.table(
        ['stage', 'visits', 'of previous', 'of all'],
        funnel.map((r) => [r.stage, r.count, pct(r.fromPrevious), pct(r.fromStart)]),
      );
      const m = await ctx.unrecorded.hgetall(keys.metrics);
      ctx.say(
        `{ns}daily_metrics:${day}: ${m.page_views} page views, ${m.orders} orders, revenue ${m.revenue} (HINCRBYFLOAT) vs ${m.revenue_cents} cents (HINCRBY)`,
      );
      const top = pairs(await ctx.redis.zrange(keys.topProducts, '0', '4', 'REV', 'WITHSCORES'));
      ctx.table(
        ['#', 'product', 'name', 'revenue'],
        top.map(([id, revenue], i) => [i + 1, id, CATALOGUE.get(id)?.name ?? '', revenue.toFixed(2)]),
      );
      ctx.say(`the funnel's stages are ${FUNNEL_STAGES.join(' → ')}; the biggest drop is where to look first`);
    },
  },
  {
    id: 'visitors-week',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, ['visitors:2024-w22'], () => Promise.resolve(undefined)),
    check: expanded(
      custom('{ns}visitors:2024-w22 = the union of the three days (a HyperLogLog)', async (ctx) => {
        const dest = ctx.key('visitors:2024-w22');
        const type = await ctx.unrecorded.type(dest);
        if (type !== 'string') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
        if ((await ctx.unrecorded.getrange(dest, 0, 3)) !== 'HYLL') {
          const value = await ctx.unrecorded.get(dest);
          const number = /^\d+$/.test(value ?? '');
          return {
            pass: false,
            actual: number
              ? `${dest} holds "${value}", a plain number: adding up the days counts a returning visitor once per day, and the union cannot be merged further — PFMERGE keeps it a HyperLogLog`
              : `${dest} is a string, not a HyperLogLog`,
          };
        }
        const want = await ctx.unrecorded.pfcount(...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)));
        const got = await ctx.unrecorded.pfcount(dest);
        const missing = VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)).filter(
          (k) => !ranCommands(ctx.history).some((c) => c.name === 'PFMERGE' && c.args[1] === dest && c.args.slice(2).includes(k)),
        );
        const why =
          got !== want && missing.length && missing.length < VISITOR_DAYS.length ? ` — ${missing.join(', ')} was not merged in` : '';
        return { pass: got === want && want > 0, actual: `PFCOUNT ${dest} = ${got} (the three days together: ${want})${why}` };
      }),
    ),
    hints: ['One command merges HyperLogLogs into a destination key.', 'PFMERGE destkey sourcekey [sourcekey …]'],
    solution: ['PFMERGE {ns}visitors:2024-w22 {ns}visitors:2024-06-01 {ns}visitors:2024-06-02 {ns}visitors:2024-06-03'],
    wrong: [
      // The sum of the days: a visitor who came twice counts twice, and it is no longer a HyperLogLog.
      [
        'PFCOUNT {ns}visitors:2024-06-01',
        'PFCOUNT {ns}visitors:2024-06-02',
        'PFCOUNT {ns}visitors:2024-06-03',
        'SET {ns}visitors:2024-w22 10000',
      ],
      // A day left out.
      ['PFMERGE {ns}visitors:2024-w22 {ns}visitors:2024-06-01 {ns}visitors:2024-06-02'],
    ],
  },
];
