// The replication lesson on a replication lab of its own: full marks in verify mode (every exercise's start and
// wrong attempts fail, its solution passes), the figures it measured live (stale reads, lag, partial vs full resync,
// a WAIT-acknowledged write lost, acknowledged orders lost when the primary dies, an isolated primary refusing
// writes), its checks refusing mistakes typed at other nodes (REPLICAOF on the primary, a backlog too small proven by
// a full sync), and every node process gone after the lab stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { applySetup } from '../src/engine/exercise.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, CodeStep, ExerciseStep } from '../src/engine/types.js';
import { adminInfo } from '../src/lab/admin.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { replicationLesson } from '../src/lessons/replication/index.js';
import { inSync, restoreTopology } from '../src/lessons/replication/lib/topology.js';
import { FAILOVER_ORDERS, ORDERS_BEFORE, ORDERS_DURING, STALE_TRIES, figures } from '../src/lessons/replication/shared.js';
import { endLearnerTurn, runLearnerCommand } from '../src/redis/learner-command.js';

let session: LabLessonSession;
let ctx: OwnedContext;
let pids: number[] = [];

beforeAll(async () => {
  session = await openLabLesson('replication', { namespace: 'replicationt:' });
  pids = session.lab.nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
  ctx = createContext(session.sb, { scope: replicationLesson.id, write: () => {}, lab: session.lessonLab });
}, 60_000);

