// Walks the keyspace with SCAN (never KEYS): every key matching a pattern, deduplicated.
import type { Redis } from 'ioredis';

/** Escapes glob characters so a literal prefix can be used in SCAN MATCH or an ACL key pattern. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

export async function scanAll(client: Redis, pattern: string, count = 1000): Promise<string[]> {
  const out = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', count);
    cursor = next;
    for (const k of keys) out.add(k);
  } while (cursor !== '0');
  return [...out];
}
