// RDB snapshots: save points and BGSAVE shown live (INFO persistence before and after, LASTSAVE, dump.rdb on disk),
// two exercises (snapshot now without blocking; save points that survive a restart), and a kill -9 of an RDB-only
// node that counts what the last snapshot kept and what it lost.
import { custom } from '../../engine/checks.js';
import { count, expanded, formatBytes } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import {
  DEFAULT_SAVE,
  crashAndRestart,
  fileConfig,
  liveConfig,
  nodeOf,
  persistence,
  persistenceFiles,
  pristine,
  savePoints,
  sleep,
  untilIdle,
} from './lib/node.js';
import { BGSAVE_KEYS, RDB_AFTER, RDB_SAVED, SNAP_KEYS, WANTED_SAVE, countExisting, fill, keyRange } from './shared.js';

const when = (unix: string | number) => new Date(Number(unix) * 1000).toISOString().slice(11, 19);

/** snapshots: save points, changes since the last save, BGSAVE, LASTSAVE and the file it wrote. */
async function snapshots(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const r = ctx.redis;
  const node = nodeOf(ctx);
  const off = (await r.config('GET', 'save')) as string[];
  ctx.say(
    `save is "${off[1] ?? ''}": this lab node starts with snapshots off. A Redis 7 started without that line would use ` +
      `its built-in points, "${DEFAULT_SAVE}": after an hour if 1 key changed, 5 minutes if 100 did, 1 minute if 10000 did.`,
  );
  await r.config('SET', 'save', DEFAULT_SAVE);
  await fill(ctx.unrecorded, ctx.key('persistence:snap'), SNAP_KEYS);
  const before = await persistence(ctx);
  const last0 = Number(await r.lastsave());
  // LASTSAVE counts seconds: let one tick, so the new value is seen to move.
  while (Math.floor(Date.now() / 1000) <= last0) await sleep(50);
  await r.bgsave();
  const after = await untilIdle(ctx);
  const last1 = Number(await r.lastsave());
  const rdb = persistenceFiles(node).find((f) => f.path === 'dump.rdb');
  ctx.table(
    ['INFO persistence', `after ${count(SNAP_KEYS, 'write')}`, 'after BGSAVE'],
    [
      ['rdb_changes_since_last_save', before.rdb_changes_since_last_save ?? '-', after.rdb_changes_since_last_save ?? '-'],
      ['rdb_last_save_time (LASTSAVE)', when(last0), when(last1)],
      ['rdb_last_bgsave_status', before.rdb_last_bgsave_status ?? '-', after.rdb_last_bgsave_status ?? '-'],
      ['rdb_saves', before.rdb_saves ?? '-', after.rdb_saves ?? '-'],
      ['dump.rdb in the node’s dir', '(none)', rdb ? formatBytes(rdb.bytes) : '(none)'],
    ],
  );
  ctx.say(
    `BGSAVE answered at once and a forked child wrote ${rdb ? formatBytes(rdb.bytes) : 'the file'} while the node kept serving. ` +
      `LASTSAVE moved from ${when(last0)} (the node's start: Redis counts its start as a save) to ${when(last1)}, and the ` +
      `change counter went back to ${after.rdb_changes_since_last_save}: that counter is what the save points compare.`,
  );
}

/** rdb-crash: a snapshot, more acknowledged writes, kill -9, restart: counts of what came back. */
async function rdbCrash(ctx: LessonContext): Promise<void> {
  await pristine(ctx);
  const r = ctx.redis;
  await r.config('SET', 'save', DEFAULT_SAVE);
  const saved = keyRange(ctx.key('persistence:rdb:saved'), RDB_SAVED);
  const later = keyRange(ctx.key('persistence:rdb:later'), RDB_AFTER);
  await fill(ctx.unrecorded, ctx.key('persistence:rdb:saved'), RDB_SAVED);
  await r.bgsave();
  await untilIdle(ctx);
  await fill(ctx.unrecorded, ctx.key('persistence:rdb:later'), RDB_AFTER);
  const pending = (await persistence(ctx)).rdb_changes_since_last_save ?? '?';
  ctx.say(`${count(RDB_AFTER, 'more write')} acknowledged after the snapshot: rdb_changes_since_last_save = ${pending}. Now kill -9:`);
  const downMs = await crashAndRestart(ctx);
  const keptSaved = await countExisting(ctx.unrecorded, saved);
  const keptLater = await countExisting(ctx.unrecorded, later);
  await r.dbsize();
  ctx.table(
    ['written', 'acknowledged', 'survived kill -9', 'lost'],
    [
      [`before the BGSAVE`, RDB_SAVED, keptSaved, RDB_SAVED - keptSaved],
      [`after the BGSAVE`, RDB_AFTER, keptLater, RDB_AFTER - keptLater],
    ],
  );
  ctx.say(
    `Down and back in ${downMs} ms, loaded from dump.rdb: ${keptSaved}/${RDB_SAVED} from the snapshot, ${keptLater}/${RDB_AFTER} ` +
      `of the writes after it. With RDB alone a crash takes everything since the last save: with the default points, up to an ` +
      `hour of writes on a quiet node, and a busy one still loses up to a minute.`,
  );
}

