// Pub/sub: subscribers get what is published while they listen, every subscriber gets every message, and what is
// published while a subscriber is away is gone (fire-and-forget).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishMessage, subscribeChannel } from '../../src/patterns/pubsub.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('pubsub');
});
afterEach(async () => {
  await env.cleanup();
});

describe('subscribeChannel / publishMessage', () => {
  it('receives what is published after subscribing, not what was published before', async () => {
    const channel = env.key('news');
    expect(await publishMessage(env.redis, channel, 'too early')).toBe(0);
    const sub = await subscribeChannel(await env.connect(), channel);
    expect(await publishMessage(env.redis, channel, 'one')).toBe(1);
    expect(await publishMessage(env.redis, channel, 'two')).toBe(1);
    expect((await sub.next(2000))?.message).toBe('one');
    expect((await sub.next(2000))?.message).toBe('two');
    expect(await sub.next(100)).toBeNull();
    await sub.close();
  });

  it('a subscriber that was away misses what was published meanwhile, and gets what comes after it is back', async () => {
    const channel = env.key('live');
    const conn = await env.connect();
    const first = await subscribeChannel(conn, channel);
    await publishMessage(env.redis, channel, 'before');
    expect((await first.next(2000))?.message).toBe('before');
    await first.close();

    // Away: nobody receives these, and nothing keeps them.
    expect(await publishMessage(env.redis, channel, 'missed-1')).toBe(0);
    expect(await publishMessage(env.redis, channel, 'missed-2')).toBe(0);

    const back = await subscribeChannel(conn, channel);
    expect(await publishMessage(env.redis, channel, 'after')).toBe(1);
    expect((await back.next(2000))?.message).toBe('after');
    expect(await back.next(100)).toBeNull();
    expect(first.drain()).toEqual([]);
    await back.close();
    // The connection is usable for ordinary commands again once unsubscribed.
    expect(await conn.ping()).toBe('PONG');
  });

  it('5 subscribers on 5 connections each receive all 50 messages, in order', async () => {
    const channel = env.key('fan');
    const subs = await Promise.all((await env.connectMany(5)).map((c) => subscribeChannel(c, channel)));
    const receivers = await Promise.all(Array.from({ length: 50 }, (_, i) => publishMessage(env.redis, channel, `m${i}`)));
    expect(receivers.every((n) => n === 5)).toBe(true);
    for (const sub of subs) {
      const got: string[] = [];
      for (let i = 0; i < 50; i++) got.push((await sub.next(2000))?.message ?? 'timeout');
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
      await sub.close();
    }
  });

  it('a waiting next() resolves null when the subscription closes; other channels on the connection are ignored', async () => {
    const conn = await env.connect();
    const sub = await subscribeChannel(conn, env.key('a'));
    const other = await subscribeChannel(conn, env.key('b'));
    await publishMessage(env.redis, env.key('b'), 'for b');
    expect((await other.next(2000))?.message).toBe('for b');
    const waiting = sub.next(5000);
    await sub.close();
    expect(await waiting).toBeNull();
    expect(await sub.next(10)).toBeNull();
    await other.close();
  });
});
