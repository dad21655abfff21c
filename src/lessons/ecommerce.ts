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
  fixedWindowSetNxThenIncr,
  recordFailedLogin,
  windowKey,
} from '../patterns/ecommerce-rate-limit.js';
import { recordView } from '../patterns/ecommerce-recently-viewed.js';
import {
  all,
  builtOnServer,
  custom,
  hashHas,
  keysWrittenBy,
  ranCommands,
  stringEquals,
  ttlBetween,
  writesThatMadeIt,
  type RanCommand,
} from '../engine/checks.js';
import type { Check, Lesson, LessonContext } from '../engine/types.js';

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
/** The race table names the unit once, in its header ("database queries expected"). */
const STAMPEDE_UNIT = 'database queries';
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
/** The counter the rate-limit step lets expire between SET … NX and INCR. */
export const RATE_GAP_KEY = 'rate:api:k-setnx:28500000';

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

/** "1 hit", "3 hits": a count with its noun in the right number. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const SCRIPT_CALL = /^(EVAL|EVALSHA|FCALL)$/;

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function bytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

async function memoryUsage(ctx: LessonContext, key: string): Promise<number> {
  return Number(await ctx.unrecorded.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

function visitorIds(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `visitor-${from + i}`);
}

/** Writes an exercise's starting state on the unrecorded connection, after claiming the keys. */
async function fresh(ctx: LessonContext, names: string[], write: (key: (n: string) => string) => Promise<unknown>): Promise<void> {
  const keys = names.map((n) => ctx.key(n));
  await ctx.claim(keys);
  await ctx.unrecorded.unlink(...keys);
  await write((n) => ctx.key(n));
}

const EXPIRY = /^P?EXPIRE(AT)?$/;
const hasOption = (c: RanCommand, option: string) => c.args.slice(3).some((a) => a.toUpperCase() === option);

/**
 * rate-window: among the writes that made the counter (writesThatMadeIt), an INCR and an expiry that only sets a missing TTL (EXPIRE … NX,
 * or SET … NX with EX/PX before the INCR) ran in the same EXEC, or a script wrote the key. Anything else is named.
 */
async function windowInOneUnit(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const key = ctx.key(RATE_EXERCISE_KEY);
  const names = ctx.history.map((c) => String(c.args[0]).toUpperCase());
  if (names.lastIndexOf('MULTI') > Math.max(names.lastIndexOf('EXEC'), names.lastIndexOf('DISCARD'))) {
    return { pass: false, actual: 'the transaction is still open: EXEC runs it' };
  }
  const writes = writesThatMadeIt(ctx, key);
  const script = writes.find((c) => SCRIPT_CALL.test(c.name));
  if (script) return { pass: true, actual: `${script.name} counted and set the TTL as one` };
  const incrs = writes.filter((c) => /^INCR(BY)?$/.test(c.name));
  const sameUnit = (c: RanCommand) => writes.filter((w) => w.transaction !== null && w.transaction === c.transaction);
  const setsMissingTtl = (c: RanCommand) =>
    (EXPIRY.test(c.name) && hasOption(c, 'NX')) ||
    (c.name === 'SET' && hasOption(c, 'NX') && c.args.slice(3).some((a) => TTL_OPTIONS.has(a.toUpperCase())));
  for (const inc of incrs) {
    if (inc.transaction !== null && sameUnit(inc).some(setsMissingTtl)) {
      return {
        pass: true,
        actual: `INCR and the expiry ran in one EXEC: ${sameUnit(inc)
          .map((c) => c.command)
          .join(' ; ')}`,
      };
    }
  }
  const restart = ` (to start over: UNLINK ${key})`;
  const inTx = incrs.find((c) => c.transaction !== null);
  if (inTx) {
    const plain = sameUnit(inTx).find((c) => EXPIRY.test(c.name));
    return {
      pass: false,
      actual: plain
        ? `one unit, but ${plain.command} has no NX: every request in the window would set the TTL back to 60 and push its end away${restart}`
        : `the transaction counted but set no expiry${restart}`,
    };
  }
  const inc = incrs[0];
  const setNx = writes.find((c) => c.name === 'SET' && hasOption(c, 'NX'));
  const expiry = writes.find((c) => EXPIRY.test(c.name));
  if (inc && setNx) {
    return {
      pass: false,
      actual: `SET … NX and INCR ran as two commands: if the key expires between them, INCR recreates it with no TTL, as the step above showed — put INCR and EXPIRE … 60 NX in one MULTI … EXEC${restart}`,
    };
  }
  if (inc && expiry) {
    return {
      pass: false,
      actual: `INCR and ${expiry.name} ran as two commands: a crash or a timeout between them leaves a counter with no TTL — put both in one MULTI … EXEC${restart}`,
    };
  }
  return { pass: false, actual: inc ? `INCR alone: nothing set the TTL${restart}` : 'no INCR on the key yet' };
}

