import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addPoints,
  addPointsTieByTime,
  aroundMe,
  decodeTieByTime,
  leaderboardPage,
  rankOf,
  removePlayer,
  sharedRankOf,
  topPlayers,
} from '../../src/patterns/leaderboard.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('leaderboard');
});
afterEach(async () => {
  await env.cleanup();
});

/** p1..p10 with scores 100, 90, …, 10: p1 is rank 1, p10 rank 10. */
async function tenPlayers(key: string) {
  for (let i = 1; i <= 10; i++) await addPoints(env.redis, key, `p${i}`, 110 - i * 10);
}

describe('leaderboard', () => {
  it('ranks players, highest first, and reports a missing player as null', async () => {
    const key = env.key('board');
    await tenPlayers(key);
    expect(await addPoints(env.redis, key, 'p10', 5)).toBe(15);
    expect((await topPlayers(env.redis, key, 3)).map((e) => [e.rank, e.member, e.score])).toEqual([
      [1, 'p1', 100],
      [2, 'p2', 90],
      [3, 'p3', 80],
    ]);
    expect(await topPlayers(env.redis, key, 0)).toEqual([]);
    expect(await rankOf(env.redis, key, 'p4')).toEqual({ rank: 4, member: 'p4', score: 70 });
    expect(await rankOf(env.redis, key, 'nobody')).toBeNull();
    expect(await removePlayer(env.redis, key, 'p1')).toBe(true);
    expect(await removePlayer(env.redis, key, 'p1')).toBe(false);
    expect(await rankOf(env.redis, key, 'p2')).toEqual({ rank: 1, member: 'p2', score: 90 });
  });

  it('orders equal scores by member bytes (reversed by REV) and shares the competition rank', async () => {
    const key = env.key('ties');
    await addPoints(env.redis, key, 'top', 90);
    for (const m of ['alice', 'carol', 'bob']) await addPoints(env.redis, key, m, 80);
    await addPoints(env.redis, key, 'last', 70);
    expect((await topPlayers(env.redis, key, 5)).map((e) => e.member)).toEqual(['top', 'carol', 'bob', 'alice', 'last']);
    expect((await rankOf(env.redis, key, 'alice'))?.rank).toBe(4);
    expect(await sharedRankOf(env.redis, key, 'alice')).toEqual({ rank: 2, member: 'alice', score: 80 });
    expect((await sharedRankOf(env.redis, key, 'carol'))?.rank).toBe(2);
    expect((await sharedRankOf(env.redis, key, 'last'))?.rank).toBe(5);
    expect(await sharedRankOf(env.redis, key, 'nobody')).toBeNull();
  });

  it('pages through the board with ranks that continue across pages', async () => {
    const key = env.key('pages');
    await tenPlayers(key);
    expect((await leaderboardPage(env.redis, key, 1, 4)).map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    expect((await leaderboardPage(env.redis, key, 2, 4)).map((e) => [e.rank, e.member])).toEqual([
      [5, 'p5'],
      [6, 'p6'],
      [7, 'p7'],
      [8, 'p8'],
    ]);
    expect((await leaderboardPage(env.redis, key, 3, 4)).map((e) => e.member)).toEqual(['p9', 'p10']);
    expect(await leaderboardPage(env.redis, key, 4, 4)).toEqual([]);
    await expect(leaderboardPage(env.redis, key, 0, 4)).rejects.toThrow(RangeError);
  });

  it('shows the players around me, clipped at the first and last place, empty when missing', async () => {
    const key = env.key('around');
    await tenPlayers(key);
    expect((await aroundMe(env.redis, key, 'p5', 2)).map((e) => [e.rank, e.member])).toEqual([
      [3, 'p3'],
      [4, 'p4'],
      [5, 'p5'],
      [6, 'p6'],
      [7, 'p7'],
    ]);
    expect((await aroundMe(env.redis, key, 'p1', 2)).map((e) => [e.rank, e.member])).toEqual([
      [1, 'p1'],
      [2, 'p2'],
      [3, 'p3'],
    ]);
    expect((await aroundMe(env.redis, key, 'p10', 2)).map((e) => [e.rank, e.member, e.score])).toEqual([
      [8, 'p8', 30],
      [9, 'p9', 20],
      [10, 'p10', 10],
    ]);
    expect(await aroundMe(env.redis, key, 'p4', 0)).toEqual([{ rank: 4, member: 'p4', score: 70 }]);
    expect(await aroundMe(env.redis, key, 'nobody', 2)).toEqual([]);
    expect(await aroundMe(env.redis, env.key('empty'), 'p1', 2)).toEqual([]);
  });

  it('sums 100 concurrent addPoints to 10 players exactly', async () => {
    const key = env.key('race');
    const clients = await env.connectMany(10);
    await Promise.all(Array.from({ length: 100 }, (_, i) => addPoints(clients[i % 10]!, key, `p${i % 10}`, i + 1)));
    const top = await topPlayers(env.redis, key, 20);
    expect(top).toHaveLength(10);
    const expected = new Map<string, number>();
    for (let i = 0; i < 100; i++) expected.set(`p${i % 10}`, (expected.get(`p${i % 10}`) ?? 0) + i + 1);
    for (const e of top) expect(e.score).toBe(expected.get(e.member));
    expect(top.reduce((s, e) => s + e.score, 0)).toBe(5050);
  });

  it('breaks ties by time: who reached a score first ranks higher, and points decode exactly', async () => {
    const key = env.key('tie-time');
    const t0 = Date.UTC(2025, 5, 1);
    // "zed" would win a plain tie (it sorts last, so first under REV); here "amy" got to 50 first.
    await addPointsTieByTime(env.redis, key, 'amy', 50, { at: t0 });
    await addPointsTieByTime(env.redis, key, 'zed', 30, { at: t0 });
    expect(await addPointsTieByTime(env.redis, key, 'zed', 20, { at: t0 + 5000 })).toBe(50);
    await addPointsTieByTime(env.redis, key, 'max', 49, { at: t0 - 10_000 });
    const top = await topPlayers(env.redis, key, 3);
    expect(top.map((e) => e.member)).toEqual(['amy', 'zed', 'max']);
    expect(top.map((e) => decodeTieByTime(e.score))).toEqual([
      { points: 50, reachedAtMs: t0 },
      { points: 50, reachedAtMs: t0 + 5000 },
      { points: 49, reachedAtMs: t0 - 10_000 },
    ]);
    // Large totals stay exact: 2^21 - 1 is the most the default 32 time bits leave room for.
    expect(await addPointsTieByTime(env.redis, key, 'big', 2 ** 21 - 1, { at: t0 })).toBe(2 ** 21 - 1);
    expect(decodeTieByTime((await rankOf(env.redis, key, 'big'))!.score).points).toBe(2 ** 21 - 1);
    await expect(addPointsTieByTime(env.redis, key, 'big', 1, { at: t0 })).rejects.toThrow(/out of range/);
    await expect(addPointsTieByTime(env.redis, key, 'old', 1, { at: Date.UTC(2020, 0, 1) })).rejects.toThrow(/tie-break range/);
    // Without `at`, the server's clock stamps the add.
    const before = Date.now();
    await addPointsTieByTime(env.redis, key, 'now', 7);
    const { points, reachedAtMs } = decodeTieByTime((await rankOf(env.redis, key, 'now'))!.score);
    expect(points).toBe(7);
    expect(Math.abs(reachedAtMs - before)).toBeLessThan(60_000);
  });

  it('adds tie-by-time points from 100 concurrent callers without losing one', async () => {
    const key = env.key('tie-race');
    const clients = await env.connectMany(10);
    await Promise.all(Array.from({ length: 100 }, (_, i) => addPointsTieByTime(clients[i % 10]!, key, `p${i % 10}`, 3)));
    const top = await topPlayers(env.redis, key, 20);
    expect(top).toHaveLength(10);
    for (const e of top) expect(decodeTieByTime(e.score).points).toBe(30);
  });
});
