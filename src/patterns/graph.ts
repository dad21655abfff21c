// Graph relationships with sets: who follows whom, mutual friends, friends-of-friends suggestions, degree.
//
// Each user has two sets: `<prefix>:following:<user>` (accounts they follow, their "friends" here) and
// `<prefix>:followers:<user>`. Both directions change in one MULTI, so the two sets never disagree. On a Cluster the
// prefix is hash-tagged, so the whole graph sits in one slot: that is what lets MULTI span both sets and SINTER /
// SUNIONSTORE combine any users' sets, and it also means one graph lives on one node (shard by community if it grows).
import { slotTagged, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

/** The keys of one user's sets in a graph (one slot on a Cluster). */
export function graphKeys(redis: RedisClient, prefix: string, user: string): { following: string; followers: string } {
  const base = slotTagged(redis, prefix);
  return { following: `${base}:following:${user}`, followers: `${base}:followers:${user}` };
}

function notSelf(follower: string, followee: string) {
  if (follower === followee) throw new RangeError(`a user cannot follow themselves (${follower})`);
}

/** `follower` follows `followee`: both sets change in one MULTI. True when it is a new follow. */
export async function followUser(redis: RedisClient, prefix: string, follower: string, followee: string): Promise<boolean> {
  notSelf(follower, followee);
  const [added] = await execAll(
    redis
      .multi()
      .sadd(graphKeys(redis, prefix, follower).following, followee)
      .sadd(graphKeys(redis, prefix, followee).followers, follower),
  );
  return Number(added) === 1;
}

/** `follower` stops following `followee`: both sets change in one MULTI. True when there was a follow to remove. */
export async function unfollowUser(redis: RedisClient, prefix: string, follower: string, followee: string): Promise<boolean> {
  const [removed] = await execAll(
    redis
      .multi()
      .srem(graphKeys(redis, prefix, follower).following, followee)
      .srem(graphKeys(redis, prefix, followee).followers, follower),
  );
  return Number(removed) === 1;
}

/** Whether `follower` follows `followee` (SISMEMBER, O(1)). */
export async function isFollowing(redis: RedisClient, prefix: string, follower: string, followee: string): Promise<boolean> {
  return Number(await redis.sismember(graphKeys(redis, prefix, follower).following, followee)) === 1;
}

/** Everyone who follows `user`, in no particular order (SMEMBERS: for huge sets walk them with scanPages + SSCAN). */
export async function followersOf(redis: RedisClient, prefix: string, user: string): Promise<string[]> {
  return redis.smembers(graphKeys(redis, prefix, user).followers);
}

/** Everyone `user` follows, in no particular order. */
export async function followingOf(redis: RedisClient, prefix: string, user: string): Promise<string[]> {
  return redis.smembers(graphKeys(redis, prefix, user).following);
}

/** How many accounts follow `user` and how many it follows: SCARD of both sets in one MULTI, O(1). */
export async function degreeOf(redis: RedisClient, prefix: string, user: string): Promise<{ followers: number; following: number }> {
  const keys = graphKeys(redis, prefix, user);
  const [followers, following] = await execAll(redis.multi().scard(keys.followers).scard(keys.following));
  return { followers: Number(followers), following: Number(following) };
}

/**
 * The accounts both `a` and `b` follow (SINTER of their following sets), sorted. SINTER costs O(N × M) in the worst
 * case, with N the smaller set: Redis walks the smallest set and looks each member up in the others.
 */
export async function mutualFriends(redis: RedisClient, prefix: string, a: string, b: string): Promise<string[]> {
  return (await redis.sinter(graphKeys(redis, prefix, a).following, graphKeys(redis, prefix, b).following)).sort();
}

/** Users who follow each other: `a` follows `b` and `b` follows `a`. */
export async function areMutualFollowers(redis: RedisClient, prefix: string, a: string, b: string): Promise<boolean> {
  const [ab, ba] = await execAll(
    redis
      .multi()
      .sismember(graphKeys(redis, prefix, a).following, b)
      .sismember(graphKeys(redis, prefix, b).following, a),
  );
  return Number(ab) === 1 && Number(ba) === 1;
}

/** The temporary key's lifetime and the sampling of friends for suggestions. */
export interface SuggestionOptions {
  /** Lifetime of the temporary union key, set in the same MULTI that creates it (default 10 s). */
  ttlMs?: number;
  /** Use at most this many of the user's friends, picked at random (SRANDMEMBER), to bound the cost. */
  sampleFriends?: number;
}

/** The friends whose sets get combined: all of them (SMEMBERS) or a random sample (SRANDMEMBER). */
async function friendsToCombine(redis: RedisClient, prefix: string, user: string, sample?: number): Promise<string[]> {
  const key = graphKeys(redis, prefix, user).following;
  if (sample === undefined) return redis.smembers(key);
  if (!Number.isInteger(sample) || sample <= 0) throw new RangeError(`sampleFriends must be a whole number above 0, got ${sample}`);
  return redis.srandmember(key, sample);
}

/**
 * Friends of friends: everyone followed by someone `user` follows, minus `user` and the accounts `user` already
 * follows, sorted. One MULTI: SUNIONSTORE into `<prefix>:fof:<user>` with its TTL, SREM the user, SDIFF against the
 * live following set. Cost: O(total size of the friends' sets), which blocks the server while it runs, so sample
 * friends (`sampleFriends`) or precompute offline for big graphs; for a few small sets SUNION in the client is as good.
 * The friend list is read just before the MULTI: a follow in between changes which sets are combined (harmless for
 * a suggestion), but never lets a suggestion name someone the user already follows, as the SDIFF runs inside it.
 */
export async function friendsOfFriends(redis: RedisClient, prefix: string, user: string, opts: SuggestionOptions = {}): Promise<string[]> {
  const keys = graphKeys(redis, prefix, user);
  const friends = await friendsToCombine(redis, prefix, user, opts.sampleFriends);
  if (!friends.length) return [];
  const tmp = `${slotTagged(redis, prefix)}:fof:${user}`;
  const replies = await execAll(
    redis
      .multi()
      .sunionstore(tmp, ...friends.map((f) => graphKeys(redis, prefix, f).following))
      .pexpire(tmp, Math.ceil(opts.ttlMs ?? 10_000))
      .srem(tmp, user)
      .sdiff(tmp, keys.following),
  );
  return (replies[3] as string[]).sort();
}

/** A suggested account and how many of the user's friends follow it. */
export interface FriendSuggestion {
  user: string;
  mutual: number;
}

/**
 * The best `limit` friends-of-friends, ranked by how many of `user`'s friends follow each one (most first; equal counts
 * in reverse byte order, as ZRANGE … REV gives them). ZUNIONSTORE reads sets as sorted sets with score 1, so the sum is
 * that count; the user's own following set goes in with weight -inf, which sinks everyone they already follow below
 * any real count, checked against the live set inside the MULTI. Same cost and TTL as `friendsOfFriends`.
 */
export async function rankedFriendSuggestions(
  redis: RedisClient,
  prefix: string,
  user: string,
  limit: number,
  opts: SuggestionOptions = {},
): Promise<FriendSuggestion[]> {
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a whole number above 0, got ${limit}`);
  const keys = graphKeys(redis, prefix, user);
  const friends = await friendsToCombine(redis, prefix, user, opts.sampleFriends);
  if (!friends.length) return [];
  const tmp = `${slotTagged(redis, prefix)}:fof-ranked:${user}`;
  const sources = [...friends.map((f) => graphKeys(redis, prefix, f).following), keys.following];
  const weights = [...friends.map(() => '1'), '-inf'];
  const replies = await execAll(
    redis
      .multi()
      .zunionstore(tmp, sources.length, ...sources, 'WEIGHTS', ...weights)
      .pexpire(tmp, Math.ceil(opts.ttlMs ?? 10_000))
      .zrem(tmp, user)
      .zrange(tmp, '+inf', '1', 'BYSCORE', 'REV', 'LIMIT', 0, limit, 'WITHSCORES'),
  );
  const flat = (replies[3] as unknown[]).flat() as (string | number)[];
  const out: FriendSuggestion[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ user: String(flat[i]), mutual: Number(flat[i + 1]) });
  return out;
}
