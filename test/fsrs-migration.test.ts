// A version 1 progress file (written by the hand-written FSRS-4.5 scheduler, test/fixtures/progress-v1.json) read by
// the ts-fsrs version: every card, due date, stability, difficulty, source and title is kept, the lessons and rounds
// too; the CLI works on it and writes version 2 atomically, keeping the version 1 file beside it; version 2
// round-trips; a newer file is still refused.
// The fixture was written by the version 1 code itself: a `quiz --private --seed 1 --topic fundamentals` round (two
// right, three wrong), then, through its scheduler and recordMissedExercise at fixed dates, a new card, cards reviewed
// good and hard/easy, a lapsed card, and missed exercises (one missed once, one twice), plus two lessons.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  loadProgress,
  migrateCardV1,
  olderVersionPath,
  PROGRESS_VERSION,
  progressPath,
  updateProgress,
  type CardState,
  type CardStateV1,
  type Progress,
} from '../src/progress/store.js';
import { optionOrder, shownCorrect } from '../src/quiz/option-order.js';
import { createScheduler, RELEARN_MS } from '../src/quiz/scheduler.js';
import { selectRound, type RoundItem } from '../src/quiz/select.js';
import { ROOT, serverUrl, tempConfigHome } from './helpers.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'progress-v1.json');
const fixtureText = readFileSync(FIXTURE, 'utf8');
const v1 = JSON.parse(fixtureText) as {
  version: number;
  lessons: Progress['lessons'];
  quiz: { cards: Record<string, CardStateV1>; rounds: Progress['quiz']['rounds'] };
};
const DAY = 86_400_000;
const KEPT = ['due', 'stability', 'difficulty', 'reps', 'lapses', 'lastGrade', 'source', 'title'] as const;

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = tempConfigHome();
});
afterEach(() => {
  process.env.XDG_CONFIG_HOME = saved;
});

/** The current config home's progress file holds the fixture. */
function installFixture(): string {
  const dir = join(process.env.XDG_CONFIG_HOME!, 'redis-learn');
  mkdirSync(dir, { recursive: true });
  copyFileSync(FIXTURE, progressPath());
  return dir;
}

const pick = (card: CardState | CardStateV1) => Object.fromEntries(KEPT.map((k) => [k, card[k]]));

describe('the version 1 fixture', () => {
  it('was written by the version 1 scheduler, with every kind of card the migration handles', () => {
    expect(v1.version).toBe(1);
    const cards = Object.values(v1.quiz.cards);
    expect(cards.some((c) => c.reps === 0)).toBe(true);
    expect(cards.some((c) => c.reps > 1 && c.lapses === 0 && c.lastGrade !== 1)).toBe(true);
    expect(cards.some((c) => c.lapses > 0 && c.lastGrade === 1)).toBe(true);
    expect(cards.some((c) => c.reps === 1 && c.lastGrade === 1)).toBe(true);
    expect(cards.some((c) => c.source && c.title)).toBe(true);
    expect(cards.every((c) => !('state' in c))).toBe(true);
    expect(Object.keys(v1.lessons).length).toBeGreaterThan(0);
  });
});

