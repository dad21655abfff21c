// Write-behind through a stream: cache and change queued together, saved later through a consumer group, acknowledged
// only after the save, retried in order after a failure, every change saved exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushWriteBehind, writeBehind, type WriteBehindChange } from '../../src/patterns/cache/write-behind.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('write-behind');
});
afterEach(async () => {
  await env.cleanup();
});

async function pendingCount(stream: string, group: string): Promise<number> {
  const [count] = (await env.redis.xpending(stream, group)) as [number, ...unknown[]];
  return Number(count);
}

describe('writeBehind', () => {
  it('caches the value and queues the change in one MULTI', async () => {
    const stream = env.key('changes');
    const key = env.key('user:1');
    const id = await writeBehind(env.redis, stream, key, { name: 'Ada' }, { ttlMs: 60_000 });
    expect(JSON.parse((await env.redis.get(key))!)).toEqual({ name: 'Ada' });
    expect(await env.redis.pttl(key)).toBeGreaterThan(0);
    const entries = await env.redis.xrange(stream, '-', '+');
    expect(entries).toEqual([[id, ['key', key, 'value', '{"name":"Ada"}']]]);
  });

  it('a failing save leaves the change pending; the next flush saves it; XPENDING ends empty', async () => {
    const stream = env.key('changes');
    const [a, b] = [env.key('user:a'), env.key('user:b')];
    const ids = [
      await writeBehind(env.redis, stream, a, 1, { ttlMs: 60_000 }),
      await writeBehind(env.redis, stream, b, 2, { ttlMs: 60_000 }),
      await writeBehind(env.redis, stream, a, 3, { ttlMs: 60_000 }),
    ];
    const saved: WriteBehindChange<number>[] = [];
    const failing = async (c: WriteBehindChange<number>) => {
      await sleep(1); // the database round trip
      if (c.key === b) throw new Error('database down');
      saved.push(c);
    };
    const opts = { stream, group: 'flushers', consumer: 'f1' };
    const first = await flushWriteBehind(env.redis, { ...opts, save: failing });
    expect(first.saved).toBe(1);
    expect(first.failed?.id).toBe(ids[1]);
    expect((first.failed?.error as Error).message).toBe('database down');
    // The failed change and the one read after it stay pending: a's later value must not overtake b's retry order.
    expect(await pendingCount(stream, 'flushers')).toBe(2);
    expect(saved.map((c) => c.id)).toEqual([ids[0]]);

    const second = await flushWriteBehind<number>(env.redis, { ...opts, save: (c) => Promise.resolve(void saved.push(c)) });
    expect(second).toEqual({ saved: 2, failed: null });
    expect(saved.map((c) => [c.id, c.key, c.value])).toEqual([
      [ids[0], a, 1],
      [ids[1], b, 2],
      [ids[2], a, 3],
    ]);
    expect(await pendingCount(stream, 'flushers')).toBe(0);
    expect(await env.redis.xlen(stream)).toBe(0);
    expect(await flushWriteBehind(env.redis, { ...opts, save: failing })).toEqual({ saved: 0, failed: null });
  });

  it('10 writers × 20 changes while a flaky flusher runs: every change saved exactly once, in order per key', async () => {
    const stream = env.key('changes');
    const writers = await env.connectMany(10);
    const flusherConn = await env.connect();
    const saved = new Map<string, number[]>();
    const seen = new Set<string>();
    let calls = 0;
    let duplicates = 0;
    const save = async (c: WriteBehindChange<number>) => {
      await sleep(1); // the database round trip
      if (++calls % 7 === 0) throw new Error('transient failure');
      if (seen.has(c.id)) duplicates++;
      seen.add(c.id);
      saved.set(c.key, [...(saved.get(c.key) ?? []), c.value]);
    };
    const opts = { stream, group: 'flushers', consumer: 'f1', save, count: 16 };
    let writing = true;
    const flusher = (async () => {
      let failures = 0;
      while (writing || (await env.redis.xlen(stream)) > 0) {
        const r = await flushWriteBehind(flusherConn, opts);
        if (r.failed) failures++;
        else if (!r.saved) await sleep(2);
      }
      return failures;
    })();
    await Promise.all(
      writers.map(async (w, i) => {
        for (let seq = 1; seq <= 20; seq++) await writeBehind(w, stream, env.key(`item:${i}`), seq, { ttlMs: 60_000 });
      }),
    );
    writing = false;
    const failures = await flusher;
    expect(failures).toBeGreaterThan(0);
    expect(seen.size).toBe(200);
    expect(duplicates).toBe(0);
    for (let i = 0; i < 10; i++) expect(saved.get(env.key(`item:${i}`))).toEqual(Array.from({ length: 20 }, (_, s) => s + 1));
    expect(await pendingCount(stream, 'flushers')).toBe(0);
    for (let i = 0; i < 10; i++) expect(await env.redis.get(env.key(`item:${i}`))).toBe('20');
  });

  it('claimIdleMs: a second flusher takes over what a dead one left pending', async () => {
    const stream = env.key('changes');
    const id = await writeBehind(env.redis, stream, env.key('order:1'), { total: 5 }, { ttlMs: 60_000 });
    const dead = await flushWriteBehind(env.redis, {
      stream,
      group: 'flushers',
      consumer: 'dead',
      save: () => Promise.reject(new Error('crashed')),
    });
    expect(dead.failed?.id).toBe(id);
    const saved: string[] = [];
    // Not idle long enough yet: nothing is taken.
    const early = await flushWriteBehind(env.redis, {
      stream,
      group: 'flushers',
      consumer: 'alive',
      claimIdleMs: 10_000,
      save: (c) => Promise.resolve(void saved.push(c.id)),
    });
    expect(early.saved).toBe(0);
    await sleep(60);
    const late = await flushWriteBehind(env.redis, {
      stream,
      group: 'flushers',
      consumer: 'alive',
      claimIdleMs: 50,
      save: (c) => Promise.resolve(void saved.push(c.id)),
    });
    expect(late).toEqual({ saved: 1, failed: null });
    expect(saved).toEqual([id]);
    expect(await pendingCount(stream, 'flushers')).toBe(0);
  });
});
