// Lesson 4 (Expert): a shop on Redis — sessions, carts, caching, inventory, recommendations, limits, sales, notifications, geo, search, analytics.
import { versionAtLeast } from '../redis/capabilities.js';
import { addVisitors, funnelReport, recordVisit, FUNNEL_STAGES, type FunnelStage } from '../patterns/ecommerce-analytics.js';
import { mulberry32 } from '../util/random.js';
import { cacheAside, cacheAsideWithLock, hitRatio, SlowProductDb, type Product } from '../patterns/ecommerce-cache.js';
import { addToCart, cartUnits, mergeCarts, mergeCartsNaive, touchSession } from '../patterns/ecommerce-cart.js';
import { flashBuy, flashBuyNaive, startFlashSale, unitsSold } from '../patterns/ecommerce-flash-sale.js';
import { buyNaive, buyWithWatch, reserveStock } from '../patterns/ecommerce-inventory.js';
import { pushNotification, readSince, subscribe } from '../patterns/ecommerce-notifications.js';
import {
  blockedFor,
  clearFailures,
  fixedWindowHit,
  fixedWindowHitMulti,
  fixedWindowNaive,
  recordFailedLogin,
  windowKey,
} from '../patterns/ecommerce-rate-limit.js';
import { recordView } from '../patterns/ecommerce-recently-viewed.js';
import { all, custom, hashHas, listEquals, learnerUsed, stringEquals, ttlBetween } from './engine/checks.js';
import type { Check, Lesson, LessonContext } from './engine/types.js';

// ── the catalogue the simulated database serves ─────────────────────────────────────────────────────
const CATALOGUE: ReadonlyMap<string, Product> = new Map(
  (
    [
      ['PROD-7', 'Brass desk lamp', 49.9, 'lighting'],
      ['PROD-12', 'LED desk lamp', 29.5, 'lighting'],
      ['PROD-18', 'Oak standing desk', 399, 'furniture'],
      ['PROD-23', 'Floor lamp, linen shade', 89, 'lighting'],
      ['PROD-30', 'Ceramic coffee mug', 12, 'kitchen'],
      ['PROD-31', 'Clamp desk lamp', 35, 'lighting'],
      ['PROD-42', 'Wool desk mat', 24, 'office'],
    ] as const
  ).map(([id, name, price, category]) => [id, { id, name, price, category }]),
);

/** How long the "database" takes per query: slow enough to see, short enough to wait for. */
const DB_DELAY_MS = 40;

const CART_RACE_CLIENTS = 20;
const STAMPEDE_CLIENTS = 30;
const BUYERS = 50;
const UNITS = 10;
const FLASH_CLIENTS = 20;
const FLASH_USERS = 4;
const FLASH_PER_USER = 2;

/** Guest and user carts the merge race starts from. */
const RACE_GUEST_CART: Record<string, number> = { 'PROD-7': 2, 'PROD-12': 1, 'PROD-30': 3 };
const RACE_USER_CART: Record<string, number> = { 'PROD-7': 1 };
const sumOf = (cart: Record<string, number>) => Object.values(cart).reduce((a, b) => a + b, 0);

/** State shared between a race variant's setup, workers and measure. */
const raceState = { sold: 0, db: new SlowProductDb(DB_DELAY_MS, CATALOGUE) };

const BERLIN_STORES: [string, number, number][] = [
  ['alexanderplatz', 13.4132, 52.5219],
  ['potsdamer-platz', 13.376, 52.5096],
  ['kreuzberg', 13.4033, 52.499],
  ['prenzlauer-berg', 13.4244, 52.5386],
  ['charlottenburg', 13.304, 52.5163],
  ['spandau', 13.2, 52.536],
];

/** Three days of visitors: [first id, last id] with overlaps, so the union is smaller than the sum. */
const VISITOR_DAYS: [string, number, number][] = [
  ['2024-06-01', 0, 2999],
  ['2024-06-02', 2000, 5499],
  ['2024-06-03', 4500, 7999],
];

const RATE_EXERCISE_KEY = 'rate:api:k-42:28500000';

const TTL_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

/** Check texts may name keys with {ns}; show them expanded. */
function expanded(check: Check): Check {
  return async (ctx) => {
    const r = await check(ctx);
    return { ...r, expected: ctx.sb.expand(r.expected), actual: ctx.sb.expand(r.actual) };
  };
}

