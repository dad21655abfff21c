// Notifications kept in a capped stream (durable) and pushed live over pub/sub (fire-and-forget).
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { parseStreamReadReply, type StreamEntry } from './queue/streams.js';

/** A notification: its stream entry id and its fields. */
export type NotificationEntry = StreamEntry;

/**
 * KEYS[1] stream; ARGV maxLen, channel, field, value, …. XADD and PUBLISH in one script, because the message carries
 * the entry id XADD generates (a MULTI could not use a reply inside the same transaction), and live listeners see
 * messages in stream order. The channel is not a key: PUBLISH reaches subscribers on every node of a Cluster.
 */
const PUSH = defineScript<[string, number]>(
  'notification_push',
  1,
  `local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
local msg = {id = id}
for i = 3, #ARGV, 2 do msg[ARGV[i]] = ARGV[i + 1] end
return {id, redis.call('PUBLISH', ARGV[2], cjson.encode(msg))}`,
);

/**
 * Appends to the user's stream (trimmed to about `maxLen` entries) and publishes the entry's id and
 * fields as JSON (`{ id, ...fields }`) in one step. The stream is the record; PUBLISH only tells whoever listens right
 * now. Returns the entry id and how many subscribers received the message.
 */
export async function pushNotification(
  redis: RedisClient,
  streamKey: string,
  channel: string,
  fields: Record<string, string>,
  maxLen: number,
): Promise<{ id: string; receivers: number }> {
  const flat = Object.entries(fields).flat();
  if (!flat.length) throw new TypeError('a notification needs at least one field');
  if ('id' in fields) throw new TypeError("'id' is reserved: the published message carries the stream entry id under it");
  if (!Number.isInteger(maxLen) || maxLen < 0) throw new RangeError(`maxLen must be a whole number >= 0, got ${maxLen}`);
  const res = await PUSH.run(redis, [streamKey], [maxLen, channel, ...flat]);
  return { id: String(res[0]), receivers: Number(res[1]) };
}

/** The notification in a message `pushNotification` published: remember its id to resume the stream after it. */
export function parseNotificationMessage(message: string): NotificationEntry {
  const { id, ...fields } = JSON.parse(message) as Record<string, string>;
  if (typeof id !== 'string') throw new TypeError('not a notification message: no id');
  return { id, fields };
}

/** Entries after `lastId` ('0' = from the start): what a client that was offline catches up with. */
export async function readNotificationsSince(
  redis: RedisClient,
  streamKey: string,
  lastId: string,
  count = 100,
): Promise<NotificationEntry[]> {
  return parseStreamReadReply(await redis.call('XREAD', 'COUNT', count, 'STREAMS', streamKey, lastId));
}
