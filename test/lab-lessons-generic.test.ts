// Every lab lesson in the registry (a lesson with a topology of its own): started on a fresh lab, each exercise's
// starting state and each of its `wrong` attempts fail its check (the exercise's setup restores the topology between
// them), its solution passes, --auto scores full marks, and no node of the lab is left once the lesson's session
// closes. Not in the server matrix: the lab runs the selected build (REDIS_LEARN_SERVER) like any private server.
import { describe, expect, it } from 'vitest';
import { runLesson } from '../src/engine/runner.js';
import { openLabLesson } from '../src/lab/lesson-session.js';
import { LESSONS } from '../src/lessons/index.js';

const ON_LAB = LESSONS.filter((l) => l.lab);

describe('the lab lessons', () => {
  it('are the six production lessons, each on its topology', () => {
    expect(Object.fromEntries(ON_LAB.map((l) => [l.id, l.lab!.topology]))).toEqual({
      persistence: 'single',
      replication: 'replication',
      observability: 'single',
      sentinel: 'sentinel',
      cluster: 'cluster',
      security: 'single',
    });
  });
});

describe.each(ON_LAB.map((l) => [l.id, l] as const))('lab lesson %s', (_id, lesson) => {
  it('fails every exercise before its solution and for each wrong attempt, passes after, scores full marks, and leaves no node running', async () => {
    const session = await openLabLesson(lesson.lab!.topology, { namespace: 'gen:' });
    const pids = session.lab.nodes.map((n) => n.pid).filter((p): p is number => p !== null);
    let result: Awaited<ReturnType<typeof runLesson>>;
    try {
      result = await runLesson(lesson, session.sb, { mode: 'auto', verify: true, out: () => {}, lab: session.lessonLab });
    } finally {
      await session.close();
    }
    const exercises = result.steps.filter((s) => s.kind === 'exercise' && !s.unavailable);
    // The production lessons each teach with at least five exercises (issue #15).
    expect(exercises.length).toBeGreaterThanOrEqual(5);
    for (const ex of exercises) {
      expect({ exercise: ex.id, passedBeforeSolution: ex.passedBeforeSolution }).toEqual({ exercise: ex.id, passedBeforeSolution: false });
      expect({ exercise: ex.id, passed: ex.passed }).toEqual({ exercise: ex.id, passed: true });
      expect({ exercise: ex.id, wrongTried: (ex.wrongAttempts ?? []).length > 0 }).toEqual({ exercise: ex.id, wrongTried: true });
      for (const w of ex.wrongAttempts ?? []) {
        expect({ exercise: ex.id, wrong: w.attempt, passed: w.passed, found: w.actual }).toMatchObject({
          exercise: ex.id,
          wrong: w.attempt,
          passed: false,
        });
      }
    }
    expect(result.completed).toBe(true);
    expect(result.score).toBe(result.maxScore);
    // Every node the lab started is gone once the lesson's session closes.
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 240_000);
});
