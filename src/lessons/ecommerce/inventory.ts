// Inventory: 50 buyers race for 10 units (check-then-DECR oversells; WATCH and a script do not), then an exercise
// that reserves stock and records the reservation in one script, graded by running the script again with 1 unit left.
import { all, custom, hashHas, keysWrittenBy, ranCommands, stringEquals, type RanCommand } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { buyNaive } from '../../antipatterns/inventory.js';
import { buyWithWatch, reserveStock } from '../../patterns/index.js';
import { BUYERS, SCRIPT_CALL, UNITS, type RaceSpec } from './shop.js';

/** What the buyers of one variant got: the workers count their successes here. */
interface InventoryState {
  sold: number;
}

const inventoryRace: RaceSpec<InventoryState> = {
  id: 'inventory-race',
  kind: 'race',
  clients: BUYERS,
  state: () => ({ sold: 0 }),
  variants: [
    {
      label: 'GET, check, DECR',
      atomic: false,
      setup: (ctx) => setupInventory(ctx),
      async worker(client, _i, ctx, state) {
        if (await buyNaive(client, ctx.key('inventory:PROD123'))) state.sold++;
      },
      measure: (ctx, state) => measureInventory(ctx, state, 'GET, check, DECR'),
    },
    {
      label: 'WATCH / MULTI / EXEC',
      atomic: true,
      setup: (ctx) => setupInventory(ctx),
      async worker(client, _i, ctx, state) {
        if (await buyWithWatch(client, ctx.key('inventory:PROD123'))) state.sold++;
      },
      measure: (ctx, state) => measureInventory(ctx, state, 'WATCH / MULTI / EXEC'),
    },
    {
      label: 'Lua check-and-decrement',
      atomic: true,
      setup: (ctx) => setupInventory(ctx),
      async worker(client, _i, ctx, state) {
        if ((await reserveStock(client, ctx.key('inventory:PROD123'))) >= 0) state.sold++;
      },
      measure: (ctx, state) => measureInventory(ctx, state, 'Lua'),
    },
  ],
};

export const inventorySteps: StepSpec[] = [
  inventoryRace,
  {
    id: 'inventory-reserve',
    kind: 'exercise',
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
];

async function setupInventory(ctx: LessonContext): Promise<void> {
  const key = ctx.key('inventory:PROD123');
  await ctx.claim([key]);
  await ctx.unrecorded.set(key, String(UNITS));
}

async function measureInventory(ctx: LessonContext, state: InventoryState, label: string) {
  const stock = Number(await ctx.unrecorded.get(ctx.key('inventory:PROD123')));
  ctx.say(`${label}: ${count(state.sold, 'unit')} sold, stock left ${stock}${stock < 0 ? ' (sold what did not exist)' : ''}`);
  return { expected: UNITS, actual: state.sold, unit: 'units sold' };
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
  const saved = await Promise.all(
    [inv, res].map(async (k) => ({ k, dump: await ctx.unrecorded.dumpBuffer(k), pttl: await ctx.unrecorded.pttl(k) })),
  );
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
