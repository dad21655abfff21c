// Walking the keyspace the way redis-cli --bigkeys, --memkeys and --hotkeys do: SCAN, then one pipelined probe per key
// (its type and length, MEMORY USAGE, OBJECT FREQ). Unrecorded: the lesson prints the summary, not 2,000 lines.
import type { Redis } from 'ioredis';
import { RESERVED_MARK } from '../../../redis/judge.js';
import { scanAll } from '../../../redis/scan.js';

/** The keys a walk reports: redis-learn's own bookkeeping left out. */
async function walk(client: Redis, pattern: string): Promise<string[]> {
  return (await scanAll(client, pattern)).filter((k) => !k.includes(RESERVED_MARK));
}

const LENGTH: Record<string, string> = { list: 'LLEN', hash: 'HLEN', set: 'SCARD', zset: 'ZCARD', string: 'STRLEN', stream: 'XLEN' };
const UNIT: Record<string, string> = { list: 'items', hash: 'fields', set: 'members', zset: 'members', string: 'bytes', stream: 'entries' };

export interface KeyFacts {
  key: string;
  type: string;
  /** Elements (bytes for a string), as --bigkeys counts them. */
  length: number;
  unit: string;
}

async function perKey<T>(
  client: Redis,
  keys: string[],
  probe: (p: ReturnType<Redis['pipeline']>, key: string, index: number) => void,
  read: (v: unknown) => T,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const p = client.pipeline();
    keys.slice(i, i + 500).forEach((k, j) => probe(p, k, i + j));
    for (const [err, v] of (await p.exec()) ?? []) out.push(read(err ? null : v));
  }
  return out;
}

/** Every key, its type and its length. */
export async function keyFacts(client: Redis, pattern = '*'): Promise<KeyFacts[]> {
  const keys = await walk(client, pattern);
  const types = await perKey(
    client,
    keys,
    (p, k) => p.type(k),
    (v) => String(v ?? 'none'),
  );
  const lengths = await perKey(
    client,
    keys,
    (p, k, i) => {
      const cmd = LENGTH[types[i] ?? ''];
      if (cmd) p.call(cmd, k);
      else p.exists(k);
    },
    (v) => Number(v ?? 0),
  );
  // A key that expired between SCAN and TYPE is 'none': gone, not reported.
  return keys
    .map((key, i) => ({ key, type: types[i]!, length: lengths[i]!, unit: UNIT[types[i]!] ?? 'elements' }))
    .filter((f) => f.type !== 'none');
}

/** MEMORY USAGE of every key (SAMPLES 0: every element counted, not an estimate from 5), biggest first. */
export async function memoryByKey(client: Redis, pattern = '*'): Promise<{ key: string; bytes: number }[]> {
  const keys = await walk(client, pattern);
  const bytes = await perKey(
    client,
    keys,
    (p, k) => p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0'),
    (v) => Number(v ?? 0),
  );
  return keys
    .map((key, i) => ({ key, bytes: bytes[i]! }))
    .filter((k) => k.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** OBJECT FREQ of every key (needs an LFU policy), hottest first. */
export async function freqByKey(client: Redis, pattern = '*'): Promise<{ key: string; freq: number }[]> {
  const keys = await walk(client, pattern);
  const freq = await perKey(
    client,
    keys,
    (p, k) => p.call('OBJECT', 'FREQ', k),
    (v) => Number(v ?? 0),
  );
  return keys.map((key, i) => ({ key, freq: freq[i]! })).sort((a, b) => b.freq - a.freq);
}
