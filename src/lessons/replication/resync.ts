// Lag and resynchronisation: a paused replica's offset falling behind (and catching up), a cut replica coming back
// with a partial resync while the backlog covers the gap and a full sync once it does not (counted on the primary's
// sync_partial_ok / sync_full and read in both logs), and the exercise that sizes the backlog for a given cut.
import type { StepSpec } from '../../engine/prose.js';
import type { CheckResult, LessonContext } from '../../engine/types.js';
import { adminCall } from '../../lab/admin.js';
import {
  BACKLOG_NEEDED,
  LAG_TICKS,
  LAG_VALUE_BYTES,
  LAG_WRITES_PER_TICK,
  LONG_CUT_BYTES,
  LONG_CUT_VALUE_BYTES,
  LONG_CUT_WRITES,
  SHORT_CUT_WRITES,
  figures,
} from './shared.js';
import {
  PRIMARY,
  bytes,
  inSync,
  labOf,
  linkedTo,
  logMark,
  logSince,
  replInfo,
  replicaLines,
  replicaOffset,
  restoreTopology,
  sleep,
  syncStats,
  waitUntil,
} from './lib/topology.js';

async function lag(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  await restoreTopology(ctx);
  const primary = lab.node(PRIMARY);
  const writer = await ctx.lab!.admin(PRIMARY);
  const value = 'v'.repeat(LAG_VALUE_BYTES);
  const keys = Array.from({ length: LAG_WRITES_PER_TICK }, (_, i) => ctx.key(`replication:lag:${i}`));
  await lab.pause('replica-2');
  ctx.say(
    `replica-2 is paused (SIGSTOP: a stuck process, a long GC-like stall, a saturated link). The primary goes on taking ` +
      `${LAG_WRITES_PER_TICK} writes of ${bytes(LAG_VALUE_BYTES)} every half second (acked offsets as the primary lists them, lag in brackets):`,
  );
  const rows: (string | number)[][] = [];
  let maxBehind = 0;
  let maxLag = 0;
  const t0 = Date.now();
  for (let t = 0; t < LAG_TICKS; t++) {
    const pipe = writer.pipeline();
    for (const k of keys) pipe.set(k, value);
    await pipe.exec();
    await sleep(500);
    const info = (await replInfo(primary))!;
    const offset = Number(info.master_repl_offset);
    const lines = replicaLines(lab, info);
    const r1 = lines.find((l) => l.name === 'replica-1');
    const r2 = lines.find((l) => l.name === 'replica-2');
    const behind = r2 ? offset - r2.offset : offset;
    maxBehind = Math.max(maxBehind, behind);
    maxLag = Math.max(maxLag, r2?.lag ?? 0);
    rows.push([
      `${((Date.now() - t0) / 1000).toFixed(1)} s`,
      offset,
      r1 ? `${r1.offset} (${r1.lag} s)` : '-',
      r2 ? `${r2.offset} (${r2.lag} s)` : '-',
      bytes(behind),
    ]);
  }
  ctx.table(['time', 'primary offset', 'replica-1 acked', 'replica-2 acked', 'r-2 behind'], rows);
  await (await ctx.lab!.client(PRIMARY)).call('INFO', 'replication');
  const target = Number((await replInfo(primary))!.master_repl_offset);
  const t1 = Date.now();
  await lab.resume('replica-2');
  await waitUntil(10_000, async () => (await replicaOffset(lab, 'replica-2')) >= target);
  const catchUpMs = Date.now() - t1;
  figures.lag = { maxBehindBytes: maxBehind, maxLagSeconds: maxLag, catchUpMs };
  ctx.say(
    `replica-2 fell ${bytes(maxBehind)} behind and its lag reached ${maxLag} s; replica-1's acked offset trails a little ` +
      `too (replicas acknowledge once a second). Resumed, replica-2 applied the backlog of its socket and caught up in ` +
      `${catchUpMs} ms. A read sent to replica-2 meanwhile would have answered with data up to ${maxLag} s old — or hung, ` +
      `had the client no timeout.`,
  );
  await writer.del(...keys);
}

