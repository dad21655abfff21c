// One object stored two ways: a JSON document in a string (whole-value rewrites) and a hash (per-field updates).
import type { Redis } from 'ioredis';

export interface JsonUpdate {
  /** Bytes read (the whole document) and written back (the whole document again) to change one field. */
  bytesRead: number;
  bytesWritten: number;
  value: number;
}

/**
 * GET, parse, change one numeric field, SET the whole document back. Two clients doing this at once
 * both start from the same document, so one change is silently lost: kept to show that race.
 */
export async function bumpJsonField(redis: Redis, key: string, field: string, by = 1): Promise<JsonUpdate> {
  const raw = (await redis.get(key)) ?? '{}';
  const doc = JSON.parse(raw) as Record<string, unknown>;
  const value = Number(doc[field] ?? 0) + by;
  doc[field] = value;
  const out = JSON.stringify(doc);
  await redis.set(key, out);
  return { bytesRead: Buffer.byteLength(raw), bytesWritten: Buffer.byteLength(out), value };
}

/** HINCRBY changes one field on the server: no read, no rewrite of the other fields, no lost update. */
export function bumpHashField(redis: Redis, key: string, field: string, by = 1): Promise<number> {
  return redis.hincrby(key, field, by);
}
