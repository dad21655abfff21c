// The observability lesson on its own single lab: --auto with verify scores full marks with every exercise proven, the
// live figures it prints are in range (a SORT of tens of ms in the slow log, the render cache several times the
// event list's memory, the hot key on top of OBJECT FREQ, a growing output buffer, 20 of 20 expired events), its
// checks refuse the mistakes it teaches against, the misbehaving app stops with the lesson, and the lab's nodes are
// gone after close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runLesson, type LessonResult } from '../src/engine/runner.js';
import type { ExerciseStep, LessonContext } from '../src/engine/types.js';
import { openLabLesson, type LabLessonSession } from '../src/lab/lesson-session.js';
import { observabilityLesson } from '../src/lessons/observability/index.js';
import { ensureApp, runningApp } from '../src/lessons/observability/lib/app.js';
import { clientList } from '../src/lessons/observability/lib/server-info.js';
import { NAMES } from '../src/lessons/observability/shared.js';

const NS = 'observabilityt:';
let session: LabLessonSession;
let pids: number[] = [];
let result: LessonResult;
let text = '';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const appNames: readonly string[] = Object.values(NAMES);

async function appConnections(): Promise<string[]> {
  return (await clientList(session.sb.admin)).filter((c) => appNames.includes(c.name)).map((c) => c.name);
}

/** Polls until the app's connections are gone from the server (a close takes the server a moment). */
async function appGone(): Promise<string[]> {
  let left = await appConnections();
  for (let i = 0; i < 40 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = await appConnections();
  }
  return left;
}

