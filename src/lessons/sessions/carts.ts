// Carts: a hash product → quantity changed with HINCRBY, a line removed in two commands losing a concurrent add, the
// library's cart functions, a guest cart merged at login (client-side: twice per extra tab; the script: once), and an
// exercise that merges with WATCH + MULTI.
import { custom, ranCommands, writesTo } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { mergeCartsNaive } from '../../antipatterns/cart.js';
import { addToCartNaive } from '../../antipatterns/sessions.js';
import { addToCart, cartUnits, getCart, mergeCarts, sleep } from '../../patterns/index.js';
import { fieldsOf, guardedTransactions, listed, SCRIPT_CALL } from './checks.js';
import {
  LINE_RACE_ADD_DELAY_MS,
  LINE_RACE_LINES,
  LINE_RACE_PAUSE_MS,
  MERGE_LOGINS,
  RACE_GUEST_CART,
  RACE_USER_CART,
  sumOf,
} from './shared.js';

type Verdict = { pass: boolean; actual: string };

const ADD_KEY = 'sessions:cart:guest-7';
const ADD_START = { 'PROD-1': '2', 'PROD-2': '1' };
const ADD_WANT: Record<string, string> = { 'PROD-1': '5', 'PROD-3': '1' };

const GUEST = 'sessions:cart:guest-9f2';
const USER = 'sessions:cart:user-42';
const GUEST_START = { 'PROD-7': '2', 'PROD-12': '1' };
const USER_START = { 'PROD-7': '1', 'PROD-30': '1' };
const MERGED: Record<string, string> = { 'PROD-7': '3', 'PROD-12': '1', 'PROD-30': '1' };

const HAND_SET = /^(HSET|HMSET|HSETNX)$/;

const show = (h: Record<string, string>) =>
  Object.keys(h).length
    ? Object.entries(h)
        .map(([f, v]) => `${f}=${v}`)
        .join(' ')
    : '(empty)';

/** The hash holds exactly `want`, or a sentence saying how it differs. */
function sameHash(got: Record<string, string>, want: Record<string, string>): string | null {
  const fields = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
  const off = fields.filter((f) => got[f] !== want[f]);
  return off.length ? off.map((f) => `${f} = ${got[f] ?? '(none)'}${want[f] ? ` (want ${want[f]})` : ' (want no line)'}`).join(', ') : null;
}

/** cart-add: PROD-1 at 5 and PROD-3 at 1, both changed by HINCRBY (not typed by hand), and no PROD-2 line left at 0. */
async function cartAdded(ctx: LessonContext): Promise<Verdict> {
  const key = ctx.key(ADD_KEY);
  const type = await ctx.unrecorded.type(key);
  if (type !== 'hash') return { pass: false, actual: type === 'none' ? `${key} is gone` : `${key} is a ${type}` };
  const cart = await ctx.unrecorded.hgetall(key);
  if (cart['PROD-2'] !== undefined && Number(cart['PROD-2']) <= 0) {
    return {
      pass: false,
      actual: `PROD-2 = ${cart['PROD-2']}: a line at 0 stays in the hash (and on the cart page) until HDEL removes it`,
    };
  }
  const writes = writesTo(ctx, key);
  const hand = writes.find((c) => HAND_SET.test(c.name) && fieldsOf(c).some((f) => f === 'PROD-1' || f === 'PROD-3'));
  if (hand) {
    return {
      pass: false,
      actual: `${hand.command}: you worked out the quantity yourself and wrote it; a second tab adding at the same moment would be overwritten. HINCRBY adds on the server (:reset to start over)`,
    };
  }
  const diff = sameHash(cart, ADD_WANT);
  if (diff) return { pass: false, actual: diff };
  return { pass: true, actual: `${show(cart)}, by ${listed(writes)}` };
}

