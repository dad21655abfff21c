// Rankings: a board read by rank (top N, a page, one player's rank), the race that shows points added in the client
// getting lost, and an exercise that adds points on the server.
import { all, custom, writtenOnlyBy, type RanCommand } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addPointsReadWrite } from '../../antipatterns/leaderboards.js';
import { addPoints, leaderboardPage, rankOf, topPlayers } from '../../patterns/index.js';
import { RACE_CLIENTS, RACE_PLAYERS, RACE_POINTS, racePlayer, zaddArgs, zsetEntries } from './board.js';

/** The board the rankings step reads: twelve players, no ties. */
const GLOBAL_BOARD = {
  ana: 1520,
  ben: 1385,
  chen: 1710,
  dara: 990,
  eli: 1250,
  fay: 1640,
  gus: 1100,
  hana: 1475,
  ivan: 870,
  jin: 1330,
  kai: 1205,
  mia: 1290,
};

/** The add-points exercise's board before match 17 is recorded. */
const SEASON = { ana: 300, ben: 250, chen: 410, dara: 280 };
const MATCH = { ana: 40, fay: 15 };

const pointsRace: RaceSpec<undefined> = {
  id: 'points-race',
  kind: 'race',
  clients: RACE_CLIENTS,
  variants: [
    {
      label: 'ZSCORE, add in the client, ZADD',
      atomic: false,
      setup: (ctx) => setupRace(ctx, 'naive'),
      async worker(client, i, ctx) {
        await addPointsReadWrite(client, ctx.key('leaderboards:race:naive'), racePlayer(i), RACE_POINTS);
      },
      measure: (ctx) => measureRace(ctx, 'naive', 'ZSCORE + ZADD'),
    },
    {
      label: 'ZINCRBY (addPoints)',
      atomic: true,
      setup: (ctx) => setupRace(ctx, 'zincrby'),
      async worker(client, i, ctx) {
        await addPoints(client, ctx.key('leaderboards:race:zincrby'), racePlayer(i), RACE_POINTS);
      },
      measure: (ctx) => measureRace(ctx, 'zincrby', 'ZINCRBY'),
    },
  ],
};

export const rankingSteps: StepSpec[] = [
  {
    id: 'rankings',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('leaderboards:global');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      await ctx.redis.zadd(key, ...zaddArgs(GLOBAL_BOARD));
      const before = await rankOf(ctx.unrecorded, key, 'mia');
      await addPoints(ctx.redis, key, 'mia', 120);
      const top = await topPlayers(ctx.redis, key, 3);
      const page = await leaderboardPage(ctx.redis, key, 2, 4);
      const mia = await rankOf(ctx.redis, key, 'mia');
      ctx.say('The top 3 (topPlayers), then page 2 at 4 players a page (leaderboardPage):');
      ctx.table(
        ['rank', 'player', 'points'],
        [...top, ...page].map((e) => [e.rank, e.member === 'mia' ? 'mia  ◂ just won 120' : e.member, e.score]),
      );
      ctx.say(
        `mia: ${before?.score} → ${mia?.score} points, rank ${before?.rank} → ${mia?.rank} of ${Object.keys(GLOBAL_BOARD).length}. ` +
          'ZREVRANK counts from 0; the board shows it plus 1.',
      );
    },
  },
  pointsRace,
  {
    id: 'add-points',
    kind: 'exercise',
    points: 2,
    setup: (ctx) => fresh(ctx, ['leaderboards:season'], (k) => ctx.unrecorded.zadd(k('leaderboards:season'), ...zaddArgs(SEASON))),
    check: expanded(
      all(
        custom('{ns}leaderboards:season: ana 340, fay 15, ben 250, chen 410 and dara 280', async (ctx) => {
          const key = ctx.key('leaderboards:season');
          const got = new Map(await zsetEntries(ctx, key));
          const want: Record<string, number> = { ...SEASON, ana: SEASON.ana + MATCH.ana, fay: MATCH.fay };
          const off = Object.entries(want).filter(([m, s]) => got.get(m) !== s);
          if (!off.length) return { pass: true, actual: 'ana 340, fay 15, the others unchanged' };
          const [m, s] = off[0]!;
          const now = got.get(m);
          const why =
            m === 'ana' && now === MATCH.ana
              ? ': a plain ZADD replaced her 300 points with 40 instead of adding to them'
              : m in MATCH
                ? ` (want ${s})`
                : ': only ana and fay played this match';
          return { pass: false, actual: `${m} has ${now ?? 'no score (not on the board)'}${why}` };
        }),
        writtenOnlyBy(
          'leaderboards:season',
          'every change to KEY made on the server: ZINCRBY (or ZADD … INCR)',
          addsOnServer,
          pointsMistake,
        ),
      ),
    ),
    hints: [
      'Do not read the score and write a new total: ask Redis to add. The same command puts a new player on the board.',
      'ZINCRBY key increment member   (e.g. ZINCRBY {ns}leaderboards:season 40 ana)',
    ],
    solution: ['ZINCRBY {ns}leaderboards:season 40 ana', 'ZINCRBY {ns}leaderboards:season 15 fay'],
    wrong: [
      // Read, add in the client, write the total back: right numbers today, lost points under load.
      ['ZSCORE {ns}leaderboards:season ana', 'ZADD {ns}leaderboards:season 340 ana 15 fay'],
      // ZADD sets the score: ana's 300 are replaced by 40.
      ['ZADD {ns}leaderboards:season 40 ana 15 fay'],
      // "fay is new, so set her": if another server added her first, NX drops these 15 points.
      ['ZINCRBY {ns}leaderboards:season 40 ana', 'ZADD {ns}leaderboards:season NX 15 fay'],
    ],
  },
];

/** What a write that set a score (instead of adding to it) risks. */
function pointsMistake(c: RanCommand): string {
  const restart = ' (:reset starts the exercise over)';
  if (c.name !== 'ZADD') return `${c.command} is not how points are added${restart}`;
  if (c.args.slice(2).some((a) => a.toUpperCase() === 'NX')) {
    return (
      `${c.command} sets a score only if the player is absent: had another game server added her a moment before, ` +
      `these points would be dropped${restart}`
    );
  }
  return `${c.command} writes a total your client decided: points another game server adds between your read and this write are overwritten${restart}`;
}

/** ZINCRBY, or ZADD … INCR without a condition that could skip the add (NX, XX, GT, LT). */
function addsOnServer(c: RanCommand): boolean {
  if (c.name === 'ZINCRBY') return true;
  if (c.name !== 'ZADD') return false;
  const opts = c.args.slice(2).map((a) => a.toUpperCase());
  return opts.includes('INCR') && !opts.some((o) => ['NX', 'XX', 'GT', 'LT'].includes(o));
}

async function setupRace(ctx: LessonContext, variant: string): Promise<void> {
  const key = ctx.key(`leaderboards:race:${variant}`);
  await ctx.claim([key]);
  await ctx.unrecorded.unlink(key);
}

async function measureRace(ctx: LessonContext, variant: string, label: string) {
  const board = await zsetEntries(ctx, ctx.key(`leaderboards:race:${variant}`));
  const total = board.reduce((sum, [, s]) => sum + s, 0);
  const each = (RACE_CLIENTS / RACE_PLAYERS) * RACE_POINTS;
  ctx.say(
    `${label}: ${board.map(([m, s]) => `${m} ${s}`).join(', ')} ` +
      `(each should have ${each}: ${count(RACE_CLIENTS / RACE_PLAYERS, 'report')} of ${RACE_POINTS})`,
  );
  return { expected: RACE_CLIENTS * RACE_POINTS, actual: total, unit: 'points' };
}