/**
 * inventory-reserve: since each key was last put back to its start (SET inventory 5, UNLINK reservations), only a
 * script wrote them, that script got both keys in KEYS, and it refuses when the stock is short (tried on a copy).
 */
async function reservedInOneScript(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const inv = ctx.key('inventory:PROD-9');
  const res = ctx.key('reservations:PROD-9');
  const ran = ranCommands(ctx.history);
  let invStart = -1;
  let resStart = -1;
  ran.forEach((c, i) => {
    if (c.name === 'SET' && c.args[1] === inv && c.args[2] === '5' && c.args.length === 3) invStart = i;
    if ((c.name === 'DEL' || c.name === 'UNLINK') && c.keys.includes(res)) resStart = i;
  });
  const restart = ` (to start over: SET ${inv} 5 and UNLINK ${res})`;
  const byHand = ran.find((c, i) => {
    if (SCRIPT_CALL.test(c.name)) return false;
    const written = keysWrittenBy(c);
    return (i > invStart && written.includes(inv)) || (i > resStart && written.includes(res));
  });
  if (byHand) {
    return {
      pass: false,
      actual: `${byHand.command} ran on its own, outside a script: between it and the other writes another buyer can take the same units${restart}`,
    };
  }
  const script = ran.filter((c, i) => SCRIPT_CALL.test(c.name) && i > Math.max(invStart, resStart)).at(-1);
  if (!script) return { pass: false, actual: `no script ran yet${restart}` };
  const undeclared = [inv, res].filter((k) => !script.keys.includes(k));
  if (undeclared.length) {
    return {
      pass: false,
      actual: `the script names ${undeclared.join(' and ')} itself: pass every key it touches in KEYS (Redis Cluster routes by them)`,
    };
  }
  const oversold = await sellsWhatIsNotThere(ctx, script, inv, res);
  if (oversold) return { pass: false, actual: oversold };
  return { pass: true, actual: `${script.name} checked, decremented and recorded as one; with 1 unit left it refuses` };
}

/**
 * Runs the learner's script again on copies of the keys holding 1 unit: a script without the stock check sells what
 * is not there. The real keys are put back whatever the script does, and a script that does not finish is stopped.
 */