describe('migrating version 1 progress', () => {
  it('keeps every card, its due date, stability, difficulty, counts, source and title, and the lessons and rounds', () => {
    installFixture();
    const { progress, warnings } = loadProgress();
    expect(warnings).toEqual([]);
    expect(progress.version).toBe(PROGRESS_VERSION);
    expect(PROGRESS_VERSION).toBe(2);
    expect(progress.lessons).toEqual(v1.lessons);
    expect(progress.quiz.rounds).toEqual(v1.quiz.rounds);
    expect(Object.keys(progress.quiz.cards)).toEqual(Object.keys(v1.quiz.cards));
    for (const [id, old] of Object.entries(v1.quiz.cards)) {
      const card = progress.quiz.cards[id]!;
      expect(pick(card), id).toEqual(pick(old));
      if (old.lastReview) expect(card.lastReview, id).toBe(old.lastReview);
    }
    // Reading alone does not rewrite the file.
    expect(readFileSync(progressPath(), 'utf8')).toBe(fixtureText);
  });

  it('gives each card the ts-fsrs state its history means', () => {
    installFixture();
    const { cards } = loadProgress().progress.quiz;
    const state = (id: string) => [cards[id]!.state, cards[id]!.scheduledDays, cards[id]!.learningSteps];
    // Never reviewed.
    expect(state('data-types-leaderboard')).toEqual(['New', 0, 0]);
    // Answered right: in review, scheduled for the days from its last review to its due date.
    expect(state('data-types-encodings-memory')).toEqual(['Review', 50, 0]);
    expect(state('data-types-model-features')).toEqual(['Review', 9, 0]);
    expect(state('fundamentals-io-threads')).toEqual(['Review', 4, 0]);
    // Answered wrong the first time, due ten minutes later: still being learnt.
    expect(state('fundamentals-blocking-pop')).toEqual(['Learning', 0, 0]);
    expect(state('lesson:simple:visits-ttl')).toEqual(['Learning', 0, 0]);
    // Known, then forgotten (a lapse): relearning.
    expect(state('data-types-hash-encoding')).toEqual(['Relearning', 0, 0]);
    expect(state('lesson:bulk:top-three')).toEqual(['Relearning', 0, 0]);
    for (const [id, old] of Object.entries(v1.quiz.cards)) {
      const card = cards[id]!;
      if (old.reps === 0) expect(card.state, id).toBe('New');
      else if (old.lastGrade === 1) expect(card.state, id).toBe(old.lapses ? 'Relearning' : 'Learning');
      else
        expect([card.state, card.scheduledDays], id).toEqual([
          'Review',
          Math.round((Date.parse(old.due) - Date.parse(old.lastReview!)) / DAY),
        ]);
    }
  });

  it('estimates a missing last review from the due date: the interval the stability gives at 90 %, or the relearning step', () => {
    const due = '2026-06-20T12:00:00.000Z';
    const reviewed = migrateCardV1({ due, stability: 12.4, difficulty: 5, reps: 3, lapses: 0, lastGrade: 3 });
    expect(reviewed).toMatchObject({ state: 'Review', scheduledDays: 12, lastReview: '2026-06-08T12:00:00.000Z', stability: 12.4 });
    const short = migrateCardV1({ due, stability: 0.3, difficulty: 5, reps: 1, lapses: 0, lastGrade: 2 });
    expect(short).toMatchObject({ state: 'Review', scheduledDays: 1, lastReview: '2026-06-19T12:00:00.000Z' });
    const lapsed = migrateCardV1({ due, stability: 2, difficulty: 7, reps: 4, lapses: 2, lastGrade: 1 });
    expect(lapsed).toMatchObject({ state: 'Relearning', lastReview: new Date(Date.parse(due) - RELEARN_MS).toISOString() });
    // Last rated again but due days later (not a relearning step): in review.
    const later = migrateCardV1({
      due,
      stability: 2,
      difficulty: 7,
      reps: 4,
      lapses: 2,
      lastGrade: 1,
      lastReview: '2026-06-17T12:00:00.000Z',
    });
    expect(later).toMatchObject({ state: 'Review', scheduledDays: 3 });
    // Reviewed but without a memory state: new again, due as before.
    expect(migrateCardV1({ due, stability: 0, difficulty: 0, reps: 2, lapses: 0 })).toMatchObject({ due, state: 'New', reps: 2 });
    expect(migrateCardV1({ due, stability: 0, difficulty: 0, reps: 0, lapses: 0, source: 's', title: 't' })).toEqual({
      due,
      stability: 0,
      difficulty: 0,
      reps: 0,
      lapses: 0,
      source: 's',
      title: 't',
      state: 'New',
      scheduledDays: 0,
      learningSteps: 0,
    });
  });

  it('schedules every migrated card with ts-fsrs: a right answer moves it to review, a wrong one to a learning step', () => {
    installFixture();
    const { cards } = loadProgress().progress.quiz;
    const s = createScheduler({ fuzz: false });
    for (const [id, card] of Object.entries(cards)) {
      const now = new Date(Math.max(Date.parse(card.due), Date.parse('2026-12-01T00:00:00Z')));
      const good = s.review(card, 3, now);
      expect(good, id).toMatchObject({ state: 'Review', reps: card.reps + 1, lapses: card.lapses });
      expect([good.source, good.title], id).toEqual([card.source, card.title]);
      expect(Date.parse(good.due), id).toBeGreaterThanOrEqual(now.getTime() + DAY);
      const again = s.review(card, 1, now);
      expect(Date.parse(again.due) - now.getTime(), id).toBe(RELEARN_MS);
      expect(again.lapses, id).toBe(card.lapses + (card.state === 'Review' ? 1 : 0));
    }
    // The reviewed card kept its memory: a good answer at its due date pushes it well past its last interval.
    const known = cards['data-types-encodings-memory']!;
    const next = s.review(known, 3, new Date(known.due));
    expect(next.scheduledDays).toBeGreaterThan(known.scheduledDays);
    expect(next.stability).toBeGreaterThan(known.stability);
  });

  it('writes version 2 on the next save, atomically, and keeps the version 1 file beside it', () => {
    const dir = installFixture();
    const { progress, warnings } = updateProgress(() => {});
    expect(warnings).toEqual([]);
    const file = JSON.parse(readFileSync(progressPath(), 'utf8')) as Progress;
    expect(file).toEqual(progress);
    expect(file.version).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['progress.json', 'progress.v1.json']);
    expect(readFileSync(olderVersionPath(1), 'utf8')).toBe(fixtureText);
    // The copy is made once: a later save never overwrites it.
    writeFileSync(olderVersionPath(1), 'kept');
    updateProgress((p) => {
      p.quiz.rounds = [];
    });
    expect(readFileSync(olderVersionPath(1), 'utf8')).toBe('kept');
  });

  it('round-trips a version 2 file', () => {
    installFixture();
    const migrated = updateProgress(() => {}).progress;
    const text = readFileSync(progressPath(), 'utf8');
    expect(loadProgress()).toEqual({ progress: migrated, warnings: [] });
    updateProgress(() => {});
    expect(readFileSync(progressPath(), 'utf8')).toBe(text);
  });

  it('still refuses a file from a newer redis-learn, and a version 2 file with version 1 cards', () => {
    const dir = installFixture();
    writeFileSync(progressPath(), JSON.stringify({ ...v1, version: PROGRESS_VERSION + 1 }));
    const newer = loadProgress();
    expect(newer.progress).toEqual({ version: PROGRESS_VERSION, lessons: {}, quiz: { cards: {}, rounds: [] } });
    expect(newer.warnings).toEqual([expect.stringMatching(/written by a newer redis-learn \(version 3\)\); kept it as .*corrupt/)]);
    expect(readdirSync(dir).filter((f) => f.startsWith('progress.json.corrupt-'))).toHaveLength(1);
    writeFileSync(progressPath(), JSON.stringify({ ...v1, version: 2 }));
    expect(loadProgress().warnings).toEqual([expect.stringMatching(/^progress file was invalid \(quiz\.cards\.[^.]+\.state: missing\)/)]);
  });
});

