// Ties: equal scores ordered by member bytes (and REV reversing that), positions against shared ranks, ties broken by
// who got there first, and an exercise that copies the top three, tie included, on the server.
import { all, builtOnServer, custom } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { addPointsTieByTime, decodeTieByTime, sharedRankOf, topPlayers } from '../../patterns/index.js';
import { showEntries, zaddArgs, zsetEntries } from './board.js';

const TIED = { alice: 90, bob: 80, carol: 80, dave: 80, erin: 70 };

/** The top-three exercise's board: ben and eli tie for third place. */
const SEASON = { chen: 410, ana: 340, ben: 295, eli: 295, dara: 280, fay: 120 };
/** ZRANGE … REV order: equal scores in reverse byte order, so eli (e) comes before ben (b). */
const TOP3: [string, number][] = [
  ['eli', 295],
  ['ana', 340],
  ['chen', 410],
];

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

export const tieSteps: StepSpec[] = [
  {
    id: 'ties',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('leaderboards:ties');
      const timed = ctx.key('leaderboards:ties:by-time');
      await ctx.claim([key, timed]);
      await ctx.unrecorded.unlink(key, timed);
      await ctx.redis.zadd(key, ...zaddArgs(TIED));
      await ctx.redis.zrange(key, 0, '-1', 'WITHSCORES');
      await ctx.redis.zrange(key, 0, '-1', 'REV', 'WITHSCORES');
      const carol = await sharedRankOf(ctx.redis, key, 'carol');
      const rows: (string | number)[][] = [];
      for (const e of await topPlayers(ctx.unrecorded, key, 5)) {
        const shared = await sharedRankOf(ctx.unrecorded, key, e.member);
        rows.push([e.member, e.score, e.rank, shared?.rank ?? '-']);
      }
      ctx.table(['player', 'points', 'position (ZREVRANK + 1)', 'shared rank (sharedRankOf)'], rows);
      ctx.say(
        `carol: position 3, shared rank ${carol?.rank}: one player has more than her ${carol?.score} points. ` +
          'Positions are what paging needs; shared ranks are what a podium shows.',
      );

      ctx.say('Now ties broken by time: alice and bob both reach 100 points, bob first.');
      const noon = Date.UTC(2024, 5, 1, 12, 0);
      await addPointsTieByTime(ctx.redis, timed, 'alice', 60, { at: noon });
      await addPointsTieByTime(ctx.redis, timed, 'bob', 100, { at: noon + 5 * 60_000 });
      await addPointsTieByTime(ctx.redis, timed, 'carol', 90, { at: noon + 7 * 60_000 });
      await addPointsTieByTime(ctx.redis, timed, 'alice', 40, { at: noon + 9 * 60_000 });
      const board = await topPlayers(ctx.redis, timed, 3);
      ctx.table(
        ['rank', 'player', 'score stored', 'points', 'reached them at (UTC)'],
        board.map((e) => {
          const d = decodeTieByTime(e.score);
          return [e.rank, e.member, e.score, d.points, hhmm(d.reachedAtMs)];
        }),
      );
    },
  },
  {
    id: 'top-three',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['leaderboards:season', 'leaderboards:season:top3'], (k) =>
        ctx.unrecorded.zadd(k('leaderboards:season'), ...zaddArgs(SEASON)),
      ),
    check: expanded(
      all(
        custom(`{ns}leaderboards:season:top3 = ${showEntries(TOP3)} (the top 3 as ZRANGE … REV ranks them)`, async (ctx) => {
          const dest = ctx.key('leaderboards:season:top3');
          const type = await ctx.unrecorded.type(dest);
          if (type === 'none') return { pass: false, actual: `${dest} does not exist` };
          if (type !== 'zset') return { pass: false, actual: `${dest} is a ${type}, not a sorted set` };
          const got = await zsetEntries(ctx, dest);
          if (showEntries(got) === showEntries(TOP3)) return { pass: true, actual: `${dest} = ${showEntries(got)}` };
          const names = got.map(([m]) => m);
          const why =
            names.includes('fay') || names.includes('dara')
              ? ': those are the lowest scores; without REV, rank 0 is the bottom of the board'
              : got.length !== 3
                ? ': the top 3 by rank is exactly three players, however many share the third score'
                : names.includes('ben')
                  ? ': ben and eli tie at 295, and ZRANGE … REV puts eli first (REV reverses the byte order of equal scores too)'
                  : '';
          return { pass: false, actual: `${dest} = ${showEntries(got)}${why}` };
        }),
        builtOnServer('leaderboards:season:top3', 'ZRANGESTORE … REV', { oneCommand: true }),
      ),
    ),
    hints: [
      'ZRANGE with REV reads the top by rank; its twin ZRANGESTORE (Redis 6.2) writes the same range, scores included, into another key.',
      'ZRANGESTORE dst src start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count]   (ranks 0 to 2, REV)',
    ],
    solution: ['ZRANGESTORE {ns}leaderboards:season:top3 {ns}leaderboards:season 0 2 REV'],
    wrong: [
      // Without REV, ranks count from the lowest score.
      ['ZRANGESTORE {ns}leaderboards:season:top3 {ns}leaderboards:season 0 2'],
      // Read the top, then type it back; and break the tie alphabetically, as a person would.
      ['ZRANGE {ns}leaderboards:season 0 2 REV WITHSCORES', 'ZADD {ns}leaderboards:season:top3 410 chen 340 ana 295 ben'],
      // Typed back correctly: the data went to the client and back.
      ['ZRANGE {ns}leaderboards:season 0 2 REV WITHSCORES', 'ZADD {ns}leaderboards:season:top3 410 chen 340 ana 295 eli'],
      // "Everyone with at least the third score": the tie makes it four.
      ['ZRANGESTORE {ns}leaderboards:season:top3 {ns}leaderboards:season +inf 295 BYSCORE REV'],
    ],
  },
];
