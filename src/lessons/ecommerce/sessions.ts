// Sessions and carts: a session hash with a sliding TTL, carts as hashes merged at login by a script, and the race
// that shows a client-side merge adding the same items once per tab.
import { custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addToCart, cartUnits, mergeCarts, mergeCartsNaive, touchSession } from '../../patterns/ecommerce-cart.js';
import { CART_RACE_CLIENTS, RACE_GUEST_CART, RACE_USER_CART, sumOf } from './shop.js';

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