/** cart-merge: the user cart merged, the guest cart gone, both in one EXEC guarded by a WATCH on the guest cart. */
async function mergedUnderWatch(ctx: LessonContext): Promise<Verdict> {
  const guest = ctx.key(GUEST);
  const user = ctx.key(USER);
  const restart = ' (:reset to start over)';
  const userType = await ctx.unrecorded.type(user);
  if (userType !== 'hash') return { pass: false, actual: userType === 'none' ? `${user} is gone` : `${user} is a ${userType}` };
  const cart = await ctx.unrecorded.hgetall(user);
  const diff = sameHash(cart, MERGED);
  if (diff) return { pass: false, actual: `${user}: ${diff}` };
  if (await ctx.unrecorded.exists(guest)) {
    return { pass: false, actual: `${guest} still exists: the next login (or another tab) would merge it a second time${restart}` };
  }
  const ran = ranCommands(ctx.history);
  const writes = ran.filter((c) => c.keys.includes(user) && c.write);
  const script = writes.find((c) => SCRIPT_CALL.test(c.name));
  if (script) return { pass: true, actual: `${script.name} merged on the server as one unit` };
  const hand = writes.find((c) => HAND_SET.test(c.name));
  if (hand) {
    return {
      pass: false,
      actual: `${hand.command}: you typed the totals yourself; an item the user's other tab added meanwhile would be overwritten, where HINCRBY adds to what is there${restart}`,
    };
  }
  const dropped = ran.find((c) => /^(DEL|UNLINK)$/.test(c.name) && c.keys.includes(guest) && Number(c.reply) > 0);
  if (!dropped) return { pass: false, actual: `${guest} was not deleted by a command of yours` };
  const adds = writes.filter((c) => c.name === 'HINCRBY');
  if (dropped.transaction === null || adds.some((c) => c.transaction !== dropped.transaction)) {
    return {
      pass: false,
      actual: `${listed([...adds, dropped])}: the additions and the deletion ran as separate steps; a login in between merges the same items again. Queue them in one MULTI … EXEC${restart}`,
    };
  }
  const guard = guardedTransactions(ctx, guest).get(dropped.transaction);
  if (!guard?.watched) {
    return {
      pass: false,
      actual: `the transaction was not guarded: two logins that both read the guest cart both add it; WATCH ${guest} before you read it, so EXEC refuses when the cart changed${restart}`,
    };
  }
  if (!guard.readAfterWatch) {
    return {
      pass: false,
      actual: `you did not read ${guest} after WATCH: the amounts must come from what it holds then (HGETALL), not from memory${restart}`,
    };
  }
  return { pass: true, actual: `WATCH, HGETALL, then ${listed([...adds, dropped])} in one EXEC` };
}

async function setupMergeRace(ctx: LessonContext, variant: string): Promise<void> {
  const guest = ctx.key(`sessions:cart:race-guest-${variant}`);
  const user = ctx.key(`sessions:cart:race-user-${variant}`);
  await ctx.claim([guest, user]);
  await ctx.unrecorded.unlink(guest, user);
  await ctx.unrecorded.hset(guest, RACE_GUEST_CART);
  await ctx.unrecorded.hset(user, RACE_USER_CART);
}

async function measureMergeRace(ctx: LessonContext, variant: string) {
  const user = ctx.key(`sessions:cart:race-user-${variant}`);
  const units = await cartUnits(ctx.unrecorded, user);
  const cart = await ctx.unrecorded.hgetall(user);
  ctx.say(`${variant === 'naive' ? 'client-side merge' : 'mergeCarts'}: {ns}sessions:cart:race-user-${variant} = ${show(cart)}`);
  return { expected: sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART), actual: units, unit: 'units in cart' };
}

const lineKey = (ctx: LessonContext, variant: string) => ctx.key(`sessions:cart:lines-${variant}`);

async function setupLineRace(ctx: LessonContext, variant: string): Promise<void> {
  const key = lineKey(ctx, variant);
  await ctx.claim([key]);
  await ctx.unrecorded.unlink(key);
  const lines: Record<string, string> = {};
  for (let i = 1; i <= LINE_RACE_LINES; i++) lines[`PROD-${i}`] = '1';
  await ctx.unrecorded.hset(key, lines);
}

async function measureLineRace(ctx: LessonContext, variant: string) {
  const key = lineKey(ctx, variant);
  const lines = await ctx.unrecorded.hlen(key);
  const units = await cartUnits(ctx.unrecorded, key);
  ctx.say(`${variant === 'naive' ? 'HINCRBY, then HDEL' : 'addToCart'}: ${count(lines, 'line')} left of ${LINE_RACE_LINES}`);
  return { expected: LINE_RACE_LINES, actual: units, unit: 'units in cart' };
}

