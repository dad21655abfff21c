import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  areMutualFollowers,
  degreeOf,
  followersOf,
  followingOf,
  followUser,
  friendsOfFriends,
  graphKeys,
  isFollowing,
  mutualFriends,
  rankedFriendSuggestions,
  unfollowUser,
} from '../../src/patterns/graph.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('graph');
});
afterEach(async () => {
  await env.cleanup();
});

const edges: Record<string, string[]> = {
  alice: ['bob', 'carol', 'dave'],
  bob: ['carol', 'erin', 'alice'],
  carol: ['erin', 'frank', 'alice', 'dave'],
  dave: ['frank', 'gina'],
  erin: ['alice'],
};

async function build(prefix: string) {
  for (const [from, tos] of Object.entries(edges)) for (const to of tos) await followUser(env.redis, prefix, from, to);
}

describe('graph', () => {
  it('keeps both directions of a follow in step, with degrees', async () => {
    const g = env.key('g');
    await build(g);
    expect(await followUser(env.redis, g, 'alice', 'bob')).toBe(false);
    expect((await followingOf(env.redis, g, 'alice')).sort()).toEqual(['bob', 'carol', 'dave']);
    expect((await followersOf(env.redis, g, 'alice')).sort()).toEqual(['bob', 'carol', 'erin']);
    expect(await degreeOf(env.redis, g, 'alice')).toEqual({ followers: 3, following: 3 });
    expect(await degreeOf(env.redis, g, 'gina')).toEqual({ followers: 1, following: 0 });
    expect(await isFollowing(env.redis, g, 'dave', 'gina')).toBe(true);
    expect(await isFollowing(env.redis, g, 'gina', 'dave')).toBe(false);
    expect(await areMutualFollowers(env.redis, g, 'alice', 'bob')).toBe(true);
    expect(await areMutualFollowers(env.redis, g, 'alice', 'dave')).toBe(false);
    expect(await unfollowUser(env.redis, g, 'dave', 'gina')).toBe(true);
    expect(await unfollowUser(env.redis, g, 'dave', 'gina')).toBe(false);
    expect(await followersOf(env.redis, g, 'gina')).toEqual([]);
    await expect(followUser(env.redis, g, 'alice', 'alice')).rejects.toThrow(RangeError);
  });

  it('finds mutual friends and friends-of-friends exactly on a small graph', async () => {
    const g = env.key('g');
    await build(g);
    expect(await mutualFriends(env.redis, g, 'alice', 'bob')).toEqual(['carol']);
    expect(await mutualFriends(env.redis, g, 'bob', 'carol')).toEqual(['alice', 'erin']);
    expect(await mutualFriends(env.redis, g, 'gina', 'alice')).toEqual([]);
    // Followed by bob, carol or dave, minus alice and whom she follows.
    expect(await friendsOfFriends(env.redis, g, 'alice', { ttlMs: 5000 })).toEqual(['erin', 'frank', 'gina']);
    const tmpTtl = await env.redis.pttl(`${g}:fof:alice`);
    expect(tmpTtl).toBeGreaterThan(0);
    expect(tmpTtl).toBeLessThanOrEqual(5000);
    // erin (bob, carol) and frank (carol, dave) tie at 2, in reverse byte order; gina (dave) has 1.
    expect(await rankedFriendSuggestions(env.redis, g, 'alice', 10)).toEqual([
      { user: 'frank', mutual: 2 },
      { user: 'erin', mutual: 2 },
      { user: 'gina', mutual: 1 },
    ]);
    expect(await rankedFriendSuggestions(env.redis, g, 'alice', 1)).toEqual([{ user: 'frank', mutual: 2 }]);
    expect(await env.redis.pttl(`${g}:fof-ranked:alice`)).toBeGreaterThan(0);
    expect(await friendsOfFriends(env.redis, g, 'erin')).toEqual(['bob', 'carol', 'dave']);
    expect(await friendsOfFriends(env.redis, g, 'gina')).toEqual([]);
    // After unfollowing dave: gina (only dave follows her) goes, and dave (carol follows him) becomes a suggestion.
    await unfollowUser(env.redis, g, 'alice', 'dave');
    expect(await friendsOfFriends(env.redis, g, 'alice')).toEqual(['dave', 'erin', 'frank']);
    expect((await friendsOfFriends(env.redis, g, 'alice', { sampleFriends: 1 })).length).toBeGreaterThan(0);
  });

  it('counts 100 concurrent follows and unfollows exactly, both sets agreeing', async () => {
    const g = env.key('race');
    const clients = await env.connectMany(10);
    const users = Array.from({ length: 50 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    // Every user follows "star" twice at once: exactly one of the two is the new follow.
    const results = await Promise.all(
      users.flatMap((u, i) => [followUser(clients[i % 10]!, g, u, 'star'), followUser(clients[(i + 5) % 10]!, g, u, 'star')]),
    );
    expect(results.filter(Boolean)).toHaveLength(50);
    // Half unfollow, concurrently.
    await Promise.all(users.slice(0, 25).map((u, i) => unfollowUser(clients[i % 10]!, g, u, 'star')));
    expect((await followersOf(env.redis, g, 'star')).sort()).toEqual(users.slice(25));
    expect(await degreeOf(env.redis, g, 'star')).toEqual({ followers: 25, following: 0 });
    for (const [i, u] of users.entries())
      expect(await env.redis.sismember(graphKeys(env.redis, g, u).following, 'star')).toBe(i >= 25 ? 1 : 0);
  });
});
