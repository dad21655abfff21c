// Writes through the cache: write-through (database first, then the cache; a failed save drops the cached copy) next
// to the naive cache-first write, and write-behind through a stream (cache and change queued in one MULTI, flushed
// later through a consumer group, a failed save left pending and retried), with an exercise for each.
import { all, custom, hashHas, noTtl, ttlBetween, writesTo, type RanCommand } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { writeCacheBeforeDatabase } from '../../antipatterns/cache.js';
import { flushWriteBehind, writeBehind, writeThrough, type WriteBehindChange } from '../../patterns/index.js';
import { SlowDb } from '../shared/slow-db.js';
import { CATALOGUE, DB_DELAY_MS, sameJson, type Product } from './shared.js';

// ── Write-through ───────────────────────────────────────────────────────────────────────────────────────────────────

const LAMP: Product = { name: 'Desk lamp', price: 25 };
const LAMP_NOW: Product = { name: 'Desk lamp', price: 19 };

/** The last write of the learner's to `key` ran inside an EXEC, together with the last write to `other`. */
function sameTransaction(ctx: LessonContext, key: string, other: string): { a?: RanCommand; b?: RanCommand; same: boolean } {
  const a = writesTo(ctx, key).at(-1);
  const b = writesTo(ctx, other).at(-1);
  return { a, b, same: Boolean(a && b && a.transaction !== null && a.transaction === b.transaction) };
}

// ── Write-behind ────────────────────────────────────────────────────────────────────────────────────────────────────

const STREAM = 'caching:changes';
const GROUP = 'flushers';
const CONSUMER = 'flusher-1';
const USERS = ['caching:user:1', 'caching:user:2'];

/** Shows the stream's entries (unrecorded): the queue the flusher works through. */
async function showStream(ctx: LessonContext): Promise<void> {
  const entries = await ctx.unrecorded.xrange(ctx.key(STREAM), '-', '+');
  if (!entries.length) {
    ctx.say(`{ns}${STREAM} is empty`);
    return;
  }
  ctx.table(
    ['entry id', 'key', 'value'],
    entries.map(([id, f]) => [id, ctx.sb.expand(f[1] ?? ''), f[3] ?? '']),
  );
}

/** Saves a change to the write-behind steps' database, under the row id the key names (`user:2`). */
function userSave(db: SlowDb<unknown>) {
  return (c: WriteBehindChange<unknown>) => db.save(c.key.replace(/^.*caching:/, ''), c.value);
}

/** The three changes already queued in the write-behind exercise's stream, not yet saved. */
const QUEUED: [string, unknown][] = [
  ['caching:user:7', { name: 'Ada' }],
  ['caching:user:8', { name: 'Grace' }],
  ['caching:user:9', { name: 'Edsger' }],
];
const RENAMED = { name: 'Linus' };
const MIN_CAP = 1000;

/** The XADD's trimming: MAXLEN with `~` and its threshold, or what is wrong with it. */
function trimOf(c: RanCommand): { approx: boolean; threshold: number } | null {
  const up = c.args.map((a) => a.toUpperCase());
  const at = up.indexOf('MAXLEN');
  if (at < 0) return null;
  const approx = up[at + 1] === '~';
  const n = Number(c.args[at + (up[at + 1] === '~' || up[at + 1] === '=' ? 2 : 1)]);
  return { approx, threshold: n };
}