/** Client i works on line i / 2: even clients press "−", odd ones press "+" a moment later in another tab. */
const lineOf = (i: number) => `PROD-${Math.floor(i / 2) + 1}`;

const lineRace: RaceSpec<undefined> = {
  id: 'cart-line-race',
  kind: 'race',
  clients: LINE_RACE_LINES * 2,
  variants: [
    {
      label: 'HINCRBY, then HDEL at 0',
      atomic: false,
      setup: (ctx) => setupLineRace(ctx, 'naive'),
      async worker(client, i, ctx) {
        if (i % 2 === 0) await addToCartNaive(client, lineKey(ctx, 'naive'), lineOf(i), -1, LINE_RACE_PAUSE_MS);
        else {
          await sleep(LINE_RACE_ADD_DELAY_MS);
          await addToCartNaive(client, lineKey(ctx, 'naive'), lineOf(i), 1);
        }
      },
      measure: (ctx) => measureLineRace(ctx, 'naive'),
    },
    {
      label: 'addToCart (one script)',
      atomic: true,
      setup: (ctx) => setupLineRace(ctx, 'script'),
      async worker(client, i, ctx) {
        if (i % 2 === 0) await addToCart(client, lineKey(ctx, 'script'), lineOf(i), -1);
        else {
          await sleep(LINE_RACE_ADD_DELAY_MS);
          await addToCart(client, lineKey(ctx, 'script'), lineOf(i), 1);
        }
      },
      measure: (ctx) => measureLineRace(ctx, 'script'),
    },
  ],
};

const mergeRace: RaceSpec<undefined> = {
  id: 'cart-merge-race',
  kind: 'race',
  clients: MERGE_LOGINS,
  variants: [
    {
      label: 'HGETALL, HINCRBY each, UNLINK',
      atomic: false,
      setup: (ctx) => setupMergeRace(ctx, 'naive'),
      async worker(client, _i, ctx) {
        await mergeCartsNaive(client, ctx.key('sessions:cart:race-guest-naive'), ctx.key('sessions:cart:race-user-naive'));
      },
      measure: (ctx) => measureMergeRace(ctx, 'naive'),
    },
    {
      label: 'mergeCarts (one script)',
      atomic: true,
      setup: (ctx) => setupMergeRace(ctx, 'script'),
      async worker(client, _i, ctx) {
        await mergeCarts(client, ctx.key('sessions:cart:race-guest-script'), ctx.key('sessions:cart:race-user-script'));
      },
      measure: (ctx) => measureMergeRace(ctx, 'script'),
    },
  ],
};

