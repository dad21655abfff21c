// The priority queue: pops in priority order, and concurrent poppers never get the same job.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  popMostUrgent,
  popMostUrgentBlocking,
  popMostUrgentMany,
  pushPriorityJobs,
  type PrioritizedJob,
} from '../../src/patterns/queue/priority.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('priority');
});
afterEach(async () => {
  await env.cleanup();
});

describe('priority queue', () => {
  it('pops the most urgent (lowest number) first; re-pushing a job changes its priority', async () => {
    const key = env.key('pq');
    expect(
      await pushPriorityJobs(env.redis, key, [
        { job: 'newsletter', priority: 5 },
        { job: 'password-reset', priority: 1 },
        { job: 'invoice', priority: 3 },
      ]),
    ).toBe(3);
    expect(await pushPriorityJobs(env.redis, key, [{ job: 'newsletter', priority: 0 }])).toBe(0);
    expect(await pushPriorityJobs(env.redis, key, [])).toBe(0);
    expect(await popMostUrgent(env.redis, key)).toEqual({ job: 'newsletter', priority: 0 });
    expect(await popMostUrgentMany(env.redis, key, 5)).toEqual([
      { job: 'password-reset', priority: 1 },
      { job: 'invoice', priority: 3 },
    ]);
    expect(await popMostUrgent(env.redis, key)).toBeNull();
    expect(await popMostUrgentMany(env.redis, key, 2)).toEqual([]);
  });

  it('10 concurrent poppers take 1,000 jobs: each job once, and each popper sees priorities in order', async () => {
    const key = env.key('busy');
    const jobs: PrioritizedJob[] = Array.from({ length: 1000 }, (_, i) => ({ job: `j${i}`, priority: (i * 7919) % 100 }));
    await pushPriorityJobs(env.redis, key, jobs);
    const conns = await env.connectMany(10);
    const perPopper = await Promise.all(
      conns.map(async (conn, i) => {
        const got: PrioritizedJob[] = [];
        for (;;) {
          // Half the poppers take one at a time, half take batches.
          const batch = i % 2 ? await popMostUrgentMany(conn, key, 3) : [await popMostUrgent(conn, key)].filter((j) => j !== null);
          if (!batch.length) return got;
          got.push(...batch);
        }
      }),
    );
    const all = perPopper.flat();
    expect(all.length).toBe(1000);
    expect(new Set(all.map((j) => j.job)).size).toBe(1000);
    const want = new Map(jobs.map((j) => [j.job, j.priority]));
    expect(all.every((j) => want.get(j.job) === j.priority)).toBe(true);
    // All jobs were queued before popping began, so every popper's own sequence never goes back to a more urgent one.
    for (const got of perPopper) {
      for (let i = 1; i < got.length; i++) expect(got[i]!.priority).toBeGreaterThanOrEqual(got[i - 1]!.priority);
    }
  });

  it('a blocking pop waits for a job, and returns null on timeout', async () => {
    const key = env.key('block');
    const worker = await env.connect();
    expect(await popMostUrgentBlocking(worker, key, 0.1)).toBeNull();
    const waiting = popMostUrgentBlocking(worker, key, 3);
    await sleep(50);
    await pushPriorityJobs(env.redis, key, [{ job: 'urgent', priority: 2 }]);
    expect(await waiting).toEqual({ job: 'urgent', priority: 2 });
  });
});
