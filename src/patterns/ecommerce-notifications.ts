// Notifications kept in a capped stream (durable) and pushed live over pub/sub (fire-and-forget).
import type { Redis } from 'ioredis';

export interface Notice {
  id: string;
  fields: Record<string, string>;
}

/**
 * XADD and PUBLISH in one script, because the message carries the entry id XADD generates (a MULTI
 * could not use a reply inside the same transaction). A listener that later reconnects resumes the
 * stream after the last id it saw.
 */
const PUSH_SCRIPT = `local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
local msg = {id = id}
for i = 3, #ARGV, 2 do msg[ARGV[i]] = ARGV[i + 1] end
return {id, redis.call('PUBLISH', ARGV[2], cjson.encode(msg))}`;

/**
 * Appends to the user's stream (trimmed to about `maxLen` entries) and publishes the entry's id and
 * fields in one step. The stream is the record; PUBLISH only tells whoever listens right now.
 * Returns the entry id and how many subscribers received the message.
 */
export async function pushNotification(
  redis: Redis,
  streamKey: string,
  channel: string,
  fields: Record<string, string>,
  maxLen: number,
): Promise<{ id: string; receivers: number }> {
  const flat = Object.entries(fields).flat();
  const res = (await redis.eval(PUSH_SCRIPT, 1, streamKey, maxLen, channel, ...flat)) as [string, number];
  return { id: res[0], receivers: Number(res[1]) };
}

/** Entries after `lastId` ('0' = from the start): what a client that was offline catches up with. */
export async function readSince(redis: Redis, streamKey: string, lastId: string, count = 100): Promise<Notice[]> {
  const res = (await redis.xread('COUNT', count, 'STREAMS', streamKey, lastId)) as [string, [string, string[]][]][] | null;
  const entries = res?.[0]?.[1] ?? [];
  return entries.map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return { id, fields };
  });
}

export interface Subscription {
  /** Resolves with the next message on the channel and when it arrived (performance.now()). */
  next(timeoutMs: number): Promise<{ message: string; at: number } | null>;
  close(): Promise<void>;
}

/**
 * Subscribes `sub` (a connection of its own: a subscribed connection may only (un)subscribe and ping)
 * and queues what arrives. close() unsubscribes, which returns the connection to normal use.
 */
export async function subscribe(sub: Redis, channel: string): Promise<Subscription> {
  const queue: { message: string; at: number }[] = [];
  let wake: (() => void) | null = null;
  const onMessage = (ch: string, message: string) => {
    if (ch !== channel) return;
    queue.push({ message, at: performance.now() });
    wake?.();
  };
  sub.on('message', onMessage);
  await sub.subscribe(channel);
  return {
    async next(timeoutMs) {
      if (!queue.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      return queue.shift() ?? null;
    },
    async close() {
      await sub.unsubscribe(channel);
      sub.off('message', onMessage);
    },
  };
}
