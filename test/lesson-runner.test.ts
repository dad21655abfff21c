// The lesson runner as a learner meets it: hint costs, commands typed between steps, MULTI inside an exercise,
// and the CLI's progress rules (a practice run or a refused restart never loses what was saved).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsAfterHints, runLesson } from '../src/engine/runner.js';
import type { Lesson } from '../src/engine/types.js';
import { stringEquals, ttlBetween, all } from '../src/engine/checks.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox, runCli, serverUrl, tempConfigHome, scriptedInput } from './helpers.js';

const DB = 9;
let sb: Sandbox;

beforeAll(async () => {
  sb = await openPrivateSandbox('run:');
});

afterAll(async () => {
  await sb.reset();
  await sb.close();
});

const tiny: Lesson = {
  id: 'tiny',
  title: 'Tiny',
  level: 'Beginner',
  minutes: 1,
  summary: 'a lesson for the runner tests',
  keys: ['t:*'],
  steps: [
    { id: 'intro', kind: 'run', title: 'Look', commands: ['SET {ns}t:seen 1'] },
    {
      id: 'ex',
      kind: 'exercise',
      title: 'Both at once',
      text: 'Set {ns}t:a to 1 with a TTL of 60 s.',
      points: 2,
      setup: ['DEL {ns}t:a'],
      check: all(stringEquals('t:a', '1'), ttlBetween('t:a', 1, 60)),
      hints: ['one command', 'SET key value EX seconds'],
      solution: ['SET {ns}t:a 1 EX 60'],
      wrong: [['SET {ns}t:a 1']],
    },
  ],
};

describe('hint costs', () => {
  it('every hint costs a point while any are left, and the solution leaves none', () => {
    expect([0, 1, 2, 3].map((h) => pointsAfterHints(2, h))).toEqual([2, 1, 0, 0]);
    expect([0, 1, 2, 3].map((h) => pointsAfterHints(1, h))).toEqual([1, 0, 0, 0]);
    expect([0, 1, 2, 3].map((h) => pointsAfterHints(3, h))).toEqual([3, 2, 1, 0]);
    expect([0, 1, 2, 3].map((h) => pointsAfterHints(4, h))).toEqual([4, 3, 2, 0]);
    for (let p = 1; p <= 10; p++) {
      const seq = [0, 1, 2, 3].map((h) => pointsAfterHints(p, h));
      for (let h = 1; h < 4; h++) expect(seq[h]! < seq[h - 1]! || seq[h] === 0).toBe(true);
    }
  });

  it('grades two hints on a 2-point exercise as 0 points', async () => {
    const lines: string[] = [];
    const input = scriptedInput(['', ':hint', ':hint', 'SET {ns}t:a 1 EX 60'.replace('{ns}', 'run:')]);
    const r = await runLesson(tiny, sb, { mode: 'interactive', input, out: (l) => lines.push(l) });
    const ex = r.steps.find((s) => s.id === 'ex')!;
    expect(ex).toMatchObject({ passed: true, points: 0, hintsUsed: 2 });
    expect(lines.join('\n')).toMatch(/worth now: 1 pt\b/);
    expect(lines.join('\n')).toMatch(/worth now: 0 pts/);
  });
});

describe('between steps', () => {
  it('runs a command typed at the "next" prompt instead of dropping it', async () => {
    const lines: string[] = [];
    const input = scriptedInput(['GET run:t:seen', '', 'SET run:t:a 1 EX 60']);
    const r = await runLesson(tiny, sb, { mode: 'interactive', input, out: (l) => lines.push(l) });
    expect(r.score).toBe(2);
    const text = lines.join('\n');
    expect(text).toMatch(/GET run:t:seen\s+"1"/);
    expect(input.prompts.filter((p) => p.includes('next')).length).toBe(2);
  });

  it('says a meta command belongs in exercises, and quits on q', async () => {
    const lines: string[] = [];
    const r = await runLesson(tiny, sb, { mode: 'interactive', input: scriptedInput([':hint', 'q']), out: (l) => lines.push(l) });
    expect(r.completed).toBe(false);
    expect(lines.join('\n')).toMatch(/work inside exercises/);
  });
});

