// The ecommerce lesson's patterns against a real server: atomic versions hold under concurrency, limits limit, TTLs are always set.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { ecommerceLesson, RATE_GAP_KEY } from '../src/lessons/ecommerce/index.js';
import { addVisitors, funnelReport, recordVisit } from '../src/patterns/ecommerce-analytics.js';
import { mulberry32 as seededRandom } from '../src/util/random.js';
import { cacheAside, cacheAsideWithLock, hitRatio, jitteredTtl, SlowProductDb, type Product } from '../src/patterns/ecommerce-cache.js';
import { addToCart, cartUnits, mergeCarts, touchSession } from '../src/patterns/ecommerce-cart.js';
import { flashBuy, startFlashSale, unitsSold } from '../src/patterns/ecommerce-flash-sale.js';
import { buyWithWatch, reserveStock } from '../src/patterns/ecommerce-inventory.js';
import { pushNotification, readSince, subscribe } from '../src/patterns/ecommerce-notifications.js';
import {
  blockedFor,
  fixedWindowHit,
  fixedWindowHitMulti,
  fixedWindowNaive,
  fixedWindowSetNxThenIncr,
  recordFailedLogin,
  windowKey,
} from '../src/patterns/ecommerce-rate-limit.js';
import { recordView } from '../src/patterns/ecommerce-recently-viewed.js';
import { versionAtLeast } from '../src/redis/capabilities.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox, scriptedInput } from './helpers.js';

const NS = 'ecom:';
let sb: Sandbox;
let redis: Redis;
let pool: Redis[];
const k = (name: string) => `${NS}${name}`;

