// Lists as work queues: the reliable queue (BLMOVE into a processing list, ack with LREM, a dead worker's list requeued),
// a race where workers are killed mid-job (RPOP loses their jobs, BLMOVE does not), and an exercise moving a job by hand.
import type { Redis } from 'ioredis';
import { all, listEquals, writtenOnlyBy } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { takeJobNaive } from '../../antipatterns/messaging.js';
import {
  ackJob,
  claimJob,
  enqueueJobs,
  heartbeatWorker,
  reliableQueueKeys,
  requeueIfDead,
  sleep,
  type ReliableQueueKeys,
} from '../../patterns/index.js';
import { KILLED_WORKERS, QUEUE_JOBS, QUEUE_WORKERS } from './setup.js';

const HEARTBEAT_MS = 300;
/** How long a job "takes": long enough for the workers to interleave. */
const JOB_MS = 5;

/** What a variant's workers did: every job they finished (a job finished twice counts twice). */
interface QueueState {
  done: string[];
  killed: string[];
}

const jobNames = () => Array.from({ length: QUEUE_JOBS }, (_, i) => `job-${String(i + 1).padStart(2, '0')}`);

/** The worker dies right after taking its 2nd job: before doing it, before any ack. */
const dies = (worker: number, taken: number) => KILLED_WORKERS.includes(worker) && taken === 2;

function raceKeys(ctx: LessonContext, variant: 'naive' | 'reliable') {
  const queue = ctx.key(`messaging:race:${variant}-jobs`);
  const workers = Array.from({ length: QUEUE_WORKERS }, (_, i) => reliableQueueKeys(ctx.redis, queue, `w${i}`));
  return { queue, workers };
}

async function setupQueue(ctx: LessonContext, variant: 'naive' | 'reliable'): Promise<void> {
  const { queue, workers } = raceKeys(ctx, variant);
  const keys = [queue, ...workers.flatMap((w) => [w.processing, w.heartbeat])];
  await ctx.claim(keys);
  await ctx.unrecorded.unlink(...keys);
  await enqueueJobs(ctx.unrecorded, queue, jobNames());
}

async function measureQueue(ctx: LessonContext, state: QueueState, variant: 'naive' | 'reliable') {
  const { queue } = raceKeys(ctx, variant);
  const left = await ctx.unrecorded.llen(queue);
  const distinct = new Set(state.done).size;
  const lost = QUEUE_JOBS - distinct - left;
  ctx.say(
    `${variant === 'naive' ? 'RPOP' : 'BLMOVE + requeue'}: ${count(state.done.length, 'job')} done, ` +
      `${state.killed.length} workers killed holding ${state.killed.join(' and ')}` +
      (lost > 0 ? `: ${count(lost, 'job')} lost, in no list anywhere` : ': their jobs went back to the queue and were done by others'),
  );
  return { expected: QUEUE_JOBS, actual: state.done.length, unit: 'jobs done' };
}

/** Every list of the queue is empty: nothing queued, nothing in progress. */
async function drained(client: Redis, queue: string, workers: readonly ReliableQueueKeys[]): Promise<boolean> {
  const lens = await Promise.all([queue, ...workers.map((w) => w.processing)].map((k) => client.llen(k)));
  return lens.every((n) => n === 0);
}

const queueRace: RaceSpec<QueueState> = {
  id: 'list-queue-race',
  kind: 'race',
  clients: QUEUE_WORKERS,
  state: () => ({ done: [], killed: [] }),
  variants: [
    {
      label: 'RPOP',
      atomic: false,
      setup: (ctx) => setupQueue(ctx, 'naive'),
      async worker(client, i, ctx, state) {
        const { queue } = raceKeys(ctx, 'naive');
        for (let taken = 1; ; taken++) {
          const job = await takeJobNaive(client, queue);
          if (job === null) return;
          if (dies(i, taken)) {
            state.killed.push(job);
            return;
          }
          await sleep(JOB_MS);
          state.done.push(job);
        }
      },
      measure: (ctx, state) => measureQueue(ctx, state, 'naive'),
    },
    {
      label: 'BLMOVE + processing list',
      atomic: true,
      setup: (ctx) => setupQueue(ctx, 'reliable'),
      async worker(client, i, ctx, state) {
        const { queue, workers } = raceKeys(ctx, 'reliable');
        const me = workers[i]!;
        const stopAt = Date.now() + 10_000;
        for (let taken = 1; Date.now() < stopAt;) {
          await heartbeatWorker(client, me, HEARTBEAT_MS);
          // A short block: the worker comes back to look after dead colleagues when the queue is empty.
          const job = await claimJob(client, queue, me.processing, 0.05);
          if (job !== null) {
            if (dies(i, taken++)) {
              // Killed: no ack, no more heartbeats. The job waits in its processing list.
              state.killed.push(job);
              return;
            }
            await sleep(JOB_MS);
            state.done.push(job);
            await ackJob(client, me.processing, job);
            continue;
          }
          for (const other of workers) if (other !== me) await requeueIfDead(client, other);
          if (await drained(client, queue, workers)) return;
        }
      },
      measure: (ctx, state) => measureQueue(ctx, state, 'reliable'),
    },
  ],
};

