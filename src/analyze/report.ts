// The analysis as one object (what --json prints and the text report renders), built from the tally.
import type { KeyFacts, TtlBucket } from './facts.js';
import type { ProbeResult } from './latency-probe.js';
import type { PacerStats } from './pacer.js';
import type { PrefixSum, Sum, Tally } from './tally.js';

export interface PrefixRow {
  /** The prefix without its separator (`session`); null for the keys that have none. */
  prefix: string | null;
  keys: number;
  memory: number;
  keysPercent: number;
  memoryPercent: number;
  /** Keys per type under it. */
  types: Record<string, number>;
}

export interface KeyRow {
  key: string;
  type: string;
  encoding: string | null;
  elements: number | null;
  memory: number | null;
  /** -1: no TTL. */
  ttlMs: number;
}

export interface Recommendation {
  kind: 'empty' | 'big-key' | 'big-keys-more' | 'prefix-memory' | 'no-ttl' | 'encoding-limit';
  message: string;
  keys?: string[];
}

export interface AnalyzeReport {
  server: {
    product: string;
    version: string;
    address: string;
    kind: 'url' | 'compose' | 'private' | 'lab';
    private: boolean;
    db: number;
    /** DBSIZE when the analysis started. */
    dbsize: number;
    usedMemory: number | null;
    /** 0: no limit. */
    maxmemory: number | null;
    maxmemoryPolicy: string | null;
  };
  scope: { match: string | null; separator: string };
  /** null: every key was analysed. Else the figures are extrapolated from the analysed keys by `factor`. */
  sampled: null | {
    analysedKeys: number;
    totalKeys: number;
    /** analysedKeys / totalKeys. */
    ratio: number;
    /** totalKeys / analysedKeys: what counts and memory were multiplied by. */
    factor: number;
    /** 'option': --sample; 'default': the database is over the default sample size. */
    reason: 'option' | 'default';
    /** The keys are the first ones the SCAN walk returned: hash order, unrelated to their names. */
    chosenBy: 'scan order';
  };
  totals: {
    keys: number;
    memory: number;
    analysedKeys: number;
    analysedMemory: number;
    /** Keys SCAN returned that were gone when asked about. */
    vanished: number;
    /** Keys SCAN returned that this user may not read (an ACL key pattern): left out of every figure. */
    unreadable: number;
    /** Keys MEMORY USAGE would not size. */
    unsized: number;
    estimated: boolean;
  };
  types: Record<string, { keys: number; memory: number; elements: number }>;
  encodings: Record<string, Record<string, Sum>>;
  ttl: Record<TtlBucket, Sum>;
  prefixes: {
    separator: string;
    depth1: { distinct: number; byMemory: PrefixRow[]; byCount: PrefixRow[] };
    depth2: { distinct: number; byMemory: PrefixRow[]; byCount: PrefixRow[] };
  };
  biggest: { byMemory: KeyRow[]; byElements: Record<string, KeyRow[]> };
  recommendations: Recommendation[];
  pacing: PacerStats & {
    scanCalls: number;
    /**
     * busyMs over the walk's duration, in %: what the pace is held to. An upper bound of the server's share: a round
     * trip also holds the client's own encoding and parsing (INFO commandstats shows about a fifth of it).
     */
    busyPercent: number;
  };
  latency: ProbeResult;
  durationMs: number;
  warnings: string[];
}

/** part / whole in %, to 2 decimals (the text shows a non-zero share under 0.1 % as "< 0.1 %"). */
export const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);

export function keyRow(f: KeyFacts): KeyRow {
  return { key: f.key, type: f.type, encoding: f.encoding, elements: f.elements, memory: f.memory, ttlMs: f.ttlMs };
}

/** The tally's figures as a report: counts and memory multiplied by `factor` (1 when every key was analysed). */
export function figures(
  tally: Tally,
  factor: number,
  top: number,
): Pick<AnalyzeReport, 'types' | 'encodings' | 'ttl' | 'prefixes' | 'biggest'> & { keys: number; memory: number } {
  const x = (n: number) => (factor === 1 ? n : Math.round(n * factor));
  const scaled = (s: Sum): Sum => ({ keys: x(s.keys), memory: x(s.memory) });
  const { total } = tally;
  const rows = <K extends string | null>(map: Map<K, PrefixSum>) => {
    const all = [...map].map(([prefix, s]): PrefixRow => ({
      prefix,
      keys: x(s.keys),
      memory: x(s.memory),
      keysPercent: pct(s.keys, total.keys),
      memoryPercent: pct(s.memory, total.memory),
      types: Object.fromEntries(Object.entries(s.types).map(([t, n]) => [t, x(n)])),
    }));
    const name = (r: PrefixRow) => r.prefix ?? '';
    return {
      distinct: map.size,
      byMemory: [...all].sort((a, b) => b.memory - a.memory || b.keys - a.keys || name(a).localeCompare(name(b))).slice(0, top),
      byCount: [...all].sort((a, b) => b.keys - a.keys || b.memory - a.memory || name(a).localeCompare(name(b))).slice(0, top),
    };
  };
  return {
    keys: x(total.keys),
    memory: x(total.memory),
    types: Object.fromEntries([...tally.types].map(([t, s]) => [t, { keys: x(s.keys), memory: x(s.memory), elements: x(s.elements) }])),
    encodings: Object.fromEntries(
      [...tally.encodings].map(([t, encs]) => [t, Object.fromEntries([...encs].map(([e, s]) => [e, scaled(s)]))]),
    ),
    ttl: Object.fromEntries(Object.entries(tally.ttl).map(([b, s]) => [b, scaled(s)])) as Record<TtlBucket, Sum>,
    prefixes: { separator: tally.separator, depth1: rows(tally.depth1), depth2: rows(tally.depth2) },
    biggest: {
      byMemory: tally.byMemory.items.map(keyRow),
      byElements: Object.fromEntries([...tally.byElements].map(([t, top]) => [t, top.items.map(keyRow)])),
    },
  };
}
