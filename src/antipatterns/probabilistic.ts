// The naive versions the probabilistic lesson shows failing: a JSON document rewritten whole by each client, and a
// "search" that reads every document. Never use these.
import type { Redis } from 'ioredis';
import { scanPages } from '../patterns/index.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * BROKEN ON PURPOSE. Adds `by` to the number at a dot `path` of a JSON document kept in a string: GET, parse, change
 * in the client, SET the whole document back. Between the GET and the SET another client can do the same, and its
 * change is overwritten (a lost update). The fix is the JSON store's `incrBy` (one atomic step on the server).
 */
export async function incrementJsonNaive(redis: Redis, key: string, path: string, by = 1): Promise<number> {
  const doc = JSON.parse((await redis.get(key)) ?? '{}') as { [key: string]: Json };
  const segments = path.split('.');
  let node = doc;
  for (const seg of segments.slice(0, -1)) {
    const child = node[seg];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[seg] = {};
    node = node[seg] as { [key: string]: Json };
  }
  const leaf = segments[segments.length - 1]!;
  const next = Number(node[leaf] ?? 0) + by;
  node[leaf] = next;
  await redis.set(key, JSON.stringify(doc));
  return next;
}

/** What a scan search found, and what it cost. */
export interface ScanSearchResult {
  ids: string[];
  /** Documents read with GET: every document under the pattern, whatever the query. */
  keysRead: number;
  /** SCAN calls plus GETs. */
  commands: number;
}

/**
 * NAIVE ON PURPOSE. "Searches" documents stored as strings under `pattern` (a SCAN MATCH glob ending in `*`): walks
 * the whole keyspace with SCAN, GETs every matching key and keeps those whose text contains every query word as a
 * substring (case-insensitive). It reads every document for every query, and substrings match inside other words
 * ("red" in "shredded"). The fix is an inverted index: one set per word, intersected on the server.
 */
export async function searchByScan(redis: Redis, pattern: string, query: string): Promise<ScanSearchResult> {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const prefix = pattern.replace(/\*$/, '');
  const ids: string[] = [];
  let keysRead = 0;
  let commands = 0;
  for await (const page of scanPages(redis, { match: pattern, count: 20 })) {
    commands++;
    for (const key of page.items) {
      const text = ((await redis.get(key)) ?? '').toLowerCase();
      keysRead++;
      commands++;
      if (words.every((w) => text.includes(w))) ids.push(key.slice(prefix.length));
    }
  }
  return { ids: ids.sort(), keysRead, commands };
}