export const listSteps: StepSpec[] = [
  {
    id: 'list-queue',
    kind: 'code',
    async run(ctx) {
      const queue = ctx.key('messaging:emails');
      const w1 = reliableQueueKeys(ctx.redis, queue, 'w1');
      const sms = ctx.key('messaging:sms');
      const smsWorker = reliableQueueKeys(ctx.redis, sms, 'w2');
      const keys = [queue, w1.processing, w1.heartbeat, sms, smsWorker.processing, smsWorker.heartbeat];
      await ctx.claim(keys);
      await ctx.unrecorded.unlink(...keys);

      await enqueueJobs(ctx.redis, queue, ['email:1', 'email:2', 'email:3']);
      await heartbeatWorker(ctx.redis, w1, HEARTBEAT_MS);
      const first = await claimJob(ctx.redis, queue, w1.processing, 1);
      await ackJob(ctx.redis, w1.processing, first!);
      ctx.say(`w1 took ${first}, sent it, and acked it (LREM from its processing list)`);
      const second = await claimJob(ctx.redis, queue, w1.processing, 1);
      ctx.say(`w1 took ${second} and was killed before finishing: ${second} waits in ${w1.processing}`);
      await sleep(HEARTBEAT_MS + 50);
      const moved = await requeueIfDead(ctx.redis, w1);
      ctx.say(
        `${HEARTBEAT_MS} ms later w1's heartbeat key has expired, so a supervisor moved ${moved?.join(', ') ?? 'nothing'} back: ` +
          `it is at the right end of ${queue}, first in line`,
      );

      // A worker blocks on its own connection: BLMOVE holds the connection until a job arrives or the timeout passes.
      const [conn] = await ctx.clients(1);
      const waiting = claimJob(conn!, sms, smsWorker.processing, 2).then((job) => ({ job, at: performance.now() }));
      await sleep(150);
      const pushedAt = performance.now();
      await enqueueJobs(ctx.redis, sms, ['sms:1']);
      const { job, at } = await waiting;
      ctx.say(
        `w2 was blocked in BLMOVE … 2 on an empty ${sms} (its own connection); it got ${job} ${(at - pushedAt).toFixed(1)} ms after ` +
          'the LPUSH: no polling loop, no wasted round trips',
      );
      await ackJob(ctx.redis, smsWorker.processing, job!);
    },
  },
  queueRace,
  {
    id: 'move-job',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['messaging:jobs', 'messaging:jobs:processing:w1'], async (k) => {
        await ctx.unrecorded.lpush(k('messaging:jobs'), 'job-1', 'job-2', 'job-3');
      }),
    check: expanded(
      all(
        listEquals('messaging:jobs', ['job-3', 'job-2']),
        listEquals('messaging:jobs:processing:w1', ['job-1']),
        writtenOnlyBy(
          'messaging:jobs:processing:w1',
          'KEY filled by one atomic move (LMOVE or BLMOVE)',
          (c) => /^(B?LMOVE|B?RPOPLPUSH)$/.test(c.name),
          (c) =>
            c.name === 'LPUSH' || c.name === 'RPUSH'
              ? `${c.command} pushed a job your client held: between the pop and this push it was in no list, and a worker killed there loses it`
              : `you wrote it with ${c.command}`,
        ),
      ),
    ),
    hints: [
      'One command can pop from one list and push onto another, atomically: the job is never outside Redis. Producers LPUSH, so the oldest job is at the right end.',
      'LMOVE source destination RIGHT LEFT   (BLMOVE … RIGHT LEFT timeout waits for a job when the queue is empty)',
    ],
    solution: ['LMOVE {ns}messaging:jobs {ns}messaging:jobs:processing:w1 RIGHT LEFT'],
    wrong: [
      // The same lists in the end, but the job spent a round trip in the client only.
      ['RPOP {ns}messaging:jobs', 'LPUSH {ns}messaging:jobs:processing:w1 job-1'],
      // Atomic, but from the wrong end: the newest job jumps the queue.
      ['LMOVE {ns}messaging:jobs {ns}messaging:jobs:processing:w1 LEFT LEFT'],
    ],
  },
];