interface CutResult {
  gap: number;
  partial: number;
  full: number;
  ms: number;
  primaryLog: string[];
  replicaLog: string[];
}

/** Cuts replica-1 off, writes `writes` values of `size` bytes to the primary, reconnects it and reports how it resynced. */
async function cutAndWrite(ctx: LessonContext, writes: number, size: number): Promise<CutResult> {
  const lab = labOf(ctx);
  const primary = lab.node(PRIMARY);
  const replica = lab.node('replica-1');
  const writer = await ctx.lab!.admin(PRIMARY);
  const before = await syncStats(primary);
  const pMark = logMark(primary);
  const rMark = logMark(replica);
  const from = await replicaOffset(lab, 'replica-1');
  await lab.cut('replica-1');
  const value = 'c'.repeat(size);
  const keys = Array.from({ length: writes }, (_, i) => ctx.key(`replication:cut:${i}`));
  const pipe = writer.pipeline();
  for (const k of keys) pipe.set(k, value);
  await pipe.exec();
  const to = Number((await replInfo(primary))!.master_repl_offset);
  const t0 = Date.now();
  await lab.reconnect('replica-1');
  await waitUntil(10_000, async () => (await linkedTo(lab, 'replica-1', PRIMARY)) && (await replicaOffset(lab, 'replica-1')) >= to);
  const ms = Date.now() - t0;
  const after = await syncStats(primary);
  await writer.del(...keys);
  return {
    gap: to - from,
    partial: after.partialOk - before.partialOk,
    full: after.full - before.full,
    ms,
    primaryLog: logSince(
      primary,
      pMark,
      /Partial resynchronization request|Unable to partial resync|Full resync requested|Starting BGSAVE for SYNC/,
    ),
    replicaLog: logSince(
      replica,
      rMark,
      /Successful partial resynchronization|Full resync from master|Partial resynchronization not possible/,
    ),
  };
}

const outcome = (r: CutResult) => (r.partial && !r.full ? 'partial' : r.full ? 'FULL' : '?');

function cutRow(label: string, backlog: number, r: CutResult): (string | number)[] {
  return [label, bytes(r.gap), bytes(backlog), `+${r.partial}`, `+${r.full}`, outcome(r), `${r.ms} ms`];
}

const CUT_HEAD = ['cut', 'gap', 'backlog', 'sync_partial_ok', 'sync_full', 'resync', 'took'];

async function backlogSize(ctx: LessonContext): Promise<number> {
  const reply = await adminCall(labOf(ctx).node(PRIMARY).port, ['CONFIG', 'GET', 'repl-backlog-size']);
  return Array.isArray(reply) ? Number(reply[1]) : NaN;
}

function sayLogs(ctx: LessonContext, r: CutResult): void {
  for (const l of r.primaryLog) ctx.say(`  primary log   │ ${l}`);
  for (const l of r.replicaLog) ctx.say(`  replica-1 log │ ${l}`);
}

