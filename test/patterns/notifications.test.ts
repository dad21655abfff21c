// Notifications: a capped stream keeps every notification, pub/sub pushes it live; what a listener missed while away
// is read back from the stream after the last id it saw.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNotificationMessage, pushNotification, readNotificationsSince } from '../../src/patterns/notifications.js';
import { subscribeChannel } from '../../src/patterns/pubsub.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('notify');
});
afterEach(async () => {
  await env.cleanup();
});

describe('pushNotification / readNotificationsSince', () => {
  it('a live listener gets the entry id and fields; the stream keeps what pub/sub missed while it was away', async () => {
    const stream = env.key('notifications:u1');
    const channel = env.key('live:u1');
    const conn = await env.connect();
    const sub = await subscribeChannel(conn, channel);

    const sent = await pushNotification(env.redis, stream, channel, { type: 'shipped', order: '7' }, 1000);
    expect(sent.receivers).toBe(1);
    const live = parseNotificationMessage((await sub.next(2000))!.message);
    expect(live).toEqual({ id: sent.id, fields: { type: 'shipped', order: '7' } });
    await sub.close();

    // Offline: three notifications nobody hears live.
    const missed = [];
    for (const type of ['promo', 'price_drop', 'review']) {
      const r = await pushNotification(env.redis, stream, channel, { type }, 1000);
      expect(r.receivers).toBe(0);
      missed.push(r.id);
    }
    // Back online: catch up after the last id seen live.
    const caughtUp = await readNotificationsSince(env.redis, stream, live.id);
    expect(caughtUp.map((n) => n.id)).toEqual(missed);
    expect(caughtUp.map((n) => n.fields.type)).toEqual(['promo', 'price_drop', 'review']);
    expect((await readNotificationsSince(env.redis, stream, '0')).length).toBe(4);
    expect(await readNotificationsSince(env.redis, stream, missed[2]!)).toEqual([]);
    expect((await readNotificationsSince(env.redis, stream, '0', 2)).map((n) => n.id)).toEqual([sent.id, missed[0]]);
  });

  it('10 concurrent pushers, 200 notifications: all in the stream, and a live listener hears them in stream order', async () => {
    const stream = env.key('notifications:u2');
    const channel = env.key('live:u2');
    const sub = await subscribeChannel(await env.connect(), channel);
    const conns = await env.connectMany(10);
    const sent = (
      await Promise.all(
        conns.map(async (conn, c) => {
          const ids: string[] = [];
          for (let i = 0; i < 20; i++)
            ids.push((await pushNotification(conn, stream, channel, { from: `c${c}`, n: String(i) }, 10_000)).id);
          return ids;
        }),
      )
    ).flat();
    const stored = await readNotificationsSince(env.redis, stream, '0', 1000);
    expect(stored.length).toBe(200);
    expect(new Set(stored.map((n) => n.id))).toEqual(new Set(sent));
    const heard: string[] = [];
    for (let i = 0; i < 200; i++) heard.push(parseNotificationMessage((await sub.next(2000))!.message).id);
    // XADD and PUBLISH run in one script: live order is the stream's order, so resuming after the last heard id is exact.
    expect(heard).toEqual(stored.map((n) => n.id));
    await sub.close();
  });

  it('keeps the stream capped to about maxLen', async () => {
    const stream = env.key('capped');
    for (let i = 0; i < 500; i++) await pushNotification(env.redis, stream, env.key('nobody'), { i: String(i) }, 50);
    const len = await env.redis.xlen(stream);
    expect(len).toBeGreaterThanOrEqual(50);
    expect(len).toBeLessThan(500);
  });

  it("refuses an empty notification and a field named 'id'", async () => {
    await expect(pushNotification(env.redis, env.key('s'), env.key('c'), {}, 10)).rejects.toThrow(TypeError);
    await expect(pushNotification(env.redis, env.key('s'), env.key('c'), { id: 'x' }, 10)).rejects.toThrow(TypeError);
    expect(() => parseNotificationMessage('{"type":"x"}')).toThrow(TypeError);
  });
});
