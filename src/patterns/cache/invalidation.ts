// Cache invalidation beyond the TTL: by event (pub/sub to every process's local cache) and by pattern (SCAN + UNLINK).
import type { Redis } from 'ioredis';
import type { RedisClient } from '../client.js';
import { unlinkKeys, unlinkMatching } from '../scan.js';

/**
 * Tells every listener on `channel` that `keys` changed (the message is a JSON array of key names). With
 * `{ unlink: true }` the keys are unlinked from Redis first, so a process that reloads on the event cannot read the
 * old copy back from Redis. Returns how many subscribers received it: pub/sub is fire and forget, so a process that
 * was disconnected misses it; give local entries a TTL as well.
 */
export async function publishInvalidation(
  redis: RedisClient,
  channel: string,
  keys: readonly string[],
  opts: { unlink?: boolean } = {},
): Promise<number> {
  if (opts.unlink && keys.length) await unlinkKeys(redis, keys);
  return redis.publish(channel, JSON.stringify(keys));
}

/** A running invalidation listener. */
export interface InvalidationListener {
  /** Unsubscribes from the channel and stops calling `onKeys` (the connection stays open: the caller owns it). */
  close(): Promise<void>;
}

/** The keys a message names: a JSON array of strings, or else the whole message as one key (`PUBLISH ch key` by hand). */
function keysOf(message: string): string[] {
  try {
    const parsed = JSON.parse(message) as unknown;
    if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) return parsed as string[];
  } catch {
    // not JSON: a single key name
  }
  return [message];
}

/**
 * Subscribes `subscriber` (a connection of its own: SUBSCRIBE puts it in subscriber mode) to `channel` and calls
 * `onKeys` with the keys of every invalidation published there, so an in-process cache can drop them. Resolves once
 * the subscription is active: an invalidation published after that is delivered.
 */
export async function listenForInvalidations(
  subscriber: Redis,
  channel: string,
  onKeys: (keys: string[]) => void,
): Promise<InvalidationListener> {
  const onMessage = (ch: string, message: string) => {
    if (ch === channel) onKeys(keysOf(message));
  };
  subscriber.on('message', onMessage);
  try {
    await subscriber.subscribe(channel);
  } catch (err) {
    subscriber.off('message', onMessage);
    throw err;
  }
  return {
    async close() {
      subscriber.off('message', onMessage);
      await subscriber.unsubscribe(channel);
    },
  };
}

/**
 * Removes every key matching the glob `match` with SCAN + UNLINK (never KEYS, which blocks the server while it walks
 * the whole keyspace). Returns how many keys were removed. Keys created during the walk may survive it.
 */
export async function invalidateMatching(redis: RedisClient, match: string): Promise<number> {
  return (await unlinkMatching(redis, match)).removed;
}
