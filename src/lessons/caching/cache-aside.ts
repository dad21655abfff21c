// Cache-aside in front of the slow database: hits and misses counted in a hash, a TTL that bounds staleness, and an
// exercise that writes a cache entry the way cache-aside must: value, expiry and "only if absent" in one SET.
import { all, custom, ttlBetween, writesThatMadeIt } from '../../engine/checks.js';
import { count, expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { cacheAside, cacheHitRatio, sleep } from '../../patterns/index.js';
import { SlowDb } from '../shared/slow-db.js';
import { CATALOGUE, DB_DELAY_MS, pct, sameJson } from './shared.js';

/** The cache-entry exercise: the product this server loaded, and the one another server cached first (newer). */
const ENTRY_NEW = { name: 'Desk lamp', price: 25 };
const ENTRY_MINE = { name: 'Floor lamp', price: 20 };
const ENTRY_THEIRS = { name: 'Floor lamp', price: 18 };
const THEIRS_TTL_S = 400;

/** "created by one SET with NX and an expiry": the write that made the key as it is now. */
function createdByOneSetNx(name: string) {
  return custom(`{ns}${name} created by one SET with NX and EX (or PX)`, (ctx: LessonContext) =>
    Promise.resolve().then(() => {
      const key = ctx.key(name);
      const writes = writesThatMadeIt(ctx, key);
      const first = writes[0];
      if (!first) return { pass: false, actual: `no command of yours wrote ${key} yet` };
      const opts = first.args.slice(3).map((a) => a.toUpperCase());
      const nx = first.name === 'SETNX' || (first.name === 'SET' && opts.includes('NX'));
      const ttl = first.name === 'SET' && opts.some((o) => TTL_OPTIONS.has(o));
      if (nx && ttl) return { pass: true, actual: first.command };
      const again = ` (UNLINK ${key} and start over)`;
      const then = writes[1] ? `${writes[1].name} came as a second command: ` : '';
      return {
        pass: false,
        actual: nx
          ? `it was created by ${first.name === 'SETNX' ? 'SETNX' : 'SET … NX'} with no expiry; ${then}a process that dies in between leaves an entry that is served forever${again}`
          : ttl
            ? `it was created by ${first.command} without NX: that SET overwrites whatever another server cached first${again}`
            : `it was created by ${first.command}, with neither NX nor an expiry${again}`,
      };
    }),
  );
}

export const cacheAsideSteps: StepSpec[] = [
  {
    id: 'cache-aside',
    kind: 'code',
    async run(ctx) {
      const stats = ctx.key('caching:stats');
      const db = new SlowDb(DB_DELAY_MS, CATALOGUE);
      const reads = ['PROD-1', 'PROD-1', 'PROD-2', 'PROD-1'];
      const keys = [...new Set(reads)].map((id) => ctx.key(`caching:product:${id}`));
      await ctx.claim([stats, ...keys]);
      await ctx.unrecorded.unlink(stats, ...keys);
      const rows: (string | number)[][] = [];
      for (const id of reads) {
        const t0 = performance.now();
        const r = await cacheAside(ctx.redis, ctx.key(`caching:product:${id}`), {
          ttlMs: 300_000,
          jitter: 0.2,
          loader: () => db.load(id),
          statsKey: stats,
        });
        rows.push([id, r.hit ? 'hit' : 'miss: loaded', `${(performance.now() - t0).toFixed(1)} ms`, JSON.stringify(r.value)]);
      }
      const { hits, misses, ratio } = await cacheHitRatio(ctx.redis, stats);
      ctx.table(['read', 'cache', 'took', 'value'], rows);
      ctx.say(
        `{ns}caching:stats: ${count(hits, 'hit')}, ${count(misses, 'miss', 'misses')}, hit ratio ${pct(ratio)}; ` +
          `the database was queried ${count(db.loads, 'time')} for ${count(reads.length, 'read')}`,
      );
    },
  },
  {
    id: 'ttl-staleness',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('caching:product:PROD-3');
      const db = new SlowDb(DB_DELAY_MS, CATALOGUE);
      const ttlMs = 300;
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const read = () => cacheAside(ctx.redis, key, { ttlMs, loader: () => db.load('PROD-3') });
      const first = await read();
      await ctx.redis.pttl(key);
      db.update('PROD-3', { name: 'Clamp lamp', price: 30 });
      ctx.say(`the database changes PROD-3's price from ${first.value?.price} to 30; nobody tells the cache`);
      const stale = await read();
      ctx.say(`read again: ${stale.hit ? 'a hit' : 'a miss'}, price ${stale.value?.price}: the cache serves the old price`);
      await sleep(ttlMs + 100);
      const fresh = await read();
      ctx.say(
        `${ttlMs + 100} ms later the entry has expired: ${fresh.hit ? 'a hit' : 'a miss'}, loaded again, price ${fresh.value?.price}. ` +
          `The database was queried ${count(db.loads, 'time')}.`,
      );
    },
  },
  {
    id: 'cache-entry',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['caching:product:PROD-5', 'caching:product:PROD-6'], (k) =>
        ctx.unrecorded.set(k('caching:product:PROD-6'), JSON.stringify(ENTRY_THEIRS), 'EX', THEIRS_TTL_S),
      ),
    check: expanded(
      all(
        custom(`{ns}caching:product:PROD-5 = ${JSON.stringify(ENTRY_NEW)}`, async (ctx) => {
          const raw = await ctx.unrecorded.get(ctx.key('caching:product:PROD-5')).catch(() => null);
          return { pass: sameJson(raw, ENTRY_NEW), actual: raw === null ? 'the key does not exist' : `value ${raw}` };
        }),
        ttlBetween('caching:product:PROD-5', 540, 600),
        createdByOneSetNx('caching:product:PROD-5'),
        custom(`{ns}caching:product:PROD-6 still the other server's ${JSON.stringify(ENTRY_THEIRS)}, its TTL untouched`, async (ctx) => {
          const key = ctx.key('caching:product:PROD-6');
          const [raw, pttl] = await Promise.all([ctx.unrecorded.get(key).catch(() => null), ctx.unrecorded.pttl(key)]);
          if (!sameJson(raw, ENTRY_THEIRS)) {
            return {
              pass: false,
              actual:
                raw === null
                  ? `${key} is gone`
                  : `${key} = ${raw}: you overwrote the newer copy another server cached, and readers now get the old price until it expires`,
            };
          }
          if (pttl < 0 || pttl > THEIRS_TTL_S * 1000) {
            return {
              pass: false,
              actual: `${key} TTL ${pttl < 0 ? 'gone' : `${Math.round(pttl / 1000)} s`}: its expiry was pushed back (by a separate EXPIRE?); it was not yours to extend`,
            };
          }
          return { pass: true, actual: `${key} kept its value and TTL` };
        }),
      ),
    ),
    hints: [
      'SET takes the expiry and the "only if absent" condition as options, so one command does all three. Quote the JSON with single quotes.',
      `SET key value EX seconds NX   (e.g. SET {ns}caching:product:PROD-5 '${JSON.stringify(ENTRY_NEW)}' EX 600 NX)`,
    ],
    solution: [
      `SET {ns}caching:product:PROD-5 '${JSON.stringify(ENTRY_NEW)}' EX 600 NX`,
      `SET {ns}caching:product:PROD-6 '${JSON.stringify(ENTRY_MINE)}' EX 600 NX`,
    ],
    wrong: [
      // SET, then EXPIRE: a crash in between leaves the entry immortal.
      [
        `SET {ns}caching:product:PROD-5 '${JSON.stringify(ENTRY_NEW)}'`,
        'EXPIRE {ns}caching:product:PROD-5 600',
        `SET {ns}caching:product:PROD-6 '${JSON.stringify(ENTRY_MINE)}' EX 600 NX`,
      ],
      // No NX: the newer copy another server cached is overwritten with this server's older read.
      [
        `SET {ns}caching:product:PROD-5 '${JSON.stringify(ENTRY_NEW)}' EX 600 NX`,
        `SET {ns}caching:product:PROD-6 '${JSON.stringify(ENTRY_MINE)}' EX 600`,
      ],
      // SET … NX then EXPIRE: still two commands, and the EXPIRE extends the other server's entry.
      [
        `SET {ns}caching:product:PROD-5 '${JSON.stringify(ENTRY_NEW)}' NX`,
        'EXPIRE {ns}caching:product:PROD-5 600',
        `SET {ns}caching:product:PROD-6 '${JSON.stringify(ENTRY_MINE)}' NX`,
        'EXPIRE {ns}caching:product:PROD-6 600',
      ],
    ],
  },
];
