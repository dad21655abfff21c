// Delayed jobs in a sorted set scored by run time: the library's queue (claims leased in one script), a race of pollers
// (ZRANGEBYSCORE then ZREM runs jobs twice; checking ZREM's reply or the script does not), and an exercise scheduling one.
import type { Redis } from 'ioredis';
import { all, custom, hashHas, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { claimDueNaive } from '../../antipatterns/messaging.js';
import { createDelayedQueue, delayedQueueKeys, sleep } from '../../patterns/index.js';
import { DUE_JOBS, EARLIER_MS, LATER_JOBS, POLLERS, RUN_AT_MS, RUN_AT_S } from './setup.js';

const DUE = 'messaging:schedule:due';
const JOBS = 'messaging:schedule:jobs';
/** What a poller does between reading a job and removing it (decode, log): the window the naive version leaves open. */
const PAUSE_MS = 2;
const JOB_MS = 1;

/** How many times each job ran, across a variant's workers. */
interface PollState {
  runs: Map<string, number>;
}

const ran = (state: PollState, job: string) => state.runs.set(job, (state.runs.get(job) ?? 0) + 1);

/**
 * Read the earliest due job, ZREM it, and run it only if that ZREM removed it (returned 1): of all the workers that
 * read the same job, exactly one removes it. No duplicates, without a script; but a worker that dies after its ZREM
 * takes the job with it (the library's claim moves it to an in-flight set with a deadline instead).
 */
async function claimDueByZrem(redis: Redis, due: string, nowMs: number): Promise<string | null> {
  for (;;) {
    const [id] = await redis.zrangebyscore(due, '-inf', nowMs, 'LIMIT', 0, 1);
    if (id === undefined) return null;
    await sleep(PAUSE_MS);
    if ((await redis.zrem(due, id)) === 1) return id;
  }
}

const dueName = (i: number) => `job-${String(i + 1).padStart(2, '0')}`;

async function setupZset(ctx: LessonContext, name: string): Promise<void> {
  const key = ctx.key(name);
  await ctx.claim([key]);
  await ctx.unrecorded.unlink(key);
  const now = Date.now();
  const args: (string | number)[] = [];
  for (let i = 0; i < DUE_JOBS; i++) args.push(now - 60_000 + i, dueName(i));
  for (let i = 0; i < LATER_JOBS; i++) args.push(now + 3_600_000 + i, `later-${i + 1}`);
  await ctx.unrecorded.zadd(key, ...args);
}

function measureRuns(ctx: LessonContext, state: PollState, label: string) {
  const total = [...state.runs.values()].reduce((a, b) => a + b, 0);
  const twice = [...state.runs.values()].filter((n) => n > 1).length;
  const early = [...state.runs.keys()].filter((j) => j.startsWith('later-')).length;
  ctx.say(
    `${label}: ${count(total, 'run')} for ${DUE_JOBS} due jobs` +
      (twice ? `, ${count(twice, 'job')} run more than once` : ', each exactly once') +
      (early ? `, ${early} not yet due run early` : ''),
  );
  return Promise.resolve({ expected: DUE_JOBS, actual: total, unit: 'job runs' });
}

const delayedRace: RaceSpec<PollState> = {
  id: 'delayed-race',
  kind: 'race',
  clients: POLLERS,
  state: () => ({ runs: new Map() }),
  variants: [
    {
      label: 'ZRANGEBYSCORE, ZREM',
      atomic: false,
      setup: (ctx) => setupZset(ctx, 'messaging:race:naive-due'),
      async worker(client, _i, ctx, state) {
        const due = ctx.key('messaging:race:naive-due');
        for (
          let job = await claimDueNaive(client, due, Date.now(), PAUSE_MS);
          job !== null;
          job = await claimDueNaive(client, due, Date.now(), PAUSE_MS)
        ) {
          await sleep(JOB_MS);
          ran(state, job);
        }
      },
      measure: (ctx, state) => measureRuns(ctx, state, 'ZRANGEBYSCORE then ZREM'),
    },
    {
      label: '… run only if ZREM said 1',
      atomic: true,
      setup: (ctx) => setupZset(ctx, 'messaging:race:checked-due'),
      async worker(client, _i, ctx, state) {
        const due = ctx.key('messaging:race:checked-due');
        for (let job = await claimDueByZrem(client, due, Date.now()); job !== null; job = await claimDueByZrem(client, due, Date.now())) {
          await sleep(JOB_MS);
          ran(state, job);
        }
      },
      measure: (ctx, state) => measureRuns(ctx, state, 'ZREM reply checked'),
    },
    {
      label: 'createDelayedQueue (script)',
      atomic: true,
      async setup(ctx) {
        const q = createDelayedQueue(ctx.unrecorded, ctx.key('messaging:race:delayed'));
        const k = q.keys;
        await ctx.claim([k.due, k.jobs, k.inflight, k.claims, k.seq]);
        await ctx.unrecorded.unlink(k.due, k.jobs, k.inflight, k.claims, k.seq);
        for (let i = 0; i < DUE_JOBS; i++) await q.scheduleIn(dueName(i), 0);
        for (let i = 0; i < LATER_JOBS; i++) await q.scheduleIn(`later-${i + 1}`, 3_600_000);
      },
      async worker(client, i, ctx, state) {
        const q = createDelayedQueue(client, ctx.key('messaging:race:delayed'));
        for (let c = await q.claim(`w${i}`, { visibilityMs: 30_000 }); c !== null; c = await q.claim(`w${i}`, { visibilityMs: 30_000 })) {
          await sleep(JOB_MS);
          ran(state, c.job);
          await q.ack(c);
        }
      },
      measure: (ctx, state) => measureRuns(ctx, state, 'createDelayedQueue'),
    },
  ],
};

async function delayedJobs(ctx: LessonContext): Promise<void> {
  const name = ctx.key('messaging:reminders');
  const k = delayedQueueKeys(ctx.redis, name);
  const keys = [k.due, k.jobs, k.inflight, k.claims, k.seq];
  await ctx.claim(keys);
  await ctx.unrecorded.unlink(...keys);
  const q = createDelayedQueue(ctx.redis, name);
  await q.scheduleIn('remind cart-17', 0);
  await q.scheduleIn('remind cart-18', 0);
  await q.scheduleIn('daily report', 60_000);
  const s = await q.stats();
  ctx.say(`scheduled ${s.scheduled}, ${s.ready} due now; "daily report" runs in a minute (the score is the server's time + 60000 ms)`);

  const one = await q.claim('w1', { visibilityMs: 5000 });
  const acked = await q.ack(one!);
  ctx.say(`w1 claimed ${one!.job} for 5 s, ran it, acked it → ${acked}`);

  const two = await q.claim('w2', { visibilityMs: 200 });
  ctx.say(`w2 claimed ${two!.job} for 200 ms and died without acking`);
  await sleep(250);
  const stalled = await q.stats();
  ctx.say(`250 ms later: ${stalled.inFlight} in flight, ${stalled.expired} of them past its deadline`);
  const again = await q.claim('w3', { visibilityMs: 5000 });
  const late = await q.ack(two!);
  await q.ack(again!);
  const nothing = await q.claim('w3', { visibilityMs: 5000 });
  ctx.say(
    `w3's claim gave the expired lease back first and got ${again!.job}; w2's late ack → ${late} (its token no longer holds the job); ` +
      `the next claim → ${nothing ? nothing.job : 'nothing'}: the report is not due yet`,
  );
}

export const delayedSteps: StepSpec[] = [
  { id: 'delayed-jobs', kind: 'code', run: delayedJobs },
  delayedRace,
  {
    id: 'schedule-job',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [DUE, JOBS], async (k) => {
        await ctx.unrecorded.hset(k(JOBS), '1000', 'invoice-reminder:A-16');
        await ctx.unrecorded.zadd(k(DUE), EARLIER_MS, '1000');
      }),
    check: expanded(
      all(
        custom(`{ns}${DUE}: job 1001 scored ${RUN_AT_MS} (1 July 2030 09:00 UTC, in ms)`, async (ctx) => {
          const score = await ctx.unrecorded.zscore(ctx.key(DUE), '1001');
          if (score === null) return { pass: false, actual: 'no member 1001 in the due set' };
          const s = Number(score);
          if (s === RUN_AT_MS) return { pass: true, actual: `1001 scored ${s}` };
          if (s === RUN_AT_S) {
            return {
              pass: false,
              actual: `1001 scored ${s}, in seconds: the workers compare with the server's time in milliseconds, so it counts as due in 1970 and runs at once`,
            };
          }
          return {
            pass: false,
            actual: `1001 scored ${s}${s < 1e12 ? ': that is not a time in milliseconds since 1970, so it counts as due already' : ''}`,
          };
        }),
        hashHas(JOBS, { '1001': 'invoice-reminder:A-17' }),
        custom('the payload and the due entry written in one MULTI … EXEC', (ctx) =>
          Promise.resolve().then(() => {
            const writes = ranCommands(ctx.history).filter((c) => c.keys.includes(ctx.key(DUE)) || c.keys.includes(ctx.key(JOBS)));
            const zadd = writes.findLast((c) => c.name === 'ZADD');
            const hset = writes.findLast((c) => c.name === 'HSET' || c.name === 'HSETNX' || c.name === 'HMSET');
            if (zadd && hset && zadd.transaction !== null && zadd.transaction === hset.transaction) {
              return { pass: true, actual: `ZADD and ${hset.name} in one EXEC` };
            }
            return {
              pass: false,
              actual: `${zadd && hset ? 'ZADD and HSET ran as two separate commands' : 'not both written yet'}: a crash between them leaves a due id without its payload (or a payload no one will run); queue both in one MULTI`,
            };
          }),
        ),
      ),
    ),
    hints: [
      'The score is when the job may run, in the unit the workers compare with: milliseconds since 1970, like createDelayedQueue (TIME gives the server clock). MULTI … EXEC writes both keys as one unit.',
      `MULTI · HSET {ns}${JOBS} 1001 payload · ZADD {ns}${DUE} score 1001 · EXEC   (seconds × 1000 = milliseconds)`,
    ],
    solution: ['MULTI', `HSET {ns}${JOBS} 1001 invoice-reminder:A-17`, `ZADD {ns}${DUE} ${RUN_AT_MS} 1001`, 'EXEC'],
    wrong: [
      // Seconds: against a clock in milliseconds the job is long overdue and runs immediately.
      ['MULTI', `HSET {ns}${JOBS} 1001 invoice-reminder:A-17`, `ZADD {ns}${DUE} ${RUN_AT_S} 1001`, 'EXEC'],
      // The right values, written by two separate commands.
      [`HSET {ns}${JOBS} 1001 invoice-reminder:A-17`, `ZADD {ns}${DUE} ${RUN_AT_MS} 1001`],
      // The payload as the member: no entry in the jobs hash, and two identical payloads would be one job.
      ['MULTI', `ZADD {ns}${DUE} ${RUN_AT_MS} invoice-reminder:A-17`, 'EXEC'],
    ],
  },
];
