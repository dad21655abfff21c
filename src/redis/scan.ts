// Walks the keyspace with SCAN (never KEYS): every key matching a pattern, deduplicated.
import type { Redis } from 'ioredis';
import { scanKeys } from '../patterns/scan.js';

/** Escapes glob characters so a literal prefix can be used in SCAN MATCH or an ACL key pattern. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every distinct key matching `pattern` (the patterns library's one SCAN walker). */
export async function scanAll(client: Redis, pattern: string, count = 1000): Promise<string[]> {
  return scanKeys(client, { match: pattern, count });
}
