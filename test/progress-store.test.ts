// The progress file: versioned, written atomically, checked by a schema, an invalid file kept aside, read-modify-write per update.
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProgress, MAX_PROGRESS_BYTES, PROGRESS_VERSION, progressPath, updateProgress } from '../src/progress/store.js';
import { tempConfigHome } from './helpers.js';

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = tempConfigHome();
});
afterEach(() => {
  process.env.XDG_CONFIG_HOME = saved;
});

const dir = () => join(process.env.XDG_CONFIG_HOME!, 'redis-learn');
const lesson = { currentStep: 3, bestScore: 0, lastScore: 2, maxScore: 14, attempts: 1, solved: { a: 2 }, updatedAt: 'now' };
const valid = { version: PROGRESS_VERSION, lessons: {}, quiz: { cards: {}, rounds: [] } };

describe('progress store', () => {
  it('starts empty and writes a versioned file with no temp file left behind', () => {
    expect(loadProgress()).toEqual({ progress: valid, warnings: [] });
    updateProgress((p) => {
      p.lessons.simple = { ...lesson };
    });
    const file = JSON.parse(readFileSync(progressPath(), 'utf8')) as { version: number; lessons: Record<string, { currentStep: number }> };
    expect(file.version).toBe(PROGRESS_VERSION);
    expect(file.lessons.simple!.currentStep).toBe(3);
    expect(readdirSync(dir())).toEqual(['progress.json']);
    expect(loadProgress()).toEqual({ progress: { ...valid, lessons: { simple: lesson } }, warnings: [] });
  });

  it('keeps two updates from undoing each other (each re-reads the file)', () => {
    updateProgress((p) => {
      p.quiz.rounds.push({ at: '2025-01-01T00:00:00.000Z', asked: 1, correct: 1, byTopic: {} });
    });
    updateProgress((p) => {
      p.lessons.bulk = { currentStep: 1, bestScore: 0, lastScore: 0, maxScore: 10, attempts: 1, solved: {}, updatedAt: 'now' };
    });
    const { progress } = loadProgress();
    expect(progress.quiz.rounds).toHaveLength(1);
    expect(Object.keys(progress.lessons)).toEqual(['bulk']);
  });

  it.each([
    ['garbage', '{ not json', /not JSON/],
    [
      'a newer version',
      JSON.stringify({ ...valid, version: PROGRESS_VERSION + 1 }),
      new RegExp(`version: written by a newer redis-learn \\(version ${PROGRESS_VERSION + 1}\\)`),
    ],
    ['cards that are not an object', JSON.stringify({ ...valid, quiz: { cards: 'x', rounds: [] } }), /quiz\.cards: /],
    ['lessons that are a string', JSON.stringify({ ...valid, lessons: 'abc' }), /lessons: /],
    [
      'a score that is a string',
      JSON.stringify({ ...valid, lessons: { simple: { ...lesson, bestScore: '0NaN' } } }),
      /lessons\.simple\.bestScore: /,
    ],
    ['a card due at no date', JSON.stringify({ ...valid, quiz: { cards: { q: { due: 'soon' } }, rounds: [] } }), /quiz\.cards\.q\.due: /],
    ['null', 'null', /Invalid type/],
  ])('moves %s aside with one warning and starts afresh', (_what, content, reason) => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(progressPath(), content);
    const { progress, warnings } = loadProgress();
    expect(progress).toEqual(valid);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^progress file was invalid \(.*\); kept it as .*progress\.json\.corrupt-.* and started afresh$/);
    expect(warnings[0]).toMatch(reason);
    expect(warnings[0]).not.toMatch(/[\x00-\x1f]/);
    expect(existsSync(progressPath())).toBe(false);
    const aside = readdirSync(dir()).find((f) => f.startsWith('progress.json.corrupt-'))!;
    expect(readFileSync(join(dir(), aside), 'utf8')).toBe(content);
    // Set aside once: the next read is fresh progress with nothing to say.
    expect(loadProgress()).toEqual({ progress: valid, warnings: [] });
  });

  it('sets a file over the size limit aside without reading it', () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(progressPath(), '');
    truncateSync(progressPath(), MAX_PROGRESS_BYTES + 1);
    const t0 = performance.now();
    const { progress, warnings } = loadProgress();
    expect(performance.now() - t0).toBeLessThan(200);
    expect(progress).toEqual(valid);
    expect(warnings).toEqual([
      expect.stringMatching(/^progress file was invalid \(5\.0 MB, over the 5 MB a progress file may be\); kept it as /),
    ]);
  });

  it('keeps a control character in the file out of the warning', () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(progressPath(), JSON.stringify({ ...valid, lessons: { '\x1b[31mred': 'x' } }));
    const { warnings } = loadProgress();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toMatch(/\x1b/);
  });

  it('returns the warning from an update that had to set the file aside', () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(progressPath(), '[]');
    const { progress, warnings } = updateProgress((p) => {
      p.lessons.simple = { ...lesson };
    });
    expect(warnings).toHaveLength(1);
    expect(progress.lessons.simple).toEqual(lesson);
    expect(loadProgress()).toEqual({ progress: { ...valid, lessons: { simple: lesson } }, warnings: [] });
  });
});
