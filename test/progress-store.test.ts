// The progress file: versioned, written atomically, a corrupt or newer file kept aside, and read-modify-write per update.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProgress, PROGRESS_VERSION, progressPath, progressWarnings, updateProgress } from '../src/progress/store.js';
import { tempConfigHome } from './helpers.js';

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = tempConfigHome();
  progressWarnings.length = 0;
});
afterEach(() => {
  process.env.XDG_CONFIG_HOME = saved;
});

describe('progress store', () => {
  it('starts empty and writes a versioned file with no temp file left behind', () => {
    expect(loadProgress().lessons).toEqual({});
    updateProgress((p) => {
      p.lessons.simple = { currentStep: 3, bestScore: 0, lastScore: 2, maxScore: 14, attempts: 1, solved: { a: 2 }, updatedAt: 'now' };
    });
    const file = JSON.parse(readFileSync(progressPath(), 'utf8')) as { version: number; lessons: Record<string, { currentStep: number }> };
    expect(file.version).toBe(PROGRESS_VERSION);
    expect(file.lessons.simple!.currentStep).toBe(3);
    expect(readdirSync(join(process.env.XDG_CONFIG_HOME!, 'redis-learn'))).toEqual(['progress.json']);
  });

  it('keeps two updates from undoing each other (each re-reads the file)', () => {
    updateProgress((p) => {
      p.quiz.rounds.push({ at: 'x', asked: 1, correct: 1, byTopic: {} });
    });
    updateProgress((p) => {
      p.lessons.bulk = { currentStep: 1, bestScore: 0, lastScore: 0, maxScore: 10, attempts: 1, solved: {}, updatedAt: 'now' };
    });
    const p = loadProgress();
    expect(p.quiz.rounds).toHaveLength(1);
    expect(Object.keys(p.lessons)).toEqual(['bulk']);
  });

  it.each([
    ['garbage', '{ not json'],
    ['a newer version', JSON.stringify({ version: PROGRESS_VERSION + 1, lessons: {} })],
  ])('moves %s aside with a warning and starts afresh', (_what, content) => {
    mkdirSync(join(process.env.XDG_CONFIG_HOME!, 'redis-learn'), { recursive: true });
    writeFileSync(progressPath(), content);
    expect(loadProgress().lessons).toEqual({});
    expect(progressWarnings[0]).toMatch(/kept it as .*progress\.json\.corrupt-/);
    expect(existsSync(progressPath())).toBe(false);
    const aside = readdirSync(join(process.env.XDG_CONFIG_HOME!, 'redis-learn')).find((f) => f.startsWith('progress.json.corrupt-'))!;
    expect(readFileSync(join(process.env.XDG_CONFIG_HOME!, 'redis-learn', aside), 'utf8')).toBe(content);
  });
});
