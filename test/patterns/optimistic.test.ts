import { afterEach, describe, expect, it } from 'vitest';
import { ContentionError, optimisticUpdate, transfer, watchedHashIncrement } from '../../src/patterns/optimistic.js';
import { TransactionError } from '../../src/patterns/transaction.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('optimistic');
  envs.push(env);
  return env;
}

describe('optimistic updates with WATCH', () => {
  it('50 concurrent transfers keep the total constant and no balance ever goes negative', async () => {
    const env = await setup();
    const accounts = ['a', 'b', 'c'].map((n) => env.key(`acct:${n}`));
    await env.redis.mset(accounts[0]!, 100, accounts[1]!, 50, accounts[2]!, 0);
    const clients = await env.connectMany(50);
    let done = false;
    let lowest = Infinity;
    const totalsSeen = new Set<number>();
    // An observer reading all balances in one MGET while the transfers run: every snapshot must add up.
    const observer = (async () => {
      const watcher = await env.connect();
      while (!done) {
        const balances = (await watcher.mget(...accounts)).map(Number);
        lowest = Math.min(lowest, ...balances);
        totalsSeen.add(balances.reduce((s, n) => s + n, 0));
      }
    })();
    const plan = clients.map((_, i) => ({ from: i % 3, to: (i + 1) % 3, amount: 10 + (i % 4) * 15 }));
    const results = await Promise.all(
      clients.map((c, i) => transfer(c, accounts[plan[i]!.from]!, accounts[plan[i]!.to]!, plan[i]!.amount, { jitterMs: 3 })),
    );
    done = true;
    await observer;
    const balances = (await env.redis.mget(...accounts)).map(Number);
    expect(balances.reduce((s, n) => s + n, 0)).toBe(150);
    expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect([...totalsSeen]).toEqual([150]);
    // Each committed transfer applied exactly once, each declined one not at all: the net flows give the end state.
    const expected = [100, 50, 0];
    results.forEach((r, i) => {
      if (r.status !== 'committed') return;
      expect(r.value.from).toBeGreaterThanOrEqual(0);
      expected[plan[i]!.from] -= plan[i]!.amount;
      expected[plan[i]!.to] += plan[i]!.amount;
    });
    expect(balances).toEqual(expected);
    expect(results.filter((r) => r.status === 'committed').length).toBeGreaterThan(0);
  });

  it('declines a transfer that would overdraw, writing nothing', async () => {
    const env = await setup();
    const [a, b] = [env.key('a'), env.key('b')];
    await env.redis.mset(a, 20, b, 5);
    expect(await transfer(env.redis, a, b, 30)).toEqual({ status: 'declined', attempts: 1 });
    expect(await env.redis.mget(a, b)).toEqual(['20', '5']);
    const ok = await transfer(env.redis, a, b, 20);
    expect(ok).toEqual({ status: 'committed', attempts: 1, value: { from: 0, to: 25 } });
    await expect(transfer(env.redis, a, b, -5)).rejects.toThrow(RangeError);
  });

  it('watchedHashIncrement loses no update under 20 concurrent clients', async () => {
    const env = await setup();
    const key = env.key('profile');
    const clients = await env.connectMany(20);
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 5; i++) await watchedHashIncrement(c, key, 'karma', 1, { jitterMs: 3 });
      }),
    );
    expect(await env.redis.hget(key, 'karma')).toBe('100');
  });

  it('retries after a conflicting write and gives up with ContentionError', async () => {
    const env = await setup();
    const key = env.key('n');
    const other = await env.connect();
    // One conflict, then a clean commit on attempt 2.
    const once = await watchedHashIncrement(env.redis, key, 'f', 1, {
      beforeCommit: async (attempt) => {
        if (attempt === 1) await other.hset(key, 'f', 10);
      },
    });
    expect(once).toEqual({ status: 'committed', attempts: 2, value: 11 });
    // A conflict on every attempt.
    await expect(
      optimisticUpdate(env.redis, [key], async (r) => ({ value: await r.hget(key, 'f'), write: (tx) => void tx.hset(key, 'f', 0) }), {
        maxAttempts: 3,
        beforeCommit: async () => void (await other.hincrby(key, 'f', 1)),
      }),
    ).rejects.toBeInstanceOf(ContentionError);
    expect(await env.redis.hget(key, 'f')).toBe('14');
    // The connection is usable afterwards (no WATCH left behind).
    expect(
      await env.redis
        .multi()
        .set(key + ':x', 1)
        .exec(),
    ).not.toBeNull();
  });

  it('a command failing inside EXEC throws TransactionError instead of committing silently', async () => {
    const env = await setup();
    const key = env.key('s');
    await env.redis.set(key, 'text');
    await expect(
      optimisticUpdate(env.redis, [key], async (r) => ({ value: await r.get(key), write: (tx) => void tx.incr(key) })),
    ).rejects.toBeInstanceOf(TransactionError);
  });
});
