// MISCONF: a disk budget too small for the snapshot makes BGSAVE fail, and with save points set the node refuses
// writes. Counted live: refused writes, the right fix (space back, a save that succeeds), and the tempting one
// (stop-writes-on-bgsave-error no) acknowledging writes that a kill -9 then takes. Then the exercise.
import { custom } from '../../engine/checks.js';
import { expanded, formatBytes } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import {
  DEFAULT_SAVE,
  NODE,
  crashAndRestart,
  labOf,
  liveConfig,
  logBytes,
  nodeOf,
  persistenceFiles,
  pristine,
  untilIdle,
} from './lib/node.js';
import { BUDGET_HEADROOM, MISCONF_KEYS, MISCONF_TRIES, countExisting, fill } from './shared.js';

interface Tally {
  tried: number;
  refused: number;
  accepted: string[];
  /** The first refusal's text. */
  error: string;
}

/** `MISCONF_TRIES` SETs on the unrecorded connection: how many the node refused, which keys it acknowledged. */
async function tryWrites(ctx: LessonContext, prefix: string): Promise<Tally> {
  const t: Tally = { tried: 0, refused: 0, accepted: [], error: '' };
  for (let i = 0; i < MISCONF_TRIES; i++) {
    const k = `${prefix}:${i}`;
    t.tried++;
    try {
      await ctx.unrecorded.set(k, 'order');
      t.accepted.push(k);
    } catch (err) {
      t.refused++;
      t.error ||= String((err as Error).message).split(' ')[0] ?? '';
    }
  }
  return t;
}

/**
 * Saves points, a dataset bigger than the budget, the budget, a BGSAVE that fails: the node answers MISCONF.
 * Returns the budget in bytes and the size of the last good snapshot.
 */
async function breakSaves(ctx: LessonContext, recorded: boolean): Promise<{ budget: number; rdb: number }> {
  const r = recorded ? ctx.redis : ctx.unrecorded;
  const lab = labOf(ctx).lab;
  const node = nodeOf(ctx);
  await r.config('SET', 'save', DEFAULT_SAVE);
  if (!recorded) await r.call('CONFIG', 'REWRITE');
  await fill(ctx.unrecorded, ctx.key('persistence:orders'), MISCONF_KEYS, 120);
  await ctx.unrecorded.bgsave();
  await untilIdle(ctx);
  const rdb = persistenceFiles(node).find((f) => f.path === 'dump.rdb')?.bytes ?? 0;
  // Room for the node's own log lines (a write past the limit kills the writer), none for another snapshot.
  const budget = logBytes(node) + BUDGET_HEADROOM;
  if (rdb <= budget) throw new Error(`misconf: the snapshot (${rdb} B) fits the budget (${budget} B): more data needed`);
  await lab.diskBudget(NODE, budget);
  await r.bgsave();
  const info = await untilIdle(ctx);
  if (info.rdb_last_bgsave_status !== 'err') throw new Error(`misconf: BGSAVE under a ${budget} B budget: ${info.rdb_last_bgsave_status}`);
  return { budget, rdb };
}

