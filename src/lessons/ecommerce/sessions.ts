// Sessions and carts: a session hash with a sliding TTL, carts as hashes merged at login by a script, and the race
// that shows a client-side merge adding the same items once per tab.
import { custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { mergeCartsNaive } from '../../antipatterns/cart.js';
import { addToCart, cartUnits, execAll, mergeCarts, touchSession } from '../../patterns/index.js';
import { CART_RACE_CLIENTS, RACE_GUEST_CART, RACE_USER_CART, sumOf } from './shop.js';

/** Per-field expiry (HEXPIRE, HPEXPIRE, HTTL, HPERSIST) arrived in Redis 7.4: Redis 7.0 and Valkey 8 have none of it. */
const FIELD_TTL = { commands: ['HEXPIRE', 'HPEXPIRE', 'HTTL', 'HPERSIST'], needs: 'Redis 7.4 or later' };
/** The coupon exercise's cart: two product lines and a coupon code. */
const COUPON_CART = { 'PROD-3': '1', 'PROD-9': '2', coupon: 'SPRING15' };
const COUPON_TTL = 900;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** HTTL of each field, as numbers (-1: no TTL, -2: no such field). */
async function fieldTtls(ctx: LessonContext, key: string, fields: string[]): Promise<number[]> {
  const reply = (await ctx.unrecorded.call('HTTL', key, 'FIELDS', String(fields.length), ...fields)) as unknown[];
  return reply.map(Number);
}

export const sessionSteps: StepSpec[] = [
  {
    id: 'session',
    kind: 'run',
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
      // The session logs in: its fields change and its idle timeout slides, in one step; a session that is gone
      // (expired since the step above) is not brought back by touchSession, so the lesson writes it anew.
      const fields = { user_id: '42', cart: 'user-42' };
      if (!(await touchSession(ctx.redis, ctx.key('session:'), 'abc123', fields, 1_800_000)))
        await execAll(ctx.redis.multi().hset(session, fields).expire(session, 1800));
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
  {
    id: 'cart-coupon-ttl',
    kind: 'code',
    requires: { commands: FIELD_TTL.commands, needs: FIELD_TTL.needs },
    async run(ctx) {
      const cart = ctx.key('cart:user-55');
      await ctx.claim([cart]);
      await ctx.unrecorded.unlink(cart);
      await ctx.redis.hset(cart, { 'PROD-7': '2', 'PROD-12': '1', coupon: 'SAVE10' });
      await ctx.redis.call('HEXPIRE', cart, '900', 'FIELDS', '1', 'coupon');
      await ctx.redis.call('HTTL', cart, 'FIELDS', '3', 'PROD-7', 'PROD-12', 'coupon');
      await ctx.redis.ttl(cart);
      await ctx.redis.call('HPERSIST', cart, 'FIELDS', '1', 'coupon');
      await ctx.redis.call('HTTL', cart, 'FIELDS', '1', 'coupon');
      ctx.say('HPERSIST took the deadline off: the coupon is permanent again. Now a 100 ms TTL, and a 250 ms wait:');
      await ctx.redis.call('HPEXPIRE', cart, '100', 'FIELDS', '1', 'coupon');
      await wait(250);
      await ctx.redis.hgetall(cart);
      const left = await ctx.unrecorded.hexists(cart, 'coupon');
      ctx.say(
        left
          ? 'the coupon is still there: the server has not expired it yet'
          : 'the coupon field expired on its own; the cart and its products are untouched (key TTL still -1)',
      );
    },
  },
  {
    id: 'cart-coupon',
    kind: 'exercise',
    points: 3,
    requires: { commands: ['HEXPIRE', 'HTTL'], needs: FIELD_TTL.needs },
    setup: (ctx) => fresh(ctx, ['cart:user-88'], (k) => ctx.unrecorded.hset(k('cart:user-88'), COUPON_CART)),
    check: expanded(
      custom(
        `{ns}cart:user-88: coupon expires in ${COUPON_TTL - 60}–${COUPON_TTL} s; the cart, PROD-3 and PROD-9 keep no TTL and their values`,
        async (ctx) => {
          const key = ctx.key('cart:user-88');
          const type = await ctx.unrecorded.type(key);
          if (type !== 'hash') return { pass: false, actual: type === 'none' ? `${key} is gone` : `${key} is a ${type}` };
          const cart = await ctx.unrecorded.hgetall(key);
          const changed = Object.entries(COUPON_CART).filter(([f, v]) => cart[f] !== v);
          if (changed.length) {
            return {
              pass: false,
              actual: `${changed.map(([f]) => `${f} = ${JSON.stringify(cart[f] ?? null)}`).join(', ')}: the cart's fields must keep their values`,
            };
          }
          const keyTtl = await ctx.unrecorded.pttl(key);
          if (keyTtl !== -1) {
            return {
              pass: false,
              actual: `the whole cart expires in ${Math.round(keyTtl / 1000)} s: EXPIRE sets the key's deadline, so the products would vanish with the coupon`,
            };
          }
          const [prod3, prod9, coupon] = await fieldTtls(ctx, key, ['PROD-3', 'PROD-9', 'coupon']);
          if (prod3 !== -1 || prod9 !== -1) {
            return {
              pass: false,
              actual: `PROD-3 TTL ${prod3}, PROD-9 TTL ${prod9}: only the coupon should expire, so name only it after FIELDS`,
            };
          }
          if (coupon === -1) {
            const ran = ranCommands(ctx.history);
            const lastExpire = ran.findLastIndex((c) => /^H(P)?EXPIRE(AT)?$/.test(c.name) && c.args[1] === key);
            const rewritten = lastExpire >= 0 && ran.slice(lastExpire + 1).some((c) => c.name === 'HSET' && c.args[1] === key);
            return {
              pass: false,
              actual: rewritten
                ? 'coupon has no TTL: the HSET after your HEXPIRE overwrote the field, and overwriting a field clears its TTL'
                : 'coupon has no TTL: HSET never sets one; HEXPIRE key seconds FIELDS 1 coupon does',
            };
          }
          if (coupon >= COUPON_TTL - 60 && coupon <= COUPON_TTL)
            return { pass: true, actual: `coupon expires in ${coupon} s; the cart and its products have no TTL` };
          return {
            pass: false,
            actual: `coupon expires in ${coupon} s: HEXPIRE takes seconds (HPEXPIRE milliseconds), and 15 minutes is ${COUPON_TTL}`,
          };
        },
      ),
    ),
    hints: [
      "Since Redis 7.4 a hash field can have its own TTL, separate from the key's. EXPIRE would end the whole cart.",
      'HEXPIRE key seconds FIELDS numfields field [field …]   (e.g. HEXPIRE {ns}cart:user-88 900 FIELDS 1 coupon)',
    ],
    solution: [`HEXPIRE {ns}cart:user-88 ${COUPON_TTL} FIELDS 1 coupon`],
    wrong: [
      // The key's TTL: in 15 minutes the products vanish along with the coupon.
      [`EXPIRE {ns}cart:user-88 ${COUPON_TTL}`],
      // Writing the field again sets no TTL.
      ['HSET {ns}cart:user-88 coupon SPRING15'],
      // The TTL is set, then the field is rewritten: the write clears it.
      [`HEXPIRE {ns}cart:user-88 ${COUPON_TTL} FIELDS 1 coupon`, 'HSET {ns}cart:user-88 coupon SPRING15'],
      // Every field named: the products expire too.
      [`HEXPIRE {ns}cart:user-88 ${COUPON_TTL} FIELDS 3 coupon PROD-3 PROD-9`],
      // Minutes where HEXPIRE wants seconds.
      ['HEXPIRE {ns}cart:user-88 15 FIELDS 1 coupon'],
    ],
  },
];

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
