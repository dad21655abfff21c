// Hash tags: a multi-key command across slots fails with CROSSSLOT, the same keys with a {tag} work, and the price (a
// hot tag puts a whole tenant on one node, counted per node). Exercises: MSET user 7's keys with a tag; count the keys
// of one slot (COUNTKEYSINSLOT, not DBSIZE).
import { custom, ranCommands } from '../../engine/checks.js';
import { expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { keySlot } from '../../lab/cluster-client.js';
import {
  admin,
  ANSWER_KEY,
  COUNT_OTHERS,
  COUNT_SESSIONS,
  COUNT_SLOT,
  COUNT_TAG,
  errorOf,
  formedOf,
  formedPrimary,
  HOT_KEYS,
  restore,
  USER_TAG,
  writeKeys,
} from './shared.js';

async function crossSlot(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const n1 = await ctx.lab!.client('node-1');
  const plain = [ctx.key('cluster:user:3:cart'), ctx.key('cluster:user:3:profile')];
  const err = await errorOf(n1.mset(plain[0]!, 'sku-9', plain[1]!, 'Grace'));
  ctx.say(
    `${err ?? 'accepted?'}: the two names hash to slots ${keySlot(plain[0]!)} and ${keySlot(plain[1]!)}. A cluster never runs ` +
      `one command across slots, even when both slots happen to sit on the same node: a slot can move on its own.`,
  );
  const tagged = [ctx.key('cluster:{user:3}:cart'), ctx.key('cluster:{user:3}:profile')];
  await n1.mset(tagged[0]!, 'sku-9', tagged[1]!, 'Grace');
  await n1.call('CLUSTER', 'KEYSLOT', tagged[0]!);
  await n1.call('CLUSTER', 'KEYSLOT', tagged[1]!);
  ctx.say(
    `With {user:3} in both names only "user:3" is hashed: slot ${keySlot(tagged[0]!)} for both, so MSET, MULTI, Lua and SUNIONSTORE work on them.`,
  );

  // The price: one tag, one slot, one node.
  const f = await formedOf(ctx);
  const before = await Promise.all(f.primaries.map(async (n) => Number(await (await admin(ctx, n)).dbsize())));
  const hot: Record<string, string> = {};
  for (let i = 0; i < HOT_KEYS; i++) hot[`cluster:{tenant:big}:event:${i}`] = 'x';
  await writeKeys(ctx, hot);
  const mid = await Promise.all(f.primaries.map(async (n) => Number(await (await admin(ctx, n)).dbsize())));
  const spread: Record<string, string> = {};
  for (let i = 0; i < HOT_KEYS; i++) spread[`cluster:tenant:small:event:${i}`] = 'x';
  await writeKeys(ctx, spread);
  const after = await Promise.all(f.primaries.map(async (n) => Number(await (await admin(ctx, n)).dbsize())));
  ctx.table(
    ['node', `${HOT_KEYS} keys tagged {tenant:big}`, `${HOT_KEYS} keys with no tag`],
    f.primaries.map((n, i) => [n, mid[i]! - before[i]!, after[i]! - mid[i]!]),
  );
  const hotNode = f.primaries[mid.findIndex((m, i) => m - before[i]! === HOT_KEYS)] ?? formedPrimary(keySlot('{tenant:big}'));
  const spreadMax = Math.max(...after.map((a, i) => a - mid[i]!));
  ctx.say(
    `Every tagged key landed on ${hotNode} (slot ${keySlot('{tenant:big}')}); the untagged ones spread ${after
      .map((a, i) => a - mid[i]!)
      .join(' / ')} (at most ${Math.round((100 * spreadMax) / HOT_KEYS)}% on one node). A tag is a promise that its keys ` +
      `never need more than one node: its memory, its traffic and its failover all ride on ${hotNode}, and resharding ` +
      `cannot split it (a slot is the smallest unit that moves). Tag by the unit a multi-key command needs (one user, one ` +
      `cart), not by a tenant that can grow.`,
  );
}

/** hash-tag: user 7's cart and profile written by one MSET, sharing a slot, present on the node serving it. */
async function taggedTogether(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const prefix = ctx.key('cluster:');
  const ran = ranCommands(ctx.history);
  const msets = ran.filter((c) => c.name === 'MSET' || c.name === 'MSETNX');
  const ok = msets.find((c) => {
    if (c.error) return false;
    const keys = c.args.slice(1).filter((_, i) => i % 2 === 0);
    return keys.some((k) => k.startsWith(prefix) && /cart/.test(k)) && keys.some((k) => k.startsWith(prefix) && /profile/.test(k));
  });
  if (!ok) {
    const failed = ctx.history.find((c) => /^MSET(NX)?$/i.test(c.args[0] ?? '') && c.error);
    if (failed) return { pass: false, actual: `${failed.command} → ${failed.error}` };
    const sets = ran.filter((c) => c.name === 'SET' && !c.error);
    if (sets.length >= 2)
      return {
        pass: false,
        actual: `${sets.length} SETs, one per key: a reader can see the cart without the profile. One MSET writes both at once`,
      };
    return { pass: false, actual: 'no MSET wrote a cart and a profile key yet' };
  }
  const keys = ok.args.slice(1).filter((_, i) => i % 2 === 0);
  const cart = keys.find((k) => /cart/.test(k))!;
  const profile = keys.find((k) => /profile/.test(k))!;
  if (!cart.includes('{') || !/7/.test(cart) || !/7/.test(profile))
    return { pass: false, actual: `${ok.command}: the names should keep user 7 in them, inside a hash tag` };
  const node = formedPrimary(keySlot(cart));
  const c = await admin(ctx, node);
  const [a, b] = await Promise.all([c.exists(cart), c.exists(profile)]);
  if (a + b !== 2) return { pass: false, actual: `${cart} and ${profile} are not both on ${node}` };
  return { pass: true, actual: `${ok.command} → OK: both in slot ${keySlot(cart)}, on ${node}` };
}

async function countSetup(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const pairs: Record<string, string> = {};
  for (let i = 1; i <= COUNT_SESSIONS; i++) pairs[`cluster:{${COUNT_TAG}}:s${i}`] = `user-${i}`;
  // Other keys on node-3, in other slots: DBSIZE counts them too.
  const others = ['user:42', 'tally', 'clicks', 'visits', 'tenant:big'];
  for (let i = 0; i < COUNT_OTHERS; i++) pairs[`cluster:{${others[i % others.length]!}}:k${i}`] = 'x';
  await writeKeys(ctx, pairs);
}

async function answerIsCount(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const node = formedPrimary(COUNT_SLOT);
  const c = await admin(ctx, node);
  const real = Number(await c.call('CLUSTER', 'COUNTKEYSINSLOT', String(COUNT_SLOT)));
  const key = ctx.key(ANSWER_KEY);
  const answer = await c.get(key);
  if (answer === null) return { pass: false, actual: `${key} does not exist on ${node}` };
  if (Number(answer) === real) return { pass: true, actual: `${key} = ${answer}, and slot ${COUNT_SLOT} holds ${real} keys` };
  const size = Number(await c.dbsize()) - 1;
  const hint = Number(answer) === size || Number(answer) === size + 1 ? ': that is every key on the node (DBSIZE), all slots together' : '';
  return { pass: false, actual: `${key} = ${answer}, but slot ${COUNT_SLOT} holds ${real} keys${hint}` };
}

export const hashTagSteps: StepSpec[] = [
  { id: 'crossslot', kind: 'code', run: crossSlot },
  {
    id: 'hash-tag',
    kind: 'exercise',
    points: 2,
    node: 'node-1',
    setup: restore,
    check: expanded(custom(`user 7's cart and profile written by one MSET, in one slot`, taggedTogether)),
    hints: [
      'Only the part between the first { and the next } is hashed: put the same tag in both names, around the user.',
      `MSET {ns}cluster:{${USER_TAG}}:cart sku-1,sku-2 {ns}cluster:{${USER_TAG}}:profile Ada`,
    ],
    solution: [`MSET {ns}cluster:{${USER_TAG}}:cart sku-1,sku-2 {ns}cluster:{${USER_TAG}}:profile Ada`],
    wrong: [
      // Plain names: two slots, CROSSSLOT.
      ['MSET {ns}cluster:user:7:cart sku-1,sku-2 {ns}cluster:user:7:profile Ada'],
      // Braces around the whole name: two different tags, still two slots.
      ['MSET {ns}cluster:{user:7:cart} sku-1,sku-2 {ns}cluster:{user:7:profile} Ada'],
      // Right names, but two commands: a reader can see one without the other.
      [`SET {ns}cluster:{${USER_TAG}}:cart sku-1,sku-2`, `SET {ns}cluster:{${USER_TAG}}:profile Ada`],
    ],
  },
  {
    id: 'count-slot',
    kind: 'exercise',
    points: 2,
    node: 'node-3',
    setup: countSetup,
    check: expanded(custom(`{ns}${ANSWER_KEY} on node-3 = the number of keys in slot ${COUNT_SLOT}`, answerIsCount)),
    hints: [
      'A node counts the keys of one slot for you (the same count resharding tools read before moving it); DBSIZE counts every slot the node serves.',
      `CLUSTER COUNTKEYSINSLOT ${COUNT_SLOT}   then   SET {ns}${ANSWER_KEY} <n>`,
    ],
    solution: [`CLUSTER COUNTKEYSINSLOT ${COUNT_SLOT}`, `SET {ns}${ANSWER_KEY} ${COUNT_SESSIONS}`],
    wrong: [
      // DBSIZE: the whole node.
      ['DBSIZE', `SET {ns}${ANSWER_KEY} ${COUNT_SESSIONS + COUNT_OTHERS}`],
      // The slot's number, not its size.
      [`SET {ns}${ANSWER_KEY} ${COUNT_SLOT}`],
    ],
  },
];
