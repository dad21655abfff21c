// Failed-login lockout: the block at exactly maxFailures, TTLs on both keys, exact counts under concurrency, and reset.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedFor, clearFailures, loginLockoutKeys, recordFailedLogin } from '../../src/patterns/rate-limit/index.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('login-lockout');
});
afterEach(async () => {
  await env.cleanup();
});

describe('login lockout', () => {
  it('maxFailures failures block the caller, with a TTL on both keys', async () => {
    const { failures, block } = loginLockoutKeys(env.redis, env.key('ip:10.0.0.7'));
    expect([failures, block]).toEqual([env.key('ip:10.0.0.7:failures'), env.key('ip:10.0.0.7:blocked')]);
    const opts = { maxFailures: 3, windowSeconds: 900, blockSeconds: 600 };
    expect(await blockedFor(env.redis, block)).toBe(0);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await recordFailedLogin(env.redis, failures, block, opts));
    expect(results).toEqual([
      { failures: 1, blocked: false },
      { failures: 2, blocked: false },
      { failures: 3, blocked: true },
    ]);
    const ttl = await env.redis.ttl(failures);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(900);
    const left = await blockedFor(env.redis, block);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(600);
  });

  it('50 concurrent failures are each counted once, and the block is written with a TTL', async () => {
    const clients = await env.connectMany(50);
    const { failures, block } = loginLockoutKeys(env.redis, env.key('user:ann'));
    const opts = { maxFailures: 10, windowSeconds: 60, blockSeconds: 30 };
    const results = await Promise.all(clients.map((c) => recordFailedLogin(c, failures, block, opts)));
    expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.filter((r) => r.blocked)).toHaveLength(41);
    expect(await env.redis.get(failures)).toBe('50');
    expect(await env.redis.ttl(failures)).toBeGreaterThan(0);
    expect(await env.redis.ttl(block)).toBeGreaterThan(0);
  });

  it('clearFailures resets the count; a counter left without a TTL is repaired by the next failure', async () => {
    const { failures, block } = loginLockoutKeys(env.redis, env.key('user:bo'));
    const opts = { maxFailures: 5, windowSeconds: 60, blockSeconds: 60 };
    await recordFailedLogin(env.redis, failures, block, opts);
    await recordFailedLogin(env.redis, failures, block, opts);
    await clearFailures(env.redis, failures);
    expect(await env.redis.exists(failures)).toBe(0);
    expect(await recordFailedLogin(env.redis, failures, block, opts)).toEqual({ failures: 1, blocked: false });
    // A counter written by a two-command version that died before its EXPIRE.
    await env.redis.persist(failures);
    expect(await env.redis.ttl(failures)).toBe(-1);
    expect((await recordFailedLogin(env.redis, failures, block, opts)).failures).toBe(2);
    expect(await env.redis.ttl(failures)).toBeGreaterThan(0);
    expect(await blockedFor(env.redis, block)).toBe(0);
  });
});