async function queuedCheck(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const stream = ctx.key(STREAM);
  const cache = ctx.key('caching:user:42');
  const type = await ctx.unrecorded.type(stream);
  if (type !== 'stream') return { pass: false, actual: type === 'none' ? `${stream} is gone` : `${stream} is a ${type}` };
  const entries = await ctx.unrecorded.xrange(stream, '-', '+');
  const fields = entries.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i], f[2 * i + 1]])));
  const kept = QUEUED.filter(([k], i) => fields[i]?.key === ctx.key(k)).length;
  if (kept < QUEUED.length) {
    return {
      pass: false,
      actual: `only ${kept} of the ${QUEUED.length} older changes are left in ${stream}: trimming dropped changes that were never saved`,
    };
  }
  const added = fields.slice(QUEUED.length);
  if (!added.length) return { pass: false, actual: `${stream} has no new change yet (${entries.length} entries)` };
  const mine = added.at(-1)!;
  if (mine.key !== cache || !sameJson(mine.value ?? null, RENAMED)) {
    return { pass: false, actual: `the newest entry is key=${JSON.stringify(mine.key)} value=${JSON.stringify(mine.value)}` };
  }
  if (added.length > 1)
    return { pass: false, actual: `${added.length} new entries: the flusher would save the change ${added.length} times` };
  const { a: set, b: xadd, same } = sameTransaction(ctx, cache, stream);
  if (!xadd || xadd.name !== 'XADD') return { pass: false, actual: `${stream} was not written by XADD` };
  const trim = trimOf(xadd);
  if (!trim) {
    return {
      pass: false,
      actual: 'XADD without MAXLEN: if the flusher stops, the stream grows until the server runs out of memory (type :reset to start over)',
    };
  }
  if (!trim.approx) {
    return {
      pass: false,
      actual: `MAXLEN ${trim.threshold} without ~ trims to the exact length on every XADD; ~ lets Redis drop whole nodes, far cheaper (type :reset to start over)`,
    };
  }
  if (!(trim.threshold >= MIN_CAP)) {
    return {
      pass: false,
      actual: `a cap of ${trim.threshold} is within reach of a normal backlog: when the database is slow, trimming would drop unsaved changes (type :reset to start over)`,
    };
  }
  if (!same || !set) {
    return {
      pass: false,
      actual: `${set ? `${set.name} and XADD ran as separate commands` : `${cache} was not written`}: a crash between them leaves a cached value whose change is never saved (type :reset to start over)`,
    };
  }
  return { pass: true, actual: `${set.name} and ${xadd.command} in one MULTI` };
}