export const cartSteps: StepSpec[] = [
  {
    id: 'cart-basics',
    kind: 'run',
    commands: [
      'HINCRBY {ns}sessions:cart:demo PROD-7 2',
      'HINCRBY {ns}sessions:cart:demo PROD-12 1',
      'HINCRBY {ns}sessions:cart:demo PROD-7 1',
      'HINCRBY {ns}sessions:cart:demo PROD-12 -1',
      'HGETALL {ns}sessions:cart:demo',
      'HDEL {ns}sessions:cart:demo PROD-12',
      'HGETALL {ns}sessions:cart:demo',
    ],
  },
  {
    id: 'cart-add',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, [ADD_KEY], (k) => ctx.unrecorded.hset(k(ADD_KEY), ADD_START)),
    check: expanded(custom(`{ns}${ADD_KEY} = PROD-1=5 PROD-3=1, counted on the server with HINCRBY, no line left at 0`, cartAdded)),
    hints: [
      'HINCRBY adds to a field (creating it at 0 first if needed) and replies with the new quantity; a negative number takes units away.',
      'HINCRBY key field increment   ·   HDEL key field   (when a line reaches 0)',
    ],
    solution: [
      `HINCRBY {ns}${ADD_KEY} PROD-1 3`,
      `HINCRBY {ns}${ADD_KEY} PROD-3 1`,
      `HINCRBY {ns}${ADD_KEY} PROD-2 -1`,
      `HDEL {ns}${ADD_KEY} PROD-2`,
    ],
    wrong: [
      // The quantities worked out by hand and written over whatever is there.
      [`HSET {ns}${ADD_KEY} PROD-1 5 PROD-3 1`, `HDEL {ns}${ADD_KEY} PROD-2`],
      // The line at 0 stays.
      [`HINCRBY {ns}${ADD_KEY} PROD-1 3`, `HINCRBY {ns}${ADD_KEY} PROD-3 1`, `HINCRBY {ns}${ADD_KEY} PROD-2 -1`],
    ],
  },
  lineRace,
  {
    id: 'cart-library',
    kind: 'code',
    async run(ctx) {
      const guest = ctx.key('sessions:cart:guest-demo');
      const user = ctx.key('sessions:cart:user-demo');
      await ctx.claim([guest, user]);
      await ctx.unrecorded.unlink(guest, user);
      await addToCart(ctx.redis, guest, 'PROD-7', 2);
      await addToCart(ctx.redis, guest, 'PROD-12', 1);
      await addToCart(ctx.redis, user, 'PROD-7', 1);
      await addToCart(ctx.redis, user, 'PROD-30', 1);
      const before = { guest: await getCart(ctx.unrecorded, guest), user: await getCart(ctx.unrecorded, user) };
      const moved = await mergeCarts(ctx.redis, guest, user);
      const after = await getCart(ctx.redis, user);
      const again = await mergeCarts(ctx.redis, guest, user);
      const products = [...new Set([...Object.keys(before.guest), ...Object.keys(before.user)])].sort();
      ctx.table(
        ['product', 'guest cart', 'user cart before', 'user cart after'],
        products.map((p) => [p, before.guest[p] ?? '-', before.user[p] ?? '-', after[p] ?? '-']),
      );
      ctx.say(
        `mergeCarts moved ${count(moved, 'line')} and deleted the guest cart; a second login's mergeCarts moved ${count(again, 'line')}`,
      );
    },
  },
  mergeRace,
  {
    id: 'cart-merge',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [GUEST, USER], async (k) => {
        await ctx.unrecorded.hset(k(GUEST), GUEST_START);
        await ctx.unrecorded.hset(k(USER), USER_START);
      }),
    check: expanded(
      custom(`{ns}${USER} = ${show(MERGED)} and the guest cart gone, merged under WATCH in one MULTI … EXEC`, mergedUnderWatch),
    ),
    hints: [
      'Read the guest cart under WATCH; then queue the additions and the deletion in one MULTI. If another login changed the guest cart after your WATCH, EXEC replies (nil) and nothing runs: read again and retry.',
      `WATCH {ns}${GUEST} · HGETALL {ns}${GUEST} · MULTI · HINCRBY {ns}${USER} <product> <qty> (each line) · UNLINK {ns}${GUEST} · EXEC`,
    ],
    solution: [
      `WATCH {ns}${GUEST}`,
      `HGETALL {ns}${GUEST}`,
      'MULTI',
      `HINCRBY {ns}${USER} PROD-7 2`,
      `HINCRBY {ns}${USER} PROD-12 1`,
      `UNLINK {ns}${GUEST}`,
      'EXEC',
    ],
    wrong: [
      // Merged, but the guest cart is left behind for the next login to merge again.
      [`WATCH {ns}${GUEST}`, `HGETALL {ns}${GUEST}`, 'MULTI', `HINCRBY {ns}${USER} PROD-7 2`, `HINCRBY {ns}${USER} PROD-12 1`, 'EXEC'],
      // The totals typed by hand: right state, but a concurrent add to the user cart would be overwritten.
      [`WATCH {ns}${GUEST}`, `HGETALL {ns}${GUEST}`, 'MULTI', `HSET {ns}${USER} PROD-7 3 PROD-12 1`, `UNLINK {ns}${GUEST}`, 'EXEC'],
      // One MULTI, but no WATCH: two logins that both read the guest cart both add it.
      [`HGETALL {ns}${GUEST}`, 'MULTI', `HINCRBY {ns}${USER} PROD-7 2`, `HINCRBY {ns}${USER} PROD-12 1`, `UNLINK {ns}${GUEST}`, 'EXEC'],
      // No transaction at all: the client-side merge of the race above.
      [`HGETALL {ns}${GUEST}`, `HINCRBY {ns}${USER} PROD-7 2`, `HINCRBY {ns}${USER} PROD-12 1`, `UNLINK {ns}${GUEST}`],
    ],
  },
];
