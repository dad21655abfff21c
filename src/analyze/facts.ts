// What analyze learns about one key, and the pure rules that file it: element counts per type, TTL buckets, prefixes.

/** One key as the server described it: TYPE, MEMORY USAGE, PTTL, OBJECT ENCODING and its element count. */
export interface KeyFacts {
  key: string;
  /** TYPE: string, hash, list, set, zset, stream, or a module's type name (ReJSON-RL, MBbloom--, …). */
  type: string;
  /** MEMORY USAGE in bytes (its default sampling); null when the server would not say. */
  memory: number | null;
  /** PTTL: -1 for no expiry, else milliseconds left. */
  ttlMs: number;
  /** OBJECT ENCODING (listpack, hashtable, quicklist, skiplist, intset, embstr, …); null when the server would not say. */
  encoding: string | null;
  /** Bytes of a string, fields of a hash, items of a list, members of a set or zset, entries of a stream; null otherwise. */
  elements: number | null;
}

/** The O(1) command that counts a type's elements: every one is a read. Module types have none here. */
export const COUNT_COMMAND: Readonly<Record<string, string>> = {
  string: 'STRLEN',
  hash: 'HLEN',
  list: 'LLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  stream: 'XLEN',
};

/** What a type's elements are called: "50,000 fields". */
export const ELEMENT_NOUN: Readonly<Record<string, [string, string]>> = {
  string: ['byte', 'bytes'],
  hash: ['field', 'fields'],
  list: ['item', 'items'],
  set: ['member', 'members'],
  zset: ['member', 'members'],
  stream: ['entry', 'entries'],
};

export function elementsText(type: string, n: number | null): string {
  if (n === null) return '-';
  const [one, many] = ELEMENT_NOUN[type] ?? ['element', 'elements'];
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export const TTL_BUCKETS = ['none', 'under1m', 'under1h', 'under1d', 'longer'] as const;
export type TtlBucket = (typeof TTL_BUCKETS)[number];

export const TTL_LABEL: Readonly<Record<TtlBucket, string>> = {
  none: 'no TTL',
  under1m: '< 1 min',
  under1h: '< 1 h',
  under1d: '< 1 day',
  longer: '≥ 1 day',
};

export function ttlBucket(ttlMs: number): TtlBucket {
  if (ttlMs < 0) return 'none';
  if (ttlMs < 60_000) return 'under1m';
  if (ttlMs < 3_600_000) return 'under1h';
  if (ttlMs < 86_400_000) return 'under1d';
  return 'longer';
}

/**
 * A key's prefixes at depth 1 and 2: `session:42:cart` → `session` and `session:42`. A key without the separator has
 * no prefix (depth1 null); one with a single separator (`big:catalog`) has no depth-2 prefix.
 */
export function prefixesOf(key: string, separator: string): { depth1: string | null; depth2: string | null } {
  const i = key.indexOf(separator);
  if (i < 0) return { depth1: null, depth2: null };
  const j = key.indexOf(separator, i + separator.length);
  return { depth1: key.slice(0, i), depth2: j < 0 ? null : key.slice(0, j) };
}

/**
 * The compact encoding of each type and the settings that bound it: past them Redis converts the key to the big
 * encoding (and never back). Keys under the bound in the big encoding were converted by one long value.
 */
export interface EncodingLimit {
  type: string;
  compact: readonly string[];
  big: string;
  entries: string;
  value: string;
}

export const ENCODING_LIMITS: readonly EncodingLimit[] = [
  {
    type: 'hash',
    compact: ['listpack', 'ziplist', 'listpackex'],
    big: 'hashtable',
    entries: 'hash-max-listpack-entries',
    value: 'hash-max-listpack-value',
  },
  {
    type: 'zset',
    compact: ['listpack', 'ziplist'],
    big: 'skiplist',
    entries: 'zset-max-listpack-entries',
    value: 'zset-max-listpack-value',
  },
  { type: 'set', compact: ['listpack', 'intset'], big: 'hashtable', entries: 'set-max-listpack-entries', value: 'set-max-listpack-value' },
];

/** Redis 7's defaults, used when CONFIG GET is not allowed. */
const DEFAULT_LIMITS: Readonly<Record<string, number>> = {
  'hash-max-listpack-entries': 512,
  'hash-max-listpack-value': 64,
  'zset-max-listpack-entries': 128,
  'zset-max-listpack-value': 64,
  'set-max-listpack-entries': 128,
  'set-max-listpack-value': 64,
};

/** A type's compact-encoding bounds on one server. */
export interface ResolvedLimit {
  type: string;
  compact: readonly string[];
  big: string;
  entriesName: string;
  entries: number;
  valueName: string;
  value: number | null;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * The bounds in force: from CONFIG GET (Redis before 7 names them ziplist), else Redis 7's defaults. Sets have a
 * listpack encoding from 7.2 only: before it any set that is not all integers is a hashtable, however small, so sets
 * are left out there.
 */
export function resolveLimits(config: Record<string, string> | null, version: string): ResolvedLimit[] {
  const read = (name: string): number | null => {
    const v = config?.[name] ?? config?.[name.replace('listpack', 'ziplist')];
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
    return config ? null : (DEFAULT_LIMITS[name] ?? null);
  };
  const out: ResolvedLimit[] = [];
  for (const l of ENCODING_LIMITS) {
    if (l.type === 'set' && !atLeast(version, 7, 2)) continue;
    const entries = read(l.entries);
    if (entries === null) continue;
    out.push({ ...l, entriesName: l.entries, entries, valueName: l.value, value: read(l.value) });
  }
  return out;
}
