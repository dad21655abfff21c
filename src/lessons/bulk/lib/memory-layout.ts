// Measuring memory: INFO memory, three layouts for the same users, and the listpack → hashtable switch.
import type { Redis } from 'ioredis';
import { userToHash, type User } from './users.js';

export type Layout = 'hash' | 'json' | 'bucket';
export const LAYOUTS: readonly Layout[] = ['hash', 'json', 'bucket'];

/**
 * Users per bucket hash. It has to stay under hash-max-listpack-entries (512 by default; some
 * configurations use 128) or every bucket is a hashtable from the start and the layout saves little.
 */
export const BUCKET_SIZE = 100;

export interface MemoryInfo {
  /** Bytes the allocator gave Redis (INFO memory used_memory). */
  used: number;
  human: string;
  /** Values UNLINK handed to the background thread and not yet freed. */
  lazyfreePending: number;
}

export async function memoryInfo(redis: Redis): Promise<MemoryInfo> {
  const text = await redis.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(text)?.[1] ?? NaN);
  const human = /used_memory_human:(\S+)/.exec(text)?.[1] ?? '?';
  const lazyfreePending = Number(/lazyfree_pending_objects:(\d+)/.exec(text)?.[1] ?? 0);
  return { used, human, lazyfreePending };
}

/**
 * INFO memory once UNLINK's background frees are done (up to `maxMs`): measured straight after an
 * UNLINK of big values, used_memory still counts them, which would make the next delta look too small.
 */
export async function settledMemoryInfo(redis: Redis, maxMs = 2000): Promise<MemoryInfo> {
  const deadline = Date.now() + maxMs;
  let info = await memoryInfo(redis);
  while (info.lazyfreePending > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    info = await memoryInfo(redis);
  }
  return info;
}

/** The key a user lives in under each layout. */
export function layoutKey(ns: string, layout: Layout, id: number): string {
  if (layout === 'hash') return `${ns}mem:hash:${id}`;
  if (layout === 'json') return `${ns}mem:json:${id}`;
  return `${ns}mem:bucket:${Math.floor(id / BUCKET_SIZE)}`;
}

/** Distinct keys these users occupy under a layout (buckets are shared). */
export function layoutKeys(ns: string, layout: Layout, users: readonly Pick<User, 'id'>[]): string[] {
  return [...new Set(users.map((u) => layoutKey(ns, layout, u.id)))];
}

/**
 * Writes one batch of users in a layout, pipelined:
 * - hash:   one hash per user, a field per attribute (HSET mem:hash:7 name … city …)
 * - json:   one string per user holding the JSON document (SET mem:json:7 '{"name":…}')
 * - bucket: one hash per 100 users, a field per user holding the JSON (HSET mem:bucket:0 7 '{…}')
 */
export async function writeLayout(redis: Redis, ns: string, layout: Layout, users: readonly User[]): Promise<void> {
  const p = redis.pipeline();
  for (const u of users) {
    const key = layoutKey(ns, layout, u.id);
    if (layout === 'hash') p.hset(key, userToHash(u));
    else if (layout === 'json') p.set(key, JSON.stringify(u));
    else p.hset(key, String(u.id), JSON.stringify(u));
  }
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0]!;
}

/** Sum of MEMORY USAGE (exact, SAMPLES 0) over the keys, and how many keys have each encoding. */
export async function keysFootprint(redis: Redis, keys: readonly string[]): Promise<{ bytes: number; encodings: Record<string, number> }> {
  let bytes = 0;
  const encodings: Record<string, number> = {};
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const p = redis.pipeline();
    for (const k of chunk) {
      p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
      p.call('OBJECT', 'ENCODING', k);
    }
    const res = (await p.exec()) ?? [];
    for (let j = 0; j < chunk.length; j++) {
      bytes += Number(res[j * 2]?.[1] ?? 0);
      const enc = String(res[j * 2 + 1]?.[1] ?? 'none');
      encodings[enc] = (encodings[enc] ?? 0) + 1;
    }
  }
  return { bytes, encodings };
}

export interface ListpackLimit {
  /** hash-max-listpack-value on 7.0+, hash-max-ziplist-value before (7.0 keeps the old name as an alias). */
  name: string;
  value: number;
  entriesName: string;
  entries: number;
}

/** The hash size limits for the compact encoding; null when CONFIG GET is not allowed (many managed services). */
export async function hashListpackLimit(redis: Redis): Promise<ListpackLimit | null> {
  const get = async (name: string): Promise<number | null> => {
    try {
      const res = (await redis.call('CONFIG', 'GET', name)) as string[];
      return res.length >= 2 ? Number(res[1]) : null;
    } catch {
      return null;
    }
  };
  for (const kind of ['listpack', 'ziplist']) {
    const name = `hash-max-${kind}-value`;
    const entriesName = `hash-max-${kind}-entries`;
    const value = await get(name);
    if (value === null) continue;
    return { name, value, entriesName, entries: (await get(entriesName)) ?? 128 };
  }
  return null;
}

export interface EncodingStep {
  /** What was written, e.g. `bio = 64 bytes`. */
  write: string;
  encoding: string;
}

/**
 * Grows one field of a small hash past the value limit and back: the hash switches from the compact
 * encoding (listpack; ziplist before 7.0) to a real hashtable at limit+1 bytes, and never switches back.
 */
export async function encodingCrossing(redis: Redis, key: string, limit: number): Promise<EncodingStep[]> {
  const steps: EncodingStep[] = [];
  const write = async (label: string, value: string) => {
    await redis.hset(key, 'bio', value);
    steps.push({ write: label, encoding: String(await redis.call('OBJECT', 'ENCODING', key)) });
  };
  await redis.hset(key, 'name', 'Ada', 'city', 'Oslo');
  steps.push({ write: 'name, city (short)', encoding: String(await redis.call('OBJECT', 'ENCODING', key)) });
  await write(`bio = ${limit} bytes`, 'x'.repeat(limit));
  await write(`bio = ${limit + 1} bytes`, 'x'.repeat(limit + 1));
  await write('bio = 5 bytes again', 'short');
  return steps;
}