/** A WITHSCORES/WITHDIST reply as [member, number] pairs, whether it came flat (RESP2) or paired (RESP3). */
function pairs(reply: unknown): [string, number][] {
  const a = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (a.length && Array.isArray(a[0])) return (a as [unknown, unknown][]).map(([m, s]) => [String(m), Number(s)]);
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([String(a[i]), Number(a[i + 1])]);
  return out;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function bytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

async function memoryUsage(ctx: LessonContext, key: string): Promise<number> {
  return Number(await ctx.admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

function visitorIds(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `visitor-${from + i}`);
}

/** Writes an exercise's starting state on the unrecorded connection, after claiming the keys. */
async function fresh(ctx: LessonContext, names: string[], write: (key: (n: string) => string) => Promise<unknown>): Promise<void> {
  const keys = names.map((n) => ctx.key(n));
  await ctx.claim(keys);
  await ctx.admin.unlink(...keys);
  await write((n) => ctx.key(n));
}

export const ecommerceLesson: Lesson = {
  id: 'ecommerce',
  title: 'A shop on Redis',
  level: 'Expert',
  minutes: 50,
  summary:
    'An online shop end to end: sessions with a sliding TTL, carts merged atomically at login, cache-aside with jitter ' +
    'and a stampede lock, inventory that never oversells (50 buyers, 10 units), recommendations, rate limits that ' +
    'always expire, a flash sale with a per-user limit, notifications over streams and pub/sub, stores near me, ' +
    'autocomplete and facets, and analytics with HyperLogLog.',
  keys: [
    'session:*',
    'cart:*',
    'product:*',
    'cache:*',
    'search:*',
    'lock:*',
    'inventory:*',
    'reservations:*',
    'views:*',
    'also_viewed:*',
    'recent_views:*',
    'recs:*',
    'rate:*',
    'failed_login:*',
    'blocked_ip:*',
    'flash_sale:*',
    'notifications:*',
    'stores:*',
    'autocomplete:*',
    'facet:*',
    'visitors:*',
    'daily_metrics:*',
    'funnel:*',
    'top_products:*',
  ],
  steps: [
    {
      id: 'shop-map',
      kind: 'explain',
      title: 'The shop and its keys',
      text: `This lesson builds the Redis side of an online shop, one feature at a time, the way interviewers like to ask about it: "how would you store carts?", "how do you stop overselling?", "what happens when a hot cache key expires?". Several features are first built the tempting way and broken live by concurrent clients, then built the way that holds.

The key design: one prefix per kind of thing, then its id, all under the namespace {ns}.
  {ns}session:abc123          hash     who is logged in, last page; sliding TTL
  {ns}cart:user-42            hash     product → quantity
  {ns}product:PROD-7          string   cached product JSON, TTL with jitter
  {ns}inventory:PROD123       string   units in stock, changed only atomically
  {ns}recent_views:user-42    list     newest first, de-duplicated, capped
  {ns}rate:api:<key>:<window> string   requests in a fixed window, always with a TTL
  {ns}flash_sale:current      hash     a sale that ends when its key expires
  {ns}notifications:user-42   stream   durable, capped; pub/sub pushes the live copy
  {ns}stores:berlin           geo      (a sorted set of geohashes)
  {ns}visitors:2024-06-01     HLL      unique visitors in about 12 KB

Names like these keep SCAN MATCH, ACLs (~cart:*) and memory analysis per feature possible. In Redis Cluster, keys a script or MULTI touches together must share a slot: a hash tag such as cart:{user-42} would put a user's keys together.`,
    },

    // ── sessions and carts ─────────────────────────────────────────────────────────────────────────
    {
      id: 'session',
      kind: 'run',
      title: 'A session hash with a sliding TTL',
      text: `A session is a hash: one key, a few fields, each readable and writable on its own (HGET, HSET) without rewriting the rest, which JSON in a string would force. Its lifetime is a TTL on the whole key.

"Sliding" expiry means every request pushes the deadline back, so an active shopper stays logged in and an idle one is logged out 30 minutes after the last request. HSET does NOT do that: changing a field never touches the key's TTL. Each request must send EXPIRE again (in the same MULTI as the write). Per-field TTLs (HEXPIRE) exist only from Redis 7.4.

At login, give the session a NEW id and drop the old one (RENAME, or create + UNLINK): keeping the id a visitor had before logging in invites session fixation.`,
      commands: [
        'HSET {ns}session:abc123 user_id 42 name Ada cart guest-9f2 last_page /',
        'EXPIRE {ns}session:abc123 1800',
        'HSET {ns}session:abc123 last_page /products/PROD-7',
        'TTL {ns}session:abc123',
        'HGET {ns}session:abc123 last_page',
        'HGETALL {ns}session:abc123',
      ],
    },
    {
      id: 'session-slide',
      kind: 'exercise',
      title: 'Keep an active shopper logged in',
      text: `The shopper behind {ns}session:sess-77 (user 77) has a minute left before being logged out, and just opened the cart. Record last_page = /cart in the session and slide its expiry back to 30 minutes (1800 seconds).`,
      points: 2,
      setup: (ctx) =>
        fresh(ctx, ['session:sess-77'], async (k) => {
          await ctx.admin.hset(k('session:sess-77'), { user_id: '77', name: 'Lin', last_page: '/products/PROD-12' });
          await ctx.admin.expire(k('session:sess-77'), 60);
        }),
      check: all(hashHas('session:sess-77', { last_page: '/cart', user_id: '77' }), ttlBetween('session:sess-77', 1700, 1800)),
      hints: [
        'Two things change: a field, and the deadline of the whole key. HSET alone leaves the deadline where it was.',
        'HSET key field value, then EXPIRE key seconds   (e.g. EXPIRE {ns}session:sess-77 1800)',
      ],
      solution: ['HSET {ns}session:sess-77 last_page /cart', 'EXPIRE {ns}session:sess-77 1800'],
    },
    {
      id: 'cart-merge',
      kind: 'code',
      title: 'Carts as hashes, merged at login',
      text: `A cart is a hash product → quantity. HINCRBY adds units (and creates the field), a negative HINCRBY removes some, HDEL drops a line (all O(1)); HGETALL reads the whole cart (O(N) in its lines).

A guest fills cart:guest-9f2, then logs in as user 42, who already has a cart from last week. The two must merge: quantities added, the guest cart gone. The merge reads one key and writes another, so no single command does it, and doing it from the client (HGETALL, HINCRBY each line, UNLINK) opens a window for a second login to merge the same items again (next step). A Lua script runs on the server as one unit, with no other command in between:

  local items = redis.call('HGETALL', KEYS[1])
  for i = 1, #items, 2 do redis.call('HINCRBY', KEYS[2], items[i], items[i + 1]) end
  redis.call('UNLINK', KEYS[1])

A MULTI alone cannot do it, because a transaction cannot use the reply of HGETALL to decide what to queue next; WATCH + MULTI can, with a retry when the guest cart changed.`,
      async run(ctx) {
        const guest = ctx.key('cart:guest-9f2');
        const user = ctx.key('cart:user-42');
        const session = ctx.key('session:abc123');
        await ctx.claim([guest, user, session]);
        await ctx.redis.unlink(guest, user);
        await addToCart(ctx.redis, guest, 'PROD-7', 2);
        await addToCart(ctx.redis, guest, 'PROD-12', 1);
        await addToCart(ctx.redis, user, 'PROD-7', 1);
        await addToCart(ctx.redis, user, 'PROD-30', 1);
        const before = { guest: await ctx.admin.hgetall(guest), user: await ctx.admin.hgetall(user) };
        const moved = await mergeCarts(ctx.redis, guest, user);
        await touchSession(ctx.redis, session, { user_id: '42', cart: 'user-42' }, 1800);
        const after = await ctx.admin.hgetall(user);
        const products = [...new Set([...Object.keys(before.guest), ...Object.keys(before.user)])].sort();
        ctx.say(`merged ${moved} lines from {ns}cart:guest-9f2 into {ns}cart:user-42:`);
        ctx.table(
          ['product', 'guest cart', 'user cart before', 'user cart after'],
          products.map((p) => [p, before.guest[p] ?? '-', before.user[p] ?? '-', after[p] ?? '-']),
        );
        ctx.say(`guest cart still exists: ${(await ctx.admin.exists(guest)) ? 'yes' : 'no'}`);
      },
    },
    {
      id: 'cart-merge-race',
      kind: 'race',
      title: 'Two tabs log in at once',
      text: `The shopper has the shop open in several tabs and logs in; each tab's request merges the guest cart. ${CART_RACE_CLIENTS} concurrent logins, one guest cart of ${sumOf(RACE_GUEST_CART)} units, a user cart of ${sumOf(RACE_USER_CART)}. The merged cart must hold ${sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART)} units whatever happens.

The client-side merge reads the guest cart in every tab before any tab has deleted it, so each tab adds the same items again. The script merges once; the other ${CART_RACE_CLIENTS - 1} find no guest cart and add nothing.`,
      clients: CART_RACE_CLIENTS,
      variants: [
        {
          label: 'HGETALL, HINCRBY each, UNLINK (client side)',
          atomic: false,
          setup: (ctx) => setupMergeRace(ctx, 'naive'),
          async worker(client, _i, ctx) {
            await mergeCartsNaive(client, ctx.key('cart:race-guest-naive'), ctx.key('cart:race-user-naive'));
          },
          measure: (ctx) => measureMergeRace(ctx, 'naive'),
        },
        {
          label: 'Lua merge script',
          atomic: true,
          setup: (ctx) => setupMergeRace(ctx, 'lua'),
          async worker(client, _i, ctx) {
            await mergeCarts(client, ctx.key('cart:race-guest-lua'), ctx.key('cart:race-user-lua'));
          },
          measure: (ctx) => measureMergeRace(ctx, 'lua'),
        },
      ],
    },

    // ── product cache ──────────────────────────────────────────────────────────────────────────────
    {
      id: 'cache-aside',
      kind: 'code',
      title: 'Cache-aside in front of a slow database',
      text: `Cache-aside (lazy loading): read the cache; on a miss, load from the database and write the cache with a TTL. The database stays the source of truth; the TTL bounds how stale a cached product can get. When a product changes, update the database, then DEL the cache key (the next read reloads it). Deleting is safer than writing the new value: two concurrent writers can update the cache in the opposite order to the database and leave the older value cached until its TTL ends.

The "database" here is a function that waits ${DB_DELAY_MS} ms per query. Watch the first read of a product (a miss: GET, then the load, then SET … EX) against the next ones (one GET). A hash counts hits and misses with HINCRBY, the number to watch in production (INFO stats also has keyspace_hits/misses, but for the whole server).

The TTL gets random jitter: products cached together (say, after a deploy) would otherwise expire in the same second and all go back to the database at once. Search results cache the same way, under a key built from the normalised query and page.`,
      async run(ctx) {
        const stats = ctx.key('cache:stats');
        const db = new SlowProductDb(DB_DELAY_MS, CATALOGUE);
        const reads = ['PROD-7', 'PROD-7', 'PROD-12', 'PROD-7', 'PROD-12', 'PROD-23'];
        await ctx.claim([stats, ...[...CATALOGUE.keys()].map((id) => ctx.key(`product:${id}`)), ctx.key('search:lamp:page:1')]);
        await ctx.redis.unlink(stats, ...new Set(reads.map((id) => ctx.key(`product:${id}`))), ctx.key('search:lamp:page:1'));
        const rows: (string | number)[][] = [];
        for (const id of reads) {
          const t0 = performance.now();
          const r = await cacheAside(ctx.redis, ctx.key(`product:${id}`), () => db.load(id), {
            ttlSeconds: 300,
            jitterSeconds: 60,
            statsKey: stats,
          });
          rows.push([id, r.hit ? 'hit' : 'miss', `${(performance.now() - t0).toFixed(2)} ms`, r.value?.name ?? '(none)']);
        }
        const search = await cacheAside(ctx.redis, ctx.key('search:lamp:page:1'), () => db.search('lamp'), {
          ttlSeconds: 120,
          jitterSeconds: 30,
          statsKey: stats,
        });
        ctx.table(['read', 'cache', 'took', 'product'], rows);
        ctx.say(`search "lamp" page 1 → ${JSON.stringify(search.value)} (${search.hit ? 'hit' : 'miss'})`);
        const { hits, misses, ratio } = await hitRatio(ctx.admin, stats);
        ctx.say(`{ns}cache:stats: ${hits} hits, ${misses} misses, hit ratio ${pct(ratio)}; the database was queried ${db.loads} times`);
        // Jitter made visible: fill every product and list the TTLs they got.
        for (const id of CATALOGUE.keys()) {
          await cacheAside(ctx.redis, ctx.key(`product:${id}`), () => db.load(id), { ttlSeconds: 300, jitterSeconds: 60, statsKey: stats });
        }
        const ttls = await Promise.all([...CATALOGUE.keys()].map((id) => ctx.admin.ttl(ctx.key(`product:${id}`))));
        ctx.say(`TTLs of the ${ttls.length} cached products (300 s + up to 60 s of jitter): ${ttls.join(', ')}`);
      },
    },
    {
      id: 'stampede',
      kind: 'race',
      title: 'A hot key expires: the stampede',
      text: `Jitter spreads out MANY keys. It does nothing for ONE hot key: when the bestseller's cache entry expires, every request in flight misses at the same moment and each one queries the database (a stampede, or thundering herd). Here ${STAMPEDE_CLIENTS} requests arrive for a cold product.

The fix is a rebuild lock: on a miss, SET lock:product:<id> <token> NX PX 2000. The one that gets it loads and fills the cache; the others wait a few ms and read the cache again. The lock has a TTL in case its holder dies, and is released only by its holder (a script compares the token before DEL). Other remedies: refresh a hot key before it expires (probabilistic early expiration), or serve the stale value while one worker refreshes it. A lookup for an id that does not exist misses every time (cache penetration): cache the "not found" briefly too.`,
      clients: STAMPEDE_CLIENTS,
      variants: [
        {
          label: 'plain cache-aside',
          atomic: false,
          setup: (ctx) => setupStampede(ctx),
          async worker(client, _i, ctx) {
            await cacheAside(client, ctx.key('product:PROD-18'), () => raceState.db.load('PROD-18'), {
              ttlSeconds: 300,
              jitterSeconds: 60,
            });
          },
          measure: async () => ({ expected: 1, actual: raceState.db.loads, unit: 'database queries' }),
        },
        {
          label: 'cache-aside + rebuild lock (SET NX PX)',
          atomic: true,
          setup: (ctx) => setupStampede(ctx),
          async worker(client, _i, ctx) {
            await cacheAsideWithLock(client, ctx.key('product:PROD-18'), () => raceState.db.load('PROD-18'), {
              ttlSeconds: 300,
              jitterSeconds: 60,
              lockKey: ctx.key('lock:product:PROD-18'),
              lockMs: 2000,
              pollMs: 10,
              maxWaitMs: 5000,
            });
          },
          measure: async () => ({ expected: 1, actual: raceState.db.loads, unit: 'database queries' }),
        },
      ],
    },
    {
      id: 'cache-search',
      kind: 'exercise',
      title: 'Cache a search result',
      text: `The search service just computed page 1 of "desk lamp": ["PROD-12","PROD-31"]. Cache it as that JSON array in {ns}search:desk-lamp:page:1 for 5 minutes, and only if no other server cached it first. Value, expiry and condition in one command.`,
      points: 2,
      setup: (ctx) => fresh(ctx, ['search:desk-lamp:page:1'], async () => undefined),
      check: expanded(
        all(
          custom('{ns}search:desk-lamp:page:1 = ["PROD-12","PROD-31"] (as JSON)', async (ctx) => {
            const raw = await ctx.admin.get(ctx.key('search:desk-lamp:page:1')).catch(() => null);
            let ok = false;
            try {
              ok = JSON.stringify(JSON.parse(raw ?? 'null')) === JSON.stringify(['PROD-12', 'PROD-31']);
            } catch {
              ok = false;
            }
            return { pass: ok, actual: raw === null ? 'the key does not exist (or is not a string)' : `value ${raw}` };
          }),
          ttlBetween('search:desk-lamp:page:1', 240, 300),
          custom('one SET with NX and EX/PX', async (ctx) => {
            const key = ctx.key('search:desk-lamp:page:1');
            const hit = ctx.history.find((c) => {
              if (c.error || c.args[1] !== key || c.args[0]?.toUpperCase() !== 'SET') return false;
              const opts = c.args.slice(3).map((a) => a.toUpperCase());
              return opts.includes('NX') && opts.some((o) => TTL_OPTIONS.has(o));
            });
            return { pass: Boolean(hit), actual: hit ? hit.command : 'no SET … NX EX on the key yet' };
          }),
        ),
      ),
      hints: [
        'SET takes the expiry and the "only if absent" condition as options. Quote the JSON with single quotes.',
        `SET key value EX seconds NX   (e.g. SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX)`,
      ],
      solution: [`SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX`],
    },

    // ── inventory ──────────────────────────────────────────────────────────────────────────────────
    {
      id: 'inventory-race',
      kind: 'race',
      title: `${BUYERS} buyers, ${UNITS} units`,
      text: `{ns}inventory:PROD123 holds ${UNITS}. ${BUYERS} buyers click "buy" at the same moment.

1. GET, check stock > 0, DECR: every buyer reads ${UNITS} before anyone decrements, so
   everyone "succeeds" and the stock goes negative. This is the oversell behind many
   a flash-sale incident.
2. WATCH / MULTI / EXEC (optimistic locking): WATCH the key, read it, queue DECR in
   MULTI. If anyone changed the key after WATCH, EXEC returns nil and the buyer
   retries. Correct, but under this much contention most attempts are retries (extra
   round trips).
3. A Lua script: the check and the DECRBY run on the server as one unit, so no buyer
   sees a stale count. One round trip, no retries.

(A fourth correct way: DECR first and, if the result is below 0, INCR it back and refuse. DECR is atomic, so no two buyers get the same unit.)`,
      clients: BUYERS,
      variants: [
        {
          label: 'GET, check, DECR',
          atomic: false,
          setup: (ctx) => setupInventory(ctx),
          async worker(client, _i, ctx) {
            if (await buyNaive(client, ctx.key('inventory:PROD123'))) raceState.sold++;
          },
          measure: (ctx) => measureInventory(ctx, 'GET, check, DECR'),
        },
        {
          label: 'WATCH / MULTI / EXEC',
          atomic: true,
          setup: (ctx) => setupInventory(ctx),
          async worker(client, _i, ctx) {
            if (await buyWithWatch(client, ctx.key('inventory:PROD123'))) raceState.sold++;
          },
          measure: (ctx) => measureInventory(ctx, 'WATCH / MULTI / EXEC'),
        },
        {
          label: 'Lua check-and-decrement',
          atomic: true,
          setup: (ctx) => setupInventory(ctx),
          async worker(client, _i, ctx) {
            if ((await reserveStock(client, ctx.key('inventory:PROD123'))) >= 0) raceState.sold++;
          },
          measure: (ctx) => measureInventory(ctx, 'Lua'),
        },
      ],
    },
    {
      id: 'inventory-reserve',
      kind: 'exercise',
      title: 'Reserve stock and record it, atomically',
      text: `{ns}inventory:PROD-9 holds 5. Order order-1001 wants 2 units. In ONE script (EVAL), check that at least 2 are in stock, decrement the stock by 2, and record the reservation in the hash {ns}reservations:PROD-9 as field order-1001 = 2. Keys go in KEYS, numbers and the order id in ARGV. (If a try changes the stock wrongly, SET {ns}inventory:PROD-9 5 and UNLINK {ns}reservations:PROD-9 to start over.)

A script blocks the whole server while it runs: keep scripts short, and declare every key they touch in KEYS so Redis Cluster can route them. In production, load it once (SCRIPT LOAD + EVALSHA, or FUNCTION LOAD + FCALL in Redis 7).`,
      points: 3,
      setup: (ctx) =>
        fresh(ctx, ['inventory:PROD-9', 'reservations:PROD-9'], async (k) => {
          await ctx.admin.set(k('inventory:PROD-9'), '5');
        }),
      check: all(
        stringEquals('inventory:PROD-9', '3'),
        hashHas('reservations:PROD-9', { 'order-1001': '2' }),
        learnerUsed('EVAL', 'EVALSHA', 'FCALL'),
      ),
      hints: [
        `Inside the script: redis.call('GET', KEYS[1]) returns a string (or false when missing): tonumber() it, compare with tonumber(ARGV[1]), then DECRBY and HSET.`,
        `EVAL "script" numkeys key [key …] arg [arg …]   e.g. EVAL "…" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ],
      solution: [
        `EVAL "local s = tonumber(redis.call('GET', KEYS[1]) or '0') if s < tonumber(ARGV[1]) then return -1 end redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) return redis.call('DECRBY', KEYS[1], ARGV[1])" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ],
    },

    // ── recommendations ────────────────────────────────────────────────────────────────────────────
    {
      id: 'also-viewed',
      kind: 'run',
      title: '"Customers who viewed this also viewed"',
      text: `Each shopper's views are a set (views:user-N). For PROD-1, take the shoppers who viewed it and ZUNIONSTORE their sets: a set counts as a sorted set whose members all score 1, so each product's score is the number of those shoppers who viewed it. WEIGHTS scales each input: user-3 bought PROD-1, so their taste counts double. Then drop PROD-1 itself and read the best first.

ZUNIONSTORE is O(N) + O(M log M) in the input and output sizes: fine for a few sets, but a product viewed by millions is precomputed offline (ZINCRBY co-view counts as views happen), not per request.`,
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
      title: 'Recently viewed: a capped list without duplicates',
      text: `"Recently viewed" is a list, newest first, at most 5 long. Each view runs LREM (remove an earlier view of the same product), LPUSH (put it in front) and LTRIM 0 4 (drop the oldest) in one MULTI, so no reader sees a duplicate or a list over its cap. Without LREM, a shopper flicking between two products would fill the list with them; without LTRIM, it grows forever.

LPUSH and LTRIM of a few items are O(1); LREM is O(N) in the list's length, which LTRIM keeps tiny. A sorted set scored by timestamp (ZADD, then ZREMRANGEBYRANK) is the alternative when you also want "when": re-adding a member just updates its score.`,
      async run(ctx) {
        const key = ctx.key('recent_views:user-42');
        await ctx.claim([key]);
        await ctx.redis.unlink(key);
        const views = ['PROD-7', 'PROD-12', 'PROD-7', 'PROD-30', 'PROD-18', 'PROD-23', 'PROD-42', 'PROD-12'];
        for (const p of views) await recordView(ctx.redis, key, p, 5);
        ctx.say(`viewed in this order: ${views.join(', ')}`);
        ctx.say(`recently viewed now: ${(await ctx.admin.lrange(key, 0, -1)).join(', ')}`);
      },
    },
    {
      id: 'recent-views',
      kind: 'exercise',
      title: 'Record two views by hand',
      text: `{ns}recent_views:user-7 is [PROD-5, PROD-4, PROD-3, PROD-2, PROD-1] (newest first). User 7 views PROD-3 again, then PROD-9 for the first time. Update the list: newest first, no duplicates, at most 5 items.`,
      points: 2,
      setup: (ctx) =>
        fresh(ctx, ['recent_views:user-7'], (k) =>
          ctx.admin.rpush(k('recent_views:user-7'), 'PROD-5', 'PROD-4', 'PROD-3', 'PROD-2', 'PROD-1'),
        ),
      check: listEquals('recent_views:user-7', ['PROD-9', 'PROD-3', 'PROD-5', 'PROD-4', 'PROD-2']),
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
    },
    {
      id: 'recs-weights',
      kind: 'exercise',
      title: 'Personal recommendations with weights',
      text: `User 7 looked at PROD-4 today and at PROD-8 last week. Their co-view scores are in the sorted sets {ns}also_viewed:PROD-4 and {ns}also_viewed:PROD-8. Build {ns}recs:user-7 from both, counting today's product twice as much as last week's (each score × 2 for PROD-4, × 1 for PROD-8, summed).`,
      points: 3,
      setup: (ctx) =>
        fresh(ctx, ['also_viewed:PROD-4', 'also_viewed:PROD-8', 'recs:user-7'], async (k) => {
          await ctx.admin.zadd(k('also_viewed:PROD-4'), 4, 'PROD-5', 2, 'PROD-6', 1, 'PROD-7');
          await ctx.admin.zadd(k('also_viewed:PROD-8'), 3, 'PROD-6', 5, 'PROD-9');
        }),
      check: expanded(
        custom('{ns}recs:user-7 = also_viewed:PROD-4 × 2 + also_viewed:PROD-8 × 1', async (ctx) => {
          const dest = ctx.key('recs:user-7');
          const type = await ctx.admin.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const want = pairs(
            await ctx.admin.call(
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
          const got = pairs(await ctx.admin.call('ZRANGE', dest, '0', '-1', 'WITHSCORES'));
          const show = (p: [string, number][]) => p.map(([m, sc]) => `${m}:${sc}`).join(' ');
          return { pass: show(got) === show(want), actual: `${dest} = ${show(got) || '(empty)'} (want ${show(want)})` };
        }),
      ),
      hints: [
        'One command unions sorted sets into a destination and can multiply each input by a weight.',
        'ZUNIONSTORE destination numkeys key [key …] WEIGHTS w [w …]',
      ],
      solution: ['ZUNIONSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8 WEIGHTS 2 1'],
    },

    // ── rate limiting ──────────────────────────────────────────────────────────────────────────────
    {
      id: 'rate-limit',
      kind: 'code',
      title: 'A rate limiter that always expires',
      text: `A fixed-window limiter counts requests per API key per minute: key rate:api:<key>:<window>, where <window> = floor(unix time / 60). The classic code is INCR, and if the reply is 1, EXPIRE. As two commands that is a bug: if the app crashes, times out or loses the connection between them, the counter has no TTL. It never resets, and once it passes the limit that API key is refused forever. The code below simulates that crash, then shows the atomic versions:
  - a Lua script: INCR, then EXPIRE when the count is 1 (or the TTL is missing);
  - Redis 7.0+: MULTI / INCR / EXPIRE key 60 NX / EXEC (NX sets an expiry only
    when there is none, so later requests do not push the window's end away);
  - or SET key 0 EX 60 NX, then INCR: the key is born with its TTL (next exercise).

A fixed window allows bursts of up to 2× the limit across a window boundary. Sliding windows (a sorted set of timestamps, ZREMRANGEBYSCORE + ZCARD) or a token bucket in a script smooth that out.`,
      async run(ctx) {
        const limit = 10;
        const crashed = ctx.key('rate:api:k-crash:28500000');
        const key = windowKey(ctx.key('rate:api:'), 'k-demo', 60);
        const multiKey = windowKey(ctx.key('rate:api:'), 'k-multi', 60);
        await ctx.claim([crashed, key, multiKey]);
        await ctx.redis.unlink(crashed, key, multiKey);
        const naive = await fixedWindowNaive(ctx.redis, crashed, limit, 60, true);
        ctx.say(`naive INCR, then the process "dies" before EXPIRE → count ${naive.count}, TTL ${naive.ttl}: this counter never expires`);
        const rows: (string | number)[][] = [];
        for (let i = 1; i <= 12; i++) {
          const r = await fixedWindowHit(ctx.redis, key, limit, 60);
          rows.push([i, r.count, r.allowed ? 'allowed' : 'refused (429)', r.ttl]);
        }
        ctx.table(['request', 'count', `limit ${limit}/min`, 'TTL'], rows);
        const healed = await fixedWindowHit(ctx.redis, crashed, limit, 60);
        ctx.say(`the script on the crashed counter → count ${healed.count}, TTL ${healed.ttl}: it repairs a missing TTL`);
        if (versionAtLeast(ctx.sb.target.version, '7.0.0')) {
          const m = await fixedWindowHitMulti(ctx.redis, multiKey, limit, 60);
          ctx.say(`MULTI + EXPIRE … NX → count ${m.count}, TTL ${m.ttl}`);
        } else {
          ctx.say(
            `this server is Redis ${ctx.sb.target.version}: EXPIRE … NX needs 7.0, so the MULTI variant is skipped (the script works everywhere)`,
          );
        }
      },
    },
    {
      id: 'rate-window',
      kind: 'exercise',
      title: 'Open a window the safe way',
      text: `API key k-42 sends its first request in minute 28500000. Count it in {ns}${RATE_EXERCISE_KEY} so that the counter has a 60-second TTL from the very first moment it exists: create it at 0 with the expiry, only if it does not exist yet (another server may have opened the window), then increment it.`,
      points: 2,
      setup: (ctx) => fresh(ctx, [RATE_EXERCISE_KEY], async () => undefined),
      check: expanded(
        all(
          stringEquals(RATE_EXERCISE_KEY, '1'),
          ttlBetween(RATE_EXERCISE_KEY, 1, 60),
          custom(`the first write on {ns}${RATE_EXERCISE_KEY} sets its TTL (SET … NX EX, or a script)`, async (ctx) => {
            const key = ctx.key(RATE_EXERCISE_KEY);
            // The write that created the key as it is now: a DEL/UNLINK lets the learner start over.
            let first: (typeof ctx.history)[number] | undefined;
            for (const c of ctx.history) {
              if (c.error || !c.write || !c.keys.includes(key)) continue;
              if (/^(DEL|UNLINK)$/i.test(c.args[0] ?? '')) first = undefined;
              else first ??= c;
            }
            if (!first) return { pass: false, actual: 'no write on the key yet' };
            const cmd = first.args[0]!.toUpperCase();
            const opts = first.args.slice(3).map((a) => a.toUpperCase());
            const ok = /^(EVAL|EVALSHA|FCALL)$/.test(cmd) || (cmd === 'SET' && opts.includes('NX') && opts.some((o) => TTL_OPTIONS.has(o)));
            return { pass: ok, actual: `it was created by ${first.command}${ok ? '' : ' (UNLINK it and start over)'}` };
          }),
        ),
      ),
      hints: [
        'SET can create a key with a value, an expiry and an "only if absent" condition at once; INCR then keeps the TTL.',
        'SET key 0 EX 60 NX, then INCR key',
      ],
      solution: [`SET {ns}${RATE_EXERCISE_KEY} 0 EX 60 NX`, `INCR {ns}${RATE_EXERCISE_KEY}`],
    },
    {
      id: 'login-lockout',
      kind: 'code',
      title: 'Failed-login lockout',
      text: `Password guessing is rate limiting by IP (or account): count failures in failed_login:<ip> with a 15-minute TTL; at 5, write blocked_ip:<ip> with its own TTL. The login handler checks the block BEFORE checking the password, so a blocked attacker learns nothing, and a successful login deletes the failure counter. Count and expiry are again set in one script, for the same reason as above.`,
      async run(ctx) {
        const fails = ctx.key('failed_login:10.0.0.7');
        const block = ctx.key('blocked_ip:10.0.0.7');
        await ctx.claim([fails, block]);
        await ctx.redis.unlink(fails, block);
        const opts = { maxFailures: 5, windowSeconds: 900, blockSeconds: 900 };
        for (let attempt = 1; attempt <= 6; attempt++) {
          const wait = await blockedFor(ctx.redis, block);
          if (wait > 0) {
            ctx.say(`attempt ${attempt}: refused before the password is even checked (blocked for ${wait} s more)`);
            continue;
          }
          const r = await recordFailedLogin(ctx.redis, fails, block, opts);
          ctx.say(`attempt ${attempt}: wrong password, failure ${r.failures}/${opts.maxFailures}${r.blocked ? ' → IP blocked' : ''}`);
        }
        await clearFailures(ctx.redis, fails);
        ctx.say('(a later successful login would UNLINK the failure counter, as just done)');
      },
    },

    // ── flash sale ─────────────────────────────────────────────────────────────────────────────────
    {
      id: 'flash-sale',
      kind: 'run',
      title: 'A flash sale that ends by itself',
      text: `A flash sale is a hash (product, price, stock, per-user limit) with a TTL: when the hour is over, the key expires and the sale is gone, with no cron job to forget. (EXPIREAT takes an absolute Unix time when the sale must end at 20:00 sharp.) Purchases are counted in a second hash, user → units, which the purchase script gives the sale's remaining lifetime.`,
      commands: [
        'HSET {ns}flash_sale:current product PROD-77 price 19.99 stock 100 per_user 2',
        'EXPIRE {ns}flash_sale:current 3600',
        'HGETALL {ns}flash_sale:current',
        'TTL {ns}flash_sale:current',
      ],
    },
    {
      id: 'flash-sale-race',
      kind: 'race',
      title: 'A bot clicks "buy" five times at once',
      text: `${FLASH_USERS} shoppers each fire 5 purchase requests at once (a bot, or an impatient double-clicker): ${FLASH_CLIENTS} clients, a limit of ${FLASH_PER_USER} per shopper. At most ${FLASH_USERS * FLASH_PER_USER} units may go.

Checking "bought < limit" in the app and then HINCRBY lets every parallel request pass the check. The script checks that the sale still exists, the shopper's count and the stock, and only then writes both hashes, all as one unit.`,
      clients: FLASH_CLIENTS,
      variants: [
        {
          label: 'HGET checks, then HINCRBY (client side)',
          atomic: false,
          setup: (ctx) => setupFlashRace(ctx, 'naive'),
          async worker(client, i, ctx) {
            await flashBuyNaive(
              client,
              ctx.key('flash_sale:race-naive'),
              ctx.key('flash_sale:race-naive:buyers'),
              `user-${i % FLASH_USERS}`,
            );
          },
          measure: (ctx) => measureFlashRace(ctx, 'naive'),
        },
        {
          label: 'Lua purchase script',
          atomic: true,
          setup: (ctx) => setupFlashRace(ctx, 'lua'),
          async worker(client, i, ctx) {
            await flashBuy(client, ctx.key('flash_sale:race-lua'), ctx.key('flash_sale:race-lua:buyers'), `user-${i % FLASH_USERS}`);
          },
          measure: (ctx) => measureFlashRace(ctx, 'lua'),
        },
      ],
    },

    // ── notifications ──────────────────────────────────────────────────────────────────────────────
    {
      id: 'notifications',
      kind: 'code',
      title: 'Notifications: a stream to keep, pub/sub to push',
      text: `A user's notifications are a stream: XADD appends an entry with an id (ms-seq) and fields, MAXLEN caps its length (~ lets Redis trim in whole blocks, which is cheaper), XRANGE/XREAD read it back. For a live badge in an open browser tab the server also PUBLISHes on a channel.

Pub/sub is fire-and-forget: a message goes to whoever is subscribed at that instant and is stored nowhere. A tab that is closed, reconnecting, or too slow (Redis drops subscribers whose output buffer overflows) never gets it. A stream keeps it: a client that comes back reads XREAD … STREAMS key <last id it saw> and catches up; consumer groups (XREADGROUP, XACK) add delivery tracking.

Below, a second connection subscribes, a notification is pushed (XADD + PUBLISH in one script), and its arrival is timed. Then it is pushed again with nobody listening.`,
      async run(ctx) {
        const stream = ctx.key('notifications:user-42');
        const channel = ctx.key('live:user-42');
        await ctx.claim([stream]);
        await ctx.redis.unlink(stream);
        const [subscriber] = await ctx.clients(1);
        const sub = await subscribe(subscriber!, channel);
        let lastSeen = '0';
        try {
          const t0 = performance.now();
          const sent = await pushNotification(ctx.redis, stream, channel, { type: 'order_shipped', order: '1001' }, 1000);
          const got = await sub.next(2000);
          if (got) {
            lastSeen = (JSON.parse(got.message) as { id: string }).id;
            ctx.say(`subscriber received ${got.message} ${(got.at - t0).toFixed(2)} ms after the push (PUBLISH reached ${sent.receivers})`);
          } else {
            ctx.say('no message arrived within 2 s (a very busy server?)');
          }
        } finally {
          await sub.close();
        }
        const missed = await pushNotification(ctx.redis, stream, channel, { type: 'price_drop', product: 'PROD-7' }, 1000);
        ctx.say(`pushed again after the tab closed: PUBLISH reached ${missed.receivers} subscribers; that live message is gone for good`);
        const catchUp = await readSince(ctx.redis, stream, lastSeen);
        ctx.say(
          `the tab comes back and reads the stream after ${lastSeen}: ${catchUp.map((n) => `${n.id} ${JSON.stringify(n.fields)}`).join('; ')}`,
        );
      },
    },
    {
      id: 'notify-stream',
      kind: 'exercise',
      title: 'Append a notification, keep the newest five',
      text: `{ns}notifications:user-7 holds 5 promotional entries (fields n = 1…5). Append a notification with fields type = shipped and order = 1001, and trim the stream to exactly the newest 5 entries in the same command. (With ~ Redis may keep more: it trims only whole internal nodes, so use an exact cap.)`,
      points: 2,
      setup: (ctx) =>
        fresh(ctx, ['notifications:user-7'], async (k) => {
          for (let n = 1; n <= 5; n++) await ctx.admin.xadd(k('notifications:user-7'), '*', 'type', 'promo', 'n', String(n));
        }),
      check: expanded(
        custom('{ns}notifications:user-7: 5 entries, oldest n=2, newest type=shipped order=1001', async (ctx) => {
          const key = ctx.key('notifications:user-7');
          if ((await ctx.admin.type(key)) !== 'stream') return { pass: false, actual: `${key} is not a stream` };
          const len = await ctx.admin.xlen(key);
          const [first] = await ctx.admin.xrange(key, '-', '+', 'COUNT', 1);
          const [last] = await ctx.admin.xrevrange(key, '+', '-', 'COUNT', 1);
          const fields = (e: [string, string[]] | undefined) => {
            const o: Record<string, string> = {};
            for (let i = 0; e && i < e[1].length; i += 2) o[e[1][i]!] = e[1][i + 1]!;
            return o;
          };
          const f = fields(first);
          const l = fields(last);
          const pass = len === 5 && f.n === '2' && l.type === 'shipped' && l.order === '1001';
          return { pass, actual: `${len} entries, oldest ${JSON.stringify(f)}, newest ${JSON.stringify(l)}` };
        }),
      ),
      hints: ['XADD can trim the stream in the same command, before the id.', 'XADD key MAXLEN 5 * field value [field value …]'],
      solution: ['XADD {ns}notifications:user-7 MAXLEN 5 * type shipped order 1001'],
    },

    // ── geo ────────────────────────────────────────────────────────────────────────────────────────
    {
      id: 'stores-near',
      kind: 'run',
      title: 'Stores near me',
      text: `GEOADD stores longitude, latitude (in that order) and a name. Underneath it is a sorted set whose score is a 52-bit geohash, so ZRANGE, ZREM and ZCARD work on it too. GEOSEARCH (Redis 6.2+, replacing GEORADIUS) finds members within a radius or a box around a point (FROMLONLAT) or a member (FROMMEMBER); WITHDIST adds the distance, ASC sorts nearest first, COUNT n stops early. Distances assume a spherical Earth, accurate to about 0.5 %: plenty for "nearest store".`,
      commands: [
        `GEOADD {ns}stores:berlin ${BERLIN_STORES.map(([name, lon, lat]) => `${lon} ${lat} ${name}`).join(' ')}`,
        'GEOSEARCH {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 5 km ASC WITHDIST',
        'GEOSEARCH {ns}stores:berlin FROMMEMBER charlottenburg BYRADIUS 10 km ASC COUNT 2 WITHDIST',
        'GEODIST {ns}stores:berlin alexanderplatz spandau km',
        'GEOPOS {ns}stores:berlin kreuzberg',
      ],
    },
    {
      id: 'stores-near-me',
      kind: 'exercise',
      title: 'Save the stores within 3 km',
      text: `A shopper at longitude 13.4050, latitude 52.5200 opens "stores near me". Save the stores of {ns}stores:berlin within 3 km of that point into {ns}stores:near-user-7, with each store's distance in km as its score (so the app can read them nearest first with ZRANGE).`,
      points: 3,
      setup: (ctx) =>
        fresh(ctx, ['stores:berlin', 'stores:near-user-7'], (k) =>
          ctx.admin.geoadd(k('stores:berlin'), ...BERLIN_STORES.flatMap(([name, lon, lat]) => [lon, lat, name])),
        ),
      check: expanded(
        custom('{ns}stores:near-user-7 = the stores within 3 km, scored by distance in km', async (ctx) => {
          const dest = ctx.key('stores:near-user-7');
          const type = await ctx.admin.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const want = pairs(
            await ctx.admin.call(
              'GEOSEARCH',
              ctx.key('stores:berlin'),
              'FROMLONLAT',
              '13.4050',
              '52.5200',
              'BYRADIUS',
              '3',
              'km',
              'ASC',
              'WITHDIST',
            ),
          );
          const got = pairs(await ctx.admin.call('ZRANGE', dest, '0', '-1', 'WITHSCORES'));
          const members = got.map(([m, d]) => `${m}:${d < 1e6 ? d.toFixed(3) : d}`);
          const expected = want.map(([m, d]) => `${m}:${d.toFixed(3)}`);
          const geohashes = got.some(([, sc]) => sc > 1e6);
          return {
            pass: members.join(' ') === expected.join(' '),
            actual: `${members.join(' ') || '(empty)'}${geohashes ? ' — those scores are geohashes: store the distances instead' : ''}`,
          };
        }),
      ),
      hints: [
        'GEOSEARCH has a sibling that stores its result; one option makes the stored score the distance.',
        'GEOSEARCHSTORE destination source FROMLONLAT lon lat BYRADIUS 3 km ASC STOREDIST',
      ],
      solution: ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC STOREDIST'],
    },

    // ── search ─────────────────────────────────────────────────────────────────────────────────────
    {
      id: 'autocomplete',
      kind: 'run',
      title: 'Autocomplete with lexicographic ranges',
      text: `When every member of a sorted set has the same score (0), Redis orders them byte by byte, and ZRANGEBYLEX returns a range of strings: [lap means "from lap, inclusive", (laq "up to laq, exclusive", so [lap (laq is exactly "everything starting with lap". (The other common upper bound is "[lap\\xff".) It is O(log N + M): fast on millions of terms. With mixed scores the result is undefined, so keep the scores equal. ZRANGE … BYLEX (Redis 6.2+) does the same with one command for all range types; ZRANGEBYLEX is its older form.

To rank suggestions by popularity, keep a second sorted set term → searches and sort the matches by it, or store "prefix:term" entries per prefix. For typo tolerance and full text, RediSearch (a module) is the tool; plain Redis does prefixes.`,
      commands: [
        'ZADD {ns}autocomplete:products 0 lamp 0 lamp-shade 0 lantern 0 laptop 0 laptop-bag 0 laptop-stand 0 lawn-chair 0 desk 0 desk-lamp',
        'ZRANGEBYLEX {ns}autocomplete:products [lap (laq',
        'ZRANGE {ns}autocomplete:products [lam (lan BYLEX LIMIT 0 5',
        'ZLEXCOUNT {ns}autocomplete:products [la (lb',
      ],
    },
    {
      id: 'facets',
      kind: 'run',
      title: 'Faceted filtering with set intersections',
      text: `Each facet value is a set of product ids: facet:color:red, facet:size:m, facet:brand:acme. "Red AND size M" is SINTER; "red OR blue" is SUNION; SINTERSTORE / SUNIONSTORE save a result to page through (give it a short TTL). SINTER costs O(N × M) in the worst case (N = the smallest set, M = the number of sets), so Redis starts from the smallest set. For the "(12)" counts next to each filter, SINTERCARD (Redis 7.0+) returns only the size, and LIMIT lets it stop counting early.`,
      commands: [
        'SADD {ns}facet:color:red PROD-1 PROD-2 PROD-5 PROD-8 PROD-9',
        'SADD {ns}facet:color:blue PROD-3 PROD-4 PROD-6',
        'SADD {ns}facet:size:m PROD-1 PROD-3 PROD-5 PROD-7 PROD-8',
        'SADD {ns}facet:brand:acme PROD-1 PROD-4 PROD-5 PROD-9',
        'SINTER {ns}facet:color:red {ns}facet:size:m',
        'SINTERCARD 3 {ns}facet:color:red {ns}facet:size:m {ns}facet:brand:acme',
        'SINTERCARD 2 {ns}facet:color:red {ns}facet:size:m LIMIT 1',
      ],
    },
    {
      id: 'facet-filter',
      kind: 'exercise',
      title: '(red OR blue) AND size M',
      text: `The shopper ticks two colours, red and blue, and size M. Store the matching product ids in the set {ns}search:result:redblue-m. Colours combine with OR, sizes with AND. Use a temporary key under {ns}search: if you need one.`,
      points: 3,
      setup: (ctx) => fresh(ctx, ['search:result:redblue-m'], async () => undefined),
      check: expanded(
        custom('{ns}search:result:redblue-m = (facet:color:red ∪ facet:color:blue) ∩ facet:size:m', async (ctx) => {
          const dest = ctx.key('search:result:redblue-m');
          const type = await ctx.admin.type(dest);
          if (type !== 'set') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const colours = new Set(await ctx.admin.sunion(ctx.key('facet:color:red'), ctx.key('facet:color:blue')));
          const want = (await ctx.admin.smembers(ctx.key('facet:size:m'))).filter((p) => colours.has(p)).sort();
          const got = (await ctx.admin.smembers(dest)).sort();
          return { pass: got.join(',') === want.join(','), actual: `${dest} = {${got.join(', ')}} (want {${want.join(', ')}})` };
        }),
      ),
      hints: [
        'Two steps: first the OR of the colours into a temporary set, then the AND of that with the size.',
        'SUNIONSTORE tmp red blue · SINTERSTORE destination tmp size   (then UNLINK tmp)',
      ],
      solution: [
        'SUNIONSTORE {ns}search:tmp:colours {ns}facet:color:red {ns}facet:color:blue',
        'SINTERSTORE {ns}search:result:redblue-m {ns}search:tmp:colours {ns}facet:size:m',
        'UNLINK {ns}search:tmp:colours',
      ],
    },

    // ── analytics ──────────────────────────────────────────────────────────────────────────────────
    {
      id: 'unique-visitors',
      kind: 'code',
      title: 'Unique visitors with HyperLogLog',
      text: `"How many different people visited today?" A set answers exactly, but holds every id: memory grows with the traffic. A HyperLogLog answers within about 0.81 % (standard error) in 12 KB of registers per key (a little more as allocated), whatever the count: PFADD adds ids, PFCOUNT estimates, PFCOUNT a b c estimates the union, PFMERGE stores the union (a week from seven days). Small HLLs use a compact sparse encoding and switch to the dense one past hll-sparse-max-bytes (3,000 bytes by default). You cannot list or remove ids: it is a counter only.

Below, three days of visitors with overlaps (returning visitors) go into one HLL per day; day 1 also goes into a plain set, and MEMORY USAGE measures both on the server.`,
      async run(ctx) {
        const setKey = ctx.key('visitors:set:2024-06-01');
        await ctx.claim([setKey, ...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`))]);
        await ctx.redis.unlink(setKey, ...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)));
        for (const [day, from, to] of VISITOR_DAYS) {
          await addVisitors(ctx.redis, ctx.key(`visitors:${day}`), visitorIds(from, to), {
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
        const setEncoding = String(await ctx.admin.call('OBJECT', 'ENCODING', setKey));
        ctx.table(
          ['2024-06-01, same visitors', 'MEMORY USAGE', 'answers'],
          [
            [`set (${await ctx.admin.scard(setKey)} members, ${setEncoding})`, bytes(setBytes), 'exact count, membership, listing'],
            ['HyperLogLog', bytes(hllBytes), 'estimated count, union'],
          ],
        );
        const perMember = setBytes / (await ctx.admin.scard(setKey));
        ctx.say(
          `the set takes ${(setBytes / hllBytes).toFixed(1)}× the memory, about ${perMember.toFixed(0)} B per visitor: ` +
            `a million visitors a day would need ~${perMember.toFixed(0)} MB per day, the HyperLogLog still ${bytes(hllBytes)}`,
        );
      },
    },
    {
      id: 'metrics',
      kind: 'code',
      title: 'Daily metrics, a conversion funnel, top products',
      text: `Three more structures finish the dashboard, each updated with one pipeline per visit:
  daily_metrics:<date>  hash   HINCRBY page_views / orders, HINCRBYFLOAT revenue
  funnel:<date>         hash   a counter per stage: viewed → added_to_cart →
                               checkout → purchased
  top_products:<date>   zset   ZINCRBY revenue per product; ZRANGE … REV
                               WITHSCORES for the top 5

A key per day keeps each small and lets old days expire (or be archived) on their own.

HINCRBYFLOAT stores decimal text computed in long double: fine for a dashboard, but money that must add up exactly belongs in integer cents (HINCRBY revenue_cents), compared below.`,
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
        const funnel = await funnelReport(ctx.admin, keys.funnel);
        ctx.table(
          ['stage', 'visits', 'of previous', 'of all'],
          funnel.map((r) => [r.stage, r.count, pct(r.fromPrevious), pct(r.fromStart)]),
        );
        const m = await ctx.admin.hgetall(keys.metrics);
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
      title: 'Unique visitors over three days',
      text: `Store the number of unique visitors across {ns}visitors:2024-06-01, {ns}visitors:2024-06-02 and {ns}visitors:2024-06-03 in a new HyperLogLog {ns}visitors:2024-w22 (a visitor who came on two days counts once).`,
      points: 2,
      setup: (ctx) => fresh(ctx, ['visitors:2024-w22'], async () => undefined),
      check: expanded(
        custom('{ns}visitors:2024-w22 = the union of the three days (a HyperLogLog)', async (ctx) => {
          const dest = ctx.key('visitors:2024-w22');
          const type = await ctx.admin.type(dest);
          if (type !== 'string') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          if ((await ctx.admin.getrange(dest, 0, 3)) !== 'HYLL') return { pass: false, actual: `${dest} is a string, not a HyperLogLog` };
          const want = await ctx.admin.pfcount(...VISITOR_DAYS.map(([d]) => ctx.key(`visitors:${d}`)));
          const got = await ctx.admin.pfcount(dest);
          return { pass: got === want && want > 0, actual: `PFCOUNT ${dest} = ${got} (the three days together: ${want})` };
        }),
      ),
      hints: ['One command merges HyperLogLogs into a destination key.', 'PFMERGE destkey sourcekey [sourcekey …]'],
      solution: ['PFMERGE {ns}visitors:2024-w22 {ns}visitors:2024-06-01 {ns}visitors:2024-06-02 {ns}visitors:2024-06-03'],
    },
    {
      id: 'wrap-up',
      kind: 'explain',
      title: 'What to say in the interview',
      text: `- Atomicity is the thread through this lesson. One command is atomic; MULTI makes a
  batch atomic but cannot branch on a reply; WATCH adds optimistic retries; a Lua
  script (or a Redis 7 function) runs check-and-write logic as one unit, at the
  price of blocking the server while it runs.
- Every key that should die must be born with its TTL (SET … EX NX, or a script):
  INCR-then-EXPIRE, SETNX-then-EXPIRE and HSET-without-EXPIRE leave immortal keys
  behind when a process dies.
- Caching: cache-aside + TTL + jitter; DEL on write; a rebuild lock or early refresh
  for hot keys; cache "not found" too. The cache is disposable: the app must survive
  it being empty.
- Pub/sub is at-most-once to whoever listens now; streams keep history, let clients
  resume, and add consumer groups with acknowledgements.
- Pick the structure by the question: hash for objects and counters per field, list
  for recent-N, sorted set for rankings, lexicographic prefixes, geo and time
  windows, set for facets, HyperLogLog for "how many distinct" when approximate is
  fine.
- In Redis Cluster, multi-key commands, MULTI and scripts need their keys in one
  slot: plan hash tags ({user-42}) when you design the keys.`,
    },
  ],
};

// ── race helpers ─────────────────────────────────────────────────────────────────────────────────────

async function setupMergeRace(ctx: LessonContext, variant: string): Promise<void> {
  const guest = ctx.key(`cart:race-guest-${variant}`);
  const user = ctx.key(`cart:race-user-${variant}`);
  await ctx.claim([guest, user]);
  await ctx.admin.unlink(guest, user);
  await ctx.admin.hset(guest, RACE_GUEST_CART);
  await ctx.admin.hset(user, RACE_USER_CART);
}

async function measureMergeRace(ctx: LessonContext, variant: string) {
  const units = await cartUnits(ctx.admin, ctx.key(`cart:race-user-${variant}`));
  return { expected: sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART), actual: units, unit: 'units in cart' };
}

async function setupStampede(ctx: LessonContext): Promise<void> {
  const key = ctx.key('product:PROD-18');
  const lock = ctx.key('lock:product:PROD-18');
  await ctx.claim([key, lock]);
  await ctx.admin.unlink(key, lock);
  raceState.db = new SlowProductDb(DB_DELAY_MS, CATALOGUE);
}

async function setupInventory(ctx: LessonContext): Promise<void> {
  const key = ctx.key('inventory:PROD123');
  await ctx.claim([key]);
  await ctx.admin.set(key, String(UNITS));
  raceState.sold = 0;
}

async function measureInventory(ctx: LessonContext, label: string) {
  const stock = Number(await ctx.admin.get(ctx.key('inventory:PROD123')));
  ctx.say(`${label}: ${raceState.sold} units sold, stock left ${stock}${stock < 0 ? ' (sold what did not exist)' : ''}`);
  return { expected: UNITS, actual: raceState.sold, unit: 'units sold' };
}

async function setupFlashRace(ctx: LessonContext, variant: string): Promise<void> {
  const sale = ctx.key(`flash_sale:race-${variant}`);
  const buyers = ctx.key(`flash_sale:race-${variant}:buyers`);
  await ctx.claim([sale, buyers]);
  await startFlashSale(ctx.admin, sale, buyers, { product: 'PROD-77', price: '19.99', stock: 100, perUser: FLASH_PER_USER }, 3600);
}

async function measureFlashRace(ctx: LessonContext, variant: string) {
  const buyers = await ctx.admin.hgetall(ctx.key(`flash_sale:race-${variant}:buyers`));
  ctx.say(`${variant === 'lua' ? 'script' : 'client-side checks'}: bought per shopper ${JSON.stringify(buyers)}`);
  return {
    expected: FLASH_USERS * FLASH_PER_USER,
    actual: await unitsSold(ctx.admin, ctx.key(`flash_sale:race-${variant}:buyers`)),
    unit: 'units sold',
  };
}
