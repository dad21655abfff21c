// Invalidation beyond the TTL: an event on pub/sub that every app server's in-process cache listens to, a pattern
// removed with SCAN + UNLINK (and the exercise that does it by hand), and client-side caching kept fresh by the
// server itself (CLIENT TRACKING, invalidation messages on __redis__:invalidate).
import { custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import {
  cacheAside,
  createTrackedCache,
  invalidateMatching,
  listenForInvalidations,
  publishInvalidation,
  scanKeys,
  sleep,
  type InvalidationListener,
  type TrackedCache,
} from '../../patterns/index.js';
import { SlowDb } from '../shared/slow-db.js';
import { CATALOGUE, DB_DELAY_MS, type Product } from './shared.js';

/** Waits until `cond` holds, up to `ms`; says whether it did. */
async function until(cond: () => boolean, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** invalidate-family: the cached products, by family. Only the lamps go. */
const LAMPS = ['lamp-3', 'lamp-8', 'lamp-12', 'lamp-15', 'lamp-21'];
const OTHERS = ['lampshade-2', 'lampshade-5', 'desk-4', 'desk-9'];
const familyKey = (id: string) => `caching:product:${id}`;

async function familyCheck(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const left = await scanKeys(ctx.unrecorded, { match: ctx.key('caching:product:lamp-*'), count: 1000 });
  const gone: string[] = [];
  for (const id of OTHERS) if (!(await ctx.unrecorded.exists(ctx.key(familyKey(id))))) gone.push(id);
  if (gone.length) {
    const shade = gone.some((id) => id.startsWith('lampshade'));
    return {
      pass: false,
      actual: `${gone.join(', ')} ${gone.length === 1 ? 'is gone, and it is not a lamp' : 'are gone, and they are not lamps'}${shade ? ': the pattern lamp* matches lampshade-… too; lamp-* does not' : ''} (type :reset to start over)`,
    };
  }
  if (left.length)
    return { pass: false, actual: `${count(left.length, 'lamp')} still cached: ${left.map((k) => ctx.sb.expand(k)).join(', ')}` };
  const scanned = ranCommands(ctx.history).some((c) => c.name === 'SCAN' && c.args.some((a) => a.toUpperCase() === 'MATCH'));
  if (!scanned) {
    const keys = ctx.history.some((c) => String(c.args[0]).toUpperCase() === 'KEYS');
    return {
      pass: false,
      actual: keys
        ? 'you found them with KEYS, which walks the whole keyspace in one command while the server serves no one else: use SCAN … MATCH'
        : 'the lamps are gone, but you did not look for them: find the keys with SCAN … MATCH, as you would where you do not know the ids',
    };
  }
  return { pass: true, actual: `the ${LAMPS.length} lamps are gone; lampshades and desks stay` };
}

export const invalidationSteps: StepSpec[] = [
  {
    id: 'invalidate-event',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('caching:product:PROD-3');
      const channel = ctx.key('caching:invalidate');
      const db = new SlowDb(DB_DELAY_MS, CATALOGUE);
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const subscribers = await ctx.clients(2);
      const servers = ['app-a', 'app-b'].map((name) => ({ name, local: new Map<string, Product | null>() }));
      // Each app server reads through its own Map first, then Redis (cache-aside), then the database.
      const read = async (s: (typeof servers)[number]) => {
        if (s.local.has(key)) return s.local.get(key) ?? null;
        const r = await cacheAside(ctx.redis, key, { ttlMs: 300_000, loader: () => db.load('PROD-3') });
        s.local.set(key, r.value);
        return r.value;
      };
      const listeners: InvalidationListener[] = [];
      try {
        for (const [i, s] of servers.entries()) {
          listeners.push(await listenForInvalidations(subscribers[i]!, channel, (keys) => keys.forEach((k) => s.local.delete(k))));
        }
        await read(servers[0]!);
        await read(servers[1]!);
        const again = await read(servers[0]!);
        ctx.say(`both app servers hold PROD-3 (price ${again?.price}) in their own memory; app-a's third read sent no command at all`);
        db.update('PROD-3', { name: 'Clamp lamp', price: 30 });
        const receivers = await publishInvalidation(ctx.redis, channel, [key], { unlink: true });
        const dropped = await until(() => servers.every((s) => !s.local.has(key)));
        ctx.say(
          `the price changed to 30: the writer unlinked the Redis copy and published the key; ${count(receivers, 'subscriber')} got it, ` +
            `and ${dropped ? 'both servers dropped their copy' : 'not every server dropped its copy in time'}`,
        );
        const now = await read(servers[0]!);
        ctx.say(`app-a reads again: Redis misses, the database answers price ${now?.price}`);
      } finally {
        for (const l of listeners) await l.close();
      }
    },
  },
  {
    id: 'invalidate-pattern',
    kind: 'code',
    async run(ctx) {
      const pages = [...[1, 2, 3, 4].map((n) => `caching:list:lamps:page:${n}`), ...[1, 2].map((n) => `caching:list:desks:page:${n}`)];
      await ctx.claim(pages.map((p) => ctx.key(p)));
      const fill = ctx.unrecorded.pipeline();
      for (const p of pages) fill.set(ctx.key(p), JSON.stringify([`${p.split(':')[2]}-${p.at(-1)}`]), 'EX', 600);
      await fill.exec();
      const removed = await invalidateMatching(ctx.redis, ctx.key('caching:list:lamps:*'));
      const left = await scanKeys(ctx.unrecorded, { match: ctx.key('caching:list:*'), count: 1000 });
      ctx.say(
        `${count(removed, 'lamp page')} removed; left: ${left
          .map((k) => ctx.sb.expand(k))
          .sort()
          .join(', ')}`,
      );
    },
  },
  {
    id: 'invalidate-family',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [...LAMPS, ...OTHERS].map(familyKey), async (k) => {
        const p = ctx.unrecorded.pipeline();
        for (const id of [...LAMPS, ...OTHERS]) p.set(k(familyKey(id)), JSON.stringify({ id }), 'EX', 600);
        await p.exec();
      }),
    check: expanded(
      custom('no {ns}caching:product:lamp-<n> left, the lampshades and desks still cached, the lamps found with SCAN … MATCH', familyCheck),
    ),
    hints: [
      'SCAN with MATCH lists the keys of a pattern a page at a time (repeat with the cursor it returns until it returns 0). Mind that lamp* would also match lampshade-….',
      `SCAN cursor MATCH pattern COUNT n, then UNLINK key [key …]   (e.g. SCAN 0 MATCH {ns}caching:product:lamp-* COUNT 1000)`,
    ],
    solution: ['SCAN 0 MATCH {ns}caching:product:lamp-* COUNT 1000', `UNLINK ${LAMPS.map((id) => `{ns}${familyKey(id)}`).join(' ')}`],
    wrong: [
      // lamp* also matches the lampshades.
      [
        'SCAN 0 MATCH {ns}caching:product:lamp* COUNT 1000',
        `UNLINK ${[...LAMPS, 'lampshade-2', 'lampshade-5'].map((id) => `{ns}${familyKey(id)}`).join(' ')}`,
      ],
      // One lamp left behind: its old price is served until the TTL ends.
      [
        'SCAN 0 MATCH {ns}caching:product:lamp-* COUNT 1000',
        `UNLINK ${LAMPS.slice(0, -1)
          .map((id) => `{ns}${familyKey(id)}`)
          .join(' ')}`,
      ],
      // The wrong family.
      ['SCAN 0 MATCH {ns}caching:product:desk-* COUNT 1000', 'DEL {ns}caching:product:desk-4 {ns}caching:product:desk-9'],
      // KEYS: the right keys, found by blocking the server for the whole keyspace.
      ['KEYS {ns}caching:product:lamp-*', `UNLINK ${LAMPS.map((id) => `{ns}${familyKey(id)}`).join(' ')}`],
    ],
  },
  {
    id: 'client-side',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('caching:config:theme');
      await ctx.claim([key]);
      await ctx.unrecorded.set(key, 'dark', 'EX', 600);
      // The invalidation connection: one of the lesson's own connections, which speak RESP2 (redis-cli's protocol),
      // as createTrackedCache needs: the invalidations then arrive as pub/sub messages on __redis__:invalidate.
      const [invalidations, otherServer] = await ctx.clients(2);
      let cache: TrackedCache;
      try {
        cache = await createTrackedCache(ctx.redis, invalidations!);
      } catch (err) {
        ctx.say(
          `this server refused client tracking (${errorText(err)}). Redis 6.0+ has it; managed services may allow it only over RESP3 ` +
            'on the same connection, without REDIRECT. The text above describes what this step would show.',
        );
        return;
      }
      try {
        for (let i = 0; i < 3; i++) await cache.get(key);
        ctx.say(
          `three reads of {ns}caching:config:theme: ${count(cache.stats.serverReads, 'GET')} to the server, ` +
            `${count(cache.stats.localHits, 'answer')} from the process's own Map`,
        );
        await otherServer!.set(key, 'light', 'EX', 600);
        const dropped = await until(() => cache.size === 0);
        ctx.say(
          `another app server sets it to "light": ${dropped ? 'the server sent an invalidation for the key and the Map dropped it' : 'no invalidation arrived in time'}`,
        );
        const value = await cache.get(key);
        await cache.get(key);
        ctx.say(`the next read goes to the server (${JSON.stringify(value)}); the one after is local again`);
        ctx.table(
          ['GETs sent', 'answered locally', 'invalidations'],
          [[cache.stats.serverReads, cache.stats.localHits, cache.stats.invalidations]],
        );
      } finally {
        await cache.close();
      }
    },
  },
];
