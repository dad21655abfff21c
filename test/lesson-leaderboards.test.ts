// The leaderboards lesson against real servers: its race (read-then-ZADD loses points, ZINCRBY does not), the naive
// "around me" shifted by writes between its two reads, what its code steps print, and its exercise checks, including
// the other correct answers a learner may type and the solutions run on a shared server (no scripts there).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aroundMeTwoCommands } from '../src/antipatterns/leaderboards.js';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { leaderboardsLesson as lesson } from '../src/lessons/leaderboards/index.js';
import { aroundMe } from '../src/patterns/index.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox, openSandbox } from './helpers.js';

const NS = 'lbtest:';
let sb: Sandbox;
let redis: Redis;
let ctx: OwnedContext;

beforeAll(async () => {
  sb = await openPrivateSandbox(NS);
  redis = sb.admin;
  ctx = createContext(sb, { scope: lesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(lesson.id);
  await sb.close();
});

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function only(...ids: string[]): Lesson {
  return { ...lesson, steps: lesson.steps.filter((s) => ids.includes(s.id)) };
}

/** What a step prints, one output call per line (narration wrapped to the screen joined back). */
async function printed(id: string): Promise<string> {
  const lines: string[] = [];
  await runLesson(only(id), sb, { mode: 'auto', out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')) });
  return lines.join('\n');
}

function exercise(id: string): ExerciseStep {
  const step = lesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: lesson.id }, lines);
}

describe('the points race', () => {
  it('read-then-ZADD loses points under 50 concurrent reports; ZINCRBY counts every one', async () => {
    const step = lesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === 'points-race')!;
    expect(step.clients).toBe(50);
    const rows = (await runRace(step, { ctx, print: () => {} })).race ?? [];
    const [naive, exact] = rows;
    expect(naive).toMatchObject({ atomic: false, expected: 500, unit: 'points' });
    expect(naive!.actual).toBeLessThan(500);
    expect(exact).toMatchObject({ atomic: true, expected: 500, actual: 500 });
    expect(await redis.zscore(`${NS}leaderboards:race:zincrby`, 'player-1')).toBe('100');
  });
});

describe('around me', () => {
  const key = `${NS}leaderboards:around-test`;
  const board = () => redis.zadd(key, 500, 'a', 400, 'b', 300, 'me', 200, 'c', 100, 'd', 50, 'e');

  it('as two commands, writes between them shift the window off the player; the script keeps the player centred', async () => {
    await redis.unlink(key);
    await board();
    const naive = await aroundMeTwoCommands(redis, key, 'me', 1, () =>
      redis.zincrby(key, 1000, 'c').then(() => redis.zincrby(key, 1000, 'd')),
    );
    expect(naive.map((e) => e.member)).not.toContain('me');
    const window = await aroundMe(redis, key, 'me', 1);
    // c and d passed: me is 5th now, between b and e.
    expect(window.map((e) => e.member)).toEqual(['b', 'me', 'e']);
    expect(window[1]).toMatchObject({ member: 'me', rank: 5 });
    // With nothing in between, the two-command version agrees with the script.
    await redis.unlink(key);
    await board();
    expect((await aroundMeTwoCommands(redis, key, 'me', 1)).map((e) => e.member)).toEqual(['b', 'me', 'c']);
    await redis.unlink(key);
  });

  it('the lesson step shows the player missing from the naive window and centred in the script’s', async () => {
    const out = await printed('around-me');
    expect(out).toContain('ZREVRANK lbtest:leaderboards:arena mia');
    expect(out).toContain('ZINCRBY lbtest:leaderboards:arena 300 hugo');
    expect(out).toContain('mia is not in her own window: the window was centred on rank 8');
    expect(out).toContain('she is rank 11 now');
    expect(out).toMatch(/│ 11\s+│ mia {2}◂ you/);
  });
});

describe('what the code steps print', () => {
  it('rankings: mia climbs from 7th to 5th and heads page 2', async () => {
    const out = await printed('rankings');
    expect(out).toContain('ZINCRBY lbtest:leaderboards:global 120 mia');
    expect(out).toContain('ZRANGE lbtest:leaderboards:global 4 7 REV WITHSCORES');
    expect(out).toContain('mia: 1290 → 1410 points, rank 7 → 5 of 12');
  });

  it('ties: positions differ among equal scores, the shared rank does not; time breaks the tie for bob', async () => {
    const out = await printed('ties');
    expect(out).toMatch(/│ dave\s+│ 80\s+│ 2\s+│ 2\s+│/);
    expect(out).toMatch(/│ bob\s+│ 80\s+│ 4\s+│ 2\s+│/);
    expect(out).toContain('carol: position 3, shared rank 2');
    expect(out).toMatch(/│ 1\s+│ bob\s+│ \d+\s+│ 100\s+│ 12:05/);
    expect(out).toMatch(/│ 2\s+│ alice\s+│ \d+\s+│ 100\s+│ 12:09/);
  });

  it('trending: the weighted union puts this hour’s topic first where the plain sum keeps old news', async () => {
    const out = await printed('trending');
    expect(out).toMatch(/WEIGHTS 1 0\.5 0\.25/);
    expect(out).toMatch(/│ outage\s+│ 0\s+│ 4\s+│ 31\s+│ 33\s+│ 35\s+│/);
    expect(out).toMatch(/│ launch\s+│ 50\s+│ 20\s+│ 0\s+│ 22\.5\s+│ 70\s+│/);
    expect(out).toContain('weighted, this hour\'s "outage" leads');
  });

  it('autocomplete: the lexicographic range lists "mar" names; the popular index keeps the 3 most picked', async () => {
    const out = await printed('autocomplete');
    expect(out).toContain('"mar" → mara, marco, mario, mark, marta');
    expect(out).toMatch(/│ marta\s+│ 5\s+│/);
    expect(out).toContain('keeps only the best 3 (mark, mario, marta): mara was trimmed off');
  });
});

describe('exercise checks', () => {
  it('accept the other right answers', async () => {
    expect(
      await attempt('add-points', ['ZADD {ns}leaderboards:season INCR 40 ana', 'ZINCRBY {ns}leaderboards:season 15 fay']),
    ).toMatchObject({
      pass: true,
    });
    // The last three ascending are the top three descending, tie order included.
    expect(await attempt('top-three', ['ZRANGESTORE {ns}leaderboards:season:top3 {ns}leaderboards:season -3 -1'])).toMatchObject({
      pass: true,
    });
    expect(
      await attempt('trending-weights', [
        'ZUNIONSTORE {ns}leaderboards:tags:trending 3 {ns}leaderboards:tags:h10 {ns}leaderboards:tags:h11 {ns}leaderboards:tags:h12 WEIGHTS 0.25 0.5 1',
      ]),
    ).toMatchObject({ pass: true });
    expect(
      await attempt('trending-ttl', [
        'MULTI',
        'ZUNIONSTORE {ns}leaderboards:tags:trending 3 {ns}leaderboards:tags:h11 {ns}leaderboards:tags:h12 {ns}leaderboards:tags:h13 WEIGHTS 0.25 0.5 1',
        'PEXPIRE {ns}leaderboards:tags:trending 60000',
        'EXEC',
      ]),
    ).toMatchObject({ pass: true });
    expect(
      await attempt('autocomplete-prefix', [
        'ZADD {ns}leaderboards:ac:names 0 marta 0 marlon',
        'ZRANGESTORE {ns}leaderboards:ac:mar {ns}leaderboards:ac:names "[mar" "(mas" BYLEX',
      ]),
    ).toMatchObject({ pass: true });
  });

  it('name the mistake', async () => {
    const total = await attempt('add-points', ['ZSCORE {ns}leaderboards:season ana', 'ZADD {ns}leaderboards:season 340 ana 15 fay']);
    expect(total).toMatchObject({ pass: false });
    expect(total.actual).toContain('writes a total your client decided');
    const tie = await attempt('top-three', ['ZADD {ns}leaderboards:season:top3 410 chen 340 ana 295 ben']);
    expect(tie.actual).toContain('ZRANGE … REV puts eli first');
    const split = await attempt('remove-player', ['ZREM {ns}leaderboards:season zed', 'ZREM {ns}leaderboards:weekly zed']);
    expect(split.actual).toContain('ran on its own');
    const noWeights = await attempt('trending-weights', [
      'ZUNIONSTORE {ns}leaderboards:tags:trending 3 {ns}leaderboards:tags:h12 {ns}leaderboards:tags:h11 {ns}leaderboards:tags:h10',
    ]);
    expect(noWeights.actual).toContain('no WEIGHTS');
    const order = await attempt('trending-ttl', [
      'MULTI',
      'EXPIRE {ns}leaderboards:tags:trending 60',
      'ZUNIONSTORE {ns}leaderboards:tags:trending 3 {ns}leaderboards:tags:h13 {ns}leaderboards:tags:h12 {ns}leaderboards:tags:h11 WEIGHTS 1 0.5 0.25',
      'EXEC',
    ]);
    expect(order.actual).toContain('the ZUNIONSTORE replaced the key');
    const score1 = await attempt('autocomplete-prefix', ['ZADD {ns}leaderboards:ac:names 1 marta 1 marlon']);
    expect(score1.actual).toContain('marta has score 1');
  });

  it('remove-player: the rank shift shows in the verdict', async () => {
    const r = await attempt('remove-player', exercise('remove-player').solution);
    expect(r).toMatchObject({ pass: true });
    expect(r.actual).toContain('chen moved up from rank 2 to 1');
  });
});

describe('on a shared server (no scripts at the prompt)', () => {
  it('every exercise solution runs and scores full marks', async () => {
    const shared = await openSandbox(6, 'lbshared:');
    try {
      expect(shared.target.private).toBe(false);
      const exercises = lesson.steps.filter((s) => s.kind === 'exercise').map((s) => s.id);
      expect(exercises.length).toBeGreaterThanOrEqual(5);
      const result = await runLesson(only(...exercises), shared, { mode: 'auto', out: () => {} });
      expect(result.steps.filter((s) => s.unavailable)).toEqual([]);
      expect(result.score).toBe(result.maxScore);
    } finally {
      await shared.reset(lesson.id);
      await shared.close();
    }
  });
});