async function misconfLive(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const r = ctx.redis;
  const lab = labOf(ctx).lab;
  const { budget, rdb } = await breakSaves(ctx, true);
  const status = await untilIdle(ctx);
  ctx.say(
    `The last good snapshot is ${formatBytes(rdb)}; the node may now write files up to ${formatBytes(budget)} only (RLIMIT_FSIZE, ` +
      `as a full disk would do), so the BGSAVE child was killed by SIGXFSZ: rdb_last_bgsave_status:${status.rdb_last_bgsave_status}. ` +
      `With save points set and stop-writes-on-bgsave-error yes, every write is refused now:`,
  );
  await r.set(ctx.key('persistence:orders:new'), 'order').catch(() => undefined);
  const refused = await tryWrites(ctx, ctx.key('persistence:orders:blocked'));
  await r.get(ctx.key('persistence:orders:1'));

  // The right fix: give the disk back, then a save that succeeds; writes come back by themselves.
  ctx.say(
    `${refused.refused} of ${refused.tried} writes refused (${refused.error}), reads still served. The fix: space back (the lab lifts the budget), then a save:`,
  );
  await lab.diskBudget(NODE, null);
  await r.bgsave();
  const fixed = await untilIdle(ctx);
  const after = await tryWrites(ctx, ctx.key('persistence:orders:fixed'));
  await r.bgsave();
  await untilIdle(ctx);

  // The tempting fix: the disk is still too small, the safety net is switched off.
  ctx.say(
    `rdb_last_bgsave_status:${fixed.rdb_last_bgsave_status}, ${after.accepted.length} of ${after.tried} writes accepted. ` +
      `Now the tempting fix instead: the budget back, the save failing again, and the refusal switched off:`,
  );
  await lab.diskBudget(NODE, budget);
  await ctx.unrecorded.bgsave();
  await untilIdle(ctx);
  await r.config('SET', 'stop-writes-on-bgsave-error', 'no');
  const blind = await tryWrites(ctx, ctx.key('persistence:orders:blind'));
  await r.bgsave();
  const still = await untilIdle(ctx);
  const downMs = await crashAndRestart(ctx);
  const fixedKept = await countExisting(ctx.unrecorded, after.accepted);
  const blindKept = await countExisting(ctx.unrecorded, blind.accepted);
  ctx.table(
    ['situation', 'tried', 'MISCONF', 'OK', 'after kill -9'],
    [
      ['save fails, stop-writes yes', refused.tried, refused.refused, refused.accepted.length, '-'],
      [`space back, BGSAVE ${fixed.rdb_last_bgsave_status}`, after.tried, after.refused, after.accepted.length, fixedKept],
      ['save fails, stop-writes no', blind.tried, blind.refused, blind.accepted.length, blindKept],
    ],
  );
  ctx.say(
    `With the safety net off the node said OK to ${blind.accepted.length} writes while its saves kept failing ` +
      `(rdb_last_bgsave_status:${still.rdb_last_bgsave_status}); the kill -9 (back in ${downMs} ms) took ${blind.accepted.length - blindKept} ` +
      `of them. MISCONF was the node telling the truth: fix what fails the save (space, permissions, fork memory), then save.`,
  );
}

/** misconf: the order written, the last save ok, the safety net (save points, stop-writes) still on. */
async function recovered(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const info = await untilIdle(ctx, 5000);
  const key = ctx.key('persistence:order:1001');
  const v = await ctx.unrecorded.get(key);
  const stop = await liveConfig(ctx, 'stop-writes-on-bgsave-error');
  const save = await liveConfig(ctx, 'save');
  const state = `${key} = ${v === null ? '(nil)' : `"${v}"`}, rdb_last_bgsave_status:${info.rdb_last_bgsave_status}`;
  if (stop !== 'yes') {
    return { pass: false, actual: `${state}, stop-writes-on-bgsave-error ${stop}: writes go through while saves may still fail` };
  }
  if (!save.trim()) return { pass: false, actual: `${state}, save "": snapshots are off, so nothing is saved at all` };
  if (info.rdb_last_bgsave_status !== 'ok') return { pass: false, actual: `${state}: the node still has no good save` };
  return { pass: v === 'paid', actual: state };
}

export const misconfSteps: StepSpec[] = [
  { id: 'misconf-live', kind: 'code', run: misconfLive },
  {
    id: 'misconf',
    kind: 'exercise',
    points: 3,
    async setup(ctx) {
      await pristine(ctx);
      await breakSaves(ctx, false);
      // The ops team has freed the disk: the node does not know yet, and still refuses writes.
      await labOf(ctx).lab.diskBudget(NODE, null);
    },
    check: expanded(
      custom('{ns}persistence:order:1001 = "paid", the last save ok, save points and stop-writes-on-bgsave-error kept', recovered),
    ),
    hints: [
      'The refusal lasts until a save succeeds. There is room on the disk again: save, then write.',
      'SAVE (or BGSAVE, and wait for rdb_bgsave_in_progress:0), then SET {ns}persistence:order:1001 paid',
    ],
    solution: ['SAVE', 'SET {ns}persistence:order:1001 paid'],
    wrong: [
      // Still refused.
      ['SET {ns}persistence:order:1001 paid'],
      // Writes accepted, saves still unproven, the safety net off.
      ['CONFIG SET stop-writes-on-bgsave-error no', 'SET {ns}persistence:order:1001 paid'],
      // Put back afterwards: the node still has no good save.
      ['CONFIG SET stop-writes-on-bgsave-error no', 'SET {ns}persistence:order:1001 paid', 'CONFIG SET stop-writes-on-bgsave-error yes'],
      // No save points, no MISCONF, and no snapshots either.
      ['CONFIG SET save ""', 'SET {ns}persistence:order:1001 paid'],
    ],
  },
];
