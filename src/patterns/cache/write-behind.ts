// Write-behind through a stream: writes land in the cache and in a stream of changes at once; a flusher saves the
// changes to the database later, in order, acknowledging each only after the database took it.
import type { RedisClient } from '../client.js';
import { execAll } from '../transaction.js';
import { jitteredTtl } from './aside.js';

export interface WriteBehindOptions {
  /** How long the cached copy lives. Keep it well above the flush interval: until then the cache is the newest copy. */
  ttlMs: number;
  /** A fraction of ttlMs (0..1) added at random, as in cacheAside. */
  jitter?: number;
}

/**
 * Caches `value` as JSON under `key` and appends the change (`key`, `value`) to `stream`, in one MULTI: a reader can
 * never see a cached value whose change is not queued, and concurrent writers queue their changes in the order
 * their values landed in the cache. Returns the stream entry id. On a Cluster give `key` and `stream` one hash tag.
 */
export async function writeBehind<T>(redis: RedisClient, stream: string, key: string, value: T, opts: WriteBehindOptions): Promise<string> {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`write-behind to ${key}: the value has no JSON form`);
  const ttl = jitteredTtl(opts.ttlMs, opts.jitter);
  // No MAXLEN: trimming would drop changes that were never saved. The flusher deletes entries once saved.
  const [, id] = await execAll(redis.multi().set(key, json, 'PX', ttl).xadd(stream, '*', 'key', key, 'value', json));
  return id as string;
}

/** One queued change, as `save` receives it. `id` grows with every change: a database can keep the last id it applied per key. */
export interface WriteBehindChange<T = unknown> {
  id: string;
  key: string;
  value: T;
}

export interface FlushWriteBehindOptions<T> {
  stream: string;
  /** The consumer group of the flushers (created at the start of the stream on first use). */
  group: string;
  /** This flusher's name in the group: its failed changes stay pending under it and are retried on its next flush. */
  consumer: string;
  /** Writes one change to the database; a throw leaves the change (and the ones after it) pending for the next flush. */
  save: (change: WriteBehindChange<T>) => Promise<void>;
  /** Changes read per step (default 100). */
  count?: number;
  /** Also take over changes another flusher left pending for this long (XAUTOCLAIM): a flusher that died loses nothing. */
  claimIdleMs?: number;
  /** Keep saved entries in the stream (default false: XDEL after XACK, so the stream does not grow forever). */
  keepEntries?: boolean;
}

export interface WriteBehindFlushResult {
  /** Changes saved and acknowledged by this flush. */
  saved: number;
  /** The change whose save failed (it and the ones read after it stay pending), or null. */
  failed: { id: string; error: unknown } | null;
}

type StreamReply = [string, [string, string[] | null][]][] | null;

async function ensureGroup(redis: RedisClient, stream: string, group: string): Promise<void> {
  // The group starts at the stream's start (id 0), so changes queued before the first flush are saved too.
  await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((e: Error) => {
    if (!e.message.startsWith('BUSYGROUP')) throw e;
  });
}

async function readGroup(redis: RedisClient, o: FlushWriteBehindOptions<unknown>, from: '0' | '>'): Promise<[string, string[] | null][]> {
  const read = async () =>
    (await redis.xreadgroup('GROUP', o.group, o.consumer, 'COUNT', o.count ?? 100, 'STREAMS', o.stream, from)) as StreamReply;
  let reply: StreamReply;
  try {
    reply = await read();
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOGROUP')) throw err;
    await ensureGroup(redis, o.stream, o.group);
    reply = await read();
  }
  return reply?.[0]?.[1] ?? [];
}

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/**
 * Saves queued changes through a consumer group: first this consumer's pending changes (the retries, oldest first),
 * then new ones. Each change is acknowledged (XACK, and XDEL unless keepEntries) in one MULTI only after `save`
 * resolved; the first failure stops the flush, so a later change of a key is never saved before an earlier one.
 * Delivery is at least once: a flusher that dies between save and XACK saves that change again, so make `save`
 * idempotent (the change id helps). With several flushers, per-key order holds only if each key goes to one of them.
 */
export async function flushWriteBehind<T = unknown>(redis: RedisClient, opts: FlushWriteBehindOptions<T>): Promise<WriteBehindFlushResult> {
  const o = opts as FlushWriteBehindOptions<unknown>;
  const result: WriteBehindFlushResult = { saved: 0, failed: null };
  const count = opts.count ?? 100;
  if (opts.claimIdleMs !== undefined) {
    await ensureGroup(redis, opts.stream, opts.group);
    await redis.xautoclaim(opts.stream, opts.group, opts.consumer, opts.claimIdleMs, '0-0', 'COUNT', count);
  }
  for (const from of ['0', '>'] as const) {
    const entries = await readGroup(redis, o, from);
    for (const [id, flat] of entries) {
      if (flat) {
        const f = fieldsOf(flat);
        try {
          await opts.save({ id, key: f.key!, value: JSON.parse(f.value!) as T });
        } catch (error) {
          result.failed = { id, error };
          return result;
        }
      }
      // A pending entry already deleted from the stream comes back with no fields: nothing to save, just acknowledge it.
      const tx = redis.multi().xack(opts.stream, opts.group, id);
      if (!opts.keepEntries) tx.xdel(opts.stream, id);
      await execAll(tx);
      if (flat) result.saved++;
    }
    // More retries than one read holds: new changes wait, or they could be saved before older changes of their key.
    if (from === '0' && entries.length >= count) break;
  }
  return result;
}
