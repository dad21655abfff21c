// When the cache fails as a whole: a hot key expiring under load (stampede; fixed by a rebuild lock and by early
// refresh), keys filled together expiring together (avalanche; fixed by jitter), lookups of ids that do not exist
// (penetration; fixed by caching "not found"), and the exercises that spread TTLs and cache a miss.
import { all, custom, stringEquals, ttlBetween, writesThatMadeIt, writesTo } from '../../engine/checks.js';
import { count, expanded, fresh, TTL_OPTIONS } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { CACHE_MISS_SENTINEL, cacheAside, cacheHitRatio, sleep, type CacheAsideOptions } from '../../patterns/index.js';
import { SlowDb } from '../shared/slow-db.js';
import {
  CATALOGUE,
  DB_DELAY_MS,
  DB_RELOADS_PER_S,
  HOT_TTL_LEFT_MS,
  LOOKUPS_EACH,
  MISS_TTL_S,
  PENETRATION_CLIENTS,
  REQUEST_EVERY_MS,
  requestedTtlSeconds,
  STAMPEDE_CLIENTS,
  STAMPEDE_RUN_MS,
  WARM_CLIENTS,
  WARM_JITTER,
  WARM_PER_CLIENT,
  WARM_TTL_S,
  type RaceSpec,
  type Product,
} from './shared.js';

// ── Stampede ────────────────────────────────────────────────────────────────────────────────────────────────────────

type Protection = 'none' | 'lock' | 'early-refresh';

/** Each variant's own database (its query count starts at 0) and what its readers did. */
interface StampedeState {
  db: SlowDb<Product>;
  /** When the readers start: the hot key has HOT_TTL_LEFT_MS left at that moment. */
  start: number;
  reads: number;
  /** Reads that found the key missing and ran the query themselves. */
  loadedOnMiss: number;
  /** Reads that refreshed the key before it expired (early refresh). */
  refreshed: number;
}

const HOT = 'caching:hot:PROD-42';
const HOT_STATS = 'caching:hot:stats';
const STAMPEDE_UNIT = 'database queries';

function hotOptions(ctx: LessonContext, protection: Protection, db: SlowDb<Product>): CacheAsideOptions<Product | null> {
  // statsKey counts each read's first look at the cache: a miss is a reader that found the key gone.
  const base = { ttlMs: 60_000, jitter: 0.1, loader: () => db.load('PROD-42'), statsKey: ctx.key(HOT_STATS) };
  if (protection === 'none') return base;
  return { ...base, stampede: protection, lockTtlMs: 2000, waitMs: 3000, pollMs: 10 };
}

/** The hot key, cached a while ago: it has HOT_TTL_LEFT_MS to live when the readers start. */
async function setupHot(ctx: LessonContext, state: StampedeState, protection: Protection): Promise<void> {
  const key = ctx.key(HOT);
  const stats = ctx.key(HOT_STATS);
  await ctx.claim([key, `${key}:lock`, stats]);
  await ctx.unrecorded.unlink(key, `${key}:lock`, stats);
  // Filled through cacheAside itself (on its own database, not counted), so an early-refresh entry carries the load time.
  const filler = new SlowDb(DB_DELAY_MS, CATALOGUE);
  const { statsKey: _uncounted, ...fill } = hotOptions(ctx, protection, filler);
  await cacheAside(ctx.unrecorded, key, { ...fill, ttlMs: HOT_TTL_LEFT_MS, jitter: 0 });
  state.start = Date.now();
}

/** One app server: a request every REQUEST_EVERY_MS (not waiting for the previous one), each reading the hot key. */
async function hotWorker(client: Parameters<typeof cacheAside>[0], i: number, ctx: LessonContext, state: StampedeState, p: Protection) {
  const opts = hotOptions(ctx, p, state.db);
  const key = ctx.key(HOT);
  await sleep((i * REQUEST_EVERY_MS) / STAMPEDE_CLIENTS);
  const requests: Promise<void>[] = [];
  while (Date.now() < state.start + STAMPEDE_RUN_MS) {
    requests.push(
      (async () => {
        const r = await cacheAside(client, key, opts);
        state.reads++;
        if (!r.hit) state.loadedOnMiss++;
        if (r.refreshed) state.refreshed++;
      })(),
    );
    await sleep(REQUEST_EVERY_MS);
  }
  await Promise.all(requests);
}

