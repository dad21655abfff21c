// Around me: the two-command window shifted by writes that land between its reads (shown with the writes injected),
// the library's one-script window, and an exercise that bans a player from two boards at once.
import { all, custom, ranCommands, writesTo } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { aroundMeTwoCommands } from '../../antipatterns/leaderboards.js';
import { aroundMe } from '../../patterns/index.js';
import { zaddArgs, zsetEntries } from './board.js';

/** Fifteen players 50 points apart; mia is 8th. */
const ARENA: Record<string, number> = Object.fromEntries(
  ['ava', 'ben', 'cleo', 'dev', 'eva', 'finn', 'gia', 'mia', 'hugo', 'iris', 'jay', 'kim', 'leo', 'max', 'nia'].map((p, i) => [
    p,
    1500 - 50 * i,
  ]),
);
/** The three players just below mia whose matches end between the naive window's two reads. */
const PASSERS = ['hugo', 'iris', 'jay'];
const RADIUS = 2;

/** The ban exercise's boards: zed leads both. */
const SEASON = { zed: 990, chen: 410, ana: 340, eli: 295, ben: 290, dara: 280 };
const WEEKLY = { zed: 310, ben: 120, ana: 95, chen: 60 };
const BOARDS = ['leaderboards:season', 'leaderboards:weekly'] as const;

export const aroundMeSteps: StepSpec[] = [
  {
    id: 'around-me',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('leaderboards:arena');
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      await ctx.redis.zadd(key, ...zaddArgs(ARENA));
      ctx.say('The naive window: ZREVRANK, then ZRANGE of rank ± 2. Between the two, three matches end:');
      const naive = await aroundMeTwoCommands(ctx.redis, key, 'mia', RADIUS, async () => {
        for (const p of PASSERS) await ctx.redis.zincrby(key, 300, p);
      });
      const rankNow = await ctx.unrecorded.zrevrank(key, 'mia');
      ctx.table(
        ['rank', 'player', 'points'],
        naive.map((e) => [e.rank, e.member === 'mia' ? 'mia  ◂ you' : e.member, e.score]),
      );
      const missing = !naive.some((e) => e.member === 'mia');
      ctx.say(
        missing
          ? `mia is not in her own window: the window was centred on rank ${RADIUS + (naive[0]?.rank ?? 0)}, read before ` +
              `${PASSERS.join(', ')} passed her, and she is rank ${(rankNow ?? 0) + 1} now.`
          : 'mia is in the window this time, but off centre: the board moved between the two reads.',
      );
      ctx.say('The same board through aroundMe: the rank and the range in one script, so no write lands between them:');
      const window = await aroundMe(ctx.redis, key, 'mia', RADIUS);
      ctx.table(
        ['rank', 'player', 'points'],
        window.map((e) => [e.rank, e.member === 'mia' ? 'mia  ◂ you' : e.member, e.score]),
      );
    },
  },
  {
    id: 'remove-player',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [...BOARDS], async (k) => {
        await ctx.unrecorded.zadd(k('leaderboards:season'), ...zaddArgs(SEASON));
        await ctx.unrecorded.zadd(k('leaderboards:weekly'), ...zaddArgs(WEEKLY));
      }),
    check: expanded(
      all(
        custom('zed gone from {ns}leaderboards:season and {ns}leaderboards:weekly, every other player as before', boardsWithoutZed),
        custom('zed removed by name (ZREM) from both boards in one MULTI … EXEC', bannedInOneTransaction),
      ),
    ),
    hints: [
      'Remove him by name, not by position: ZREM. MULTI queues the two removals and EXEC runs them back to back.',
      'MULTI · ZREM key member · ZREM otherkey member · EXEC',
    ],
    solution: ['MULTI', 'ZREM {ns}leaderboards:season zed', 'ZREM {ns}leaderboards:weekly zed', 'EXEC'],
    wrong: [
      // Two separate commands: a crash between them leaves zed on the weekly board.
      ['ZREM {ns}leaderboards:season zed', 'ZREM {ns}leaderboards:weekly zed'],
      // "He is on top": removes whoever is on top when the command runs.
      ['MULTI', 'ZREMRANGEBYRANK {ns}leaderboards:season -1 -1', 'ZREMRANGEBYRANK {ns}leaderboards:weekly -1 -1', 'EXEC'],
      // Zero points keep him on the board, ranked last.
      ['MULTI', 'ZADD {ns}leaderboards:season 0 zed', 'ZADD {ns}leaderboards:weekly 0 zed', 'EXEC'],
      // One board forgotten.
      ['MULTI', 'ZREM {ns}leaderboards:season zed', 'EXEC'],
    ],
  },
];

/** State: zed on neither board, everyone else with their points; the "found" text shows the ranks moving up. */
async function boardsWithoutZed(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const boards: [string, Record<string, number>][] = [
    [ctx.key('leaderboards:season'), SEASON],
    [ctx.key('leaderboards:weekly'), WEEKLY],
  ];
  for (const [key, before] of boards) {
    const got = new Map(await zsetEntries(ctx, key));
    if (got.has('zed')) {
      return {
        pass: false,
        actual: `zed is still on ${key} with ${got.get('zed')} points${got.get('zed') === 0 ? ': a score of 0 is still a place on the board' : ''}`,
      };
    }
    const changed = Object.entries(before).filter(([m, s]) => m !== 'zed' && got.get(m) !== s);
    if (changed.length) {
      const [m, s] = changed[0]!;
      return { pass: false, actual: `${m} on ${key} has ${got.get(m) ?? 'no score'} (was ${s}): only zed should go` };
    }
  }
  const chen = await ctx.unrecorded.zrevrank(ctx.key('leaderboards:season'), 'chen');
  return { pass: true, actual: `zed is gone; chen moved up from rank 2 to ${(chen ?? 0) + 1} of the season` };
}

/** History: every write to the two boards is a ZREM of zed, and one EXEC ran the ZREM of both. */
function bannedInOneTransaction(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  return Promise.resolve().then(() => {
    const [season, weekly] = BOARDS.map((b) => ctx.key(b));
    const restart = ' (:reset starts the exercise over)';
    for (const key of [season!, weekly!]) {
      const bad = writesTo(ctx, key).find((c) => c.name !== 'ZREM' || !c.args.slice(2).includes('zed'));
      if (bad) {
        const actual = /^ZREMRANGEBY/.test(bad.name)
          ? `${bad.command} removes whoever is at that position when it runs, not zed: if someone passed him a moment before, you banned them${restart}`
          : `${bad.command} is not a removal by name${restart}`;
        return { pass: false, actual };
      }
    }
    const ran = ranCommands(ctx.history);
    const removal = (key: string) => ran.filter((c) => c.name === 'ZREM' && c.args[1] === key && c.args.slice(2).includes('zed'));
    for (const a of removal(season!)) {
      const b = removal(weekly!).find((c) => c.transaction !== null && c.transaction === a.transaction);
      if (a.transaction !== null && b) return { pass: true, actual: `one EXEC ran ${a.command} ; ${b.command}` };
    }
    const alone = [...removal(season!), ...removal(weekly!)].find((c) => c.transaction === null);
    return {
      pass: false,
      actual: alone
        ? `${alone.command} ran on its own: if the process dies before the other ZREM, zed stays ranked on one board${restart}`
        : 'no ZREM of zed from both boards in one transaction yet',
    };
  });
}
