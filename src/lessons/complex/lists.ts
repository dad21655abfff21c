// The complex lesson's list steps: queues and stacks, a capped feed, a reliable queue that survives a crashed worker.
import { all, listEquals, writesSince, writtenOnlyBy } from '../../engine/checks.js';
import { retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { ackJob, claimJob, enqueueJobs, pushActivity, recentActivity, requeueJobs } from '../../patterns/index.js';
import { versionAtLeast } from '../../redis/capabilities.js';
import { movedAtomically } from './checks.js';

const FEED_SETUP = ['DEL {ns}feed:bob', 'RPUSH {ns}feed:bob commented:6 liked:5 followed:4 shared:3 posted:2 joined:1'];
const QUEUE_SETUP = ['DEL {ns}queue:emails {ns}queue:emails:processing', 'LPUSH {ns}queue:emails email:1 email:2 email:3'];

export const listSteps: StepSpec[] = [
  {
    id: 'list-queues',
    kind: 'run',
    commands: [
      'RPUSH {ns}tasks:fifo job:1 job:2 job:3',
      'LPOP {ns}tasks:fifo',
      'LRANGE {ns}tasks:fifo 0 -1',
      'LPUSH {ns}tasks:stack page:1 page:2 page:3',
      'LPOP {ns}tasks:stack',
      'LRANGE {ns}tasks:stack 0 -1',
      'LLEN {ns}tasks:stack',
    ],
  },
  {
    id: 'feed',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('feed:grace');
      await ctx.claim([key]);
      const activities = ['joined', 'posted:1', 'liked:7', 'followed:ada', 'posted:2', 'commented:9', 'shared:2'];
      const rows: (string | number)[][] = [];
      for (const a of activities) {
        const len = await pushActivity(ctx.redis, key, a, 5);
        rows.push([a, len]);
      }
      ctx.table(['pushed', 'feed length after'], rows);
      const newest = await recentActivity(ctx.redis, key, 3);
      ctx.say(`The three newest: ${newest.join(', ')}. "joined" and "posted:1" were trimmed away.`);
    },
  },
  {
    id: 'ex-feed',
    kind: 'exercise',
    points: 3,
    setup: FEED_SETUP,
    check: all(
      listEquals('feed:bob', ['liked:7', 'commented:6', 'liked:5', 'followed:4', 'shared:3']),
      writtenOnlyBy(
        'feed:bob',
        'KEY changed by LPUSH and capped by LTRIM',
        (c) => c.name === 'LPUSH' || c.name === 'LPUSHX' || c.name === 'LTRIM',
        (c) =>
          /^(RPOP|LPOP|LREM|BRPOP|BLPOP)$/.test(c.name)
            ? `you dropped entries one at a time (${c.command}): that needs the length first, LTRIM keeps the newest 5 whatever it is`
            : `you rebuilt the list in the client (${c.command}) instead of trimming it on the server`,
        retyped(FEED_SETUP),
      ),
      (ctx) =>
        Promise.resolve().then(() => {
          const trimmed = writesSince(ctx, ctx.key('feed:bob'), retyped(FEED_SETUP)).some((c) => c.name === 'LTRIM');
          return { pass: trimmed, expected: 'an LTRIM capping the feed', actual: trimmed ? 'LTRIM capped it' : 'no LTRIM yet' };
        }),
    ),
    hints: [
      'Two commands: one pushes at the head, one keeps only a range of indexes.',
      'LPUSH key element, then LTRIM key start stop (indexes are inclusive, 0-based)',
    ],
    solution: ['LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4'],
    wrong: [
      ['RPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4'],
      // LTRIM's stop index is inclusive.
      ['LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 5'],
      ['LPUSH {ns}feed:bob liked:7', 'RPOP {ns}feed:bob', 'RPOP {ns}feed:bob'],
      ['LRANGE {ns}feed:bob 0 3', 'DEL {ns}feed:bob', 'RPUSH {ns}feed:bob liked:7 commented:6 liked:5 followed:4 shared:3'],
    ],
  },
  {
    id: 'reliable-queue',
    kind: 'code',
    async run(ctx) {
      const queue = ctx.key('queue:jobs');
      const processing = ctx.key('queue:jobs:processing');
      await ctx.claim([queue, processing]);
      const legacy = !versionAtLeast(ctx.sb.target.version, '6.2');
      if (legacy) ctx.say(`Redis ${ctx.sb.target.version} has no BLMOVE (6.2+): using BRPOPLPUSH, which does the same.`);

      await enqueueJobs(ctx.redis, queue, ['send-welcome:1', 'resize-avatar:2', 'charge-card:3']);

      const first = await claimJob(ctx.redis, queue, processing, 1, { legacy });
      ctx.say(`Worker A took ${first}; it sits in the processing list while A works.`);
      await ackJob(ctx.redis, processing, first!);
      ctx.say(`A finished and acknowledged it with LREM: the processing list is empty again.`);

      const second = await claimJob(ctx.redis, queue, processing, 1, { legacy });
      ctx.say(`Worker B took ${second}… and crashed before acknowledging (no LREM is sent).`);
      const stuck = await ctx.redis.lrange(processing, 0, -1);
      ctx.say(
        `The processing list still holds [${stuck.join(', ')}]: the job was not lost. With RPOP it would exist ` +
          "only in the dead worker's memory.",
      );

      const moved = await requeueJobs(ctx.redis, processing, queue);
      ctx.say(
        `A reaper put ${moved.join(', ')} back at the front of the queue (in production it acts when B's ` +
          'heartbeat key expires, and each worker has its own processing list).',
      );
      const retried = await claimJob(ctx.redis, queue, processing, 1, { legacy });
      await ackJob(ctx.redis, processing, retried!);
      ctx.say(`Worker C took ${retried} next and acknowledged it.`);

      const last = await claimJob(ctx.redis, queue, processing, 1, { legacy });
      await ackJob(ctx.redis, processing, last!);
      const t0 = performance.now();
      const none = await claimJob(ctx.redis, queue, processing, 0.2, { legacy });
      ctx.say(
        `After ${last}, the queue is empty: BLMOVE with a 0.2 s timeout waited ${Math.round(performance.now() - t0)} ms ` +
          `and returned ${none === null ? '(nil)' : none}. A timeout of 0 waits forever, holding the connection.`,
      );
      ctx.say(
        'This is at-least-once delivery: a worker that did the work but died before LREM gets its job redone, so ' +
          'jobs must be idempotent. Redis Streams with consumer groups (XREADGROUP, XACK, XAUTOCLAIM) build this in.',
      );
    },
  },
  {
    id: 'ex-reliable-claim',
    kind: 'exercise',
    points: 3,
    setup: QUEUE_SETUP,
    check: all(
      listEquals('queue:emails:processing', ['email:1']),
      listEquals('queue:emails', ['email:3', 'email:2']),
      // RPOP then LPUSH reaches the same state, with a window where a crash loses the job.
      movedAtomically('queue:emails', 'queue:emails:processing', 'email:1', retyped(QUEUE_SETUP)),
    ),
    hints: [
      'Popping and then pushing in two commands leaves a moment where a crash loses the job. One command moves an element between lists.',
      'LMOVE source destination RIGHT LEFT (or BLMOVE … RIGHT LEFT timeout, which waits when the queue is empty)',
    ],
    solution: ['LMOVE {ns}queue:emails {ns}queue:emails:processing RIGHT LEFT'],
    wrong: [
      ['RPOP {ns}queue:emails', 'LPUSH {ns}queue:emails:processing email:1'],
      ['BRPOP {ns}queue:emails 1', 'LPUSH {ns}queue:emails:processing email:1'],
      // Copy first, then remove: a crash in between runs the job twice.
      ['LPUSH {ns}queue:emails:processing email:1', 'RPOP {ns}queue:emails'],
      // The newest job, not the oldest.
      ['LMOVE {ns}queue:emails {ns}queue:emails:processing LEFT LEFT'],
    ],
  },
];