async function resync(ctx: LessonContext): Promise<void> {
  await restoreTopology(ctx);
  const backlog = await backlogSize(ctx);
  const short = await cutAndWrite(ctx, SHORT_CUT_WRITES, 20);
  ctx.say(`Short cut: ${SHORT_CUT_WRITES} small writes while replica-1 was cut off, then reconnected.`);
  sayLogs(ctx, short);
  const long = await cutAndWrite(ctx, LONG_CUT_WRITES, LONG_CUT_VALUE_BYTES);
  ctx.say(`Long cut: ${LONG_CUT_WRITES} values of ${bytes(LONG_CUT_VALUE_BYTES)} while replica-1 was cut off, then reconnected.`);
  sayLogs(ctx, long);
  ctx.table(CUT_HEAD, [cutRow('short', backlog, short), cutRow('long', backlog, long)]);
  figures.resync = {
    shortGap: short.gap,
    shortPartial: short.partial,
    shortFull: short.full,
    longGap: long.gap,
    longPartial: long.partial,
    longFull: long.full,
  };
  const said = (r: CutResult) =>
    r.partial && !r.full
      ? 'the primary sent just the missing bytes from its backlog (partial resync)'
      : 'the primary shipped its whole dataset as a fresh RDB (full sync): a fork on the primary, the replica’s data thrown away and reloaded';
  ctx.say(
    `Short gap, ${bytes(short.gap)} against a ${bytes(backlog)} backlog: ${said(short)}. Long gap, ${bytes(long.gap)}: ` +
      `${said(long)}. On a 10 GB dataset a full sync is minutes of copying and a fork's worth of memory, every time a ` +
      `replica is away too long.`,
  );
}

async function backlogCheck(ctx: LessonContext): Promise<CheckResult> {
  const size = await backlogSize(ctx);
  const pass = size >= BACKLOG_NEEDED;
  return {
    pass,
    expected: `primary's repl-backlog-size ≥ ${bytes(BACKLOG_NEEDED)} (the ~${bytes(LONG_CUT_BYTES)} cut, with its commands)`,
    actual: pass
      ? `primary's repl-backlog-size is ${bytes(size)}`
      : `primary's repl-backlog-size is ${bytes(size)} (${size} bytes): the cut's writes would push the gap out of it, and replica-1 would need a full sync`,
  };
}

async function backlogProof(ctx: LessonContext): Promise<void> {
  // The backlog the exercise left, on a topology brought back in sync (whatever else was typed meanwhile).
  const backlog = await backlogSize(ctx);
  if (!(await inSync(labOf(ctx)))) {
    await restoreTopology(ctx);
    await adminCall(labOf(ctx).node(PRIMARY).port, ['CONFIG', 'SET', 'repl-backlog-size', String(backlog)]);
  }
  const r = await cutAndWrite(ctx, LONG_CUT_WRITES, LONG_CUT_VALUE_BYTES);
  figures.backlogProof = { backlog, gap: r.gap, partial: r.partial, full: r.full };
  ctx.table(CUT_HEAD, [cutRow('long', backlog, r)]);
  sayLogs(ctx, r);
  ctx.say(
    r.partial && !r.full
      ? `With a ${bytes(backlog)} backlog the same ${bytes(r.gap)} gap resynced partially: the primary sent only the missing bytes, no fork, no RDB.`
      : `The resync was ${outcome(r)}: the ${bytes(backlog)} backlog did not cover the ${bytes(r.gap)} gap.`,
  );
  await restoreTopology(ctx);
}

export const resyncSteps: StepSpec[] = [
  { id: 'lag', kind: 'code', run: lag },
  { id: 'resync', kind: 'code', run: resync },
  {
    id: 'size-backlog',
    kind: 'exercise',
    points: 3,
    node: PRIMARY,
    setup: restoreTopology,
    check: backlogCheck,
    hints: [
      'The backlog is a setting of the primary, changed at run time with CONFIG SET; sizes take units (16kb, 1mb, 1gb).',
      'CONFIG SET repl-backlog-size <size>   (it must hold the whole gap: more than the long cut wrote)',
    ],
    solution: ['CONFIG SET repl-backlog-size 4mb'],
    wrong: [
      // Bigger than the default, still smaller than the gap: a full sync again.
      ['CONFIG SET repl-backlog-size 3mb'],
      // The backlog's lifetime when no replica is connected, not its size.
      ['CONFIG SET repl-backlog-ttl 7200'],
      // Looking is not changing.
      ['CONFIG GET repl-backlog-size'],
    ],
  },
  { id: 'backlog-proof', kind: 'code', run: backlogProof },
];
