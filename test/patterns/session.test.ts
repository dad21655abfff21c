import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/patterns/client.js';
import { createSession, destroySession, getSession, sessionKey, touchSession } from '../../src/patterns/session.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const envs: PatternEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.splice(0).map((e) => e.cleanup()));
});
/** A fresh key prefix and connections for one test, cleaned up after it. */
async function setup(): Promise<PatternEnv> {
  const env = await patternEnv('session');
  envs.push(env);
  return env;
}

describe('session store', () => {
  it('creates a session with fields and expiry together, under an unguessable id', async () => {
    const env = await setup();
    const prefix = env.key('session:');
    const ids = await Promise.all(Array.from({ length: 20 }, () => createSession(env.redis, prefix, { user_id: 42, name: 'Ada' }, 60_000)));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const key = sessionKey(prefix, ids[0]!);
    expect(await env.redis.hgetall(key)).toEqual({ user_id: '42', name: 'Ada' });
    const pttl = await env.redis.pttl(key);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await expect(createSession(env.redis, prefix, {}, 1000)).rejects.toThrow(TypeError);
  });

  it('expires when idle and slides when used', async () => {
    const env = await setup();
    const prefix = env.key('session:');
    const ttl = 600;
    const idle = await createSession(env.redis, prefix, { user_id: '1' }, ttl);
    const used = await createSession(env.redis, prefix, { user_id: '2' }, ttl);
    // Read every 150 ms for 900 ms (more than its TTL): each read pushes the deadline back to 600 ms.
    for (let i = 0; i < 6; i++) {
      await sleep(150);
      expect(await getSession(env.redis, prefix, used, ttl)).toEqual({ user_id: '2' });
    }
    expect(await getSession(env.redis, prefix, idle, ttl)).toBeNull();
    // A write slides it too.
    await sleep(300);
    expect(await touchSession(env.redis, prefix, used, { last_page: '/cart' }, ttl)).toBe(true);
    await sleep(300);
    expect(await getSession(env.redis, prefix, used, ttl)).toEqual({ user_id: '2', last_page: '/cart' });
    // Then left alone, it dies.
    await sleep(900);
    expect(await getSession(env.redis, prefix, used, ttl)).toBeNull();
    expect(await env.redis.exists(sessionKey(prefix, used))).toBe(0);
  });

  it('destroy removes the session, and a late touch does not bring it back', async () => {
    const env = await setup();
    const prefix = env.key('session:');
    const id = await createSession(env.redis, prefix, { user_id: '7' }, 60_000);
    expect(await destroySession(env.redis, prefix, id)).toBe(true);
    expect(await destroySession(env.redis, prefix, id)).toBe(false);
    expect(await getSession(env.redis, prefix, id, 60_000)).toBeNull();
    // 30 requests still in flight after logout, each on its own connection: none resurrects the session.
    const clients = await env.connectMany(30);
    const touched = await Promise.all(clients.map((c, i) => touchSession(c, prefix, id, { [`f${i}`]: i }, 60_000)));
    expect(touched.every((t) => t === false)).toBe(true);
    expect(await env.redis.exists(sessionKey(prefix, id))).toBe(0);
  });

  it('50 concurrent touches of one session keep every field and the sliding expiry', async () => {
    const env = await setup();
    const prefix = env.key('session:');
    const id = await createSession(env.redis, prefix, { user_id: '9' }, 1000);
    const clients = await env.connectMany(50);
    const results = await Promise.all(
      clients.map((c, i) => (i % 2 ? touchSession(c, prefix, id, { [`f${i}`]: i }, 60_000) : getSession(c, prefix, id, 60_000))),
    );
    expect(results.every((r) => r === true || (typeof r === 'object' && r?.user_id === '9'))).toBe(true);
    const session = await env.redis.hgetall(sessionKey(prefix, id));
    expect(Object.keys(session)).toHaveLength(1 + 25);
    for (let i = 1; i < 50; i += 2) expect(session[`f${i}`]).toBe(String(i));
    expect(await env.redis.pttl(sessionKey(prefix, id))).toBeGreaterThan(59_000);
  });
});
