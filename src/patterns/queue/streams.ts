// A message queue on a stream with a consumer group: each entry goes to one consumer, stays pending until acked, and a
// dead consumer's pending entries are claimed by another (XAUTOCLAIM).
import type { RedisClient } from '../client.js';

/** One stream entry: its id and its field/value pairs. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** Which stream, group and consumer name a consumer works as. */
export interface StreamConsumerOptions {
  stream: string;
  group: string;
  /** This consumer's name in the group. Keep it stable across restarts: the pending entries are recorded under it. */
  consumer: string;
}

/** XPENDING's summary: how many entries were delivered and not acked, and by whom. */
export interface StreamPendingSummary {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: { consumer: string; count: number }[];
}

/** One pending entry: who holds it, for how long, and how many times it has been delivered. */
export interface StreamPendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** Which of other consumers' pending entries `reclaim` takes over. */
export interface StreamReclaimOptions {
  /** Only entries nobody has touched for this long: a live consumer still working on an entry keeps it. */
  minIdleMs: number;
  /** At most this many entries (default 100). */
  count?: number;
  /** Where to start in the pending list (default '0-0', the beginning). */
  startId?: string;
}

/** One consumer in a stream consumer group. */
export interface StreamConsumer {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /**
   * Creates the group (and the stream, MKSTREAM) if missing; true if created. `startId` '0' (the default) delivers
   * entries added before the group existed, '$' only new ones.
   */
  ensureGroup(startId?: string): Promise<boolean>;
  /** New entries for this consumer (XREADGROUP '>'); waits up to `blockMs` when there are none (0 = forever). */
  read(count: number, blockMs?: number): Promise<StreamEntry[]>;
  /** Entries delivered to this consumer name and not acked (XREADGROUP id 0): what to finish after a restart. */
  readOwnPending(count?: number, afterId?: string): Promise<StreamEntry[]>;
  /** Acknowledges entries; returns how many were pending (an entry acked twice counts once). */
  ack(ids: readonly string[]): Promise<number>;
  /** The group's pending summary. */
  pending(): Promise<StreamPendingSummary>;
  /** Pending entries one by one, optionally only those idle at least `minIdleMs` or held by `consumer`. */
  pendingEntries(opts?: { count?: number; minIdleMs?: number; consumer?: string }): Promise<StreamPendingEntry[]>;
  /** Takes over entries other consumers left pending for `minIdleMs` (XAUTOCLAIM, Redis 6.2+) and returns them. */
  reclaim(opts: StreamReclaimOptions): Promise<StreamEntry[]>;
}

type RawEntry = [string, (string | Buffer)[] | null];

function toFields(flat: readonly (string | Buffer)[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/**
 * The raw entries of the first stream in an XREAD / XREADGROUP reply, whatever the reply shape: RESP2's
 * [[key, entries]], a RESP3 map as ioredis gives it (a flat [key, entries] array or an object), or null on timeout.
 */
function rawEntries(reply: unknown): RawEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (reply.length === 0) return [];
    if (Array.isArray(reply[0])) return ((reply[0] as unknown[])[1] as RawEntry[] | undefined) ?? [];
    return (reply[1] as RawEntry[] | undefined) ?? [];
  }
  const values = Object.values(reply as Record<string, RawEntry[]>);
  return values[0] ?? [];
}

/** The entries of the first stream in an XREAD / XREADGROUP reply (RESP2 or RESP3, [] on timeout), deleted ones left out. */
export function parseStreamReadReply(reply: unknown): StreamEntry[] {
  return rawEntries(reply)
    .filter(([, f]) => f !== null)
    .map(([id, f]) => ({ id: String(id), fields: toFields(f!) }));
}

/** `MAXLEN ~ n` when asked: trimming whole radix-tree nodes is much cheaper than an exact length. */
function trimArgs(maxLen: number | undefined): (string | number)[] {
  if (maxLen === undefined) return [];
  if (!Number.isInteger(maxLen) || maxLen < 0) throw new RangeError(`maxLen must be a whole number >= 0, got ${maxLen}`);
  return ['MAXLEN', '~', maxLen];
}

/**
 * Appends an entry (XADD *) and returns its id. With `maxLen`, trims to about that many entries (`~`: at least
 * `maxLen` stay, a few more may, and the trim costs almost nothing).
 */