async function sellsWhatIsNotThere(ctx: LessonContext, script: RanCommand, inv: string, res: string): Promise<string | null> {
  const probeInv = `${inv}:probe`;
  const probeRes = `${res}:probe`;
  const numkeys = Number(script.args[2]);
  const args = script.args.slice(1).map((a, i) => (i >= 2 && i < 2 + numkeys ? (a === inv ? probeInv : a === res ? probeRes : a) : a));
  const saved = await Promise.all([inv, res].map(async (k) => ({ k, dump: await ctx.unrecorded.dumpBuffer(k), pttl: await ctx.unrecorded.pttl(k) })));
  const [killer] = await ctx.clients(1);
  await ctx.unrecorded.set(probeInv, '1');
  await ctx.unrecorded.unlink(probeRes);
  const timer = setTimeout(() => {
    void killer!.call('SCRIPT', 'KILL').catch(() => killer!.call('FUNCTION', 'KILL').catch(() => undefined));
  }, 1000);
  try {
    await ctx.unrecorded.call(script.name, ...args).catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
  const [stock, reserved] = await Promise.all([ctx.unrecorded.get(probeInv), ctx.unrecorded.hlen(probeRes)]);
  await ctx.unrecorded.unlink(probeInv, probeRes);
  for (const { k, dump, pttl } of saved) {
    if (dump) await ctx.unrecorded.restore(k, pttl > 0 ? pttl : 0, dump, 'REPLACE');
    else await ctx.unrecorded.unlink(k);
  }
  if (stock === '1' && reserved === 0) return null;
  return `run again with 1 unit left, your script reserved anyway (stock ${stock ?? '(nil)'}): the check must be inside the script, before the DECRBY`;
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
          await ctx.unrecorded.hset(k('session:sess-77'), { user_id: '77', name: 'Lin', last_page: '/products/PROD-12' });
          await ctx.unrecorded.expire(k('session:sess-77'), 60);
        }),
      check: expanded(
        custom('{ns}session:sess-77: last_page = /cart, its other fields kept, TTL slid back to 1700–1800 s', async (ctx) => {
          const key = ctx.key('session:sess-77');
          const type = await ctx.unrecorded.type(key);
          if (type !== 'hash')
            return { pass: false, actual: type === 'none' ? `${key} is gone: the shopper was logged out` : `${key} is a ${type}` };
          const session = await ctx.unrecorded.hgetall(key);
          if (session.last_page !== '/cart') return { pass: false, actual: `last_page = ${JSON.stringify(session.last_page ?? null)}` };
          const lost = Object.entries({ user_id: '77', name: 'Lin' })
            .filter(([f, v]) => session[f] !== v)
            .map(([f]) => f);
          if (lost.length) {
            return {
              pass: false,
              actual: `the session lost ${lost.join(' and ')}: HSET changes only the fields it names, rewriting the session drops the rest`,
            };
          }
          const pttl = await ctx.unrecorded.pttl(key);
          const ttl = Math.round(pttl / 1000);
          if (pttl === -1) return { pass: false, actual: `${key} has no expiry: the shopper would never be logged out` };
          if (ttl >= 1699 && ttl <= 1800) return { pass: true, actual: `last_page = /cart, user_id and name kept, TTL ${ttl} s` };
          const expires = ranCommands(ctx.history).filter((c) => /^P?EXPIRE$/.test(c.name) && c.args[1] === key);
          const nx = expires.find((c) => c.args.slice(3).some((a) => a.toUpperCase() === 'NX') && Number(c.reply) === 0);
          const actual = nx
            ? `TTL ${ttl} s: ${nx.command} changed nothing, because NX sets an expiry only on a key that has none`
            : expires.length
              ? `TTL ${ttl} s: EXPIRE takes seconds, and 30 minutes is 1800`
              : `TTL ${ttl} s: HSET leaves the TTL where it was; the deadline slides only when EXPIRE is sent again`;
          return { pass: false, actual };
        }),
      ),
      hints: [
        'Two things change: a field, and the deadline of the whole key. HSET alone leaves the deadline where it was.',
        'HSET key field value, then EXPIRE key seconds   (e.g. EXPIRE {ns}session:sess-77 1800)',
      ],
      solution: ['HSET {ns}session:sess-77 last_page /cart', 'EXPIRE {ns}session:sess-77 1800'],
      wrong: [
        // The field changes, the deadline does not: a minute later the active shopper is logged out.
        ['HSET {ns}session:sess-77 last_page /cart'],
        // NX only sets an expiry on a key without one: this session has one, so nothing slides.
        ['HSET {ns}session:sess-77 last_page /cart', 'EXPIRE {ns}session:sess-77 1800 NX'],
        // Minutes where EXPIRE wants seconds.
        ['HSET {ns}session:sess-77 last_page /cart', 'EXPIRE {ns}session:sess-77 30'],
        // The session rewritten like a string: the fields not retyped are gone.
        ['DEL {ns}session:sess-77', 'HSET {ns}session:sess-77 user_id 77 last_page /cart', 'EXPIRE {ns}session:sess-77 1800'],
      ],
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
        const before = { guest: await ctx.unrecorded.hgetall(guest), user: await ctx.unrecorded.hgetall(user) };
        const moved = await mergeCarts(ctx.redis, guest, user);
        await touchSession(ctx.redis, session, { user_id: '42', cart: 'user-42' }, 1800);
        const after = await ctx.unrecorded.hgetall(user);
        const products = [...new Set([...Object.keys(before.guest), ...Object.keys(before.user)])].sort();
        ctx.say(`merged ${count(moved, 'line')} from {ns}cart:guest-9f2 into {ns}cart:user-42:`);
        ctx.table(
          ['product', 'guest cart', 'user cart before', 'user cart after'],
          products.map((p) => [p, before.guest[p] ?? '-', before.user[p] ?? '-', after[p] ?? '-']),
        );
        ctx.say(`guest cart still exists: ${(await ctx.unrecorded.exists(guest)) ? 'yes' : 'no'}`);
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
        // The counts come from the hash itself, so the sentence always says what the table and the key show.
        const { hits, misses, ratio } = await hitRatio(ctx.unrecorded, stats);
        ctx.say(
          `{ns}cache:stats: ${count(hits, 'hit')}, ${count(misses, 'miss', 'misses')} (the ${count(rows.length, 'product read')} above and the search), ` +
            `hit ratio ${pct(ratio)}; the database was queried ${count(db.loads, 'time')}`,
        );
        // Jitter made visible: fill every product and list the TTLs they got (not counted: {ns}cache:stats keeps the numbers above).
        for (const id of CATALOGUE.keys()) {
          await cacheAside(ctx.redis, ctx.key(`product:${id}`), () => db.load(id), { ttlSeconds: 300, jitterSeconds: 60 });
        }
        const ttls = await Promise.all([...CATALOGUE.keys()].map((id) => ctx.unrecorded.ttl(ctx.key(`product:${id}`))));
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
          measure: async () => ({ expected: 1, actual: raceState.db.loads, unit: STAMPEDE_UNIT }),
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
          measure: async () => ({ expected: 1, actual: raceState.db.loads, unit: STAMPEDE_UNIT }),
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
          custom('the key created by one SET with NX and EX/PX', async (ctx) => {
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
          await ctx.unrecorded.set(k('inventory:PROD-9'), '5');
        }),
      check: expanded(
        all(
          stringEquals('inventory:PROD-9', '3'),
          hashHas('reservations:PROD-9', { 'order-1001': '2' }),
          custom('the check, the DECRBY and the HSET in one script that gets both keys in KEYS', reservedInOneScript),
        ),
      ),
      hints: [
        `Inside the script: redis.call('GET', KEYS[1]) returns a string (or false when missing): tonumber() it, compare with tonumber(ARGV[1]), then DECRBY and HSET.`,
        `EVAL "script" numkeys key [key …] arg [arg …]   e.g. EVAL "…" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ],
      solution: [
        `EVAL "local s = tonumber(redis.call('GET', KEYS[1]) or '0') if s < tonumber(ARGV[1]) then return -1 end redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) return redis.call('DECRBY', KEYS[1], ARGV[1])" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ],
      wrong: [
        // Check in the app, write with two commands: another buyer can take the units in between.
        ['GET {ns}inventory:PROD-9', 'DECRBY {ns}inventory:PROD-9 2', 'HSET {ns}reservations:PROD-9 order-1001 2'],
        // Half in a script: the DECRBY still runs on its own.
        [
          'DECRBY {ns}inventory:PROD-9 2',
          `EVAL "return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])" 1 {ns}reservations:PROD-9 order-1001 2`,
        ],
        // Both writes in a script, but the check stayed in the app: with 1 unit left the script still sells 2.
        [
          'GET {ns}inventory:PROD-9',
          `EVAL "redis.call('DECRBY', KEYS[1], ARGV[1]) return redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
        ],
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
        ctx.say(`recently viewed now: ${(await ctx.unrecorded.lrange(key, 0, -1)).join(', ')}`);
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
      title: 'Personal recommendations with weights',
      text: `User 7 looked at PROD-4 today and at PROD-8 last week. Their co-view scores are in the sorted sets {ns}also_viewed:PROD-4 and {ns}also_viewed:PROD-8. Build {ns}recs:user-7 from both, counting today's product twice as much as last week's (each score × 2 for PROD-4, × 1 for PROD-8, summed).`,
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

    // ── rate limiting ──────────────────────────────────────────────────────────────────────────────
    {
      id: 'rate-limit',
      kind: 'code',
      title: 'A rate limiter that always expires',
      text: `A fixed-window limiter counts requests per API key per minute: key rate:api:<key>:<window>, where <window> = floor(unix time / 60). The classic code is INCR, and if the reply is 1, EXPIRE. As two commands that is a bug: if the app crashes, times out or loses the connection between them, the counter has no TTL. It never resets, and once it passes the limit that API key is refused forever.

"SET key 0 EX 60 NX, then INCR" looks like the cure (the key is born with its TTL) but is two commands as well. A request that arrives in the window's last moment sends SET … NX, which finds the key still there and does nothing; the key expires; INCR then creates a new key from 0, with no TTL, and that counter never resets either. Below, a window of 1 ms makes that moment certain. Airtight means the increment and the expiry run as one unit:
  - a Lua script: INCR, then EXPIRE when the count is 1 (or the TTL is missing);
  - Redis 7.0+: MULTI / INCR / EXPIRE key 60 NX / EXEC. Nothing runs between the
    queued commands, not even an expiry; NX sets an expiry only when there is none,
    so later requests do not push the window's end away.

A fixed window allows bursts of up to 2× the limit across a window boundary. Sliding windows (a sorted set of timestamps, ZREMRANGEBYSCORE + ZCARD) or a token bucket in a script smooth that out.`,
      async run(ctx) {
        const limit = 10;
        const crashed = ctx.key('rate:api:k-crash:28500000');
        const key = windowKey(ctx.key('rate:api:'), 'k-demo', 60);
        const multiKey = windowKey(ctx.key('rate:api:'), 'k-multi', 60);
        const setNxKey = ctx.key(RATE_GAP_KEY);
        await ctx.claim([crashed, key, multiKey, setNxKey]);
        await ctx.redis.unlink(crashed, key, multiKey, setNxKey);
        const naive = await fixedWindowNaive(ctx.redis, crashed, limit, 60, true);
        ctx.say(`naive INCR, then the process "dies" before EXPIRE → count ${naive.count}, TTL ${naive.ttl}: this counter never expires`);
        const gap = await fixedWindowSetNxThenIncr(ctx.redis, setNxKey, limit, 1, 5);
        ctx.say(
          `SET … 0 PX 1 NX, 5 ms later INCR → count ${gap.count}, TTL ${gap.ttl}: the window ended between the two commands, ` +
            `and INCR made a counter that never expires`,
        );
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
      title: 'Open a window that cannot lose its TTL',
      text: `API key k-42 sends its first request in minute 28500000. Count it in {ns}${RATE_EXERCISE_KEY} with a 60-second window that no timing can break: the increment and the expiry must run as one unit, so there is no moment in which the counter exists without a TTL, and a later request in the same minute must not push the window's end back. (SET … EX 60 NX followed by INCR is two commands: the step above showed it lose its TTL.)`,
      points: 2,
      setup: (ctx) => fresh(ctx, [RATE_EXERCISE_KEY], async () => undefined),
      check: expanded(
        all(
          stringEquals(RATE_EXERCISE_KEY, '1'),
          ttlBetween(RATE_EXERCISE_KEY, 1, 60),
          custom(`INCR and EXPIRE … NX on {ns}${RATE_EXERCISE_KEY} in one MULTI … EXEC, or in one script`, windowInOneUnit),
        ),
      ),
      hints: [
        'MULTI queues commands and EXEC runs them back to back, with nothing in between, not even an expiry. EXPIRE has an option (Redis 7.0+) that sets a TTL only when the key has none.',
        'MULTI · INCR key · EXPIRE key 60 NX · EXEC   (or one EVAL script that does both)',
      ],
      solution: ['MULTI', `INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60 NX`, 'EXEC'],
      wrong: [
        // Born with its TTL, then counted: two commands, and the window can end between them.
        [`SET {ns}${RATE_EXERCISE_KEY} 0 EX 60 NX`, `INCR {ns}${RATE_EXERCISE_KEY}`],
        // The classic: a crash between the two leaves a counter with no TTL.
        [`INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60`],
        [`INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60 NX`],
        // One unit, but every request would set the TTL to 60 again.
        ['MULTI', `INCR {ns}${RATE_EXERCISE_KEY}`, `EXPIRE {ns}${RATE_EXERCISE_KEY} 60`, 'EXEC'],
      ],
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
        ctx.say(
          `pushed again after the tab closed: PUBLISH reached ${count(missed.receivers, 'subscriber')}; that live message is gone for good`,
        );
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
          for (let n = 1; n <= 5; n++) await ctx.unrecorded.xadd(k('notifications:user-7'), '*', 'type', 'promo', 'n', String(n));
        }),
      check: expanded(
        all(
          custom('{ns}notifications:user-7: 5 entries, oldest n=2, newest type=shipped order=1001', async (ctx) => {
            const key = ctx.key('notifications:user-7');
            if ((await ctx.unrecorded.type(key)) !== 'stream') return { pass: false, actual: `${key} is not a stream` };
            const len = await ctx.unrecorded.xlen(key);
            const [first] = await ctx.unrecorded.xrange(key, '-', '+', 'COUNT', 1);
            const [last] = await ctx.unrecorded.xrevrange(key, '+', '-', 'COUNT', 1);
            const fields = (e: [string, string[]] | undefined) => {
              const o: Record<string, string> = {};
              for (let i = 0; e && i < e[1].length; i += 2) o[e[1][i]!] = e[1][i + 1]!;
              return o;
            };
            const f = fields(first);
            const l = fields(last);
            const pass = len === 5 && f.n === '2' && l.type === 'shipped' && l.order === '1001';
            const why =
              len > 5
                ? ranCommands(ctx.history).some((c) => c.name === 'XADD' && c.args.includes('~'))
                  ? ': ~ trims only whole internal nodes, so nothing went'
                  : ': nothing trimmed it'
                : '';
            return { pass, actual: `${count(len, 'entry', 'entries')}, oldest ${JSON.stringify(f)}, newest ${JSON.stringify(l)}${why}` };
          }),
          custom('the append and the trim in the same XADD (MAXLEN 5)', async (ctx) => {
            const key = ctx.key('notifications:user-7');
            const writes = ranCommands(ctx.history).filter((c) => keysWrittenBy(c).includes(key));
            const lastAdd = writes.findLastIndex((c) => c.name === 'XADD');
            const add = writes[lastAdd];
            if (!add) return { pass: false, actual: 'no XADD yet' };
            const trim = writes.slice(lastAdd + 1).find((c) => c.name === 'XTRIM');
            if (trim || !add.args.some((a) => /^(MAXLEN|MINID)$/i.test(a))) {
              return {
                pass: false,
                actual: `${trim ? `${trim.command} trimmed in a second command` : `${add.command} does not trim`}: XADD … MAXLEN 5 appends and trims in one, so no reader and no crash ever finds the stream over its cap`,
              };
            }
            return { pass: true, actual: add.command };
          }),
        ),
      ),
      hints: ['XADD can trim the stream in the same command, before the id.', 'XADD key MAXLEN 5 * field value [field value …]'],
      solution: ['XADD {ns}notifications:user-7 MAXLEN 5 * type shipped order 1001'],
      wrong: [
        // Approximate trimming keeps whole nodes: all six entries stay.
        ['XADD {ns}notifications:user-7 MAXLEN ~ 5 * type shipped order 1001'],
        // The right state in two commands.
        ['XADD {ns}notifications:user-7 * type shipped order 1001', 'XTRIM {ns}notifications:user-7 MAXLEN 5'],
        ['XADD {ns}notifications:user-7 * type shipped order 1001'],
      ],
    },

    // ── geo ────────────────────────────────────────────────────────────────────────────────────────
    {
      id: 'stores-near',
      kind: 'run',
      title: 'Stores near me',
      text: `GEOADD stores longitude, latitude (in that order) and a name. Underneath it is a sorted set whose score is a 52-bit geohash, so ZRANGE, ZREM and ZCARD work on it too. GEOSEARCH (Redis 6.2+, replacing GEORADIUS) finds members within a radius or a box around a point (FROMLONLAT) or a member (FROMMEMBER); WITHDIST adds the distance, ASC sorts nearest first, COUNT n keeps the first n (Redis still finds and sorts every match; only COUNT n ANY stops as soon as it has n, which are then not the nearest). Distances assume a spherical Earth, accurate to about 0.5 %: plenty for "nearest store".`,
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
          ctx.unrecorded.geoadd(k('stores:berlin'), ...BERLIN_STORES.flatMap(([name, lon, lat]) => [lon, lat, name])),
        ),
      check: expanded(
        all(
          custom('{ns}stores:near-user-7 = the stores within 3 km, scored by distance in km', async (ctx) => {
            const dest = ctx.key('stores:near-user-7');
            const type = await ctx.unrecorded.type(dest);
            if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
            const want = pairs(
              await ctx.unrecorded.call(
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
            const got = pairs(await ctx.unrecorded.call('ZRANGE', dest, '0', '-1', 'WITHSCORES'));
            const members = got.map(([m, d]) => `${m}:${d < 1e6 ? d.toFixed(3) : d}`);
            const expected = want.map(([m, d]) => `${m}:${d.toFixed(3)}`);
            const geohashes = got.some(([, sc]) => sc > 1e6);
            const metres =
              !geohashes &&
              got.length === want.length &&
              got.every(([m, d], i) => m === want[i]![0] && Math.abs(d / 1000 - want[i]![1]) < 0.001);
            const why = geohashes
              ? ' — those scores are geohashes: STOREDIST stores the distances instead'
              : metres
                ? ' — those are metres: STOREDIST stores distances in the unit of the radius, so search BYRADIUS 3 km'
                : '';
            return { pass: members.join(' ') === expected.join(' '), actual: `${members.join(' ') || '(empty)'}${why}` };
          }),
          builtOnServer('stores:near-user-7', 'GEOSEARCHSTORE … STOREDIST'),
        ),
      ),
      hints: [
        'GEOSEARCH has a sibling that stores its result; one option makes the stored score the distance.',
        'GEOSEARCHSTORE destination source FROMLONLAT lon lat BYRADIUS 3 km ASC STOREDIST',
      ],
      solution: ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC STOREDIST'],
      wrong: [
        // Without STOREDIST the scores are the members' geohashes.
        ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC'],
        // Stored in the radius's unit: metres.
        ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3000 m ASC STOREDIST'],
        // Search, then type the stores and distances back in: right numbers, through the client.
        [
          'GEOSEARCH {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC WITHDIST',
          'ZADD {ns}stores:near-user-7 0.5938 alexanderplatz 2.2784 potsdamer-platz 2.3387 kreuzberg 2.4500 prenzlauer-berg',
        ],
      ],
    },

    // ── search ─────────────────────────────────────────────────────────────────────────────────────
    {
      id: 'autocomplete',
      kind: 'run',
      title: 'Autocomplete with lexicographic ranges',
      text: `When every member of a sorted set has the same score (0), Redis orders them byte by byte, and ZRANGEBYLEX returns a range of strings: [lap means "from lap, inclusive", (laq "up to laq, exclusive", so [lap (laq is exactly "everything starting with lap". (The other common upper bound is "[lap\\xff".) It is O(log N + M): fast on millions of terms. With mixed scores the result is undefined, so keep the scores equal. ZRANGE … BYLEX (Redis 6.2+) does the same with one command for all range types; ZRANGEBYLEX is its older form.

To rank suggestions by popularity, keep a second sorted set term → searches and sort the matches by it, or store "prefix:term" entries per prefix. For typo tolerance, stemming and full text, the Redis Query Engine (FT.CREATE, FT.SEARCH) is the tool: built into Redis 8, and the RediSearch module (Redis Stack) before it. Sorted sets do prefixes on any version.`,
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
      text: `The shopper ticks two colours, red and blue, and size M. Store the matching product ids in the set {ns}search:result:redblue-m, computed on the server. Colours combine with OR, sizes with AND. Use a temporary key under {ns}search: if you need one, and do not leave it behind.`,
      points: 3,
      setup: (ctx) => fresh(ctx, ['search:result:redblue-m'], async () => undefined),
      check: expanded(
        all(
          custom('{ns}search:result:redblue-m = (facet:color:red ∪ facet:color:blue) ∩ facet:size:m', async (ctx) => {
            const dest = ctx.key('search:result:redblue-m');
            const type = await ctx.unrecorded.type(dest);
            if (type === 'none') {
              // An empty result deletes the destination: the usual cause is AND-ing the two colours.
              const empty = ranCommands(ctx.history).find((c) => c.name === 'SINTERSTORE' && c.args[1] === dest && Number(c.reply) === 0);
              return {
                pass: false,
                actual: empty
                  ? `${dest} does not exist: ${empty.name} found nothing, because no product is red AND blue — the colours are a union (OR)`
                  : `${dest} does not exist`,
              };
            }
            if (type !== 'set') return { pass: false, actual: `${dest} is a ${type}` };
            const colours = new Set(await ctx.unrecorded.sunion(ctx.key('facet:color:red'), ctx.key('facet:color:blue')));
            const want = (await ctx.unrecorded.smembers(ctx.key('facet:size:m'))).filter((p) => colours.has(p)).sort();
            const got = (await ctx.unrecorded.smembers(dest)).sort();
            const sizes = new Set(await ctx.unrecorded.smembers(ctx.key('facet:size:m')));
            const why = got.some((p) => !sizes.has(p))
              ? ' — some are not size M: the size must be intersected (AND), only the colours are a union (OR)'
              : got.some((p) => !colours.has(p))
                ? ' — some are neither red nor blue'
                : '';
            return { pass: got.join(',') === want.join(','), actual: `${dest} = {${got.join(', ')}} (want {${want.join(', ')}})${why}` };
          }),
          builtOnServer('search:result:redblue-m', 'SUNIONSTORE and SINTERSTORE'),
          custom('no temporary key left behind without a TTL', async (ctx) => {
            const dest = ctx.key('search:result:redblue-m');
            const prefix = ctx.key('search:');
            const temps = [...new Set(ranCommands(ctx.history).flatMap((c) => keysWrittenBy(c)))].filter(
              (k) => k.startsWith(prefix) && k !== dest,
            );
            for (const k of temps) {
              if ((await ctx.unrecorded.pttl(k)) === -1) {
                return {
                  pass: false,
                  actual: `${k} is still there with no TTL: UNLINK it once the result is stored (or give it a short TTL)`,
                };
              }
            }
            return { pass: true, actual: temps.length ? `${temps.join(', ')} cleaned up` : 'no temporary key' };
          }),
        ),
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
      wrong: [
        // Everything AND-ed: no product is red and blue at once.
        ['SINTERSTORE {ns}search:result:redblue-m {ns}facet:color:red {ns}facet:color:blue {ns}facet:size:m'],
        // Everything OR-ed: any red, any blue, any size M.
        ['SUNIONSTORE {ns}search:result:redblue-m {ns}facet:color:red {ns}facet:color:blue {ns}facet:size:m'],
        // Right result, but the temporary set stays forever.
        [
          'SUNIONSTORE {ns}search:tmp:colours {ns}facet:color:red {ns}facet:color:blue',
          'SINTERSTORE {ns}search:result:redblue-m {ns}search:tmp:colours {ns}facet:size:m',
        ],
        // Computed in the app: read the sets, type the answer back.
        [
          'SUNION {ns}facet:color:red {ns}facet:color:blue',
          'SMEMBERS {ns}facet:size:m',
          'SADD {ns}search:result:redblue-m PROD-1 PROD-3 PROD-5 PROD-8',
        ],
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
        const setEncoding = String(await ctx.unrecorded.call('OBJECT', 'ENCODING', setKey));
        ctx.table(
          ['2024-06-01, same visitors', 'MEMORY USAGE', 'answers'],
          [
            [`set (${await ctx.unrecorded.scard(setKey)} members, ${setEncoding})`, bytes(setBytes), 'exact count, membership, listing'],
            ['HyperLogLog', bytes(hllBytes), 'estimated count, union'],
          ],
        );
        const perMember = setBytes / (await ctx.unrecorded.scard(setKey));
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
      title: 'Unique visitors over three days',
      text: `Store the number of unique visitors across {ns}visitors:2024-06-01, {ns}visitors:2024-06-02 and {ns}visitors:2024-06-03 in a new HyperLogLog {ns}visitors:2024-w22 (a visitor who came on two days counts once).`,
      points: 2,
      setup: (ctx) => fresh(ctx, ['visitors:2024-w22'], async () => undefined),
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
    {
      id: 'wrap-up',
      kind: 'explain',
      title: 'What to say in the interview',
      text: `- Atomicity is the thread through this lesson. One command is atomic; MULTI makes a
  batch atomic but cannot branch on a reply; WATCH adds optimistic retries; a Lua
  script (or a Redis 7 function) runs check-and-write logic as one unit, at the
  price of blocking the server while it runs.
- A key that should die must never exist without its TTL: value and expiry in one
  command (SET … EX, SET … EX NX), or the increment and the expiry in one unit
  (MULTI with INCR + EXPIRE … NX, or a script). INCR-then-EXPIRE, SETNX-then-EXPIRE
  and HSET-without-EXPIRE leave immortal keys behind when a process dies;
  SET … EX NX-then-INCR does when the key expires between the two.
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
  await ctx.unrecorded.unlink(guest, user);
  await ctx.unrecorded.hset(guest, RACE_GUEST_CART);
  await ctx.unrecorded.hset(user, RACE_USER_CART);
}

async function measureMergeRace(ctx: LessonContext, variant: string) {
  const units = await cartUnits(ctx.unrecorded, ctx.key(`cart:race-user-${variant}`));
  return { expected: sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART), actual: units, unit: 'units in cart' };
}

async function setupStampede(ctx: LessonContext): Promise<void> {
  const key = ctx.key('product:PROD-18');
  const lock = ctx.key('lock:product:PROD-18');
  await ctx.claim([key, lock]);
  await ctx.unrecorded.unlink(key, lock);
  raceState.db = new SlowProductDb(DB_DELAY_MS, CATALOGUE);
}

async function setupInventory(ctx: LessonContext): Promise<void> {
  const key = ctx.key('inventory:PROD123');
  await ctx.claim([key]);
  await ctx.unrecorded.set(key, String(UNITS));
  raceState.sold = 0;
}

async function measureInventory(ctx: LessonContext, label: string) {
  const stock = Number(await ctx.unrecorded.get(ctx.key('inventory:PROD123')));
  ctx.say(`${label}: ${count(raceState.sold, 'unit')} sold, stock left ${stock}${stock < 0 ? ' (sold what did not exist)' : ''}`);
  return { expected: UNITS, actual: raceState.sold, unit: 'units sold' };
}

async function setupFlashRace(ctx: LessonContext, variant: string): Promise<void> {
  const sale = ctx.key(`flash_sale:race-${variant}`);
  const buyers = ctx.key(`flash_sale:race-${variant}:buyers`);
  await ctx.claim([sale, buyers]);
  await startFlashSale(ctx.unrecorded, sale, buyers, { product: 'PROD-77', price: '19.99', stock: 100, perUser: FLASH_PER_USER }, 3600);
}

async function measureFlashRace(ctx: LessonContext, variant: string) {
  const buyers = await ctx.unrecorded.hgetall(ctx.key(`flash_sale:race-${variant}:buyers`));
  ctx.say(`${variant === 'lua' ? 'script' : 'client-side checks'}: bought per shopper ${JSON.stringify(buyers)}`);
  return {
    expected: FLASH_USERS * FLASH_PER_USER,
    actual: await unitsSold(ctx.unrecorded, ctx.key(`flash_sale:race-${variant}:buyers`)),
    unit: 'units sold',
  };
}
