// The product cache: cache-aside with jitter in front of a slow database, the stampede a hot key causes and the
// rebuild lock that stops it, and an exercise that caches a search result in one SET.
import { all, custom, ttlBetween, writesThatMadeIt } from '../../engine/checks.js';
import { count, expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { cacheAside, cacheHitRatio } from '../../patterns/index.js';
import { SlowDb } from '../shared/slow-db.js';
import { CATALOGUE, DB_DELAY_MS, pct, STAMPEDE_CLIENTS, type Product, type RaceSpec } from './shop.js';

/** The race table names the unit once, in its header ("database queries expected"). */
const STAMPEDE_UNIT = 'database queries';

/** Each variant's own database, so its query count starts at 0. */
interface StampedeState {
  db: SlowDb<Product>;
}

const stampede: RaceSpec<StampedeState> = {
  id: 'stampede',
  kind: 'race',
  clients: STAMPEDE_CLIENTS,
  state: () => ({ db: new SlowDb(DB_DELAY_MS, CATALOGUE) }),
  variants: [
    {
      label: 'plain cache-aside',
      atomic: false,
      setup: (ctx) => setupStampede(ctx),
      async worker(client, _i, ctx, state) {
        await cacheAside(client, ctx.key('product:PROD-18'), { ttlMs: 300_000, jitter: 0.2, loader: () => state.db.load('PROD-18') });
      },
      measure: (_ctx, state) => Promise.resolve({ expected: 1, actual: state.db.loads, unit: STAMPEDE_UNIT }),
    },
    {
      label: 'cache-aside + rebuild lock (SET NX PX)',
      atomic: true,
      setup: (ctx) => setupStampede(ctx),
      async worker(client, _i, ctx, state) {
        await cacheAside(client, ctx.key('product:PROD-18'), {
          ttlMs: 300_000,
          jitter: 0.2,
          loader: () => state.db.load('PROD-18'),
          stampede: 'lock',
          lockTtlMs: 2000,
          pollMs: 10,
          waitMs: 5000,
        });
      },
      measure: (_ctx, state) => Promise.resolve({ expected: 1, actual: state.db.loads, unit: STAMPEDE_UNIT }),
    },
  ],
};

export const catalogueCacheSteps: StepSpec[] = [
  {
    id: 'cache-aside',
    kind: 'code',
    async run(ctx) {
      const stats = ctx.key('cache:stats');
      const db = new SlowDb(DB_DELAY_MS, CATALOGUE);
      const reads = ['PROD-7', 'PROD-7', 'PROD-12', 'PROD-7', 'PROD-12', 'PROD-23'];
      await ctx.claim([stats, ...[...CATALOGUE.keys()].map((id) => ctx.key(`product:${id}`)), ctx.key('search:lamp:page:1')]);
      await ctx.redis.unlink(stats, ...new Set(reads.map((id) => ctx.key(`product:${id}`))), ctx.key('search:lamp:page:1'));
      const rows: (string | number)[][] = [];
      for (const id of reads) {
        const t0 = performance.now();
        const r = await cacheAside(ctx.redis, ctx.key(`product:${id}`), {
          ttlMs: 300_000,
          jitter: 0.2,
          loader: () => db.load(id),
          statsKey: stats,
        });
        rows.push([id, r.hit ? 'hit' : 'miss', `${(performance.now() - t0).toFixed(2)} ms`, r.value?.name ?? '(none)']);
      }
      const search = await cacheAside(ctx.redis, ctx.key('search:lamp:page:1'), {
        ttlMs: 120_000,
        jitter: 0.25,
        loader: () => db.search((p) => p.name.toLowerCase().includes('lamp')),
        statsKey: stats,
      });
      ctx.table(['read', 'cache', 'took', 'product'], rows);
      ctx.say(`search "lamp" page 1 → ${JSON.stringify(search.value)} (${search.hit ? 'hit' : 'miss'})`);
      // The counts come from the hash itself, so the sentence always says what the table and the key show.
      const { hits, misses, ratio } = await cacheHitRatio(ctx.unrecorded, stats);
      ctx.say(
        `{ns}cache:stats: ${count(hits, 'hit')}, ${count(misses, 'miss', 'misses')} (the ${count(rows.length, 'product read')} above and the search), ` +
          `hit ratio ${pct(ratio)}; the database was queried ${count(db.loads, 'time')}`,
      );
      // Jitter made visible: fill every product and list the TTLs they got (not counted: {ns}cache:stats keeps the numbers above).
      for (const id of CATALOGUE.keys()) {
        await cacheAside(ctx.redis, ctx.key(`product:${id}`), { ttlMs: 300_000, jitter: 0.2, loader: () => db.load(id) });
      }
      const ttls = await Promise.all([...CATALOGUE.keys()].map((id) => ctx.unrecorded.ttl(ctx.key(`product:${id}`))));
      ctx.say(`TTLs of the ${ttls.length} cached products (300 s + up to 60 s of jitter): ${ttls.join(', ')}`);
    },
  },
  stampede,
  {
    id: 'cache-search',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, ['search:desk-lamp:page:1'], () => Promise.resolve(undefined)),
    check: expanded(
      all(
        custom('{ns}search:desk-lamp:page:1 = ["PROD-12","PROD-31"] (as JSON)', async (ctx) => {
          const raw = await ctx.unrecorded.get(ctx.key('search:desk-lamp:page:1')).catch(() => null);
          let ok = false;
          try {
            ok = JSON.stringify(JSON.parse(raw ?? 'null')) === JSON.stringify(['PROD-12', 'PROD-31']);
          } catch {
            ok = false;
          }
          return { pass: ok, actual: raw === null ? 'the key does not exist (or is not a string)' : `value ${raw}` };
        }),
        ttlBetween('search:desk-lamp:page:1', 240, 300),
        custom('the key created by one SET with NX and EX/PX', (ctx) =>
          Promise.resolve().then(() => {
            // The write that created the key as it is now (a DEL/UNLINK starts over): a later SET … NX EX that found
            // the key already there did nothing, so it cannot make up for how the key was born.
            const key = ctx.key('search:desk-lamp:page:1');
            const writes = writesThatMadeIt(ctx, key);
            const first = writes[0];
            if (!first) return { pass: false, actual: 'no write on the key yet' };
            const opts = first.args.slice(3).map((a) => a.toUpperCase());
            const nx = first.name === 'SETNX' || (first.name === 'SET' && opts.includes('NX'));
            const ttl = first.name === 'SET' && opts.some((o) => TTL_OPTIONS.has(o));
            if (nx && ttl) return { pass: true, actual: first.command };
            const restart = ` (UNLINK ${key} and start over)`;
            const then = writes[1] ? `${writes[1].name} came as a second command, and ` : '';
            const actual = nx
              ? `it was created by ${first.name === 'SETNX' ? 'SETNX' : 'SET … NX'} with no expiry: ${then}if the process dies before the expiry is set, the entry is cached forever${restart}`
              : ttl
                ? `it was created by ${first.command} without NX, which would overwrite what another server cached first${restart}`
                : `it was created by ${first.command}, with neither NX nor an expiry${restart}`;
            return { pass: false, actual };
          }),
        ),
      ),
    ),
    hints: [
      'SET takes the expiry and the "only if absent" condition as options. Quote the JSON with single quotes.',
      `SET key value EX seconds NX   (e.g. SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX)`,
    ],
    solution: [`SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX`],
    wrong: [
      // The old two-step: SETNX, then EXPIRE. A crash in between caches the result forever.
      [`SETNX {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]'`, 'EXPIRE {ns}search:desk-lamp:page:1 300'],
      [`SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' NX`, 'EXPIRE {ns}search:desk-lamp:page:1 300'],
      // ... and then the right command, which finds the key there and does nothing.
      [
        `SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' NX`,
        'EXPIRE {ns}search:desk-lamp:page:1 300',
        `SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX`,
      ],
      // No NX: overwrites another server's entry.
      [`SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300`],
    ],
  },
];

async function setupStampede(ctx: LessonContext): Promise<void> {
  const key = ctx.key('product:PROD-18');
  const lock = ctx.key('product:PROD-18:lock');
  await ctx.claim([key, lock]);
  await ctx.unrecorded.unlink(key, lock);
}