export async function addToStream(
  redis: RedisClient,
  stream: string,
  fields: Record<string, string | number>,
  opts: { maxLen?: number } = {},
): Promise<string> {
  const flat = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
  if (!flat.length) throw new TypeError('a stream entry needs at least one field');
  return String(await redis.call('XADD', stream, ...trimArgs(opts.maxLen), '*', ...flat));
}

/**
 * A consumer in a group. Entries read with `read` stay in the group's pending list until acked, so a consumer that
 * crashes mid-batch loses nothing: on restart (same name) `readOwnPending` returns them, or another consumer takes them
 * with `reclaim` once they are idle long enough. Delivery is at least once: make processing idempotent.
 * A blocking `read` holds its connection until it returns: give each blocking consumer a connection of its own.
 */
export function createStreamConsumer(redis: RedisClient, opts: StreamConsumerOptions): StreamConsumer {
  const { stream, group, consumer } = opts;
  if (!consumer) throw new TypeError('a stream consumer needs a name');

  /** Entries whose payload was trimmed away while pending have nothing left to process: ack them so they leave the list. */
  const live = async (raw: readonly RawEntry[]): Promise<StreamEntry[]> => {
    const gone = raw.filter(([, f]) => f === null).map(([id]) => id);
    if (gone.length) await redis.call('XACK', stream, group, ...gone);
    return raw.filter(([, f]) => f !== null).map(([id, f]) => ({ id: String(id), fields: toFields(f!) }));
  };
  const readFrom = async (id: string, count: number, blockMs?: number) => {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number >= 1, got ${count}`);
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    const reply = await redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, ...block, 'STREAMS', stream, id);
    return live(rawEntries(reply));
  };

  return {
    stream,
    group,
    consumer,
    async ensureGroup(startId = '0') {
      try {
        await redis.call('XGROUP', 'CREATE', stream, group, startId, 'MKSTREAM');
        return true;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('BUSYGROUP')) return false;
        throw err;
      }
    },
    read: (count, blockMs) => readFrom('>', count, blockMs),
    readOwnPending: (count = 100, afterId = '0') => readFrom(afterId, count),
    async ack(ids) {
      if (!ids.length) return 0;
      return Number(await redis.call('XACK', stream, group, ...ids));
    },
    async pending() {
      const [count, minId, maxId, consumers] = (await redis.call('XPENDING', stream, group)) as [
        number,
        string | null,
        string | null,
        [string, string][] | null,
      ];
      return {
        count: Number(count),
        minId: minId ?? null,
        maxId: maxId ?? null,
        consumers: (consumers ?? []).map(([name, n]) => ({ consumer: String(name), count: Number(n) })),
      };
    },
    async pendingEntries(o = {}) {
      const idle = o.minIdleMs === undefined ? [] : ['IDLE', o.minIdleMs];
      const who = o.consumer === undefined ? [] : [o.consumer];
      const rows = (await redis.call('XPENDING', stream, group, ...idle, '-', '+', o.count ?? 100, ...who)) as [
        string,
        string,
        number,
        number,
      ][];
      return rows.map(([id, name, idleMs, deliveries]) => ({
        id: String(id),
        consumer: String(name),
        idleMs: Number(idleMs),
        deliveries: Number(deliveries),
      }));
    },
    async reclaim({ minIdleMs, count = 100, startId = '0-0' }) {
      if (!Number.isInteger(minIdleMs) || minIdleMs < 0) throw new RangeError(`minIdleMs must be a whole number >= 0, got ${minIdleMs}`);
      const claimed: StreamEntry[] = [];
      let cursor = startId;
      // XAUTOCLAIM scans at most 10 × COUNT pending entries per call and returns where it stopped: follow the cursor
      // until the list is done ('0-0') or we have enough.
      while (claimed.length < count) {
        const reply = (await redis.call('XAUTOCLAIM', stream, group, consumer, minIdleMs, cursor, 'COUNT', count - claimed.length)) as [
          string,
          RawEntry[],
          string[]?,
        ];
        // Redis 7 drops deleted entries from the pending list itself (third element); 6.2 returns them with null fields.
        claimed.push(...(await live(reply[1] ?? [])));
        cursor = String(reply[0]);
        if (cursor === '0-0') break;
      }
      return claimed;
    },
  };
}
