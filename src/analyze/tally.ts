// The running sums of an analysis: totals, types and encodings, TTL buckets, prefixes, and the biggest keys.
import { TTL_BUCKETS, prefixesOf, ttlBucket, type KeyFacts, type ResolvedLimit, type TtlBucket } from './facts.js';

export interface Sum {
  keys: number;
  memory: number;
}

export interface TypeSum extends Sum {
  elements: number;
}

export interface PrefixSum extends Sum {
  /** Keys per type under this prefix. */
  types: Record<string, number>;
}

const sum = (): Sum => ({ keys: 0, memory: 0 });

/** Keeps the `n` largest items by `score`, largest first (n is small: a sorted insert is enough). */
export class Top<T> {
  readonly items: T[] = [];
  constructor(
    private readonly n: number,
    private readonly score: (x: T) => number,
  ) {}

  add(x: T): void {
    const s = this.score(x);
    if (this.items.length === this.n && s <= this.score(this.items.at(-1)!)) return;
    let i = this.items.findIndex((y) => this.score(y) < s);
    if (i < 0) i = this.items.length;
    this.items.splice(i, 0, x);
    if (this.items.length > this.n) this.items.pop();
  }
}

/** A key is big past these: DEL of it blocks the server, a read of all of it moves it all. */
export const BIG_ELEMENTS = 10_000;
export const BIG_STRING_BYTES = 1024 * 1024;
export const BIG_BYTES = 10 * 1024 * 1024;

export function isBig(f: KeyFacts): boolean {
  if ((f.memory ?? 0) >= BIG_BYTES) return true;
  if (f.type === 'string') return (f.elements ?? 0) >= BIG_STRING_BYTES;
  return (f.elements ?? 0) >= BIG_ELEMENTS;
}

/** Keys of a type kept in its big encoding although they fit the compact one's entries limit, or just over it. */
export interface EncodingMiss {
  /** In the big encoding with no more elements than the entries limit: a long value converted them. */
  underLimit: Sum;
  /** In the big encoding with up to twice the entries limit. */
  justOver: Sum;
  examples: string[];
}

export class Tally {
  readonly total = sum();
  /** Keys MEMORY USAGE would not size (counted, not summed). */
  unsized = 0;
  readonly types = new Map<string, TypeSum>();
  readonly encodings = new Map<string, Map<string, Sum>>();
  readonly ttl = Object.fromEntries(TTL_BUCKETS.map((b) => [b, sum()])) as Record<TtlBucket, Sum>;
  /** Depth-1 prefixes; null is the keys without the separator. */
  readonly depth1 = new Map<string | null, PrefixSum>();
  readonly depth2 = new Map<string, PrefixSum>();
  readonly byMemory: Top<KeyFacts>;
  readonly byElements = new Map<string, Top<KeyFacts>>();
  /** Every big key (isBig) is counted; the biggest are kept by elements, then memory. */
  bigCount = 0;
  readonly big: Top<KeyFacts>;
  readonly misses = new Map<string, EncodingMiss>();

  constructor(
    readonly separator: string,
    readonly top: number,
    /** Per type with a compact encoding: its names, its big encoding and its entries limit on this server. */
    private readonly limits: readonly ResolvedLimit[],
  ) {
    this.byMemory = new Top(top, (f) => f.memory ?? -1);
    this.big = new Top(50, (f) => (f.memory ?? 0) + (f.elements ?? 0) * 1e-9);
  }

  add(f: KeyFacts): void {
    const mem = f.memory ?? 0;
    if (f.memory === null) this.unsized++;
    const bump = (s: Sum) => {
      s.keys++;
      s.memory += mem;
    };
    bump(this.total);
    const t = this.types.get(f.type) ?? { keys: 0, memory: 0, elements: 0 };
    bump(t);
    t.elements += f.elements ?? 0;
    this.types.set(f.type, t);

    const encs = this.encodings.get(f.type) ?? new Map<string, Sum>();
    const enc = encs.get(f.encoding ?? '?') ?? sum();
    bump(enc);
    encs.set(f.encoding ?? '?', enc);
    this.encodings.set(f.type, encs);

    bump(this.ttl[ttlBucket(f.ttlMs)]);

    const { depth1, depth2 } = prefixesOf(f.key, this.separator);
    const bumpPrefix = <K>(map: Map<K, PrefixSum>, k: K) => {
      const p = map.get(k) ?? { keys: 0, memory: 0, types: {} };
      bump(p);
      p.types[f.type] = (p.types[f.type] ?? 0) + 1;
      map.set(k, p);
    };
    bumpPrefix(this.depth1, depth1);
    if (depth2 !== null) bumpPrefix(this.depth2, depth2);

    this.byMemory.add(f);
    if (f.elements !== null) {
      const top = this.byElements.get(f.type) ?? new Top<KeyFacts>(this.top, (x) => x.elements ?? -1);
      top.add(f);
      this.byElements.set(f.type, top);
    }
    if (isBig(f)) {
      this.bigCount++;
      this.big.add(f);
    }

    const limit = this.limits.find((l) => l.type === f.type);
    if (limit && f.encoding === limit.big && f.elements !== null) {
      const miss = this.misses.get(f.type) ?? { underLimit: sum(), justOver: sum(), examples: [] };
      if (f.elements <= limit.entries) bump(miss.underLimit);
      else if (f.elements <= 2 * limit.entries) bump(miss.justOver);
      else return;
      if (miss.examples.length < 3) miss.examples.push(f.key);
      this.misses.set(f.type, miss);
    }
  }
}