export const writeSteps: StepSpec[] = [
  {
    id: 'write-through',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('caching:product:PROD-1');
      const db = new SlowDb(DB_DELAY_MS, CATALOGUE);
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      const save = (v: Product) => db.save('PROD-1', v);
      await writeThrough(ctx.redis, key, { name: 'Brass desk lamp', price: 45 }, { ttlMs: 600_000, jitter: 0.1, save });
      ctx.say(`saved: the database has price ${db.peek('PROD-1')?.price}, and so has the cache, set after the save`);
      db.failing.add('PROD-1');
      try {
        await writeThrough(ctx.redis, key, { name: 'Brass desk lamp', price: 39 }, { ttlMs: 600_000, jitter: 0.1, save });
      } catch (err) {
        ctx.say(`the next save fails (${(err as Error).message}): writeThrough deleted the cached copy and rethrew`);
      }
      await ctx.redis.exists(key);
      ctx.say(`the next read misses and loads price ${db.peek('PROD-1')?.price} from the database. Now the naive order, cache first:`);
      try {
        await writeCacheBeforeDatabase(ctx.redis, key, { name: 'Brass desk lamp', price: 39 }, 600, save);
      } catch (err) {
        ctx.say(`the save fails again (${(err as Error).message}), after the cache was written`);
      }
      await ctx.redis.get(key);
      ctx.say(
        `the cache says 39, the database ${db.peek('PROD-1')?.price}: every reader gets a price the database refused, until the TTL ends`,
      );
    },
  },
  {
    id: 'write-through-multi',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['caching:db:product:PROD-7', 'caching:product:PROD-7'], async (k) => {
        await ctx.unrecorded.hset(k('caching:db:product:PROD-7'), { name: LAMP.name, price: String(LAMP.price) });
        await ctx.unrecorded.set(k('caching:product:PROD-7'), JSON.stringify(LAMP), 'EX', 200);
      }),
    check: expanded(
      all(
        hashHas('caching:db:product:PROD-7', { name: LAMP_NOW.name, price: String(LAMP_NOW.price) }),
        noTtl('caching:db:product:PROD-7'),
        custom(`{ns}caching:product:PROD-7 = ${JSON.stringify(LAMP_NOW)}`, async (ctx) => {
          const raw = await ctx.unrecorded.get(ctx.key('caching:product:PROD-7')).catch(() => null);
          return { pass: sameJson(raw, LAMP_NOW), actual: raw === null ? 'the cache key does not exist' : `value ${raw}` };
        }),
        ttlBetween('caching:product:PROD-7', 540, 600),
        custom('the record and the cache written in one MULTI … EXEC', (ctx) =>
          Promise.resolve().then(() => {
            const { a, b, same } = sameTransaction(ctx, ctx.key('caching:db:product:PROD-7'), ctx.key('caching:product:PROD-7'));
            if (same) return { pass: true, actual: `${a!.name} and ${b!.name} ran in the same EXEC` };
            return {
              pass: false,
              actual: `${a?.name ?? 'nothing'} and ${b?.name ?? 'nothing'} ran apart: between them a reader sees the new price in one and the old in the other (type :reset to start over)`,
            };
          }),
        ),
      ),
    ),
    hints: [
      'MULTI queues the commands that follow; EXEC runs them all at once, with no other client in between. Queue the HSET and the SET.',
      `MULTI, HSET key field value, SET key value EX seconds, EXEC   (e.g. SET {ns}caching:product:PROD-7 '${JSON.stringify(LAMP_NOW)}' EX 600)`,
    ],
    solution: [
      'MULTI',
      `HSET {ns}caching:db:product:PROD-7 price ${LAMP_NOW.price}`,
      `SET {ns}caching:product:PROD-7 '${JSON.stringify(LAMP_NOW)}' EX 600`,
      'EXEC',
    ],
    wrong: [
      // The cache only: the record of truth still says 25, and the next reload brings 25 back.
      [`SET {ns}caching:product:PROD-7 '${JSON.stringify(LAMP_NOW)}' EX 600`],
      // Both, but as two commands: a reader in between sees them disagree.
      [`HSET {ns}caching:db:product:PROD-7 price ${LAMP_NOW.price}`, `SET {ns}caching:product:PROD-7 '${JSON.stringify(LAMP_NOW)}' EX 600`],
      // One MULTI, but the cached copy loses its TTL: SET without EX clears it.
      [
        'MULTI',
        `HSET {ns}caching:db:product:PROD-7 price ${LAMP_NOW.price}`,
        `SET {ns}caching:product:PROD-7 '${JSON.stringify(LAMP_NOW)}'`,
        'EXEC',
      ],
    ],
  },
  {
    id: 'write-behind',
    kind: 'code',
    async run(ctx) {
      const stream = ctx.key(STREAM);
      const keys = USERS.map((u) => ctx.key(u));
      await ctx.claim([stream, ...keys]);
      await ctx.unrecorded.unlink(stream, ...keys);
      const changes: [string, unknown][] = [
        [keys[0]!, { plan: 'pro' }],
        [keys[1]!, { plan: 'free' }],
        [keys[0]!, { plan: 'team' }],
      ];
      for (const [key, value] of changes) await writeBehind(ctx.redis, stream, key, value, { ttlMs: 3_600_000, jitter: 0.1 });
      ctx.say(
        `${count(changes.length, 'write')} answered without touching the database; the cache has the newest values, the stream the changes in order:`,
      );
      await showStream(ctx);
    },
  },
  {
    id: 'write-behind-flush',
    kind: 'code',
    async run(ctx) {
      const db = new SlowDb<unknown>(DB_DELAY_MS / 10);
      db.failing.add('user:2');
      const r = await flushWriteBehind(ctx.redis, { stream: ctx.key(STREAM), group: GROUP, consumer: CONSUMER, save: userSave(db) });
      ctx.say(
        `saved ${count(r.saved, 'change')} (${db.saved.map((s) => `${s.id} → ${JSON.stringify(s.value)}`).join(', ')}); ` +
          `the save of ${r.failed ? ctx.sb.expand(r.failed.id) : 'nothing'} failed: ${(r.failed?.error as Error | undefined)?.message ?? ''}. ` +
          'The flush stopped there, so the change after it waits too:',
      );
      await ctx.redis.xpending(ctx.key(STREAM), GROUP);
      await ctx.redis.xpending(ctx.key(STREAM), GROUP, '-', '+', 10);
    },
  },
  {
    id: 'write-behind-retry',
    kind: 'code',
    async run(ctx) {
      const db = new SlowDb<unknown>(DB_DELAY_MS / 10);
      const r = await flushWriteBehind(ctx.redis, { stream: ctx.key(STREAM), group: GROUP, consumer: CONSUMER, save: userSave(db) });
      ctx.say(
        `saved ${count(r.saved, 'change')}, in the order they were written: ${db.saved.map((s) => `${s.id} → ${JSON.stringify(s.value)}`).join(', ')}`,
      );
      await ctx.redis.xpending(ctx.key(STREAM), GROUP);
      await ctx.redis.xlen(ctx.key(STREAM));
    },
  },
  {
    id: 'write-behind-queue',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [STREAM, 'caching:user:42'], async (k) => {
        for (const [key, value] of QUEUED) await ctx.unrecorded.xadd(k(STREAM), '*', 'key', k(key), 'value', JSON.stringify(value));
        await ctx.unrecorded.xgroup('CREATE', k(STREAM), GROUP, '0');
        await ctx.unrecorded.set(k('caching:user:42'), JSON.stringify({ name: 'linus' }), 'EX', 1800);
      }),
    check: expanded(
      all(
        custom(`{ns}caching:user:42 = ${JSON.stringify(RENAMED)}`, async (ctx) => {
          const raw = await ctx.unrecorded.get(ctx.key('caching:user:42')).catch(() => null);
          return { pass: sameJson(raw, RENAMED), actual: raw === null ? 'the key does not exist' : `value ${raw}` };
        }),
        ttlBetween('caching:user:42', 3540, 3600),
        custom(
          `{ns}${STREAM}: the ${QUEUED.length} older changes, then key={ns}caching:user:42 value=${JSON.stringify(RENAMED)}, added by XADD … MAXLEN ~ ${MIN_CAP} or more, in the MULTI that SET the cache`,
          queuedCheck,
        ),
      ),
    ),
    hints: [
      'Inside MULTI … EXEC: the SET with its expiry, then the XADD. MAXLEN ~ goes before the entry id (*), then the field-value pairs.',
      `XADD key MAXLEN ~ 10000 * field value [field value …]   (e.g. XADD {ns}${STREAM} MAXLEN ~ 10000 * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}')`,
    ],
    solution: [
      'MULTI',
      `SET {ns}caching:user:42 '${JSON.stringify(RENAMED)}' EX 3600`,
      `XADD {ns}${STREAM} MAXLEN ~ 10000 * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}'`,
      'EXEC',
    ],
    wrong: [
      // Two separate commands: a crash between them caches a change that is never saved.
      [
        `SET {ns}caching:user:42 '${JSON.stringify(RENAMED)}' EX 3600`,
        `XADD {ns}${STREAM} MAXLEN ~ 10000 * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}'`,
      ],
      // No cap: a stopped flusher lets the stream grow without bound.
      [
        'MULTI',
        `SET {ns}caching:user:42 '${JSON.stringify(RENAMED)}' EX 3600`,
        `XADD {ns}${STREAM} * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}'`,
        'EXEC',
      ],
      // An exact, tiny cap: the unsaved older changes are trimmed away.
      [
        'MULTI',
        `SET {ns}caching:user:42 '${JSON.stringify(RENAMED)}' EX 3600`,
        `XADD {ns}${STREAM} MAXLEN 1 * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}'`,
        'EXEC',
      ],
      // The cached copy without its TTL.
      [
        'MULTI',
        `SET {ns}caching:user:42 '${JSON.stringify(RENAMED)}'`,
        `XADD {ns}${STREAM} MAXLEN ~ 10000 * key {ns}caching:user:42 value '${JSON.stringify(RENAMED)}'`,
        'EXEC',
      ],
    ],
  },
];
