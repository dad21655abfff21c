// An invalid progress file, through the real CLI: set aside with one warning on stderr, and the run goes on afresh.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { PROGRESS_VERSION } from '../src/progress/store.js';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 12;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(serverUrl(DB));
  await redis.flushdb();
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

const valid = { version: PROGRESS_VERSION, lessons: {}, quiz: { cards: {}, rounds: [] } };
const simpleProgress = { currentStep: 2, bestScore: 0, lastScore: 2, maxScore: 14, attempts: 1, solved: {}, updatedAt: 'now' };

/** A config home whose progress file holds `content`. */
function homeWith(content: string): { home: string; dir: string; env: Record<string, string> } {
  const home = tempConfigHome();
  const dir = join(home, 'redis-learn');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'progress.json'), content);
  return { home, dir, env: { XDG_CONFIG_HOME: home } };
}

/** The run said once, on stderr, that the file was set aside; the file is kept whole beside the new one. */
function expectSetAsideOnce(r: { stderr: string; stdout: string }, dir: string, content: string): void {
  const warnings = r.stderr.split('\n').filter((l) => /progress file/.test(l));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^warning: progress file was invalid \(.+\); kept it as .*progress\.json\.corrupt-\S+ and started afresh$/);
  expect(r.stdout).not.toMatch(/progress file was invalid/);
  const aside = readdirSync(dir).filter((f) => f.startsWith('progress.json.corrupt-'));
  expect(aside).toHaveLength(1);
  expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(content);
}

describe('an invalid progress file', () => {
  it('"quiz":{"cards":"x"}: progress --json and a quiz round exit 0, each telling once', async () => {
    const content = JSON.stringify({ ...valid, quiz: { cards: 'x', rounds: [] } });
    const { dir, env } = homeWith(content);
    const r = await runCli(['progress', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expectSetAsideOnce(r, dir, content);
    expect(r.stderr).toMatch(/quiz\.cards: /);
    const p = JSON.parse(r.stdout) as { score: number; quiz: { cards: number } };
    expect(p).toMatchObject({ score: 0, quiz: { cards: 0 } });

    const again = homeWith(content);
    const q = await runCli(['quiz', '--count', '1', '--seed', '1', '--json', '--url', serverUrl(DB), '--namespace', 'pfquiz:'], {
      env: again.env,
      input: '1\n',
    });
    expect(q.code, q.stderr).toBe(0);
    expectSetAsideOnce(q, again.dir, content);
    expect(JSON.parse(q.stdout)).toMatchObject({ seed: 1 });
    // The round was saved to a fresh, valid file.
    const saved = JSON.parse(readFileSync(join(again.dir, 'progress.json'), 'utf8')) as { quiz: { rounds: unknown[] } };
    expect(saved.quiz.rounds.length).toBeLessThanOrEqual(1);
  });

  it('quiz --list needs no progress: exit 0 and the file is left as it is', async () => {
    const content = JSON.stringify({ ...valid, quiz: { cards: 'x', rounds: [] } });
    const { dir, env } = homeWith(content);
    const r = await runCli(['quiz', '--list', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'progress.json'), 'utf8')).toBe(content);
  });

  it('"lessons":"abc": lesson simple --auto runs with full marks, telling once, and saves fresh progress', async () => {
    const content = JSON.stringify({ ...valid, lessons: 'abc' });
    const { dir, env } = homeWith(content);
    const r = await runCli(['lesson', 'simple', '--auto', '--json', '--url', serverUrl(DB), '--namespace', 'pflesson:'], { env });
    expect(r.code, r.stderr).toBe(0);
    expectSetAsideOnce(r, dir, content);
    const out = JSON.parse(r.stdout) as { score: number; maxScore: number };
    expect(out.score).toBe(out.maxScore);
    const saved = JSON.parse(readFileSync(join(dir, 'progress.json'), 'utf8')) as { lessons: Record<string, { bestScore: number }> };
    expect(saved.lessons.simple!.bestScore).toBe(out.maxScore);
    expect((await runCli(['reset', 'simple', '--url', serverUrl(DB), '--namespace', 'pflesson:'], { env })).code).toBe(0);
    expect(await redis.keys('pflesson:*')).toEqual([]);
  });

  it('a wrongly typed score never shows as "0NaN000": lessons and progress start afresh', async () => {
    const content = JSON.stringify({ ...valid, lessons: { simple: { ...simpleProgress, bestScore: '0NaN', maxScore: '000' } } });
    const { dir, env } = homeWith(content);
    const r = await runCli(['lessons'], { env });
    expect(r.code, r.stderr).toBe(0);
    expectSetAsideOnce(r, dir, content);
    expect(r.stderr).toMatch(/lessons\.simple\.bestScore: /);
    expect(r.stdout).not.toMatch(/NaN/);
    const p = await runCli(['progress'], { env });
    expect(p.code).toBe(0);
    expect(p.stderr).toBe('');
    expect(p.stdout).not.toMatch(/NaN/);
    expect(p.stdout).toMatch(/0\/\d+ pts/);
  });

  it('a corrupt file: progress (for people) tells once and shows fresh progress', async () => {
    const content = '{ not json';
    const { dir, env } = homeWith(content);
    const r = await runCli(['progress'], { env });
    expect(r.code, r.stderr).toBe(0);
    expectSetAsideOnce(r, dir, content);
    expect(r.stderr).toMatch(/not JSON/);
    expect(r.stdout).toMatch(/Lessons 0\/\d+ done/);
  });

  it('a file over 5 MB is set aside unparsed: lesson simple --auto stays fast', async () => {
    // Valid JSON of the right shape, only too big: the size alone makes it invalid.
    const cards: Record<string, object> = {};
    const card = { due: '2030-01-01T00:00:00.000Z', stability: 1, difficulty: 5, reps: 1, lapses: 0, title: 'x'.repeat(200) };
    for (let i = 0; i < 24_000; i++) cards[`card-${i}`] = card;
    const content = JSON.stringify({ ...valid, quiz: { cards, rounds: [] } });
    expect(content.length).toBeGreaterThan(5 * 1024 * 1024);
    const { dir, env } = homeWith(content);
    const t0 = Date.now();
    const r = await runCli(['lesson', 'simple', '--auto', '--url', serverUrl(DB), '--namespace', 'pfbig:'], { env });
    const took = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    expectSetAsideOnce(r, dir, content);
    expect(r.stderr).toMatch(/over the 5 MB a progress file may be/);
    expect(took).toBeLessThan(20_000);
    expect(existsSync(join(dir, 'progress.json'))).toBe(true);
    expect(readFileSync(join(dir, 'progress.json'), 'utf8').length).toBeLessThan(100_000);
    await runCli(['reset', 'simple', '--url', serverUrl(DB), '--namespace', 'pfbig:'], { env });
  });
});
