import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followUser } from '../../src/patterns/graph.js';
import {
  authorPosts,
  postToFollowers,
  postToTimeline,
  readMergedTimeline,
  readTimeline,
  timelineKeys,
} from '../../src/patterns/timeline.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('timeline');
});
afterEach(async () => {
  await env.cleanup();
});

const followers = Array.from({ length: 50 }, (_, i) => `f${i}`);

describe('timeline', () => {
  it('fans a post out to 50 followers, each timeline capped to keep, newest first', async () => {
    const p = env.key('tl');
    const keys = timelineKeys(p);
    for (let i = 1; i <= 8; i++) {
      const post = await postToTimeline(env.redis, p, 'ann', { body: `post ${i}`, at: 1000 + i }, followers, {
        keep: 5,
        followersPerTransaction: 7,
      });
      expect(post).toEqual({ id: String(i), author: 'ann', at: 1000 + i, body: `post ${i}` });
    }
    for (const f of followers) {
      expect(await env.redis.llen(keys.timeline(f))).toBe(5);
      expect(await env.redis.lrange(keys.timeline(f), 0, -1)).toEqual(['8', '7', '6', '5', '4']);
    }
    const tl = await readTimeline(env.redis, p, 'f0', { limit: 3 });
    expect(tl.map((x) => [x.id, x.body, x.at, x.author])).toEqual([
      ['8', 'post 8', 1008, 'ann'],
      ['7', 'post 7', 1007, 'ann'],
      ['6', 'post 6', 1006, 'ann'],
    ]);
    expect((await readTimeline(env.redis, p, 'f0', { limit: 3, offset: 3 })).map((x) => x.id)).toEqual(['5', '4']);
    expect((await authorPosts(env.redis, p, 'ann', 10)).map((x) => x.id)).toEqual(['8', '7', '6', '5', '4']);
    expect(await readTimeline(env.redis, p, 'stranger', { limit: 3 })).toEqual([]);
    // A deleted post is skipped, not returned empty.
    await env.redis.unlink(keys.post('7'));
    expect((await readTimeline(env.redis, p, 'f1', { limit: 3 })).map((x) => x.id)).toEqual(['8', '6']);
  });

  it('posts to the followers in the graph sets, walking them with SSCAN', async () => {
    const p = env.key('g');
    for (const f of followers) await followUser(env.redis, p, f, 'bob');
    const { post, delivered } = await postToFollowers(env.redis, p, 'bob', { id: 'hello', body: 'hi all' }, { keep: 10 });
    expect(delivered).toBe(50);
    expect(post.id).toBe('hello');
    for (const f of followers) expect(await env.redis.lrange(timelineKeys(p).timeline(f), 0, -1)).toEqual(['hello']);
    expect(await env.redis.lrange(timelineKeys(p).timeline('bob'), 0, -1)).toEqual([]);
  });

  it('merges the pushed timeline with pulled celebrity posts by time', async () => {
    const p = env.key('merge');
    // Friends are fanned out to "me"; the star is not (too many followers) and gets pulled.
    await postToTimeline(env.redis, p, 'friend', { id: 'a', body: 'a', at: 100 }, ['me'], { keep: 10 });
    await postToTimeline(env.redis, p, 'star', { id: 's1', body: 's1', at: 150 }, [], { keep: 10 });
    await postToTimeline(env.redis, p, 'friend', { id: 'b', body: 'b', at: 200 }, ['me'], { keep: 10 });
    await postToTimeline(env.redis, p, 'star', { id: 's2', body: 's2', at: 250 }, [], { keep: 10 });
    await postToTimeline(env.redis, p, 'star', { id: 's3', body: 's3', at: 50 }, [], { keep: 10 });
    // A post both pushed and pulled appears once.
    await postToTimeline(env.redis, p, 'star', { id: 's4', body: 's4', at: 300 }, ['me'], { keep: 10 });
    expect((await readMergedTimeline(env.redis, p, 'me', ['star'], { limit: 10 })).map((x) => x.id)).toEqual([
      's4',
      's2',
      'b',
      's1',
      'a',
      's3',
    ]);
    expect((await readMergedTimeline(env.redis, p, 'me', ['star', 'star'], { limit: 3 })).map((x) => x.id)).toEqual(['s4', 's2', 'b']);
    expect((await readMergedTimeline(env.redis, p, 'me', [], { limit: 10 })).map((x) => x.id)).toEqual(['s4', 'b', 'a']);
  });

  it('delivers 50 concurrent posts from 5 authors to 50 followers exactly once each, capped', async () => {
    const p = env.key('race');
    const clients = await env.connectMany(10);
    const posts = Array.from({ length: 50 }, (_, i) => ({ author: `author${i % 5}`, body: `body ${i}` }));
    const made = await Promise.all(
      posts.map((x, i) =>
        postToTimeline(clients[i % 10]!, p, x.author, { body: x.body }, followers, { keep: 100, followersPerTransaction: 16 }),
      ),
    );
    // Every id from the sequence was used once.
    expect(made.map((m) => Number(m.id)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const all = made.map((m) => m.id).sort();
    for (const f of followers) expect((await env.redis.lrange(timelineKeys(p).timeline(f), 0, -1)).sort()).toEqual(all);
    for (let a = 0; a < 5; a++) expect(await env.redis.llen(timelineKeys(p).posts(`author${a}`))).toBe(10);
    // The same race with a cap of 20: never more than 20, and the 20 kept are 20 distinct posts.
    const capped = env.key('capped');
    await Promise.all(posts.map((x, i) => postToTimeline(clients[i % 10]!, capped, x.author, { body: x.body }, followers, { keep: 20 })));
    for (const f of followers) {
      const ids = await env.redis.lrange(timelineKeys(capped).timeline(f), 0, -1);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    }
  });
});
