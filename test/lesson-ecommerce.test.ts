// The ecommerce lesson against a real server: its own props, its races, its exercises' checks, and runLesson as a learner meets it.
// The patterns it teaches (sessions, carts, cache-aside, inventory, rate limits, flash sale, notifications, HyperLogLog)
// are tested in test/patterns/.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { ecommerceLesson, RATE_GAP_KEY } from '../src/lessons/ecommerce/index.js';
import { funnelReport, recordVisit } from '../src/lessons/ecommerce/lib/analytics.js';
import { mulberry32 as seededRandom } from '../src/util/random.js';
import { versionAtLeast } from '../src/redis/capabilities.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox, scriptedInput } from './helpers.js';

const NS = 'ecom:';
let sb: Sandbox;
let redis: Redis;
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
});

afterAll(async () => {
  await wipe();
  await sb.close();
});

beforeEach(wipe);

describe('the lesson’s props: analytics and seeded data', () => {
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
