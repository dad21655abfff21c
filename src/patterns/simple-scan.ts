// Walks the keyspace with SCAN: cursor in, cursor out, until the server hands back cursor 0.
import type { Redis } from 'ioredis';

export interface ScanPage {
  cursor: string;
  next: string;
  keys: string[];
}

export interface ScanResult {
  pages: ScanPage[];
  /** Distinct keys found; SCAN may return a key more than once (e.g. while the table is rehashing). */
  keys: string[];
  duplicates: number;
}

export async function scanAll(redis: Redis, match: string, count: number, onPage?: (p: ScanPage) => void): Promise<ScanResult> {
  const pages: ScanPage[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', count);
    const page = { cursor, next, keys };
    pages.push(page);
    onPage?.(page);
    for (const k of keys) {
      if (seen.has(k)) duplicates++;
      seen.add(k);
    }
    cursor = next;
  } while (cursor !== '0');
  return { pages, keys: [...seen].sort(), duplicates };
}