function exercise(id: string): ExerciseStep {
  const step = observabilityLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

beforeAll(async () => {
  session = await openLabLesson('single', { namespace: NS });
  pids = session.lab.nodes.map((n) => n.pid).filter((p): p is number => p !== null);
  const lines: string[] = [];
  result = await runLesson(observabilityLesson, session.sb, {
    mode: 'auto',
    verify: true,
    out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')),
    lab: session.lessonLab,
  });
  text = lines.join('\n');
}, 110_000);

afterAll(async () => {
  await session?.close();
  expect(pids.length).toBe(1);
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});

describe('observability lesson, --auto with verify', () => {
  it('scores full marks; every exercise fails at its start, refuses each wrong attempt, passes its solution', () => {
    expect(result.completed).toBe(true);
    expect(result.maxScore).toBe(15);
    expect(result.score).toBe(result.maxScore);
    const exercises = result.steps.filter((s) => s.kind === 'exercise');
    expect(exercises.map((e) => e.id)).toEqual(['hit-ratio', 'slowlog', 'bigkey', 'hotkey', 'client-buffer', 'notify']);
    for (const ex of exercises) {
      expect({ id: ex.id, start: ex.passedBeforeSolution, passed: ex.passed }).toEqual({ id: ex.id, start: false, passed: true });
      expect(ex.wrongAttempts?.length).toBeGreaterThan(0);
      for (const w of ex.wrongAttempts ?? []) expect({ id: ex.id, wrong: w.attempt, passed: w.passed }).toMatchObject({ passed: false });
    }
  });

  it('loads the dataset quickly and measures a hit ratio near the app’s 30 hits per 41 lookups', () => {
    const load = /Loaded 2,502 keys with [\d,]+ pipelined commands in (\d+) ms/.exec(text);
    expect(load).not.toBeNull();
    expect(Number(load![1])).toBeLessThan(5000);
    const ratio = /the server says (0\.\d+) \((\d+) hits, (\d+) misses\)/.exec(text);
    expect(ratio).not.toBeNull();
    expect(Number(ratio![1])).toBeGreaterThan(0.68);
    expect(Number(ratio![1])).toBeLessThan(0.78);
  });

  it('commandstats and the slow log: SORT takes milliseconds where GET takes microseconds', () => {
    const stats = /GET: [\d,]+ calls at ([\d.]+) µs each\. SORT: [\d,]+ calls? at ([\d.]+) ms each/.exec(text);
    expect(stats).not.toBeNull();
    expect(Number(stats![1])).toBeLessThan(50);
    expect(Number(stats![2])).toBeGreaterThan(10);
    const slow = /The slowest SORT took ([\d.]+) ms inside the server/.exec(text);
    expect(slow).not.toBeNull();
    expect(Number(slow![1])).toBeGreaterThan(10);
    expect(text).toMatch(/SLOWLOG GET 3/);
    expect(text).toMatch(/│ command\s+│ \d\d:\d\d:\d\d │ \d+ ms/);
  });

  it('big keys: the list has 25× the elements, the hash several times the memory; the hot key tops OBJECT FREQ', () => {
    const mem = /render-cache has (\d+)× fewer elements than \S+ and uses ([\d.]+)× its memory/.exec(text);
    expect(mem).not.toBeNull();
    expect(Number(mem![1])).toBe(25);
    expect(Number(mem![2])).toBeGreaterThan(3);
    const hot = /│ \{ns\}observability:product:(\d+)\s+│ (\d+)\s+│/.exec(text.slice(text.indexOf('--hotkeys order')));
    expect(hot?.[1]).toBe('1188');
    expect(text).toMatch(/300 of 1,500 sessions have no TTL/);
  });

  it('the reader’s output buffer grows, the app stops with the incident, and every key read after its TTL is announced expired', () => {
    const grew = /omem went from ([\d.]+ [KM]?B) to ([\d.]+ [KM]?B) in one second/.exec(text);
    expect(grew).not.toBeNull();
    expect(grew![2]).not.toBe('0 B');
    expect(text).toContain('The app is stopped: 0 connections of it left on the server.');
    // A read deletes a stale key at once: every lazy one is announced; the expiry cycle reaches the others in its time.
    expect(text).toMatch(/│ a read \(lazy\)\s+│ 10\s+│ 10\s+│/);
    const active = /│ the expiry cycle\s+│ 10\s+│ (\d+)\s+│/.exec(text);
    expect(Number(active?.[1])).toBeLessThanOrEqual(10);
  });

  it('leaves the settings at the lab defaults and no app running', async () => {
    const admin = session.sb.admin;
    const get = async (name: string) => ((await admin.config('GET', name)) as string[])[1];
    expect(await get('maxmemory-policy')).toBe('noeviction');
    expect(await get('notify-keyspace-events')).toBe('');
    expect(await get('latency-monitor-threshold')).toBe('0');
    expect(await get('slowlog-log-slower-than')).toBe('10000');
    expect(await appGone()).toEqual([]);
  });
});

describe('its checks refuse the mistakes, and the app never outlives the lesson', () => {
  it('refuses the most-elements key, a guess, the miss ratio and KEA; the app stops when the context is disposed', async () => {
    const ctx = createContext(session.sb, { scope: observabilityLesson.id, write: () => {}, lab: session.lessonLab });
    const o = { sb: session.sb, ctx, scope: observabilityLesson.id };
    try {
      const elements = await attemptExercise(exercise('bigkey'), o, ['SET {ns}observability:answer:big-key {ns}observability:events']);
      expect(elements.pass).toBe(false);
      expect(elements.actual).toContain('the most elements');
      const guessed = await attemptExercise(exercise('bigkey'), o, ['SET {ns}observability:answer:big-key observability:render-cache']);
      expect(guessed.actual).toContain('never measured it');
      const measured = await attemptExercise(exercise('bigkey'), o, [
        'MEMORY USAGE {ns}observability:render-cache',
        'SET {ns}observability:answer:big-key observability:render-cache',
      ]);
      expect(measured.pass).toBe(true);

      const missRatio = await attemptExercise(exercise('hit-ratio'), o, ['SET {ns}observability:answer:hit-ratio 27%']);
      expect(missRatio.actual).toContain('the miss ratio');
      expect((await attemptExercise(exercise('hit-ratio'), o, ['SET {ns}observability:answer:hit-ratio 73%'])).pass).toBe(true);

      const hotLru = await attemptExercise(exercise('hotkey'), o, ['CONFIG SET maxmemory-policy volatile-lru']);
      expect(hotLru.actual).toContain('OBJECT FREQ answers only under');
      const volatileLfu = await attemptExercise(exercise('hotkey'), o, [
        'CONFIG SET maxmemory-policy volatile-lfu',
        'OBJECT FREQ {ns}observability:product:1188',
        'SET {ns}observability:answer:hot-key {ns}observability:product:1188',
      ]);
      expect(volatileLfu.pass).toBe(true);

      const kea = await attemptExercise(exercise('notify'), o, ['CONFIG SET notify-keyspace-events KEA']);
      expect(kea.actual).toContain('every class');
      expect((await attemptExercise(exercise('notify'), o, ['CONFIG SET notify-keyspace-events Kx'])).pass).toBe(true);

      // The notify setup ended the incident; the app runs again for the next exercise, then the lesson "ends".
      await ensureApp(ctx as LessonContext);
      expect((await appConnections()).sort()).toEqual([...appNames].sort());
    } finally {
      await ctx.dispose();
    }
    // The app hears the lesson end (its lifetime connection closing) and stops: no loop, timer or connection left.
    expect(await appGone()).toEqual([]);
    expect(runningApp(ctx)).toBeNull();
  }, 60_000);
});