async function measureHot(ctx: LessonContext, state: StampedeState, label: string) {
  const { hits, misses } = await cacheHitRatio(ctx.unrecorded, ctx.key(HOT_STATS));
  const waited = misses - state.loadedOnMiss;
  ctx.say(
    `${label}: ${count(state.reads, 'read')}; ${hits} found the key cached, ${misses} found it gone` +
      (misses ? ` (${state.loadedOnMiss} ran the query${waited ? `, ${waited} waited for someone else's` : ''})` : '') +
      (state.refreshed ? `; ${state.refreshed} refreshed it before it expired` : ''),
  );
  return { expected: 1, actual: state.db.loads, unit: STAMPEDE_UNIT };
}
function hotVariant(label: string, protection: Protection): RaceSpec<StampedeState>['variants'][number] {
  return {
    label,
    atomic: protection !== 'none',
    setup: (ctx, state) => setupHot(ctx, state, protection),
    worker: (client, i, ctx, state) => hotWorker(client, i, ctx, state, protection),
    measure: (ctx, state) => measureHot(ctx, state, label),
  };
}

const stampede: RaceSpec<StampedeState> = {
  id: 'stampede',
  kind: 'race',
  clients: STAMPEDE_CLIENTS,
  state: () => ({ db: new SlowDb(DB_DELAY_MS, CATALOGUE), start: 0, reads: 0, loadedOnMiss: 0, refreshed: 0 }),
  variants: [
    hotVariant('plain cache-aside', 'none'),
    hotVariant('rebuild lock (SET NX PX)', 'lock'),
    hotVariant('probabilistic early refresh', 'early-refresh'),
  ],
};

// ── Avalanche ───────────────────────────────────────────────────────────────────────────────────────────────────────

const WARM_KEYS = WARM_CLIENTS * WARM_PER_CLIENT;
const warmKey = (n: number) => `caching:warm:product:${n}`;
const WARM_ROWS: [string, Product][] = Array.from({ length: WARM_KEYS }, (_, n) => [
  `P-${n + 1}`,
  { name: `Product ${n + 1}`, price: 10 + (n % 40) },
]);

interface AvalancheState {
  db: SlowDb<Product>;
}

async function setupWarm(ctx: LessonContext): Promise<void> {
  const keys = Array.from({ length: WARM_KEYS }, (_, n) => ctx.key(warmKey(n + 1)));
  await ctx.claim(keys);
  await ctx.unrecorded.unlink(...keys);
}

/** Which second each warm key expires in, from its PTTL: the busiest second and the reloads past the database's rate. */
async function measureWarm(ctx: LessonContext, label: string) {
  const keys = Array.from({ length: WARM_KEYS }, (_, n) => ctx.key(warmKey(n + 1)));
  const p = ctx.unrecorded.pipeline();
  for (const k of keys) p.pttl(k);
  const now = Date.now();
  const replies = (await p.exec()) ?? [];
  const perSecond = new Map<number, number>();
  for (const [, pttl] of replies) {
    const s = Math.floor((now + Number(pttl)) / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  const seconds = [...perSecond.keys()];
  const busiest = Math.max(...perSecond.values());
  const over = [...perSecond.values()].reduce((sum, n) => sum + Math.max(0, n - DB_RELOADS_PER_S), 0);
  const span = Math.max(...seconds) - Math.min(...seconds) + 1;
  ctx.say(
    `${label}: the ${WARM_KEYS} keys expire over ${count(span, 'second')}, at most ${busiest} in one second ` +
      `(the database reloads ${DB_RELOADS_PER_S} a second)`,
  );
  return { expected: 0, actual: over, unit: `reloads over ${DB_RELOADS_PER_S}/s` };
}

function warmVariant(label: string, jitter: number): RaceSpec<AvalancheState>['variants'][number] {
  return {
    label,
    atomic: jitter > 0,
    setup: (ctx) => setupWarm(ctx),
    async worker(client, i, ctx, state) {
      for (let j = 1; j <= WARM_PER_CLIENT; j++) {
        const n = i * WARM_PER_CLIENT + j;
        await cacheAside(client, ctx.key(warmKey(n)), { ttlMs: WARM_TTL_S * 1000, jitter, loader: () => state.db.load(`P-${n}`) });
      }
    },
    measure: (ctx) => measureWarm(ctx, label),
  };
}

const avalanche: RaceSpec<AvalancheState> = {
  id: 'avalanche',
  kind: 'race',
  clients: WARM_CLIENTS,
  state: () => ({ db: new SlowDb(2, WARM_ROWS) }),
  variants: [warmVariant(`same TTL (${WARM_TTL_S} s)`, 0), warmVariant(`TTL + up to ${WARM_JITTER * 100} % jitter`, WARM_JITTER)],
};

// ── Penetration ─────────────────────────────────────────────────────────────────────────────────────────────────────

const MISSING = 'caching:product:PROD-404';

interface PenetrationState {
  db: SlowDb<Product>;
}

async function setupMissing(ctx: LessonContext): Promise<void> {
  const key = ctx.key(MISSING);
  await ctx.claim([key, `${key}:lock`]);
  await ctx.unrecorded.unlink(key, `${key}:lock`);
}

const penetration: RaceSpec<PenetrationState> = {
  id: 'penetration',
  kind: 'race',
  clients: PENETRATION_CLIENTS,
  state: () => ({ db: new SlowDb(DB_DELAY_MS, CATALOGUE) }),
  variants: [
    {
      label: 'plain cache-aside',
      atomic: false,
      setup: (ctx) => setupMissing(ctx),
      async worker(client, _i, ctx, state) {
        for (let n = 0; n < LOOKUPS_EACH; n++) {
          await cacheAside(client, ctx.key(MISSING), { ttlMs: 300_000, loader: () => state.db.load('PROD-404') });
        }
      },
      measure: (_ctx, state) => Promise.resolve({ expected: 1, actual: state.db.loads, unit: 'database queries' }),
    },
    {
      label: 'cached "not found" + rebuild lock',
      atomic: true,
      setup: (ctx) => setupMissing(ctx),
      async worker(client, _i, ctx, state) {
        for (let n = 0; n < LOOKUPS_EACH; n++) {
          await cacheAside(client, ctx.key(MISSING), {
            ttlMs: 300_000,
            loader: () => state.db.load('PROD-404'),
            cacheMisses: { ttlMs: MISS_TTL_S * 1000 },
            stampede: 'lock',
            lockTtlMs: 2000,
            pollMs: 10,
          });
        }
      },
      async measure(ctx, state) {
        const key = ctx.key(MISSING);
        const [value, ttl] = await Promise.all([ctx.unrecorded.get(key), ctx.unrecorded.ttl(key)]);
        ctx.say(`${key} = ${JSON.stringify(value)}, TTL ${ttl} s: the next ${MISS_TTL_S} s of lookups never reach the database`);
        return { expected: 1, actual: state.db.loads, unit: 'database queries' };
      },
    },
  ],
};

// ── Exercises ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** ttl-jitter: three products cached together, each with 120 s left. */
const SPREAD: Record<string, Product> = {
  'PROD-7': { name: 'Desk lamp', price: 25 },
  'PROD-8': { name: 'Floor lamp', price: 89 },
  'PROD-9': { name: 'Wall lamp', price: 35 },
};
const SPREAD_LEFT_S = 120;
const BASE_S = 300;
const MAX_S = 360;
const APART_S = 5;
/** The learner may take this long over the exercise: a TTL set first has counted down by the check. */
const TYPING_SLACK_S = 60;

async function spreadCheck(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const requested: [string, number][] = [];
  for (const [id, product] of Object.entries(SPREAD)) {
    const key = ctx.key(`caching:product:${id}`);
    const [raw, pttl] = await Promise.all([ctx.unrecorded.get(key).catch(() => null), ctx.unrecorded.pttl(key)]);
    if (raw !== JSON.stringify(product)) {
      return { pass: false, actual: raw === null ? `${key} is gone` : `${key} changed to ${raw}: refresh the TTL, keep the value` };
    }
    if (pttl < 0) return { pass: false, actual: `${key} has no TTL any more: it would be served forever` };
    if (pttl <= SPREAD_LEFT_S * 1000 + 1000) return { pass: false, actual: `${key} TTL ${Math.round(pttl / 1000)} s: not refreshed yet` };
    if (pttl > MAX_S * 1000)
      return { pass: false, actual: `${key} TTL ${Math.round(pttl / 1000)} s: above ${MAX_S} s (${BASE_S} s + 20 %)` };
    if (pttl < (BASE_S - TYPING_SLACK_S) * 1000) {
      return { pass: false, actual: `${key} TTL ${Math.round(pttl / 1000)} s: below ${BASE_S} s, the base TTL` };
    }
    const last = writesTo(ctx, key)
      .map((c) => ({ c, s: requestedTtlSeconds(c) }))
      .filter((x) => x.s !== null)
      .at(-1);
    if (!last) return { pass: false, actual: `${key}: set its TTL with EXPIRE key seconds (or PEXPIRE in milliseconds)` };
    if (last.s! < BASE_S || last.s! > MAX_S) {
      return { pass: false, actual: `${last.c.command} asks for ${last.s} s, outside ${BASE_S}..${MAX_S} s` };
    }
    requested.push([id, last.s!]);
  }
  for (let a = 0; a < requested.length; a++) {
    for (let b = a + 1; b < requested.length; b++) {
      const [ia, sa] = requested[a]!;
      const [ib, sb] = requested[b]!;
      if (Math.abs(sa - sb) < APART_S) {
        return {
          pass: false,
          actual: `${ia} got ${sa} s and ${ib} ${sb} s: ${sa === sb ? 'the same TTL, so they expire in the same second again' : `only ${Math.abs(sa - sb)} s apart`}`,
        };
      }
    }
  }
  return { pass: true, actual: `TTLs ${requested.map(([id, s]) => `${id} ${s} s`).join(', ')}` };
}

export const stampedeSteps: StepSpec[] = [
  stampede,
  avalanche,
  {
    id: 'ttl-jitter',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(
        ctx,
        Object.keys(SPREAD).map((id) => `caching:product:${id}`),
        async (k) => {
          for (const [id, product] of Object.entries(SPREAD)) {
            await ctx.unrecorded.set(k(`caching:product:${id}`), JSON.stringify(product), 'EX', SPREAD_LEFT_S);
          }
        },
      ),
    check: expanded(
      custom(
        `{ns}caching:product:PROD-7, PROD-8 and PROD-9 each with a TTL between ${BASE_S} and ${MAX_S} s, at least ${APART_S} s apart, values unchanged`,
        spreadCheck,
      ),
    ),
    hints: [
      `EXPIRE replaces a key's TTL and keeps its value. Pick three different numbers between ${BASE_S} and ${MAX_S}, as a random jitter would.`,
      'EXPIRE key seconds   (e.g. EXPIRE {ns}caching:product:PROD-7 312)',
    ],
    solution: ['EXPIRE {ns}caching:product:PROD-7 312', 'EXPIRE {ns}caching:product:PROD-8 337', 'EXPIRE {ns}caching:product:PROD-9 351'],
    wrong: [
      // No jitter: the three expire in the same second again, five minutes from now.
      ['EXPIRE {ns}caching:product:PROD-7 300', 'EXPIRE {ns}caching:product:PROD-8 300', 'EXPIRE {ns}caching:product:PROD-9 300'],
      // A TTL inside the range, but one TTL: still no spread.
      ['EXPIRE {ns}caching:product:PROD-7 330', 'EXPIRE {ns}caching:product:PROD-8 330', 'EXPIRE {ns}caching:product:PROD-9 330'],
      // Jitter below the base TTL: the entry lives shorter than the freshness the app asked for.
      ['EXPIRE {ns}caching:product:PROD-7 310', 'EXPIRE {ns}caching:product:PROD-8 290', 'EXPIRE {ns}caching:product:PROD-9 350'],
    ],
  },
  penetration,
  {
    id: 'cache-not-found',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, ['caching:product:PROD-999'], () => Promise.resolve(undefined)),
    check: expanded(
      all(
        stringEquals('caching:product:PROD-999', CACHE_MISS_SENTINEL),
        ttlBetween('caching:product:PROD-999', 50, 60),
        custom('{ns}caching:product:PROD-999 created with its TTL, in one command', (ctx) =>
          Promise.resolve().then(() => {
            const key = ctx.key('caching:product:PROD-999');
            const first = writesThatMadeIt(ctx, key)[0];
            if (!first) return { pass: false, actual: `no command of yours wrote ${key} yet` };
            const withTtl =
              first.name === 'SETEX' ||
              first.name === 'PSETEX' ||
              (first.name === 'SET' && first.args.slice(3).some((a) => TTL_OPTIONS.has(a.toUpperCase())));
            return withTtl
              ? { pass: true, actual: first.command }
              : {
                  pass: false,
                  actual: `it was created by ${first.command}, without an expiry: if the app stops before the EXPIRE, "not found" is cached forever, even after the product is created (UNLINK ${key} and start over)`,
                };
          }),
        ),
      ),
    ),
    hints: [
      `Cache the marker like any value, in one SET with an expiry. The marker is ${CACHE_MISS_SENTINEL}; a minute is 60 seconds.`,
      `SET key value EX seconds   (e.g. SET {ns}caching:product:PROD-999 ${CACHE_MISS_SENTINEL} EX 60)`,
    ],
    solution: [`SET {ns}caching:product:PROD-999 ${CACHE_MISS_SENTINEL} EX 60`],
    wrong: [
      // No TTL: once someone creates PROD-999, the cache keeps answering "not found".
      [`SET {ns}caching:product:PROD-999 ${CACHE_MISS_SENTINEL}`],
      // Two commands: the entry exists for a moment without its TTL.
      [`SET {ns}caching:product:PROD-999 ${CACHE_MISS_SENTINEL}`, 'EXPIRE {ns}caching:product:PROD-999 60'],
      // A real entry's TTL for a miss: a new product stays invisible for an hour.
      [`SET {ns}caching:product:PROD-999 ${CACHE_MISS_SENTINEL} EX 3600`],
    ],
  },
];
