// The complex lesson's sorted-set steps: a leaderboard with ranks, "around me", and a priority queue on ZPOPMIN.
import { all, custom, ranCommands, writesSince, writtenOnlyBy, zsetEquals } from '../../engine/checks.js';
import { retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { addPoints, aroundMe, popMostUrgent, pushPriorityJobs, rankOf, topPlayers } from '../../patterns/index.js';

const LEADERBOARD_SETUP = ['DEL {ns}leaderboard:season', 'ZADD {ns}leaderboard:season 300 ana 250 ben 410 chen 280 dara'];
const TICKETS_SETUP = ['DEL {ns}pq:tickets', 'ZADD {ns}pq:tickets 3 printer-jam 1 site-down 2 login-slow 5 typo'];

/** The commands that take the lowest-scored member off a sorted set and hand it to the caller. */
const POPS = new Set(['ZPOPMIN', 'BZPOPMIN', 'ZMPOP', 'BZMPOP']);

export const sortedSetSteps: StepSpec[] = [
  {
    id: 'zset-basics',
    kind: 'run',
    commands: [
      'ZADD {ns}leaderboard:weekly 120 ana 95 ben 150 chen 95 dara 80 eli',
      'ZINCRBY {ns}leaderboard:weekly 40 ben',
      'ZREVRANGE {ns}leaderboard:weekly 0 2 WITHSCORES',
      'ZRANGE {ns}leaderboard:weekly 0 2 REV WITHSCORES',
      'ZREVRANK {ns}leaderboard:weekly ben',
      'ZRANK {ns}leaderboard:weekly ben',
      'ZSCORE {ns}leaderboard:weekly chen',
      'ZRANGEBYSCORE {ns}leaderboard:weekly 90 130 WITHSCORES',
      'ZRANGE {ns}leaderboard:weekly 90 130 BYSCORE WITHSCORES',
      'ZCOUNT {ns}leaderboard:weekly 100 +inf',
      'ZADD {ns}leaderboard:weekly GT CH 90 eli',
      'ZADD {ns}leaderboard:weekly GT CH 50 eli',
    ],
  },
  {
    id: 'around-me',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('leaderboard:global');
      await ctx.claim([key]);
      const players: (string | number)[] = [];
      for (let i = 1; i <= 25; i++) players.push((i * 7919) % 1000, `player:${String(i).padStart(2, '0')}`);
      await ctx.redis.zadd(key, ...players);

      const top = await topPlayers(ctx.redis, key, 3);
      ctx.table(
        ['rank', 'player', 'score'],
        top.map((e) => [e.rank, e.member, e.score]),
      );

      const me = 'player:07';
      const before = await rankOf(ctx.redis, key, me);
      await addPoints(ctx.redis, key, me, 100);
      const after = await rankOf(ctx.redis, key, me);
      const near = await aroundMe(ctx.redis, key, me, 2);
      ctx.say(
        `${me} won 100 points: ${before?.score} → ${after?.score}, rank ${before?.rank} → ${after?.rank} of 25 ` +
          '(ranks here count from 1; ZREVRANK itself counts from 0). Around them:',
      );
      ctx.table(
        ['rank', 'player', 'score'],
        near.map((e) => [e.rank, e.member === me ? `${e.member}  ◂ you` : e.member, e.score]),
      );
    },
  },
  {
    id: 'ex-leaderboard',
    kind: 'exercise',
    points: 3,
    setup: LEADERBOARD_SETUP,
    check: custom('ben at 295 points added by ZINCRBY, and a ZREVRANK reply matching his rank now', async (ctx) => {
      const key = ctx.key('leaderboard:season');
      const score = await ctx.unrecorded.zscore(key, 'ben');
      if (score === null || Number(score) !== 295) {
        return { pass: false, actual: `score of ben = ${score ?? '(nil)'}` };
      }
      // ZADD … INCR is ZINCRBY by another name; any other write set a score worked out in the client.
      const set = writesSince(ctx, key, retyped(LEADERBOARD_SETUP)).find(
        (c) => c.name !== 'ZINCRBY' && !(c.name === 'ZADD' && c.args.some((a) => a.toUpperCase() === 'INCR')),
      );
      if (set)
        return {
          pass: false,
          actual: `you set the score with ${set.command}: worked out in the client, so points won meanwhile are lost`,
        };
      const rank = await ctx.unrecorded.zrevrank(key, 'ben');
      const ran = ranCommands(ctx.history);
      const last = ran.filter((c) => c.name === 'ZREVRANK' && c.args[1] === key && c.args[2] === 'ben').at(-1);
      if (!last) {
        const other = ran.find((c) => /^(ZRANK|ZRANGE|ZREVRANGE|ZRANGEBYSCORE|ZREVRANGEBYSCORE|ZSCAN)$/.test(c.name) && c.args[1] === key);
        return {
          pass: false,
          actual:
            other?.name === 'ZRANK'
              ? `ben has 295 points; ${other.command} counts from the lowest score, not the top`
              : other
                ? `ben has 295 points; ${other.command} lists the board for you to count: ZREVRANK asks Redis for the rank`
                : 'ben has 295 points; no ZREVRANK of ben yet',
        };
      }
      // ZREVRANK … WITHSCORE (Redis 7.2+) replies [rank, score].
      const said = Array.isArray(last.reply) ? Number(last.reply[0]) : Number(last.reply);
      return {
        pass: said === rank,
        actual:
          said === rank ? `ZREVRANK replied ${said}, ben's rank` : `your last ZREVRANK of ben replied ${said}, but his rank now is ${rank}`,
      };
    }),
    hints: [
      'Add to the score in place (no read first), then ask for the rank in descending order.',
      'ZINCRBY key increment member, then ZREVRANK key member',
    ],
    solution: ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZREVRANK {ns}leaderboard:season ben'],
    wrong: [
      // Read, add in the client, write back.
      ['ZSCORE {ns}leaderboard:season ben', 'ZADD {ns}leaderboard:season 295 ben', 'ZREVRANK {ns}leaderboard:season ben'],
      ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZRANK {ns}leaderboard:season ben'],
      // Fetch the board and count in the client.
      ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZREVRANGE {ns}leaderboard:season 0 -1 WITHSCORES'],
      // A rank asked before the points landed.
      ['ZREVRANK {ns}leaderboard:season ben', 'ZINCRBY {ns}leaderboard:season 45 ben'],
    ],
  },
  {
    id: 'priority-queue',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('pq:jobs');
      await ctx.claim([key]);
      await pushPriorityJobs(ctx.redis, key, [
        { job: 'send-invoice', priority: 2 },
        { job: 'reset-password', priority: 1 },
        { job: 'weekly-digest', priority: 5 },
        { job: 'fraud-alert', priority: 0 },
        { job: 'resize-image', priority: 3 },
      ]);
      const rows: (string | number)[][] = [];
      for (let i = 1; i <= 3; i++) {
        const next = await popMostUrgent(ctx.redis, key);
        if (next) rows.push([i, next.job, next.priority]);
      }
      ctx.table(['popped', 'job', 'priority'], rows);
      ctx.say(`Still waiting: ${(await ctx.redis.zrange(key, '0', '-1')).join(', ')}.`);
    },
  },
  {
    id: 'ex-priority',
    kind: 'exercise',
    points: 2,
    setup: TICKETS_SETUP,
    check: all(
      zsetEquals('pq:tickets', [
        ['login-slow', 2],
        ['printer-jam', 3],
        ['typo', 5],
      ]),
      writtenOnlyBy(
        'pq:tickets',
        'the ticket taken off KEY by one pop (ZPOPMIN) that hands it to the worker',
        (c) => POPS.has(c.name),
        (c) =>
          c.name === 'ZREM'
            ? `you removed it with ${c.command} after choosing it: another worker could take the same ticket in between`
            : /^ZREMRANGEBY/.test(c.name)
              ? `${c.command} deletes the ticket without handing it to you: the worker never gets it`
              : `you changed the queue with ${c.command}`,
        retyped(TICKETS_SETUP),
      ),
    ),
    hints: [
      'Reading the first member and then removing it is two steps another worker can slip between. One command pops the lowest score.',
      'ZPOPMIN key [count]',
    ],
    solution: ['ZPOPMIN {ns}pq:tickets'],
    wrong: [
      ['ZRANGE {ns}pq:tickets 0 0', 'ZREM {ns}pq:tickets site-down'],
      ['ZREMRANGEBYRANK {ns}pq:tickets 0 0'],
      // The highest score is the least urgent here.
      ['ZPOPMAX {ns}pq:tickets'],
    ],
  },
];
