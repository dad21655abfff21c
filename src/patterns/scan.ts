// The one SCAN walker: cursor in, cursor out until 0, on a server or on every primary of a Cluster; and batch UNLINK.
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

export type CursorCommand = 'SCAN' | 'HSCAN' | 'SSCAN' | 'ZSCAN';

export interface ScanOptions {
  /** SCAN (the keyspace, default) or HSCAN / SSCAN / ZSCAN over `key`. */
  command?: CursorCommand;
  key?: string;
  match?: string;
  /** A hint of how much work one call does (default 100 for SCAN, the server's default 10 otherwise). */
  count?: number;
  /** SCAN only: keys of one type (Redis 6.0+). */
  type?: string;
}

export interface ScanPage {
  /** The cursor sent and the one the server returned ('0' ends the walk). */
  cursor: string;
  next: string;
  /** Keys, set members, or the fields / members of HSCAN / ZSCAN. */
  items: string[];
  /** HSCAN / ZSCAN: [field, value] / [member, score] pairs. */
  pairs?: [string, string][];
}

function scanArgs(cursor: string, opts: ScanOptions): string[] {
  const command = opts.command ?? 'SCAN';
  const args = command === 'SCAN' ? [cursor] : [opts.key ?? '', cursor];
  if (opts.match) args.push('MATCH', opts.match);
  const count = opts.count ?? (command === 'SCAN' ? 100 : undefined);
  if (count) args.push('COUNT', String(count));
  if (opts.type && command === 'SCAN') args.push('TYPE', opts.type);
  return args;
}

async function* walk(redis: Redis, opts: ScanOptions): AsyncGenerator<ScanPage> {
  const command = opts.command ?? 'SCAN';
  if (command !== 'SCAN' && !opts.key) throw new TypeError(`${command} needs a key`);
  let cursor = '0';
  do {
    const [next, flat] = (await redis.call(command, ...scanArgs(cursor, opts))) as [string, string[]];
    const paired = command === 'HSCAN' || command === 'ZSCAN';
    const pairs: [string, string][] = [];
    if (paired) for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    yield paired ? { cursor, next, items: pairs.map(([k]) => k), pairs } : { cursor, next, items: flat };
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Walks a cursor command page by page. SCAN guarantees every key present for the whole walk is returned at least
 * once, and may return a key twice (the table can rehash between calls). On a Cluster, SCAN walks every primary.
 */
export async function* scanPages(redis: RedisClient, opts: ScanOptions = {}): AsyncGenerator<ScanPage> {
  if (isCluster(redis) && (opts.command ?? 'SCAN') === 'SCAN') {
    for (const node of redis.nodes('master')) yield* walk(node, opts);
    return;
  }
  // A Cluster routes HSCAN/SSCAN/ZSCAN by their key, like any other command.
  yield* walk(redis as Redis, opts);
}

/** Every distinct key (or member / field) a cursor walk returns: duplicates removed. */
export async function scanKeys(redis: RedisClient, opts: ScanOptions = {}): Promise<string[]> {
  const seen = new Set<string>();
  for await (const page of scanPages(redis, opts)) for (const item of page.items) seen.add(item);
  return [...seen];
}

export interface UnlinkOptions {
  /** Keys per UNLINK: short commands let other clients' commands run in between (default 100). */
  perCommand?: number;
  /** UNLINK commands per pipeline, one round trip each (default 10). */
  perPipeline?: number;
  /** After each round trip: how many key names were sent so far. */
  onProgress?: (sent: number) => void;
}

export interface UnlinkStats {
  /** Key names sent. */
  requested: number;
  /** Keys that existed and were removed. */
  removed: number;
  commands: number;
  roundTrips: number;
}

/**
 * UNLINKs exactly the given key names in short commands, several per pipeline: the key disappears at once and a big
 * value is freed in a background thread. On a Cluster each key goes alone (keys of one UNLINK must share a slot).
 */
export async function unlinkKeys(
  redis: RedisClient,
  keys: Iterable<string> | AsyncIterable<string>,
  opts: UnlinkOptions = {},
): Promise<UnlinkStats> {
  const perCommand = isCluster(redis) ? 1 : (opts.perCommand ?? 100);
  const perPipeline = opts.perPipeline ?? 10;
  const stats: UnlinkStats = { requested: 0, removed: 0, commands: 0, roundTrips: 0 };
  let batch: string[][] = [];
  let current: string[] = [];
  const flush = async () => {
    if (current.length) batch.push(current);
    current = [];
    if (!batch.length) return;
    const p = redis.pipeline();
    for (const chunk of batch) p.unlink(...chunk);
    for (const n of await execAll(p)) stats.removed += Number(n);
    stats.commands += batch.length;
    stats.roundTrips++;
    batch = [];
    opts.onProgress?.(stats.requested);
  };
  for await (const key of keys) {
    current.push(key);
    stats.requested++;
    if (current.length === perCommand) {
      batch.push(current);
      current = [];
      if (batch.length === perPipeline) await flush();
    }
  }
  await flush();
  return stats;
}

/** Removes every key matching `match` with SCAN + UNLINK, page by page: never KEYS, never one huge DEL. */
export async function unlinkMatching(
  redis: RedisClient,
  match: string,
  opts: UnlinkOptions & { count?: number } = {},
): Promise<UnlinkStats> {
  async function* keys() {
    for await (const page of scanPages(redis, { match, count: opts.count ?? 1000 })) yield* page.items;
  }
  return unlinkKeys(redis, keys(), opts);
}