/** bgsave-now: a snapshot taken in the background, finished, with nothing left unsaved. */
async function snapshotTaken(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const info = await untilIdle(ctx, 5000);
  const rdb = persistenceFiles(nodeOf(ctx)).find((f) => f.path === 'dump.rdb');
  const save = ctx.history.find((c) => String(c.args[0]).toUpperCase() === 'SAVE');
  if (save) {
    return {
      pass: false,
      actual:
        'SAVE wrote the file in the node’s own thread: every client waited until it finished (seconds to minutes on a ' +
        'big dataset). BGSAVE forks and returns at once (:reset to start over)',
    };
  }
  if (info.rdb_last_bgsave_status !== 'ok') return { pass: false, actual: `rdb_last_bgsave_status:${info.rdb_last_bgsave_status}` };
  if (!rdb || Number(info.rdb_saves) < 1) {
    const aof = persistenceFiles(nodeOf(ctx)).some((f) => f.path.startsWith('appendonlydir/'));
    return {
      pass: false,
      actual: aof
        ? 'no dump.rdb: BGREWRITEAOF wrote the append-only files (appendonlydir/), not the snapshot'
        : `no snapshot yet: rdb_saves:${info.rdb_saves}, rdb_changes_since_last_save:${info.rdb_changes_since_last_save}`,
    };
  }
  const pending = Number(info.rdb_changes_since_last_save);
  return {
    pass: pending === 0,
    actual: `dump.rdb ${formatBytes(rdb.bytes)}, rdb_changes_since_last_save:${pending}, rdb_last_bgsave_status:ok`,
  };
}

/** save-points: the points asked for, live and in the config file a restart reads. */
async function pointsEverywhere(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const want = savePoints(WANTED_SAVE);
  const live = await liveConfig(ctx, 'save');
  const file = fileConfig(nodeOf(ctx)).save;
  if (savePoints(live) !== want) {
    const swapped = savePoints(
      live
        .split(' ')
        .reduce<string[]>((a, x, i, all) => (i % 2 ? a : [...a, all[i + 1]!, x]), [])
        .join(' '),
    );
    return {
      pass: false,
      actual:
        `CONFIG GET save → "${live}"` +
        (swapped === want
          ? ': each point is <seconds> <changes>, in that order — yours are swapped'
          : `: expected the points ${WANTED_SAVE}`),
    };
  }
  if (savePoints(file) !== want) {
    return {
      pass: false,
      actual: `live "${live}", but the config file still says ${file ? `"${file}"` : 'save ""'}: a restart goes back to that`,
    };
  }
  return { pass: true, actual: `live "${live}", config file "${file}"` };
}

export const rdbSteps: StepSpec[] = [
  { id: 'snapshots', kind: 'code', run: snapshots },
  {
    id: 'bgsave-now',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await pristine(ctx);
      await ctx.unrecorded.config('SET', 'save', DEFAULT_SAVE);
      await fill(ctx.unrecorded, ctx.key('persistence:bg'), BGSAVE_KEYS);
    },
    check: expanded(custom('a finished background snapshot: dump.rdb written, rdb_changes_since_last_save:0', snapshotTaken)),
    hints: [
      'One command asks the node to fork and write the snapshot in the background, answering at once.',
      'BGSAVE   (then INFO persistence: rdb_bgsave_in_progress:0, rdb_last_bgsave_status:ok; LASTSAVE moves)',
    ],
    solution: ['BGSAVE'],
    wrong: [
      // Saves, but blocks every client while it writes.
      ['SAVE'],
      // The append-only file, not the snapshot.
      ['BGREWRITEAOF'],
      // Looking is not saving.
      ['LASTSAVE'],
    ],
  },
  {
    id: 'save-points',
    kind: 'exercise',
    points: 2,
    setup: pristine,
    check: expanded(custom(`save points "${WANTED_SAVE}" on the node and in its config file`, pointsEverywhere)),
    hints: [
      'Set the points at run time, then have the node write its running config back to its file.',
      `CONFIG SET save "<seconds> <changes> <seconds> <changes>", then CONFIG REWRITE`,
    ],
    solution: [`CONFIG SET save "${WANTED_SAVE}"`, 'CONFIG REWRITE'],
    wrong: [
      // Live only: the next restart reads save "" from the file.
      [`CONFIG SET save "${WANTED_SAVE}"`],
      // Changes before seconds.
      ['CONFIG SET save "1 900 10000 60"', 'CONFIG REWRITE'],
      // Half of it.
      ['CONFIG SET save "900 1"', 'CONFIG REWRITE'],
    ],
  },
  { id: 'rdb-crash', kind: 'code', run: rdbCrash },
];