describe(':reset', () => {
  it('puts the exercise back to its starting state and forgets what was typed', async () => {
    const lines: string[] = [];
    const input = scriptedInput(['', 'SET run:t:a 2', ':reset', 'GET run:t:a', 'SET run:t:a 1 EX 60']);
    const r = await runLesson(tiny, sb, { mode: 'interactive', input, out: (l) => lines.push(l) });
    expect(r.score).toBe(2);
    const text = lines.join('\n');
    expect(text).toMatch(/back to the exercise's starting state/);
    expect(text).toMatch(/GET run:t:a\s+\(nil\)/);
  });
});

describe('MULTI inside an exercise', () => {
  it('shows (TX) in the prompt, checks nothing until EXEC, then grades the transaction', async () => {
    const lines: string[] = [];
    const input = scriptedInput(['', 'MULTI', 'SET run:t:a 1', 'EXPIRE run:t:a 60', 'EXEC']);
    const r = await runLesson(tiny, sb, { mode: 'interactive', input, out: (l) => lines.push(l) });
    expect(r.score).toBe(2);
    const text = lines.join('\n');
    expect(text.match(/not yet/g) ?? []).toEqual([]);
    expect(text.match(/QUEUED/g)?.length).toBe(2);
    expect(input.prompts.filter((p) => p.includes('(TX)')).length).toBe(3);
  });
});

function progressOf(home: string): {
  lessons: Record<
    string,
    { currentStep: number; lastScore: number; bestScore: number; completedAt?: string; solved: Record<string, number> }
  >;
} {
  return JSON.parse(readFileSync(join(home, 'redis-learn', 'progress.json'), 'utf8'));
}

describe('progress is never lost', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(serverUrl(DB));
    await redis.flushdb();
  });
  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
  });

  it('--step N on a finished lesson is practice: the saved score and completion stay', async () => {
    const home = tempConfigHome();
    const env = { XDG_CONFIG_HOME: home };
    const done = await runCli(['lesson', 'simple', '--auto', '--url', serverUrl(DB)], { env });
    expect(done.code).toBe(0);
    const before = progressOf(home).lessons.simple!;
    expect(before.lastScore).toBe(before.bestScore);
    expect(before.completedAt).toBeDefined();
    // Exercise 1 is step 4; the learner skips it, then input ends.
    const practice = await runCli(['lesson', 'simple', '--step', '4', '--url', serverUrl(DB)], { env, input: ':skip\n' });
    expect(practice.code).toBe(0);
    const after = progressOf(home).lessons.simple!;
    expect(after).toMatchObject({
      lastScore: before.lastScore,
      bestScore: before.bestScore,
      completedAt: before.completedAt,
      solved: before.solved,
    });
    // With simple done, doctor points at the next lesson, not at the one finished.
    const doctor = await runCli(['doctor', '--json', '--url', serverUrl(DB)], { env });
    const next = (JSON.parse(doctor.stdout) as { next: string[] }).next.join('\n');
    expect(next).toMatch(/redis-learn lesson complex/);
    expect(next).not.toMatch(/lesson simple/);
    await runCli(['reset', '--all', '--url', serverUrl(DB)], { env });
  });

  it('--restart that is refused (a foreign key under the lesson names) keeps the saved step', async () => {
    const home = tempConfigHome();
    mkdirSync(join(home, 'redis-learn'), { recursive: true });
    const saved = {
      version: 1,
      lessons: {
        simple: {
          currentStep: 7,
          bestScore: 0,
          lastScore: 4,
          maxScore: 14,
          attempts: 1,
          solved: { 'visits-ttl': 2, 'nx-lock': 2 },
          updatedAt: new Date().toISOString(),
        },
      },
      quiz: { cards: {}, rounds: [] },
    };
    writeFileSync(join(home, 'redis-learn', 'progress.json'), JSON.stringify(saved));
    await redis.set('learn:visits', 'not yours');
    const r = await runCli(['lesson', 'simple', '--restart', '--url', serverUrl(DB)], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/learn:visits/);
    expect(progressOf(home).lessons.simple).toMatchObject({ currentStep: 7, lastScore: 4, attempts: 1 });
    expect(await redis.get('learn:visits')).toBe('not yours');
    await redis.del('learn:visits');
  });

  it('lesson --json with piped answers prints exactly one JSON object on stdout', async () => {
    const home = tempConfigHome();
    const r = await runCli(['lesson', 'simple', '--json', '--private'], {
      env: { XDG_CONFIG_HOME: home },
      input: 'SET learn:visits 1 EX 60\n:skip\n:skip\n',
    });
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.stdout) as { lesson: string; score: number };
    expect(obj.lesson).toBe('simple');
    expect(obj.score).toBe(2);
  });
});
