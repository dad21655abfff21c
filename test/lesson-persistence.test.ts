// The persistence lesson on its own single lab: full marks in verify mode (every start and wrong attempt refused, every
// solution accepted), the live figures it prints (RDB-only kill -9 loses what followed the snapshot, AOF keeps every
// acknowledged write under each appendfsync policy, always slower than everysec for one client, MISCONF refusing
// writes), its checks refusing the specific mistakes, and no node process left once the lab is closed.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep } from '../src/engine/types.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { persistenceLesson } from '../src/lessons/persistence/index.js';

const NS = 'persistencet:';
let session: LabLessonSession;
let ctx: OwnedContext;
let text = '';
let result: Awaited<ReturnType<typeof runLesson>>;
const pids: number[] = [];

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

beforeAll(async () => {
  session = await openLabLesson('single', { namespace: NS });
  pids.push(...session.lab.nodes.map((n) => n.pid!));
  const lines: string[] = [];
  result = await runLesson(persistenceLesson, session.sb, {
    mode: 'auto',
    verify: true,
    out: (l) => lines.push(plain(l)),
    lab: session.lessonLab,
  });
  text = lines.join('\n');
  if (process.env.PERSISTENCE_OUT) writeFileSync(process.env.PERSISTENCE_OUT, text);
  ctx = createContext(session.sb, { scope: persistenceLesson.id, write: () => {}, lab: session.lessonLab });
}, 150_000);

afterAll(async () => {
  await session?.close();
});

function exercise(id: string): ExerciseStep {
  const step = persistenceLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(
    exercise(id),
    { sb: session.sb, ctx, scope: persistenceLesson.id },
    lines.map((l) => l.replaceAll('{ns}', NS)),
  );
}

/** The cells of the first table row whose first cell is `label` (tables are drawn with │). */
function row(label: string): string[] {
  const line = text.split('\n').find((l) => l.includes('│') && l.split('│')[1]?.trim() === label);
  if (!line) throw new Error(`no table row "${label}" in the lesson's output`);
  return line
    .split('│')
    .slice(1, -1)
    .map((c) => c.trim());
}

/** The output with its line wrapping undone, for sentences. */
const flat = () => text.replace(/\s*\n\s*/g, ' ');

const num = (s: string | undefined) => Number(String(s).replace(/,/g, ''));

function wrongActual(id: string, index: number): string {
  const ex = result.steps.find((s) => s.id === id);
  return ex?.wrongAttempts?.[index]?.actual ?? '';
}

