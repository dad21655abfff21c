// A social timeline with fan-out on write: a post is stored once (a hash) and its id pushed into every follower's
// capped timeline list, so reading a timeline is one LRANGE plus the posts, however many accounts the reader follows.
//
// The celebrity problem: fan-out on write costs one write per follower, so a post by an account with ten million
// followers means ten million LPUSHes before the last follower sees it. For such accounts, do not fan out (pass no
// followers): their posts stay in their own list (`<prefix>:posts:<author>`, always written) and readers pull them at
// read time with `readMergedTimeline`, merging their pushed timeline with the few celebrities they follow by time.
//
// Keys, all under the caller's prefix: `<prefix>:post:<id>` (hash), `<prefix>:timeline:<user>` and
// `<prefix>:posts:<author>` (lists of ids, newest first), `<prefix>:post-seq` (ids). Followers are read from the
// graph.ts sets under the same prefix. Timelines are separate keys, so on a Cluster they spread over the slots.
import { isCluster, type RedisClient } from './client.js';
import { graphKeys } from './graph.js';
import { scanPages } from './scan.js';
import { execAll } from './transaction.js';

/** A stored post. */
export interface TimelinePost {
  id: string;
  author: string;
  /** When it was posted, epoch ms. */
  at: number;
  body: string;
}

/** What to post: an id is taken from `<prefix>:post-seq` when not given; `at` defaults to now. */
export interface NewPost {
  id?: string;
  body: string;
  at?: number;
}

/** How far a post is kept and how the fan-out is batched. */
export interface FanOutOptions {
  /** Entries kept in each follower's timeline (older ones are trimmed in the same MULTI as the push). */
  keep: number;
  /** Entries kept in the author's own post list (default `keep`). */
  authorKeep?: number;
  /** Followers per MULTI on a standalone server (default 100): short transactions let other clients in between. */
  followersPerTransaction?: number;
  /** Transactions sent before waiting for their replies (default 10): pipelining without unbounded memory. */
  inFlight?: number;
}

/** The key names a timeline prefix uses. */
export function timelineKeys(prefix: string) {
  return {
    post: (id: string) => `${prefix}:post:${id}`,
    timeline: (user: string) => `${prefix}:timeline:${user}`,
    posts: (author: string) => `${prefix}:posts:${author}`,
    sequence: `${prefix}:post-seq`,
  };
}

