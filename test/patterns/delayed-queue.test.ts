// The delayed queue: 5 workers run 1,000 jobs exactly once, nothing runs early, a dead worker's job is reclaimed
// after the visibility timeout and its late ack cannot delete the job another worker now holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDelayedQueue, type ClaimedDelayedJob } from '../../src/patterns/queue/delayed.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('delayed');
});
afterEach(async () => {
  await env.cleanup();
});

describe('createDelayedQueue', () => {
  it('5 workers on 5 connections run 1,000 jobs exactly once', async () => {
    const name = env.key('jobs');
    const producer = createDelayedQueue(env.redis, name);
    const now = Date.now();
    // Half already due, half due within the next 300 ms: workers pick them up as their time comes.
    const ids = await Promise.all(Array.from({ length: 1000 }, (_, i) => producer.schedule(`job-${i}`, now - 1000 + (i % 2) * 1300)));
    expect(new Set(ids).size).toBe(1000);

    const runs = new Map<string, number>();
    const payloads = new Map<string, string>();
    let acked = 0;
    const stopAt = Date.now() + 8000;
    const conns = await env.connectMany(5);
    await Promise.all(
      conns.map(async (conn, w) => {
        const q = createDelayedQueue(conn, name);
        while (acked < 1000 && Date.now() < stopAt) {
          const claimed = await q.claim(`w${w}`, { visibilityMs: 5000, waitMs: 100, pollMs: 10 });
          if (!claimed) continue;
          runs.set(claimed.id, (runs.get(claimed.id) ?? 0) + 1);
          payloads.set(claimed.id, claimed.job);
          if (await q.ack(claimed)) acked++;
        }
      }),
    );

    expect(acked).toBe(1000);
    expect(runs.size).toBe(1000);
    expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
    expect(new Set(payloads.values()).size).toBe(1000);
    expect(await producer.size()).toBe(0);
    expect(await producer.stats()).toEqual({ scheduled: 0, ready: 0, inFlight: 0, expired: 0 });
  });

  it('does not hand out a job before its time, by the server clock', async () => {
    const q = createDelayedQueue(env.redis, env.key('later'));
    const runAt = Date.now() + 1000;
    const id = await q.schedule('later', runAt);
    const nowJobs = await Promise.all([q.schedule('a', Date.now() - 500), q.schedule('b', Date.now() - 1000)]);

    // Only the two due jobs come out now.
    const first = await q.claim('w', { visibilityMs: 1000 });
    const second = await q.claim('w', { visibilityMs: 1000 });
    expect([first?.id, second?.id].sort()).toEqual([...nowJobs].sort());
    expect(await q.claim('w', { visibilityMs: 1000 })).toBeNull();
    expect(await q.stats()).toMatchObject({ scheduled: 1, ready: 0, inFlight: 2 });

    const later = await q.claim('w', { visibilityMs: 1000, waitMs: 3000, pollMs: 20 });
    expect(later?.id).toBe(id);
    expect(later?.job).toBe('later');
    // The claim happened at deadline - visibility, on the server's clock: not before the job's time.
    expect(later!.deadlineMs - 1000).toBeGreaterThanOrEqual(runAt);
  });

  it('skips a due id whose payload is gone and hands out the next due job in the same claim', async () => {
    const name = env.key('orphan');
    const q = createDelayedQueue(env.redis, name);
    const orphan = await q.schedule('lost', Date.now() - 2000);
    const real = await q.schedule('real', Date.now() - 1000);
    await env.redis.hdel(`${name}:jobs`, orphan);
    const got = await q.claim('w', { visibilityMs: 1000 });
    expect(got).toMatchObject({ id: real, job: 'real' });
    expect(await env.redis.zscore(`${name}:due`, orphan)).toBeNull();
  });

  it('scheduleIn delays by the server clock', async () => {
    const q = createDelayedQueue(env.redis, env.key('in'));
    const id = await q.scheduleIn('x', 800);
    expect(await q.claim('w', { visibilityMs: 1000 })).toBeNull();
    expect(await q.stats()).toMatchObject({ scheduled: 1, ready: 0 });
    const got = await q.claim('w', { visibilityMs: 1000, waitMs: 3000, pollMs: 20 });
    expect(got?.id).toBe(id);
  });

  it("reclaims a dead worker's job after the visibility timeout; the dead worker's late ack returns false and deletes nothing", async () => {
    const name = env.key('lease');
    const [c1, c2] = await env.connectMany(2);
    const dead = createDelayedQueue(c1!, name);
    const alive = createDelayedQueue(c2!, name);
    const id = await alive.schedule('payload', Date.now() - 1);

    const lost = await dead.claim('dead', { visibilityMs: 300 });
    expect(lost?.id).toBe(id);
    // While the lease runs nobody else gets it.
    expect(await alive.claim('alive', { visibilityMs: 300 })).toBeNull();
    expect((await alive.inFlightJobs()).map((j) => [j.id, j.worker])).toEqual([[id, 'dead']]);

    const taken = await alive.claim('alive', { visibilityMs: 5000, waitMs: 3000, pollMs: 20 });
    expect(taken?.id).toBe(id);
    expect(taken?.job).toBe('payload');
    expect(taken!.token).not.toBe(lost!.token);
    expect((await alive.inFlightJobs()).map((j) => [j.id, j.worker])).toEqual([[id, 'alive']]);

    // The presumed-dead worker wakes up and acks: refused, and the job is still there for its new owner.
    expect(await dead.ack(lost!)).toBe(false);
    expect(await dead.ack(lost!.id, lost!.token)).toBe(false);
    expect(await alive.size()).toBe(1);
    expect(await alive.stats()).toMatchObject({ inFlight: 1 });
    expect(await alive.ack(taken!)).toBe(true);
    expect(await alive.ack(taken!)).toBe(false);
    expect(await alive.size()).toBe(0);
  });

  it('a late ack after the job went back to due (not yet re-claimed) is refused too, and the job runs again', async () => {
    const q = createDelayedQueue(env.redis, env.key('back'));
    await q.schedule('j', Date.now() - 1);
    const first = (await q.claim('a', { visibilityMs: 100 }))!;
    await sleep(150);
    // Any claim gives expired leases back first; this one finds the job due again and takes it.
    const second = (await q.claim('b', { visibilityMs: 1000 }))!;
    expect(second.id).toBe(first.id);
    expect(await q.release(second, 0)).toBe(true);
    expect(await q.ack(first)).toBe(false);
    expect(await q.stats()).toMatchObject({ scheduled: 1, ready: 1, inFlight: 0 });
    const third = (await q.claim('c', { visibilityMs: 1000 }))!;
    expect(third.id).toBe(first.id);
    expect(await q.ack(third)).toBe(true);
  });

  it('extend keeps a long job from being reclaimed; only the holder can extend or release', async () => {
    const q = createDelayedQueue(env.redis, env.key('extend'));
    await q.schedule('long', Date.now() - 1);
    const held = (await q.claim('a', { visibilityMs: 150 }))!;
    const forged: ClaimedDelayedJob = { ...held, token: 'a/forged' };
    expect(await q.extend(forged, 5000)).toBe(false);
    expect(await q.release(forged)).toBe(false);
    expect(await q.extend(held, 5000)).toBe(true);
    await sleep(250);
    expect(await q.claim('b', { visibilityMs: 150 })).toBeNull();
    expect(await q.stats()).toMatchObject({ inFlight: 1, expired: 0 });
    expect(await q.ack(held)).toBe(true);
  });

  it('rejects an ack without a token and bad durations', async () => {
    const q = createDelayedQueue(env.redis, env.key('bad'));
    await expect(q.ack({ id: '1', token: '' })).rejects.toThrow(TypeError);
    await expect(q.claim('w', { visibilityMs: 0 })).rejects.toThrow(RangeError);
    await expect(q.claim('', { visibilityMs: 10 })).rejects.toThrow(TypeError);
    await expect(q.schedule('x', Number.NaN)).rejects.toThrow(RangeError);
  });
});