afterAll(async () => {
  await ctx?.dispose();
  // The primary was killed and restarted along the way: its latest pid too.
  pids.push(...(session?.lab.nodes.flatMap((n) => (n.pid === null ? [] : [n.pid])) ?? []));
  await session?.close();
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

function exercise(id: string): ExerciseStep {
  const step = replicationLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function code(id: string): CodeStep {
  const step = replicationLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'code') throw new Error(`no code step ${id}`);
  return step;
}

/** The exercise's setup, then each line typed at the node it names (`node ▸ command`), then its check. */
async function attemptAt(id: string, lines: [node: string, line: string][]): Promise<CheckResult> {
  const step = exercise(id);
  const sb = session.sb;
  ctx.history.length = 0;
  await applySetup(step, { sb, ctx, scope: replicationLesson.id });
  for (const [node, line] of lines) {
    sb.lab!.target = node;
    const r = await runLearnerCommand(sb, sb.expand(line), { scope: replicationLesson.id, confirm: () => Promise.resolve(true) });
    if (r.status === 'ran') ctx.history.push(r.record);
  }
  const result = await step.check(ctx);
  await endLearnerTurn(sb);
  sb.lab!.target = sb.lab!.home;
  return result;
}

describe('the replication lesson', () => {
  it('scores full marks in verify mode, each exercise proven, with live figures in range', async () => {
    const lines: string[] = [];
    const t0 = Date.now();
    const result = await runLesson(replicationLesson, session.sb, {
      mode: 'auto',
      verify: true,
      out: (l) => lines.push(l),
      lab: session.lessonLab,
    });
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises.length).toBeGreaterThanOrEqual(5);
    for (const ex of exercises) {
      expect({ id: ex.id, before: ex.passedBeforeSolution }).toEqual({ id: ex.id, before: false });
      expect({ id: ex.id, wrong: ex.wrongAttempts?.filter((w) => w.passed).map((w) => w.attempt) }).toEqual({ id: ex.id, wrong: [] });
      expect(ex.wrongAttempts?.length).toBeGreaterThan(0);
      expect({ id: ex.id, passed: ex.passed }).toEqual({ id: ex.id, passed: true });
    }
    expect(result.score).toBe(result.maxScore);
    expect(Date.now() - t0).toBeLessThan(90_000);
    const text = lines.join('\n');
    // The reconnect greeting of a restarted node is never printed as a lesson command.
    expect(text).not.toMatch(/SETINFO/);
    expect(text).toMatch(/READONLY You can't write against a read only replica/);
    expect(text).toMatch(/NOREPLICAS/);

    // Stale reads: a count from this run, within the tries.
    expect(figures.staleReads!.tries).toBe(STALE_TRIES);
    expect(figures.staleReads!.stale).toBeGreaterThanOrEqual(0);
    expect(figures.staleReads!.stale).toBeLessThanOrEqual(STALE_TRIES);
    // A paused replica falls behind by what was written meanwhile, and catches up once resumed.
    expect(figures.lag!.maxBehindBytes).toBeGreaterThan(500_000);
    expect(figures.lag!.maxLagSeconds).toBeGreaterThanOrEqual(1);
    expect(figures.lag!.catchUpMs).toBeLessThan(10_000);
    // Short cut: partial; long cut past the default backlog: full.
    const rs = figures.resync!;
    expect([rs.shortPartial, rs.shortFull]).toEqual([1, 0]);
    expect([rs.longPartial, rs.longFull]).toEqual([0, 1]);
    expect(rs.shortGap).toBeLessThan(16 * 1024);
    expect(rs.longGap).toBeGreaterThan(1024 * 1024);
    // The learner's 4mb backlog turns the same cut into a partial resync.
    expect(figures.backlogProof).toMatchObject({ backlog: 4 * 1024 * 1024, partial: 1, full: 0 });
    // WAIT 1 said one replica had it; WAIT 2 timed out at 1; after promoting the other replica nobody has it.
    expect(figures.waitLimits).toMatchObject({ waitOne: 1, waitTwo: 1, holdersAfter: 0 });
    expect(figures.waitLimits!.waitTwoMs).toBeGreaterThanOrEqual(450);
    // The orders confirmed before the cut survive; the ones acknowledged during it are lost.
    const lw = figures.lostWrites!;
    expect(lw.acknowledged).toBe(ORDERS_DURING);
    expect(lw.survived).toBe(ORDERS_BEFORE);
    // The isolated primary took some writes, then refused (max lag 3 s: between 2 and 6 s here).
    const iso = figures.isolation!;
    expect(iso.refused).toBe(true);
    expect(iso.accepted).toBeGreaterThan(0);
    expect(iso.refusedAfterMs).toBeGreaterThan(1500);
    expect(iso.refusedAfterMs).toBeLessThan(7000);
  }, 120_000);

  it('chain-replica refuses REPLICAOF typed on the primary (a replication loop)', async () => {
    const r = await attemptAt('chain-replica', [['primary', 'REPLICAOF 127.0.0.1 {port:replica-1}']]);
    expect(r.pass).toBe(false);
    // The setup puts the primary back.
    await restoreTopology(ctx);
    expect((await adminInfo(session.lab.node('primary').port, 'replication')).role).toBe('master');
  }, 30_000);

  it('size-backlog: 3mb passes neither the check nor the cut (full sync), 4mb passes both', async () => {
    const small = await attemptAt('size-backlog', [['primary', 'CONFIG SET repl-backlog-size 3mb']]);
    expect(small.pass).toBe(false);
    await code('backlog-proof').run(ctx);
    expect(figures.backlogProof).toMatchObject({ backlog: 3 * 1024 * 1024, partial: 0, full: 1 });
    const big = await attemptAt('size-backlog', [['primary', 'CONFIG SET repl-backlog-size 4mb']]);
    expect(big.pass).toBe(true);
  }, 30_000);

  it('promote and repoint: a writable replica is not a promotion, two primaries are split brain', async () => {
    const writable = await attemptAt('promote', [['replica-1', 'CONFIG SET replica-read-only no']]);
    expect(writable).toMatchObject({ pass: false });
    expect(writable.actual).toMatch(/still a replica/);
    const done = await attemptAt('promote', [['replica-1', 'REPLICAOF NO ONE']]);
    expect(done.pass).toBe(true);
    expect(done.actual).toContain(String(FAILOVER_ORDERS));
    const split = await attemptAt('repoint', [['replica-2', 'REPLICAOF NO ONE']]);
    expect(split.actual).toMatch(/split brain/);
    const both = await attemptAt('repoint', [['replica-2', 'REPLICAOF 127.0.0.1 {port:replica-1}']]);
    expect(both.pass).toBe(true);
  }, 30_000);

  it('min-replicas refuses a guard set on a replica, and a max lag of 0', async () => {
    const onReplica = await attemptAt('min-replicas', [
      ['replica-1', 'CONFIG SET min-replicas-to-write 1'],
      ['replica-1', 'CONFIG SET min-replicas-max-lag 3'],
    ]);
    expect(onReplica.pass).toBe(false);
    const zero = await attemptAt('min-replicas', [
      ['primary', 'CONFIG SET min-replicas-to-write 1'],
      ['primary', 'CONFIG SET min-replicas-max-lag 0'],
    ]);
    expect(zero.actual).toMatch(/turns the guard off/);
    await restoreTopology(ctx);
    expect(await inSync(session.lab)).toBe(true);
  }, 30_000);
});