async function wipe(): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await sb.admin.scan(cursor, 'MATCH', `${NS}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await sb.admin.unlink(...keys);
  } while (cursor !== '0');
}

beforeAll(async () => {
  sb = await openPrivateSandbox(NS);
  redis = sb.admin;
  pool = await sb.extraClients(50);
});

afterAll(async () => {
  for (const c of pool) c.disconnect();
  await wipe();
  await sb.close();
});

beforeEach(wipe);

const CATALOGUE = new Map<string, Product>([
  ['P1', { id: 'P1', name: 'Desk lamp', price: 30, category: 'lighting' }],
  ['P2', { id: 'P2', name: 'Floor lamp', price: 80, category: 'lighting' }],
  ['P3', { id: 'P3', name: 'Mug', price: 9, category: 'kitchen' }],
]);

describe('sessions and carts', () => {
  it('touchSession writes fields and slides the TTL back every time', async () => {
    await redis.hset(k('session:s1'), { user_id: '1' });
    await redis.expire(k('session:s1'), 10);
    await touchSession(redis, k('session:s1'), { last_page: '/cart' }, 1800);
    expect(await redis.hget(k('session:s1'), 'last_page')).toBe('/cart');
    expect(await redis.hget(k('session:s1'), 'user_id')).toBe('1');
    expect(await redis.ttl(k('session:s1'))).toBeGreaterThan(1790);
  });

  it('addToCart adds, subtracts and drops a line that reaches zero', async () => {
    expect(await addToCart(redis, k('cart:a'), 'P1', 2)).toBe(2);
    expect(await addToCart(redis, k('cart:a'), 'P1', -2)).toBe(0);
    expect(await redis.hexists(k('cart:a'), 'P1')).toBe(0);
  });

  it('mergeCarts adds quantities, removes the guest cart, and merges exactly once under 20 concurrent logins', async () => {
    await redis.hset(k('cart:guest'), { P1: '2', P2: '1', P3: '3' });
    await redis.hset(k('cart:user'), { P1: '1' });
    const moved = await Promise.all(pool.slice(0, 20).map((c) => mergeCarts(c, k('cart:guest'), k('cart:user'))));
    expect(moved.filter((n) => n > 0)).toEqual([3]);
    expect(await redis.hgetall(k('cart:user'))).toEqual({ P1: '3', P2: '1', P3: '3' });
    expect(await cartUnits(redis, k('cart:user'))).toBe(7);
    expect(await redis.exists(k('cart:guest'))).toBe(0);
  });
});

describe('product cache', () => {
  it('cacheAside loads once, then hits, and counts hits and misses', async () => {
    const db = new SlowProductDb(5, CATALOGUE);
    const opts = { ttlSeconds: 300, jitterSeconds: 60, statsKey: k('cache:stats') };
    const first = await cacheAside(redis, k('product:P1'), () => db.load('P1'), opts);
    const second = await cacheAside(redis, k('product:P1'), () => db.load('P1'), opts);
    const third = await cacheAside(redis, k('product:P1'), () => db.load('P1'), opts);
    await cacheAside(redis, k('product:P2'), () => db.load('P2'), opts);
    expect([first.hit, second.hit, third.hit]).toEqual([false, true, true]);
    expect(third.value).toEqual(CATALOGUE.get('P1'));
    expect(db.loads).toBe(2);
    expect(await hitRatio(redis, k('cache:stats'))).toEqual({ hits: 2, misses: 2, ratio: 0.5 });
    const ttl = await redis.ttl(k('product:P1'));
    expect(ttl).toBeGreaterThanOrEqual(299);
    expect(ttl).toBeLessThanOrEqual(360);
  });

  it('jitteredTtl stays within [ttl, ttl + jitter]', () => {
    expect(jitteredTtl(300, 60, () => 0)).toBe(300);
    expect(jitteredTtl(300, 60, () => 0.999999)).toBe(360);
    expect(jitteredTtl(300, 0, () => 0.5)).toBe(300);
  });

  it('plain cache-aside stampedes; the rebuild lock queries the database once for 30 concurrent misses and frees the lock', async () => {
    const naiveDb = new SlowProductDb(30, CATALOGUE);
    await Promise.all(pool.slice(0, 30).map((c) => cacheAside(c, k('product:naive'), () => naiveDb.load('P2'), { ttlSeconds: 60 })));
    expect(naiveDb.loads).toBeGreaterThan(1);

    const db = new SlowProductDb(30, CATALOGUE);
    const results = await Promise.all(
      pool.slice(0, 30).map((c) =>
        cacheAsideWithLock(c, k('product:P2'), () => db.load('P2'), {
          ttlSeconds: 60,
          lockKey: k('lock:product:P2'),
          lockMs: 2000,
          maxWaitMs: 5000,
        }),
      ),
    );
    expect(db.loads).toBe(1);
    expect(results.every((r) => r.value?.id === 'P2')).toBe(true);
    expect(await redis.exists(k('lock:product:P2'))).toBe(0);
  });
});

describe('inventory', () => {
  it('the Lua reservation never oversells: 50 concurrent buyers, 10 units, exactly 10 sold', async () => {
    await redis.set(k('inventory:X'), '10');
    const replies = await Promise.all(pool.map((c) => reserveStock(c, k('inventory:X'))));
    expect(replies.filter((r) => r >= 0)).toHaveLength(10);
    expect(replies.filter((r) => r === -1)).toHaveLength(40);
    expect(await redis.get(k('inventory:X'))).toBe('0');
  });

  it('WATCH/MULTI also sells exactly 10 of 10 to 50 concurrent buyers', async () => {
    await redis.set(k('inventory:W'), '10');
    const ok = await Promise.all(pool.map((c) => buyWithWatch(c, k('inventory:W'))));
    expect(ok.filter(Boolean)).toHaveLength(10);
    expect(await redis.get(k('inventory:W'))).toBe('0');
  });

  it('a reservation larger than the stock is refused and changes nothing', async () => {
    await redis.set(k('inventory:Y'), '2');
    expect(await reserveStock(redis, k('inventory:Y'), 3)).toBe(-1);
    expect(await redis.get(k('inventory:Y'))).toBe('2');
    expect(await reserveStock(redis, k('inventory:Y'), 2)).toBe(0);
  });
});

describe('recommendations', () => {
  it('recordView keeps the list de-duplicated, newest first, capped', async () => {
    for (const p of ['P1', 'P2', 'P1', 'P3', 'P4', 'P5', 'P6', 'P2']) await recordView(redis, k('recent:u'), p, 5);
    expect(await redis.lrange(k('recent:u'), 0, -1)).toEqual(['P2', 'P6', 'P5', 'P4', 'P3']);
  });
});

describe('rate limiting', () => {
  it('the fixed window allows exactly N per window and every counter has a TTL', async () => {
    const key = windowKey(k('rate:api:'), 'k1', 60, 1_700_000_000_000);
    expect(key).toBe(k(`rate:api:k1:${Math.floor(1_700_000_000 / 60)}`));
    const results = [];
    for (let i = 0; i < 8; i++) {
      const r = await fixedWindowHit(redis, key, 5, 60);
      results.push(r.allowed);
      expect(r.ttl).toBeGreaterThan(0);
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    }
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
  });

  it('allows exactly N of 50 concurrent requests', async () => {
    const results = await Promise.all(pool.map((c) => fixedWindowHit(c, k('rate:api:burst:1'), 10, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(await redis.ttl(k('rate:api:burst:1'))).toBeGreaterThan(0);
  });

  it('the naive version can leave a counter without TTL; the script repairs it', async () => {
    const crashed = await fixedWindowNaive(redis, k('rate:api:crash:1'), 5, 60, true);
    expect(crashed.ttl).toBe(-1);
    const healed = await fixedWindowHit(redis, k('rate:api:crash:1'), 5, 60);
    expect(healed.count).toBe(2);
    expect(healed.ttl).toBeGreaterThan(0);
  });

  it('SET … NX then INCR loses the TTL when the window ends between the two commands; MULTI + EXPIRE NX cannot', async () => {
    const gap = await fixedWindowSetNxThenIncr(redis, k('rate:api:gap:1'), 5, 1, 5);
    expect(gap).toEqual({ allowed: true, count: 1, ttl: -1 });
    expect(await redis.ttl(k('rate:api:gap:1'))).toBe(-1);
    if (!versionAtLeast(sb.target.version, '7.0.0')) return;
    // The same 1 ms window, ended the same way, then the airtight version: it finds no TTL and sets one.
    await redis.set(k('rate:api:gap:2'), '0', 'PX', 1, 'NX');
    await new Promise((r) => setTimeout(r, 5));
    const safe = await fixedWindowHitMulti(redis, k('rate:api:gap:2'), 5, 60);
    expect(safe.count).toBe(1);
    expect(safe.ttl).toBeGreaterThan(0);
  });

  it('MULTI + EXPIRE NX counts and sets the TTL once (Redis 7.0+)', async () => {
    if (!versionAtLeast(sb.target.version, '7.0.0')) {
      await expect(fixedWindowHitMulti(redis, k('rate:api:multi:1'), 3, 60)).rejects.toThrow();
      return;
    }
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await fixedWindowHitMulti(redis, k('rate:api:multi:1'), 3, 60));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.every((r) => r.ttl > 0)).toBe(true);
  });

  it('failed logins block the IP at the limit, with a TTL on both keys', async () => {
    const opts = { maxFailures: 3, windowSeconds: 900, blockSeconds: 600 };
    const r1 = await recordFailedLogin(redis, k('failed_login:ip'), k('blocked_ip:ip'), opts);
    expect(r1).toEqual({ failures: 1, blocked: false });
    expect(await redis.ttl(k('failed_login:ip'))).toBeGreaterThan(890);
    expect(await blockedFor(redis, k('blocked_ip:ip'))).toBe(0);
    await recordFailedLogin(redis, k('failed_login:ip'), k('blocked_ip:ip'), opts);
    const r3 = await recordFailedLogin(redis, k('failed_login:ip'), k('blocked_ip:ip'), opts);
    expect(r3).toEqual({ failures: 3, blocked: true });
    const wait = await blockedFor(redis, k('blocked_ip:ip'));
    expect(wait).toBeGreaterThan(590);
    expect(wait).toBeLessThanOrEqual(600);
  });
});

describe('flash sale', () => {
  const sale = { product: 'P9', price: '9.99', stock: 5, perUser: 2 };

  it('enforces the per-user limit under 20 concurrent requests from one user', async () => {
    await startFlashSale(redis, k('flash:s'), k('flash:s:buyers'), { ...sale, stock: 100 }, 3600);
    const results = await Promise.all(pool.slice(0, 20).map((c) => flashBuy(c, k('flash:s'), k('flash:s:buyers'), 'bot')));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.reason === 'limit')).toHaveLength(18);
    expect(await unitsSold(redis, k('flash:s:buyers'))).toBe(2);
    expect(await redis.hget(k('flash:s'), 'stock')).toBe('98');
    const buyersTtl = await redis.ttl(k('flash:s:buyers'));
    expect(buyersTtl).toBeGreaterThan(0);
    expect(buyersTtl).toBeLessThanOrEqual(await redis.ttl(k('flash:s')));
  });

  it('refuses when sold out and when the sale has ended', async () => {
    await startFlashSale(redis, k('flash:t'), k('flash:t:buyers'), { ...sale, stock: 1 }, 3600);
    expect(await flashBuy(redis, k('flash:t'), k('flash:t:buyers'), 'a')).toEqual({ ok: true, stockLeft: 0 });
    expect(await flashBuy(redis, k('flash:t'), k('flash:t:buyers'), 'b')).toEqual({ ok: false, reason: 'sold-out' });
    await redis.unlink(k('flash:t'));
    expect(await flashBuy(redis, k('flash:t'), k('flash:t:buyers'), 'b')).toEqual({ ok: false, reason: 'ended' });
  });
});

describe('notifications', () => {
  it('a subscriber on another connection receives the pushed notification; nobody listening means it is lost live but kept in the stream', async () => {
    const sub = await subscribe(pool[0]!, k('live:u'));
    let firstId: string;
    try {
      const sent = await pushNotification(redis, k('notifications:u'), k('live:u'), { type: 'shipped', order: '7' }, 1000);
      expect(sent.receivers).toBe(1);
      const got = await sub.next(2000);
      expect(got).not.toBeNull();
      expect(JSON.parse(got!.message)).toEqual({ id: sent.id, type: 'shipped', order: '7' });
      firstId = sent.id;
    } finally {
      await sub.close();
    }
    // The connection is usable again after unsubscribing.
    expect(await pool[0]!.ping()).toBe('PONG');
    const missed = await pushNotification(redis, k('notifications:u'), k('live:u'), { type: 'promo' }, 1000);
    expect(missed.receivers).toBe(0);
    const caughtUp = await readSince(redis, k('notifications:u'), firstId);
    expect(caughtUp).toEqual([{ id: missed.id, fields: { type: 'promo' } }]);
  });
});

describe('analytics', () => {
  it('HyperLogLog counts unique visitors within 2 % and merges days', async () => {
    const day1 = Array.from({ length: 3000 }, (_, i) => `v${i}`);
    const day2 = Array.from({ length: 3000 }, (_, i) => `v${i + 2000}`);
    await addVisitors(redis, k('hll:1'), day1, { exactSetKey: k('set:1') });
    await addVisitors(redis, k('hll:2'), day2);
    expect(await redis.scard(k('set:1'))).toBe(3000);
    expect(Math.abs((await redis.pfcount(k('hll:1'))) - 3000) / 3000).toBeLessThan(0.02);
    expect(Math.abs((await redis.pfcount(k('hll:1'), k('hll:2'))) - 5000) / 5000).toBeLessThan(0.02);
    const hll = Number(await redis.call('MEMORY', 'USAGE', k('hll:1')));
    const set = Number(await redis.call('MEMORY', 'USAGE', k('set:1')));
    expect(hll).toBeLessThan(set);
  });

  it('recordVisit feeds the funnel, metrics and top products consistently', async () => {
    const keys = { metrics: k('m'), funnel: k('f'), topProducts: k('top') };
    await recordVisit(redis, keys, { reached: 'purchased', pageViews: 3, product: 'P1', price: 19.99 });
    await recordVisit(redis, keys, { reached: 'added_to_cart', pageViews: 2, product: 'P2', price: 5 });
    await recordVisit(redis, keys, { reached: 'viewed', pageViews: 1, product: 'P3', price: 5 });
    const report = await funnelReport(redis, keys.funnel);
    expect(report.map((r) => r.count)).toEqual([3, 2, 1, 1]);
    expect(report[1]!.fromPrevious).toBeCloseTo(2 / 3);
    expect(report[3]!.fromStart).toBeCloseTo(1 / 3);
    expect(await redis.hmget(keys.metrics, 'page_views', 'orders', 'revenue_cents')).toEqual(['6', '1', '1999']);
    expect(Number(await redis.zscore(keys.topProducts, 'P1'))).toBeCloseTo(19.99);
  });

  it('seededRandom is deterministic and in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the lesson’s steps on the engine', () => {
  let ctx: OwnedContext;
  let lsb: Sandbox;

  beforeAll(async () => {
    // A private server: the learner's path runs scripts (EVAL) only there, as it does for a learner without --url.
    lsb = await openPrivateSandbox('ecomlesson:');
    ctx = createContext(lsb, { scope: ecommerceLesson.id, write: () => {} });
  });

  afterAll(async () => {
    await ctx.dispose();
    await lsb.reset(ecommerceLesson.id);
    await lsb.close();
  });

  function exercise(id: string): ExerciseStep {
    const step = ecommerceLesson.steps.find((s) => s.id === id);
    if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
    return step;
  }

  /** The exercise's setup, then these lines typed by a learner (through the learner's path), then its check. */
  function attempt(id: string, lines: string[]): Promise<CheckResult> {
    return attemptExercise(exercise(id), { sb: lsb, ctx, scope: ecommerceLesson.id }, lines);
  }

  function race(id: string): RaceStep {
    const step = ecommerceLesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === id);
    if (!step) throw new Error(`no race ${id}`);
    return step;
  }

  describe('races: each variant starts from its own state', () => {
    it('inventory: every variant counts its own sales; WATCH and the script sell exactly the 10 units', async () => {
      const rows = (await runRace(race('inventory-race'), { ctx, print: () => {} })).race ?? [];
      expect(rows.map((r) => r.label)).toEqual(['GET, check, DECR', 'WATCH / MULTI / EXEC', 'Lua check-and-decrement']);
      // The naive version sells at least the stock (a buyer is refused only after 10 DECRs), usually more.
      expect(rows[0]!.actual).toBeGreaterThanOrEqual(10);
      for (const r of rows.filter((x) => x.atomic)) expect(r).toMatchObject({ expected: 10, actual: 10, unit: 'units sold' });
    });

    it('stampede: plain cache-aside queries the database more than once; with the lock, its own database is queried once', async () => {
      const rows = (await runRace(race('stampede'), { ctx, print: () => {} })).race ?? [];
      const [naive, locked] = rows;
      expect(naive).toMatchObject({ atomic: false, expected: 1 });
      expect(naive!.actual).toBeGreaterThan(1);
      expect(locked).toMatchObject({ atomic: true, expected: 1, actual: 1, unit: 'database queries' });
    });

    it('cart merge and flash sale: the scripts lose nothing', async () => {
      for (const id of ['cart-merge-race', 'flash-sale-race']) {
        const rows = (await runRace(race(id), { ctx, print: () => {} })).race ?? [];
        for (const r of rows.filter((x) => x.atomic)) expect({ id, actual: r.actual }).toEqual({ id, actual: r.expected });
      }
    });
  });

  describe('exercise checks reject wrong answers', () => {
    it('session: HSET without sliding the TTL fails', async () => {
      expect((await attempt('session-slide', ['HSET {ns}session:sess-77 last_page /cart'])).pass).toBe(false);
      expect((await attempt('session-slide', exercise('session-slide').solution)).pass).toBe(true);
    });

    it('inventory: DECRBY + HSET outside a script fails; a script that oversells fails', async () => {
      const outside = await attempt('inventory-reserve', ['DECRBY {ns}inventory:PROD-9 2', 'HSET {ns}reservations:PROD-9 order-1001 2']);
      expect(outside.pass).toBe(false);
      const wrongAmount = await attempt('inventory-reserve', [
        `EVAL "redis.call('DECRBY', KEYS[1], 3) redis.call('HSET', KEYS[2], 'order-1001', 2)" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9`,
      ]);
      expect(wrongAmount.pass).toBe(false);
    });

    it('rate window: INCR then EXPIRE, and SET … NX then INCR, reach the same state but fail (two commands); MULTI + EXPIRE NX passes', async () => {
      const r = await attempt('rate-window', ['INCR {ns}rate:api:k-42:28500000', 'EXPIRE {ns}rate:api:k-42:28500000 60']);
      expect(r.pass).toBe(false);
      expect(r.actual).toContain('INCR and EXPIRE ran as two commands');
      const setNx = await attempt('rate-window', ['SET {ns}rate:api:k-42:28500000 0 EX 60 NX', 'INCR {ns}rate:api:k-42:28500000']);
      expect(setNx.pass).toBe(false);
      expect(setNx.actual).toContain('SET … NX and INCR ran as two commands');
      const restarted = await attempt('rate-window', [
        'INCR {ns}rate:api:k-42:28500000',
        'UNLINK {ns}rate:api:k-42:28500000',
        'MULTI',
        'INCR {ns}rate:api:k-42:28500000',
        'EXPIRE {ns}rate:api:k-42:28500000 60 NX',
        'EXEC',
      ]);
      expect(restarted).toMatchObject({ pass: true });
      const script = await attempt('rate-window', [
        `EVAL "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], 60) end return n" 1 {ns}rate:api:k-42:28500000`,
      ]);
      expect(script).toMatchObject({ pass: true });
    });

    it('inventory: a script that decrements without checking is tried with 1 unit left and fails; the real keys are left as they were', async () => {
      const unchecked = await attempt('inventory-reserve', [
        `EVAL "redis.call('DECRBY', KEYS[1], ARGV[1]) return redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ]);
      expect(unchecked.pass).toBe(false);
      expect(unchecked.actual).toMatch(/with 1 unit left, your script reserved anyway \(stock -1\)/);
      expect(await lsb.admin.get('ecomlesson:inventory:PROD-9')).toBe('3');
      expect(await lsb.admin.hgetall('ecomlesson:reservations:PROD-9')).toEqual({ 'order-1001': '2' });
      expect(await lsb.admin.exists('ecomlesson:inventory:PROD-9:probe', 'ecomlesson:reservations:PROD-9:probe')).toBe(0);
      const checked = await attempt('inventory-reserve', [
        `EVAL "if tonumber(redis.call('GET', KEYS[1])) < tonumber(ARGV[1]) then return -1 end redis.call('DECRBY', KEYS[1], ARGV[1]) return redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])" 2 {ns}inventory:PROD-9 {ns}reservations:PROD-9 2 order-1001`,
      ]);
      expect(checked).toMatchObject({ pass: true });
    });

    it('cache search: a SET … NX EX after SET … NX + EXPIRE does nothing and does not count', async () => {
      const r = await attempt('cache-search', [
        `SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' NX`,
        'EXPIRE {ns}search:desk-lamp:page:1 300',
        `SET {ns}search:desk-lamp:page:1 '["PROD-12","PROD-31"]' EX 300 NX`,
      ]);
      expect(r.pass).toBe(false);
      expect(r.actual).toContain('created by SET … NX with no expiry');
    });

    it('stores: distances typed back in by hand fail, naming the server-side command', async () => {
      const stores = await attempt('stores-near-me', [
        'ZADD {ns}stores:near-user-7 0.5938 alexanderplatz 2.2784 potsdamer-platz 2.3387 kreuzberg 2.4500 prenzlauer-berg',
      ]);
      expect(stores.pass).toBe(false);
      expect(stores.actual).toContain('you typed the result in with ZADD');
      expect(stores.expected).toContain('GEOSEARCHSTORE');
    });

    it('stores: GEOSEARCHSTORE without STOREDIST fails (the scores are geohashes)', async () => {
      // The stores come from the run step before the exercise; its setup recreates them.
      const r = await attempt('stores-near-me', [
        'GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC',
      ]);
      expect(r.pass).toBe(false);
      expect(r.actual).toContain('geohashes');
    });

    it('recommendations: equal weights fail', async () => {
      const r = await attempt('recs-weights', ['ZUNIONSTORE {ns}recs:user-7 2 {ns}also_viewed:PROD-4 {ns}also_viewed:PROD-8']);
      expect(r.pass).toBe(false);
    });

    it('notifications: approximate trimming leaves more than 5 entries and fails', async () => {
      const r = await attempt('notify-stream', ['XADD {ns}notifications:user-7 MAXLEN ~ 5 * type shipped order 1001']);
      expect(r.pass).toBe(false);
    });
  });

  describe('hash-field TTLs (Redis 7.4+), where the server has them', () => {
    it('cart-coupon: EXPIRE on the cart, HSET without a TTL, a TTL cleared by HSET, every field, minutes: all fail; HEXPIRE passes', async () => {
      // On a server without HEXPIRE the step is skipped; the runLesson test below covers that path.
      if (!lsb.table.has('hexpire')) return;
      const step = exercise('cart-coupon');
      for (const w of step.wrong) expect({ w, pass: (await attempt('cart-coupon', w)).pass }).toEqual({ w, pass: false });
      expect((await attempt('cart-coupon', step.solution)).pass).toBe(true);
      expect((await attempt('cart-coupon', ['EXPIRE {ns}cart:user-88 900'])).actual).toContain('the whole cart expires');
      const cleared = await attempt('cart-coupon', [
        'HEXPIRE {ns}cart:user-88 900 FIELDS 1 coupon',
        'HSET {ns}cart:user-88 coupon SPRING15',
      ]);
      expect(cleared.actual).toContain('overwriting a field clears its TTL');
      // Other ways to the same state pass: milliseconds, and HSETEX (Redis 8.0) rewriting the field with its TTL.
      expect((await attempt('cart-coupon', ['HPEXPIRE {ns}cart:user-88 900000 FIELDS 1 coupon'])).pass).toBe(true);
      if (lsb.table.has('hsetex')) {
        expect((await attempt('cart-coupon', ['HSETEX {ns}cart:user-88 EX 900 FIELDS 1 coupon SPRING15'])).pass).toBe(true);
      }
    });
  });
});

