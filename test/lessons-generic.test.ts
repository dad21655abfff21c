// Every lesson in the registry: each exercise's starting state and each of its `wrong` attempts fail its check, its solution passes,
// --auto scores full marks, atomic race variants lose nothing, and reset leaves no key behind.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProse } from '../src/engine/prose.js';
import { LESSONS } from '../src/lessons/index.js';
import { runLesson } from '../src/engine/runner.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox } from './helpers.js';
import { scanAll } from '../src/redis/scan.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await openPrivateSandbox('gen:');
});

afterAll(async () => {
  await sb.close();
});

async function keysUnder(prefix: string): Promise<string[]> {
  return scanAll(sb.admin, `${prefix}*`);
}

describe('the lesson registry', () => {
  it('has the four core tracks, in order, with unique ids', () => {
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 4)).toEqual(['simple', 'complex', 'bulk', 'ecommerce'].filter((id) => ids.includes(id)));
    expect(ids).toContain('simple');
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s is well-formed', (_id, lesson) => {
    const stepIds = lesson.steps.map((s) => s.id);
    expect(new Set(stepIds).size).toBe(stepIds.length);
    expect(lesson.keys.length).toBeGreaterThan(0);
    for (const s of lesson.steps) {
      if (s.kind === 'exercise') {
        expect(s.points).toBeGreaterThan(0);
        expect(s.solution.length).toBeGreaterThan(0);
        expect(s.hints[0].length).toBeGreaterThan(0);
        expect(s.hints[1].length).toBeGreaterThan(0);
        // The mistake the exercise is about, typed as a learner would; the run below proves it does not pass.
        expect({ exercise: s.id, wrong: (s.wrong ?? []).length > 0 }).toEqual({ exercise: s.id, wrong: true });
      }
    }
  });
});

describe('lesson prose', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: every step has its Markdown section and every section its step', (_id, lesson) => {
    expect(lesson.proseFile).toMatch(new RegExp(`src/lessons/${lesson.id}/[^/]+\\.md$`));
    const book = parseProse(readFileSync(lesson.proseFile!, 'utf8'));
    expect(book.title).toBe(lesson.title);
    expect(book.sections.map((s) => s.id)).toEqual(lesson.steps.map((s) => s.id));
    for (const s of lesson.steps) expect({ step: s.id, prose: (s.text ?? '').trim().length > 0 }).toEqual({ step: s.id, prose: true });
  });
});

/** Lessons on the configured server; lab lessons run on their own topology (test/lab-lessons-generic.test.ts). */
const ON_SERVER = LESSONS.filter((l) => !l.lab);

describe.each(ON_SERVER.map((l) => [l.id, l] as const))('lesson %s', (_id, lesson) => {
  it('fails every exercise before its solution, passes after, scores full marks with --auto, and reset removes every key', async () => {
    const result = await runLesson(lesson, sb, {
      mode: 'auto',
      verify: true,
      out: () => {},
      options: { records: 1500 },
    });
    // A step that needs commands this server lacks is skipped (and must say so); every other exercise is proven.
    for (const st of result.steps.filter((s) => s.unavailable)) {
      const step = lesson.steps.find((x) => x.id === st.id)!;
      expect({
        step: st.id,
        requires: Boolean(step.requires),
        missing: step.requires?.commands.some((n) => !sb.table.has(n.toLowerCase())),
      }).toEqual({
        step: st.id,
        requires: true,
        missing: true,
      });
    }
    const exercises = result.steps.filter((s) => s.kind === 'exercise' && !s.unavailable);
    expect(exercises.length).toBeGreaterThan(0);
    for (const ex of exercises) {
      expect({ exercise: ex.id, passedBeforeSolution: ex.passedBeforeSolution }).toEqual({ exercise: ex.id, passedBeforeSolution: false });
      expect({ exercise: ex.id, passed: ex.passed }).toEqual({ exercise: ex.id, passed: true });
      for (const w of ex.wrongAttempts ?? []) {
        expect({ exercise: ex.id, wrong: w.attempt, passed: w.passed, found: w.actual }).toMatchObject({
          exercise: ex.id,
          wrong: w.attempt,
          passed: false,
        });
      }
      expect({ exercise: ex.id, wrongTried: (ex.wrongAttempts ?? []).length > 0 }).toEqual({ exercise: ex.id, wrongTried: true });
    }
    for (const race of result.steps.filter((s) => s.kind === 'race')) {
      for (const row of race.race ?? []) {
        if (row.atomic)
          expect({ race: race.id, variant: row.label, actual: row.actual }).toEqual({
            race: race.id,
            variant: row.label,
            actual: row.expected,
          });
      }
    }
    expect(result.completed).toBe(true);
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBeGreaterThan(0);

    // Every key the lesson left is one it owns; reset removes them all.
    const left = (await keysUnder('gen:')).filter((k) => !k.includes('__redis-learn__'));
    const owners = left.length ? await sb.admin.hmget(sb.metaKey, ...left) : [];
    expect(left.filter((_k, i) => owners[i] !== lesson.id)).toEqual([]);
    await sb.reset(lesson.id);
    expect(await keysUnder('gen:')).toEqual([]);
  });
});

describe('lessons sharing key names', () => {
  it('every lesson still grades right after all the others ran (forwards and backwards), removing what they left', async () => {
    const lines: string[] = [];
    for (const lesson of [...ON_SERVER, ...[...ON_SERVER].reverse()]) {
      const result = await runLesson(lesson, sb, { mode: 'auto', verify: true, out: (l) => lines.push(l), options: { records: 300 } });
      for (const ex of result.steps.filter((s) => s.kind === 'exercise' && !s.unavailable)) {
        expect({ lesson: lesson.id, id: ex.id, before: ex.passedBeforeSolution }).toEqual({ lesson: lesson.id, id: ex.id, before: false });
      }
      expect({ lesson: lesson.id, score: result.score }).toEqual({ lesson: lesson.id, score: result.maxScore });
    }
    expect(lines.join('\n')).toMatch(/removed \d+ keys? the \w+ lesson left under this lesson's names/);
    await sb.reset();
    expect(await keysUnder('gen:')).toEqual([]);
  }, 300_000);

  it('refuses to overwrite keys the learner made in the REPL', async () => {
    const lesson = ON_SERVER[0]!;
    const name = lesson.keys.find((k) => !k.includes('*')) ?? lesson.keys[0]!.replace('*', 'x');
    await sb.exec(['SET', `gen:${name}`, 'mine'], 'repl');
    await expect(runLesson(lesson, sb, { mode: 'auto', out: () => {} })).rejects.toThrow(/made in the REPL/);
    expect(await sb.admin.get(`gen:${name}`)).toBe('mine');
    await sb.reset();
  });
});