describe('the CLI on a migrated file', () => {
  const DB = 10;
  const NS = 'fsrsmig:';
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(serverUrl(DB));
  });
  afterAll(async () => {
    const [, left] = await redis.scan('0', 'MATCH', `${NS}*`, 'COUNT', 1000);
    redis.disconnect();
    expect(left).toEqual([]);
  });

  /** The CLI from src/ (as `npx tsx scripts/dev.ts`), without a TTY. */
  function dev(args: string[], home: string, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'dev.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(input);
    });
  }

  /** The line that answers an item right (a pipe skips the draft of a self-graded one). */
  function rightLines(item: RoundItem, seed: number, reps: number): string[] {
    if (item.type === 'missed') return ['good'];
    const q = item.entry.question;
    switch (q.kind) {
      case 'choice':
        return [shownCorrect(q, optionOrder(q, seed, reps)).join(',')];
      case 'command':
        return [q.answer.map((a) => a.replaceAll('{ns}', NS)).join(' ; ')];
      case 'predict':
        return [q.answer];
      case 'open':
        return ['good'];
    }
  }

  it('progress --json reads it; quiz --review asks the due cards, grows them and writes version 2', async () => {
    const dir = installFixture();
    const home = process.env.XDG_CONFIG_HOME!;
    const status = await dev(['progress', '--json'], home);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toBe('');
    const shown = JSON.parse(status.stdout) as { quiz: { cards: number; rounds: number }; lessons: { id: string; status: string }[] };
    expect(shown.quiz).toMatchObject({ cards: Object.keys(v1.quiz.cards).length, rounds: v1.quiz.rounds.length });
    expect(shown.lessons.find((l) => l.id === 'bulk')!.status).toBe('done');
    expect(shown.lessons.find((l) => l.id === 'simple')!.status).toBe('in progress');
    expect(readFileSync(progressPath(), 'utf8')).toBe(fixtureText);

    const migrated = loadProgress().progress;
    const seed = 7;
    const items = selectRound(migrated, { filter: {}, count: 50, review: true, seed });
    expect(items.length).toBeGreaterThanOrEqual(6);
    const idOf = (it: RoundItem) => (it.type === 'missed' ? it.id : it.entry.question.id);
    expect(items.map(idOf)).toEqual(
      expect.arrayContaining(['lesson:simple:visits-ttl', 'lesson:bulk:top-three', 'data-types-hash-encoding']),
    );
    const answers = items.flatMap((it) => rightLines(it, seed, migrated.quiz.cards[idOf(it)]!.reps));
    const t0 = Date.now();
    const r = await dev(
      ['quiz', '--review', '--json', '--count', '50', '--seed', String(seed), '--url', serverUrl(DB), '--namespace', NS],
      home,
      answers.map((a) => `${a}\n`).join(''),
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      asked: number;
      correct: number;
      completed: boolean;
      questions: { id: string; correct: boolean; answer: string; expected: string }[];
    };
    expect(result.questions.map((q) => q.id)).toEqual(items.map(idOf));
    expect(result.questions.filter((q) => !q.correct)).toEqual([]);
    expect(result).toMatchObject({ asked: items.length, correct: items.length, completed: true });

    expect(readdirSync(dir).sort()).toEqual(['progress.json', 'progress.v1.json']);
    expect(readFileSync(olderVersionPath(1), 'utf8')).toBe(fixtureText);
    const after = JSON.parse(readFileSync(progressPath(), 'utf8')) as Progress;
    expect(after.version).toBe(2);
    expect(after.lessons).toEqual(v1.lessons);
    expect(after.quiz.rounds.slice(0, v1.quiz.rounds.length)).toEqual(v1.quiz.rounds);
    expect(after.quiz.rounds).toHaveLength(v1.quiz.rounds.length + 1);
    expect(Object.keys(after.quiz.cards).sort()).toEqual(Object.keys(v1.quiz.cards).sort());
    const asked = new Set(items.map(idOf));
    for (const [id, card] of Object.entries(after.quiz.cards)) {
      const before = migrated.quiz.cards[id]!;
      if (!asked.has(id)) {
        expect(card, id).toEqual(before);
        continue;
      }
      expect(card, id).toMatchObject({ state: 'Review', reps: before.reps + 1, lapses: before.lapses, lastGrade: 3 });
      expect(Date.parse(card.lastReview!), id).toBeGreaterThanOrEqual(t0);
      expect(Date.parse(card.due), id).toBeGreaterThan(Date.now() + DAY / 2);
      expect([card.source, card.title], id).toEqual([before.source, before.title]);
    }
    // The file now reads as version 2 with nothing to warn about, and the CLI reads it too.
    expect(loadProgress().warnings).toEqual([]);
    const again = await dev(['progress', '--json'], home);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
  });
});