/** A learner typing `lines`, one per prompt. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function only(...ids: string[]): Lesson {
  return { ...ecommerceLesson, steps: ecommerceLesson.steps.filter((s) => ids.includes(s.id)) };
}

describe('the rate limit, as a learner meets it', () => {
  it('the lesson shows SET … PX 1 NX then INCR leaving a counter with no TTL, on the real server', async () => {
    const lines: string[] = [];
    // Narration is wrapped to the screen: read it as one line per output call, as the next test does.
    await runLesson(only('rate-limit'), sb, { mode: 'auto', out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')) });
    const out = lines.join('\n');
    const key = k(RATE_GAP_KEY);
    expect(out).toContain(`SET ${key} 0 PX 1 NX`);
    expect(out).toMatch(new RegExp(`TTL ${key}\\s+\\(integer\\) -1`));
    expect(out).toContain('count 1, TTL -1: the window ended between the two commands');
    expect(await redis.get(key)).toBe('1');
    expect(await redis.ttl(key)).toBe(-1);
    await sb.reset(ecommerceLesson.id);
  });

  it('typing SET … EX 60 NX then INCR is refused with the reason, and MULTI + INCR + EXPIRE NX earns the points', async () => {
    if (!versionAtLeast(sb.target.version, '7.0.0')) return;
    const key = k('rate:api:k-42:28500000');
    const lines: string[] = [];
    const result = await runLesson(only('rate-window'), sb, {
      mode: 'stdin',
      input: scriptedInput([
        `SET ${key} 0 EX 60 NX`,
        `INCR ${key}`,
        `UNLINK ${key}`,
        'MULTI',
        `INCR ${key}`,
        `EXPIRE ${key} 60 NX`,
        'EXEC',
      ]),
      out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')),
    });
    // After the INCR the state is right (1, TTL 60): the "not yet" line is about how it was made.
    const twoCommands = lines.find((l) => l.includes('not yet:') && l.includes('SET … NX and INCR ran as two commands'));
    expect(twoCommands).toContain(`expected INCR and EXPIRE … NX on ${key} in one MULTI … EXEC, or in one script`);
    expect(twoCommands).toContain('INCR recreates it with no TTL');
    const ex = result.steps.find((s) => s.id === 'rate-window')!;
    expect(ex).toMatchObject({ passed: true, points: 2 });
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    await sb.reset(ecommerceLesson.id);
  });
});

describe('steps that need a newer server: shown where the commands exist, skipped without cost elsewhere', () => {
  it('field TTLs and vector sets run on a server that has them; elsewhere they are reported unavailable and the score still equals maxScore', async () => {
    const lines: string[] = [];
    const lesson = only('session-slide', 'cart-coupon-ttl', 'cart-coupon', 'similar-products');
    const result = await runLesson(lesson, sb, { mode: 'auto', out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')) });
    const out = lines.join('\n');
    const step = (id: string) => result.steps.find((s) => s.id === id)!;
    expect(result.score).toBe(result.maxScore);
    expect(step('session-slide')).toMatchObject({ passed: true, points: 2 });

    if (sb.table.has('hexpire')) {
      expect(step('cart-coupon-ttl').unavailable).toBeUndefined();
      expect(out).toContain(`HPERSIST ${k('cart:user-55')} FIELDS 1 coupon`);
      expect(out).toContain('the coupon field expired on its own');
      expect(await redis.hgetall(k('cart:user-55'))).toEqual({ 'PROD-7': '2', 'PROD-12': '1' });
      expect(await redis.ttl(k('cart:user-55'))).toBe(-1);
      expect(step('cart-coupon')).toMatchObject({ passed: true, points: 3 });
      expect(result.maxScore).toBe(5);
    } else {
      for (const id of ['cart-coupon-ttl', 'cart-coupon']) expect(step(id).unavailable).toContain('needs Redis 7.4 or later');
      expect(step('cart-coupon')).toMatchObject({ points: 0, maxPoints: 3 });
      expect(out).toContain('skipped: this step needs Redis 7.4 or later');
      expect(await redis.exists(k('cart:user-55'), k('cart:user-88'))).toBe(0);
      expect(result.maxScore).toBe(2);
    }

    if (sb.table.has('vadd')) {
      expect(step('similar-products').unavailable).toBeUndefined();
      const key = k('vectors:products');
      expect(await redis.call('VCARD', key)).toBe(6);
      // The nearest to the desk lamp are itself and the other lights; the price filter drops the floor lamp.
      expect(await redis.call('VSIM', key, 'ELE', 'desk-lamp', 'COUNT', '3')).toEqual(['desk-lamp', 'floor-lamp', 'candle']);
      expect(await redis.call('VSIM', key, 'ELE', 'desk-lamp', 'COUNT', '3', 'FILTER', '.price < 50')).toEqual([
        'desk-lamp',
        'candle',
        'teapot',
      ]);
      expect(out).toContain(`VSIM ${key} VALUES 3 1 9 0 COUNT 2`);
    } else {
      expect(step('similar-products').unavailable).toContain('needs Redis 8 (vector sets are built in; Valkey 8 has none)');
      expect(out).toContain('skipped: this step needs Redis 8');
    }
    await sb.reset(ecommerceLesson.id);
  });
});
