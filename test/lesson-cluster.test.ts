// The cluster lesson on its own six-node cluster lab: --auto with verify scores full marks, every exercise's start and
// wrong attempts fail (for the reason the exercise teaches: MOVED, CROSSSLOT, keys left behind, a source handing over
// first, a replica that stayed one), the live figures it prints are in range (redirections met while a slot moved with
// no acknowledged write lost, a replica promoted within seconds of a kill, a bulk load faster grouped by node), the lab
// is back as formed after the run, and no node process outlives the lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLesson } from '../src/engine/runner.js';
import type { LessonResult } from '../src/engine/results.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { clusterLesson } from '../src/lessons/cluster/index.js';
import { formed, formedProblem } from '../src/lessons/cluster/lib/cluster-state.js';

let session: LabLessonSession;
let result: LessonResult;
let text = '';
const pids: number[] = [];

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

beforeAll(async () => {
  session = await openLabLesson('cluster', { namespace: 'clustert:' });
  for (const n of session.lab.nodes) if (n.pid !== null) pids.push(n.pid);
  const lines: string[] = [];
  result = await runLesson(clusterLesson, session.sb, {
    mode: 'auto',
    verify: true,
    out: (l) => lines.push(plain(l)),
    lab: session.lessonLab,
  });
  // A killed node restarts under a new pid: both must be gone at the end.
  for (const n of session.lab.nodes) if (n.pid !== null && !pids.includes(n.pid)) pids.push(n.pid);
  // Narration wraps: one line per output call, wrapped lines joined.
  text = lines.map((l) => l.replace(/\n\s*/g, ' ')).join('\n');
}, 150_000);

afterAll(async () => {
  await session?.close();
});

function exercise(id: string) {
  const step = result.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

describe('cluster lesson (--auto, verify)', () => {
  it('scores full marks, and every exercise is proven: start fails, wrong attempts fail, solution passes', () => {
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBe(15);
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises.map((e) => e.id)).toEqual([
      'right-node',
      'hash-tag',
      'count-slot',
      'import-slot',
      'migrate-keys',
      'hand-over',
      'promote-replica',
    ]);
    for (const e of exercises) {
      expect(e.passedBeforeSolution, e.id).toBe(false);
      expect(e.passed, e.id).toBe(true);
      expect(e.wrongAttempts?.length, e.id).toBeGreaterThan(0);
      for (const w of e.wrongAttempts ?? []) expect(w.passed, `${e.id}: ${w.attempt.join(' ; ')}`).toBe(false);
    }
  });

  it('refuses each mistake for the reason it teaches', () => {
    const actual = (id: string, i: number) => exercise(id).wrongAttempts![i]!.actual;
    // Another node's order: node-1 answered MOVED and wrote nothing.
    expect(actual('right-node', 0)).toMatch(/MOVED \d+ 127\.0\.0\.1:\d+/);
    // Plain names: CROSSSLOT; braces around each whole name: still CROSSSLOT; two SETs: not one MSET.
    expect(actual('hash-tag', 0)).toMatch(/CROSSSLOT/);
    expect(actual('hash-tag', 1)).toMatch(/CROSSSLOT/);
    expect(actual('hash-tag', 2)).toMatch(/2 SETs/);
    // DBSIZE counts the whole node.
    expect(actual('count-slot', 0)).toMatch(/DBSIZE/);
    // Claiming the slot before moving its keys.
    expect(actual('import-slot', 0)).toMatch(/took slot \d+ before any key moved/);
    // MIGRATE without MIGRATING: clients get (nil); SETSLOT NODE refused while keys remain; source first: ping-pong.
    expect(actual('migrate-keys', 0)).toMatch(/not MIGRATING.*\(nil\)/);
    expect(actual('migrate-keys', 1)).toMatch(/still holds 4/);
    expect(actual('migrate-keys', 2)).toMatch(/MOVED back/);
    // Cancelling the import strands the keys; the replica habits leave node-6 a replica.
    expect(actual('hand-over', 0)).toMatch(/unreachable/);
    expect(actual('promote-replica', 0)).toMatch(/still a replica/);
    expect(actual('promote-replica', 1)).toMatch(/still a replica/);
  });

  it('shows MOVED and ASK live, with the commands that met them', () => {
    expect(text).toMatch(/\(error\) MOVED \d+ 127\.0\.0\.1:\d+/);
    expect(text).toMatch(/\(error\) ASK \d+ 127\.0\.0\.1:\d+/);
    expect(text).toMatch(/\(error\) CROSSSLOT/);
    expect(text).toMatch(/The second GET went straight to node-\d: 0 redirections/);
  });

  it('moves a slot while four clients write: redirections met, no acknowledged write lost', () => {
    const m =
      /They met (\d+) ASKs? .*? and (\d+) MOVEDs? once it had moved; not one acknowledged write is missing on node-3, which holds (\d+) keys of the slot \(0 left on node-1\)/.exec(
        text,
      );
    expect(
      m,
      text.slice(text.indexOf('clients wrote the whole time') - 200, text.indexOf('clients wrote the whole time') + 400),
    ).not.toBeNull();
    expect(Number(m![1]) + Number(m![2])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeGreaterThanOrEqual(200);
  });

  it('times the replica taking over from a killed primary, and the failback', () => {
    const m = /(node-\d) took over \+([\d.]+) s after the kill/.exec(text);
    expect(m).not.toBeNull();
    // node-timeout 2000 ms, then the vote: a couple of seconds at least, well under 15 on a busy machine.
    expect(Number(m![2])).toBeGreaterThan(1.5);
    expect(Number(m![2])).toBeLessThan(15);
    expect(text).toMatch(/took its role back with CLUSTER FAILOVER in \d+ ms/);
    expect(text).not.toMatch(/CLIENT SETINFO/);
  });

  it('loads keys faster grouped by node than one request per key', () => {
    const m = /Grouped by slot owner: ([\d.]+)× faster in this run/.exec(text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1.5);
    expect(text).toMatch(/The cluster now holds 6,000 keys/);
  });

  it('leaves the cluster as it was formed', async () => {
    const f = await formed(session.lab);
    expect(await formedProblem(session.lab, f)).toBeNull();
  });
});

describe('after the lab stops', () => {
  it('no node process is left', async () => {
    await session.close();
    expect(pids.length).toBeGreaterThanOrEqual(6);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
