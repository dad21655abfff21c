// The reliable list queue: N workers process every job once (BLMOVE and the legacy BRPOPLPUSH), a dead worker's
// processing list is requeued and finished by the others, concurrent requeuers never duplicate a job.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ackJob,
  claimJob,
  enqueueJobs,
  heartbeatWorker,
  reliableQueueKeys,
  requeueIfDead,
  requeueJobs,
} from '../../src/patterns/queue/reliable.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('reliable');
});
afterEach(async () => {
  await env.cleanup();
});

const jobsNamed = (n: number, tag = 'job') => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe('reliable queue', () => {
  it.each([
    ['BLMOVE', false],
    ['BRPOPLPUSH (legacy)', true],
  ])('5 workers with %s process 500 jobs, each exactly once', async (_label, legacy) => {
    const queue = env.key('q');
    const jobs = jobsNamed(500);
    expect(await enqueueJobs(env.redis, queue, jobs)).toBe(500);
    const seen = new Map<string, number>();
    const conns = await env.connectMany(5);
    const stopAt = Date.now() + 8000;
    await Promise.all(
      conns.map(async (conn, w) => {
        const keys = reliableQueueKeys(conn, queue, `w${w}`);
        while (Date.now() < stopAt) {
          const job = await claimJob(conn, keys.queue, keys.processing, 0.1, { legacy });
          if (job === null) return;
          seen.set(job, (seen.get(job) ?? 0) + 1);
          expect(await ackJob(conn, keys.processing, job)).toBe(true);
        }
      }),
    );
    expect([...seen.keys()].sort()).toEqual([...jobs].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(await env.redis.llen(queue)).toBe(0);
    for (let w = 0; w < 5; w++) expect(await env.redis.llen(reliableQueueKeys(env.redis, queue, `w${w}`).processing)).toBe(0);
  });

  it('takes jobs oldest first and moves each to the processing list in the same step', async () => {
    const keys = reliableQueueKeys(env.redis, env.key('fifo'), 'w');
    await enqueueJobs(env.redis, keys.queue, ['a', 'b', 'c']);
    expect(await claimJob(env.redis, keys.queue, keys.processing, 1)).toBe('a');
    expect(await claimJob(env.redis, keys.queue, keys.processing, 1, { legacy: true })).toBe('b');
    expect(await env.redis.lrange(keys.processing, 0, -1)).toEqual(['b', 'a']);
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['c']);
    expect(await ackJob(env.redis, keys.processing, 'a')).toBe(true);
    expect(await ackJob(env.redis, keys.processing, 'a')).toBe(false);
  });

  it("requeues a dead worker's processing list (once its heartbeat expired) and the live workers finish every job once", async () => {
    const queue = env.key('jobs');
    const jobs = jobsNamed(40);
    await enqueueJobs(env.redis, queue, jobs);

    const deadConn = await env.connect();
    const dead = reliableQueueKeys(deadConn, queue, 'dead');
    await heartbeatWorker(deadConn, dead, 400);
    const taken = [
      await claimJob(deadConn, dead.queue, dead.processing, 1),
      await claimJob(deadConn, dead.queue, dead.processing, 1),
      await claimJob(deadConn, dead.queue, dead.processing, 1),
    ];
    expect(taken).toEqual(['job-0', 'job-1', 'job-2']);
    deadConn.disconnect(); // dies without acking

    // Still within its heartbeat: presumed alive, nothing moves.
    expect(await requeueIfDead(env.redis, dead)).toBeNull();
    await sleep(500);
    // The oldest claim goes back to the front of the line.
    expect(await requeueIfDead(env.redis, dead)).toEqual(['job-2', 'job-1', 'job-0']);
    expect(await env.redis.lrange(queue, -3, -1)).toEqual(['job-2', 'job-1', 'job-0']);
    expect(await requeueIfDead(env.redis, dead)).toEqual([]);

    const seen = new Map<string, number>();
    const conns = await env.connectMany(3);
    await Promise.all(
      conns.map(async (conn, w) => {
        const keys = reliableQueueKeys(conn, queue, `live${w}`);
        for (;;) {
          const job = await claimJob(conn, keys.queue, keys.processing, 0.1);
          if (job === null) return;
          seen.set(job, (seen.get(job) ?? 0) + 1);
          await ackJob(conn, keys.processing, job);
        }
      }),
    );
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // The dead worker's late ack finds nothing to remove.
    expect(await ackJob(env.redis, dead.processing, 'job-0')).toBe(false);
  });

  it('two requeuers racing over one processing list move every job exactly once', async () => {
    const queue = env.key('race');
    const processing = `${queue}:processing:w`;
    await env.redis.lpush(processing, ...jobsNamed(200));
    const [c1, c2] = await env.connectMany(2);
    const [m1, m2] = await Promise.all([requeueJobs(c1!, processing, queue), requeueJobs(c2!, processing, queue)]);
    const all = [...m1, ...m2];
    expect(all.length).toBe(200);
    expect(new Set(all).size).toBe(200);
    expect(await env.redis.llen(queue)).toBe(200);
    expect(await env.redis.llen(processing)).toBe(0);
  });

  it('a blocked claim wakes when a job arrives and returns null on timeout', async () => {
    const keys = reliableQueueKeys(env.redis, env.key('wait'), 'w');
    const worker = await env.connect();
    expect(await claimJob(worker, keys.queue, keys.processing, 0.1)).toBeNull();
    const waiting = claimJob(worker, keys.queue, keys.processing, 3);
    await sleep(50);
    await enqueueJobs(env.redis, keys.queue, ['late']);
    expect(await waiting).toBe('late');
    expect(await env.redis.lrange(keys.processing, 0, -1)).toEqual(['late']);
  });
});