function wholeAbove0(name: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a whole number above 0, got ${n}`);
  return n;
}

/**
 * LPUSH + LTRIM of `id` into each list, one MULTI per group of lists: no reader ever sees a list over its cap. On a
 * Cluster each list is alone in its MULTI (a transaction must stay in one slot). Up to `inFlight` MULTIs are sent
 * before their replies are awaited. Returns how many lists were written.
 */
async function pushToLists(redis: RedisClient, lists: readonly string[], id: string, keep: number, opts: FanOutOptions): Promise<number> {
  const perTx = isCluster(redis) ? 1 : wholeAbove0('followersPerTransaction', opts.followersPerTransaction ?? 100);
  const inFlight = wholeAbove0('inFlight', opts.inFlight ?? 10);
  let pending: Promise<unknown[]>[] = [];
  for (let i = 0; i < lists.length; i += perTx) {
    const tx = redis.multi();
    for (const key of lists.slice(i, i + perTx)) tx.lpush(key, id).ltrim(key, 0, keep - 1);
    pending.push(execAll(tx));
    if (pending.length >= inFlight) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  return lists.length;
}

/** Stores the post (hash), then pushes its id into the author's own list. */
async function storePost(redis: RedisClient, prefix: string, author: string, post: NewPost, opts: FanOutOptions): Promise<TimelinePost> {
  const keys = timelineKeys(prefix);
  const id = post.id ?? String(await redis.incr(keys.sequence));
  const stored: TimelinePost = { id, author, at: post.at ?? Date.now(), body: post.body };
  // The hash is written before any list names the id, so a reader who sees the id finds the post.
  await redis.hset(keys.post(id), { id, author, at: String(stored.at), body: stored.body });
  await pushToLists(redis, [keys.posts(author)], id, wholeAbove0('authorKeep', opts.authorKeep ?? opts.keep), opts);
  return stored;
}

/**
 * Posts and fans out on write to the given followers: the post hash once, then LPUSH + LTRIM into each follower's
 * timeline in pipelined MULTIs. Not one transaction for all: a crash midway leaves some followers without the post
 * (for guaranteed delivery, fan out from a stream consumer). Pass no followers for a celebrity (see the file comment).
 */
export async function postToTimeline(
  redis: RedisClient,
  prefix: string,
  author: string,
  post: NewPost,
  followers: readonly string[],
  opts: FanOutOptions,
): Promise<TimelinePost> {
  wholeAbove0('keep', opts.keep);
  const stored = await storePost(redis, prefix, author, post, opts);
  const keys = timelineKeys(prefix);
  await pushToLists(
    redis,
    [...new Set(followers)].map((f) => keys.timeline(f)),
    stored.id,
    opts.keep,
    opts,
  );
  return stored;
}

/**
 * Posts to everyone who follows `author` in the graph.ts sets under the same prefix, walking the follower set with
 * SSCAN page by page (never one huge SMEMBERS), and skipping the duplicates SSCAN may return. Returns the post and
 * how many timelines it reached.
 */
export async function postToFollowers(
  redis: RedisClient,
  prefix: string,
  author: string,
  post: NewPost,
  opts: FanOutOptions,
): Promise<{ post: TimelinePost; delivered: number }> {
  wholeAbove0('keep', opts.keep);
  const stored = await storePost(redis, prefix, author, post, opts);
  const keys = timelineKeys(prefix);
  const seen = new Set<string>();
  for await (const page of scanPages(redis, { command: 'SSCAN', key: graphKeys(redis, prefix, author).followers, count: 500 })) {
    const fresh = page.items.filter((f) => !seen.has(f));
    for (const f of fresh) seen.add(f);
    await pushToLists(
      redis,
      fresh.map((f) => keys.timeline(f)),
      stored.id,
      opts.keep,
      opts,
    );
  }
  return { post: stored, delivered: seen.size };
}

/** Reads post hashes by id, in order, skipping posts that were deleted (a pipeline; separate commands on a Cluster). */
async function loadPosts(redis: RedisClient, prefix: string, ids: readonly string[]): Promise<TimelinePost[]> {
  const keys = timelineKeys(prefix);
  let hashes: Record<string, string>[];
  if (!ids.length) hashes = [];
  else if (isCluster(redis)) hashes = await Promise.all(ids.map((id) => redis.hgetall(keys.post(id))));
  else {
    const p = redis.pipeline();
    for (const id of ids) p.hgetall(keys.post(id));
    hashes = (await execAll(p)) as Record<string, string>[];
  }
  return hashes
    .filter((h) => h && h.id !== undefined)
    .map((h) => ({ id: h.id!, author: h.author ?? '', at: Number(h.at), body: h.body ?? '' }));
}

/** Orders ids: numeric ids (from the sequence) by value, others by text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A user's pushed timeline, newest first: LRANGE of ids, then the posts in one pipeline. */
export async function readTimeline(
  redis: RedisClient,
  prefix: string,
  user: string,
  opts: { limit: number; offset?: number },
): Promise<TimelinePost[]> {
  wholeAbove0('limit', opts.limit);
  const offset = opts.offset ?? 0;
  const ids = await redis.lrange(timelineKeys(prefix).timeline(user), offset, offset + opts.limit - 1);
  return loadPosts(redis, prefix, ids);
}

/** An author's own posts, newest first (the list readers pull from for accounts that are not fanned out). */
export async function authorPosts(redis: RedisClient, prefix: string, author: string, limit: number): Promise<TimelinePost[]> {
  wholeAbove0('limit', limit);
  return loadPosts(redis, prefix, await redis.lrange(timelineKeys(prefix).posts(author), 0, limit - 1));
}

/**
 * Fan-out on read for the celebrity problem: the newest `limit` posts of the user's pushed timeline merged with the
 * newest `limit` of each pulled author's own list, ordered by time (then id), without duplicates. Costs one LRANGE per
 * pulled author on every read, so keep the pulled list to the few huge accounts the user follows (add the user to
 * see their own posts).
 */
export async function readMergedTimeline(
  redis: RedisClient,
  prefix: string,
  user: string,
  pulledAuthors: readonly string[],
  opts: { limit: number },
): Promise<TimelinePost[]> {
  const limit = wholeAbove0('limit', opts.limit);
  const keys = timelineKeys(prefix);
  const lists = [keys.timeline(user), ...[...new Set(pulledAuthors)].map((a) => keys.posts(a))];
  const idLists = await Promise.all(lists.map((k) => redis.lrange(k, 0, limit - 1)));
  const ids = [...new Set(idLists.flat())];
  const posts = await loadPosts(redis, prefix, ids);
  posts.sort((a, b) => b.at - a.at || compareIds(b.id, a.id));
  return posts.slice(0, limit);
}