describe('the persistence lesson, run with --auto on its lab', () => {
  it('scores full marks, and proves each exercise: start fails, every wrong attempt fails, the solution passes', () => {
    expect(result.score).toBe(result.maxScore);
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises.length).toBeGreaterThanOrEqual(5);
    for (const ex of exercises) {
      expect({ id: ex.id, start: ex.passedBeforeSolution }).toEqual({ id: ex.id, start: false });
      expect(ex.wrongAttempts?.length).toBeGreaterThan(0);
      for (const w of ex.wrongAttempts ?? []) expect({ id: ex.id, attempt: w.attempt, passed: w.passed }).toMatchObject({ passed: false });
      expect({ id: ex.id, passed: ex.passed }).toEqual({ id: ex.id, passed: true });
    }
  });

  it('snapshots: BGSAVE takes the change counter to 0 and writes dump.rdb', () => {
    expect(row('rdb_changes_since_last_save')).toEqual(['rdb_changes_since_last_save', '1000', '0']);
    expect(row('rdb_last_bgsave_status')[2]).toBe('ok');
    expect(row('dump.rdb in the node’s dir')[2]).toMatch(/KB|B$/);
    expect(text).not.toContain('CLIENT SETINFO');
  });

  it('rdb-crash: kill -9 keeps the snapshot and loses every write acknowledged after it', () => {
    expect(row('before the BGSAVE').map(num)).toEqual([NaN, 500, 500, 0]);
    expect(row('after the BGSAVE').map(num)).toEqual([NaN, 300, 0, 300]);
  });

  it('config-restart: AOF switched on with CONFIG SET alone is off after a restart; with CONFIG REWRITE it stays', () => {
    expect(flat()).toMatch(/with appendonly no and the probe gone/);
    expect(flat()).toMatch(/appendonly yes, probe = "written after CONFIG REWRITE"/);
  });

  it('aof-policies: no acknowledged write lost to kill -9 under any policy; always is the slowest for one client', () => {
    const runs = ['always', 'everysec', 'no'].map((p) => row(p));
    for (const [policy, , , acked, after, lost] of runs) {
      expect({ policy, lost: num(lost) }).toEqual({ policy, lost: 0 });
      expect(num(acked)).toBeGreaterThan(100);
      expect(num(after)).toBe(num(acked));
    }
    const [always, everysec] = runs;
    expect(num(always![1])).toBeGreaterThan(0);
    expect(num(always![1])).toBeLessThan(num(everysec![1]));
    expect(flat()).toMatch(
      /What a power loss could take instead: always, nothing acknowledged; everysec, about the last second; no, up to ~\d+ s/,
    );
  });

  it('aof-files: BGREWRITEAOF replaces the 1.base/1.incr pair with a new base and an empty incr file', () => {
    const first = row('*.1.incr.aof');
    expect(first[1]).toBe('0 B');
    expect(first[2]).toMatch(/KB$/);
    expect(first[3]).toBe('—');
    expect(row('*.2.incr.aof')[3]).toBe('0 B');
    expect(row('*.2.base.rdb')[3]).toMatch(/B$/);
    expect(flat()).toContain('the manifest now: file appendonly.aof.2.base.rdb seq 2 type b');
  });

  it('misconf-live: writes refused while the save fails, accepted and kept once it succeeds, lost with the safety net off', () => {
    expect(row('save fails, stop-writes yes').map(num).slice(1, 4)).toEqual([50, 50, 0]);
    expect(row('space back, BGSAVE ok').map(num).slice(1)).toEqual([50, 0, 50, 50]);
    expect(row('save fails, stop-writes no').map(num).slice(1)).toEqual([50, 0, 50, 0]);
    expect(text).toContain('(error) MISCONF');
  });

  it("names each mistake in the checks' verdicts", () => {
    expect(wrongActual('bgsave-now', 0)).toMatch(/SAVE wrote the file in the node’s own thread/);
    expect(wrongActual('bgsave-now', 1)).toMatch(/BGREWRITEAOF wrote the append-only files/);
    expect(wrongActual('save-points', 0)).toMatch(/config file still says save ""/);
    expect(wrongActual('save-points', 1)).toMatch(/swapped/);
    expect(wrongActual('aof-everysec', 0)).toMatch(/config file: appendonly no, appendfsync no: a restart would come back with that/);
    expect(wrongActual('survive-kill', 0)).toMatch(/= \(nil\).*nothing else kept it/);
    expect(wrongActual('survive-kill', 1)).toMatch(/AOF was on at run time only/);
    expect(wrongActual('survive-kill', 2)).toMatch(/appendfsync only says how often/);
    expect(wrongActual('rewrite-aof', 0)).toMatch(/KB; persistencet:persistence:visits = 4000/);
    expect(wrongActual('misconf', 0)).toMatch(/= \(nil\).*rdb_last_bgsave_status:err/);
    expect(wrongActual('misconf', 1)).toMatch(/stop-writes-on-bgsave-error no/);
    expect(wrongActual('misconf', 2)).toMatch(/still has no good save/);
    expect(wrongActual('misconf', 3)).toMatch(/save "": snapshots are off/);
  });

  it('the check is right that CONFIG SET alone does not survive: the node, restarted, has AOF off again', async () => {
    const r = await attempt('aof-everysec', ['CONFIG SET appendonly yes', 'CONFIG SET appendfsync everysec']);
    expect(r.pass).toBe(false);
    await session.lab.restart('node');
    const info = await session.sb.admin.config('GET', 'appendonly');
    expect(info).toEqual(['appendonly', 'no']);
  });

  it('leaves no node process behind once the lab is closed', async () => {
    const last = session.lab.nodes.map((n) => n.pid).filter((p): p is number => p !== null);
    await ctx.dispose();
    await session.close();
    for (const pid of [...pids, ...last]) expect(() => process.kill(pid, 0)).toThrow();
  });
});
