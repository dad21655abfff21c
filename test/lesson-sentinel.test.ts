// The sentinel lesson on a sentinel lab of its own: --auto with verify scores full marks (every exercise's start and
// wrong attempts fail, its solution passes), the failover it provokes is measured from the Sentinels' own events
// (detected after down-after-milliseconds, announced within seconds, a gap and lost writes counted), the old primary
// is converted back, a lone Sentinel never elects itself, and every node is gone once the session closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLesson } from '../src/engine/runner.js';
import type { LessonResult } from '../src/engine/results.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { figures } from '../src/lessons/sentinel/failover.js';
import { sentinelLesson } from '../src/lessons/sentinel/index.js';

let session: LabLessonSession;
let result: LessonResult;
let output = '';
let pids: number[] = [];

beforeAll(async () => {
  session = await openLabLesson('sentinel', { namespace: 'sentinelt:' });
  pids = session.lab.nodes.map((n) => n.pid!).filter(Boolean);
  const lines: string[] = [];
  result = await runLesson(sentinelLesson, session.sb, {
    mode: 'auto',
    verify: true,
    out: (l) => lines.push(l.replace(/\x1b\[[0-9;]*m/g, '')),
    lab: session.lessonLab,
  });
  output = lines.join('\n');
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const exercise = (id: string) => result.steps.find((s) => s.id === id)!;

describe('sentinel lesson', () => {
  it('scores full marks, every exercise proven', () => {
    expect(result.score).toBe(result.maxScore);
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises).toHaveLength(5);
    for (const ex of exercises) {
      expect({ id: ex.id, passed: ex.passed, atStart: ex.passedBeforeSolution }).toEqual({ id: ex.id, passed: true, atStart: false });
      expect(ex.wrongAttempts?.length).toBeGreaterThan(0);
      for (const w of ex.wrongAttempts ?? []) expect({ id: ex.id, attempt: w.attempt, passed: w.passed }).toMatchObject({ passed: false });
    }
  });

  it('times the failover from the Sentinels’ events, and counts the client’s gap and the lost writes', () => {
    const f = figures.failover!;
    expect(f).toBeDefined();
    // SDOWN needs down-after-milliseconds (1000) of silence; ODOWN and the election follow; the switch within seconds.
    expect(f.detectMs).toBeGreaterThanOrEqual(900);
    expect(f.odownMs).toBeGreaterThanOrEqual(f.detectMs!);
    expect(f.electedMs).toBeGreaterThanOrEqual(f.odownMs!);
    expect(f.switchMs).toBeGreaterThan(f.electedMs!);
    expect(f.switchMs).toBeLessThan(10_000);
    expect(['replica-1', 'replica-2']).toContain(f.newPrimary);
    expect(f.failed).toBeGreaterThan(0);
    expect(f.gapMs).toBeGreaterThan(900);
    expect(f.gapMs).toBeLessThan(12_000);
    // Writes replicated before the cut survive; most of those made while the replicas were cut off are lost.
    expect(f.lostBeforeCut).toBe(0);
    expect(f.ackedDuringCut).toBeGreaterThan(0);
    expect(f.lostDuringCut).toBeGreaterThan(0);
    expect(f.tilted).toBe(true);
    expect(output).toMatch(/\+switch-master\s+mymaster: primary → replica-[12]/);
    expect(output).toMatch(/\+elected-leader/);
  });

  it('sees the old primary converted into a replica, and a lone Sentinel reach ODOWN but never a majority', () => {
    expect(figures.rejoinMs).toBeGreaterThan(5000);
    expect(figures.rejoinMs).toBeLessThan(25_000);
    const a = figures.alone!;
    expect(a.sdownMs).not.toBeNull();
    expect(a.odownWithQuorum2).toBe(false);
    expect(a.odownMs).not.toBeNull();
    expect(a.tryMs).not.toBeNull();
    expect(a.elected).toBe(false);
    expect(a.abortMs).not.toBeNull();
  });

  it('refuses the specific mistakes, saying why', () => {
    const said = (id: string) => (exercise(id).wrongAttempts ?? []).map((w) => w.actual).join('\n');
    expect(said('attach-replica')).toMatch(/itself a replica/);
    expect(said('attach-replica')).toMatch(/a Sentinel: it stores no data/);
    expect(said('manual-failover')).toMatch(/no failover: the Sentinels still name primary/);
    expect(said('never-promote')).toMatch(/still promotable/);
    expect(said('never-promote')).toMatch(/a restart would make it promotable again/);
    expect(said('never-promote')).toMatch(/FIRST choice/);
    expect(said('fix-quorum')).toMatch(/quorum 1: a single Sentinel/);
    expect(said('fix-quorum')).toMatch(/quorum 3: with one Sentinel down/);
    expect(said('fix-quorum')).toMatch(/NOQUORUM/);
    expect(said('old-primary-rejoins')).toMatch(/replicating nobody/);
  });

  it('stops every node of the lab when the session closes', async () => {
    await session.close();
    expect(pids.length).toBe(6);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
