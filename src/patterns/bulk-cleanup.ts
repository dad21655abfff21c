// Removing many keys fast without stalling the server: UNLINK in short commands, many per pipeline.
import type { Redis } from 'ioredis';

export interface UnlinkStats {
  /** Key names sent. */
  requested: number;
  /** Keys that existed and were removed. */
  removed: number;
  commands: number;
  roundTrips: number;
  ms: number;
}

export interface UnlinkOptions {
  /** Keys per UNLINK command: short commands let other clients' commands run in between. */
  perCommand?: number;
  /** UNLINK commands per pipeline (one round trip each pipeline). */
  perPipeline?: number;
  /** Called after each round trip with the number of key names sent so far. */
  onProgress?: (sent: number) => void;
}

/**
 * UNLINKs exactly the given names (never a pattern: only keys we know we wrote go). UNLINK unlinks the
 * key at once and frees big values in a background thread; DEL frees everything before replying.
 */
export async function unlinkInBatches(redis: Redis, keys: Iterable<string>, opts: UnlinkOptions = {}): Promise<UnlinkStats> {
  const perCommand = opts.perCommand ?? 100;
  const perPipeline = opts.perPipeline ?? 10;
  const stats: UnlinkStats = { requested: 0, removed: 0, commands: 0, roundTrips: 0, ms: 0 };
  const t0 = process.hrtime.bigint();
  let pending: string[][] = [];
  let current: string[] = [];

  const flush = async () => {
    if (current.length) pending.push(current);
    current = [];
    if (!pending.length) return;
    const p = redis.pipeline();
    for (const chunk of pending) p.unlink(...chunk);
    const res = (await p.exec()) ?? [];
    for (const [err, n] of res) {
      if (err) throw err;
      stats.removed += Number(n);
    }
    stats.commands += pending.length;
    stats.roundTrips++;
    pending = [];
    opts.onProgress?.(stats.requested);
  };

  for (const k of keys) {
    current.push(k);
    stats.requested++;
    if (current.length === perCommand) {
      pending.push(current);
      current = [];
      if (pending.length === perPipeline) await flush();
    }
  }
  await flush();
  stats.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return stats;
}

/** Counts keys matching a pattern with SCAN (read-only, never blocking for long). */
export async function countMatching(redis: Redis, pattern: string): Promise<number> {
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (const k of keys) seen.add(k); // SCAN may return a key twice
    cursor = next;
  } while (cursor !== '0');
  return seen.size;
}
