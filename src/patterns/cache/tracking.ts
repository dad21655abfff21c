// Client-side caching: an in-process Map in front of Redis, kept correct by the server's own invalidation messages
// (CLIENT TRACKING, RESP2 redirect mode: the invalidations arrive on a second connection subscribed to __redis__:invalidate).
import type { Redis } from 'ioredis';

/** The channel a redirect-mode tracking client's invalidations are published to. */
export const TRACKING_INVALIDATE_CHANNEL = '__redis__:invalidate';

export interface TrackedCacheOptions {
  /**
   * BCAST mode: the server announces a write to any key under these prefixes, read or not (no per-key memory on the
   * server, more messages). Without it the server remembers which keys this connection read and announces only those.
   */
  bcastPrefixes?: readonly string[];
  /** NOLOOP: writes made on the data connection itself do not invalidate (only do this if you update the Map yourself). */
  noloop?: boolean;
}

/** What a tracked cache did so far. */
export interface TrackedCacheStats {
  /** GETs sent to the server. */
  serverReads: number;
  /** Reads answered from the in-process Map. */
  localHits: number;
  /** Keys dropped because the server said they changed (a flush counts every entry dropped). */
  invalidations: number;
}

/** A read-through in-process cache that the server keeps fresh. */
export interface TrackedCache {
  /** The value of `key`: from the Map when it holds it, else a GET (cached unless the key was invalidated meanwhile). */
  get(key: string): Promise<string | null>;
  /** Entries held in the process. */
  readonly size: number;
  /** False once either connection dropped: tracking is gone, so reads pass through to the server uncached. */
  readonly active: boolean;
  readonly stats: Readonly<TrackedCacheStats>;
  /** Turns tracking off, unsubscribes and empties the Map (both connections stay open: the caller owns them). */
  close(): Promise<void>;
}

/** One GET on its way: an invalidation of its key that arrives meanwhile marks it stale. */
interface InFlight {
  stale: boolean;
}

/**
 * Creates a tracked cache over `redis` (the data connection, either protocol) with `invalidationConn` receiving the
 * invalidations: a fresh RESP2 connection (`new Redis(url, { protocol: 2 })`, ioredis 6 defaults to RESP3), not yet
 * subscribed, used for nothing else. Values are cached as the strings GET returns, including null for a
 * missing key (the server tracks reads of missing keys too). Standalone servers only: tracking is per node.
 */
export async function createTrackedCache(redis: Redis, invalidationConn: Redis, opts: TrackedCacheOptions = {}): Promise<TrackedCache> {
  const local = new Map<string, string | null>();
  const inFlight = new Map<string, Set<InFlight>>();
  const stats: TrackedCacheStats = { serverReads: 0, localHits: 0, invalidations: 0 };
  let active = true;

  const dropAll = () => {
    stats.invalidations += local.size;
    local.clear();
    for (const reads of inFlight.values()) for (const r of reads) r.stale = true;
  };
  const drop = (key: string) => {
    if (local.delete(key)) stats.invalidations++;
    // The race: our GET ran before another client's write, but the server's invalidation (on the other connection)
    // overtook the GET's reply. Caching that reply would keep the old value with no further invalidation to come.
    for (const r of inFlight.get(key) ?? []) r.stale = true;
  };
  const onInvalidate = (channel: Buffer, message: Buffer | Buffer[] | null) => {
    if (channel.toString() !== TRACKING_INVALIDATE_CHANNEL) return;
    if (message === null || (!Array.isArray(message) && message.length === 0))
      dropAll(); // FLUSHDB / FLUSHALL
    else if (Array.isArray(message)) for (const k of message) drop(k.toString());
    else drop(message.toString());
  };
  // Either connection dropping loses invalidations (or tracking itself): stop trusting the Map from then on.
  const onClose = () => {
    active = false;
    dropAll();
  };

  // A RESP3 connection would receive the invalidations as `invalidate` pushes, which ioredis drops without an event.
  if ((invalidationConn.options as { protocol?: number }).protocol !== 2) {
    throw new TypeError('createTrackedCache: the invalidation connection must speak RESP2: create it with { protocol: 2 }');
  }
  const id = Number(await invalidationConn.client('ID'));
  invalidationConn.on('messageBuffer', onInvalidate);
  await invalidationConn.subscribe(TRACKING_INVALIDATE_CHANNEL);
  const args: (string | number)[] = ['TRACKING', 'ON', 'REDIRECT', id];
  if (opts.bcastPrefixes?.length) {
    args.push('BCAST');
    for (const p of opts.bcastPrefixes) args.push('PREFIX', p);
  }
  if (opts.noloop) args.push('NOLOOP');
  try {
    await redis.call('CLIENT', ...args);
  } catch (err) {
    invalidationConn.off('messageBuffer', onInvalidate);
    await invalidationConn.unsubscribe(TRACKING_INVALIDATE_CHANNEL);
    throw err;
  }
  redis.once('close', onClose);
  invalidationConn.once('close', onClose);

  return {
    get size() {
      return local.size;
    },
    get active() {
      return active;
    },
    stats,
    async get(key) {
      if (active && local.has(key)) {
        stats.localHits++;
        return local.get(key)!;
      }
      const read: InFlight = { stale: false };
      let reads = inFlight.get(key);
      if (!reads) inFlight.set(key, (reads = new Set()));
      reads.add(read);
      try {
        stats.serverReads++;
        const value = await redis.get(key);
        if (active && !read.stale) local.set(key, value);
        return value;
      } finally {
        reads.delete(read);
        if (!reads.size) inFlight.delete(key);
      }
    },
    async close() {
      redis.off('close', onClose);
      invalidationConn.off('close', onClose);
      active = false;
      dropAll();
      await redis.call('CLIENT', 'TRACKING', 'OFF');
      invalidationConn.off('messageBuffer', onInvalidate);
      await invalidationConn.unsubscribe(TRACKING_INVALIDATE_CHANNEL);
    },
  };
}
