// A Bloom filter: RedisBloom's BF.* when the server has it, else a bitmap with k bit positions per item (BITFIELD).
import { createHash } from 'node:crypto';
import { slotTagged, type RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { resolveModuleBackend, type BackendOption, type ResolvedBackend } from './modules.js';
import { execAll } from './transaction.js';

/** How big the filter is, how wrong it may be, and which backend runs it. */
export interface BloomFilterOptions extends BackendOption {
  /** How many distinct items the filter is sized for; past it the false-positive rate climbs above `errorRate`. */
  capacity: number;
  /** The false-positive rate wanted at `capacity` items, between 0 and 1 (0.01 = 1%). */
  errorRate: number;
}

/** A filter that answers "definitely not seen" or "probably seen": never a false negative, false positives near `errorRate`. */
export interface BloomFilter {
  /** The key of the filter (a RedisBloom filter, or the core bitmap). */
  readonly key: string;
  /** The core backend's parameters hash (`<key>:meta`); undefined on the module backend. */
  readonly metaKey: string | undefined;
  readonly backend: ResolvedBackend;
  readonly capacity: number;
  readonly errorRate: number;
  /** Core backend: m, the bits in the bitmap, and k, the bit positions per item. 0 on the module backend (it sizes itself). */
  readonly bits: number;
  readonly hashes: number;
  /** Adds items in one round trip; true for an item that was surely new (some of its bits were still 0). */
  add(items: readonly string[]): Promise<boolean[]>;
  /** Checks items in one round trip; false means the item was never added, true means it probably was. */
  mightContain(items: readonly string[]): Promise<boolean[]>;
  /** Deletes the filter (and its parameters). */
  clear(): Promise<void>;
}

/** Redis strings hold at most 512 MB: 2^32 bits. */
const MAX_BITS = 2 ** 32;

/**
 * The optimal size for `capacity` items at false-positive rate `errorRate`: m = -n ln p / (ln 2)^2 bits and
 * k = (m / n) ln 2 hash positions (1% → about 9.6 bits and 7 positions per item).
 */
export function bloomSize(capacity: number, errorRate: number): { bits: number; hashes: number } {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number above 0, got ${capacity}`);
  if (!(errorRate > 0 && errorRate < 1)) throw new RangeError(`errorRate must be between 0 and 1, got ${errorRate}`);
  const bits = Math.ceil((-capacity * Math.log(errorRate)) / Math.LN2 ** 2);
  if (bits > MAX_BITS)
    throw new RangeError(`${bits} bits do not fit in one Redis string (at most 2^32): lower capacity or raise errorRate`);
  return { bits, hashes: Math.max(1, Math.round((bits / capacity) * Math.LN2)) };
}

/**
 * The k bit positions of an item, by double hashing: two 64-bit halves h1, h2 of one SHA-256 give h1 + i*h2 mod m.
 * Kirsch and Mitzenmacher showed this keeps the false-positive rate of k independent hashes, for one digest per item.
 */
export function bloomPositions(item: string, bits: number, hashes: number): number[] {
  const digest = createHash('sha256').update(item).digest();
  const m = BigInt(bits);
  const h1 = digest.readBigUInt64BE(0) % m;
  let h2 = digest.readBigUInt64BE(8) % m;
  if (h2 === 0n) h2 = 1n; // a step of 0 would put all k positions on one bit
  const positions: number[] = [];
  for (let i = 0n; i < BigInt(hashes); i++) positions.push(Number((h1 + i * h2) % m));
  return positions;
}

/**
 * KEYS[1] the parameters hash; ARGV m, k, capacity, errorRate. Creates it only if it is missing, in one step, and
 * returns what is stored: two processes sizing the same filter differently both use the first one's bit layout
 * (mixing layouts would make false negatives).
 */
const INIT_META = defineScript<string[]>(
  'bloom_init_meta',
  1,
  `if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'bits', ARGV[1], 'hashes', ARGV[2], 'capacity', ARGV[3], 'errorRate', ARGV[4])
end
return redis.call('HMGET', KEYS[1], 'bits', 'hashes', 'capacity', 'errorRate')`,
);

/** BITFIELD operations per command: long enough to cut round trips, short enough not to stall other clients. */
const OPS_PER_COMMAND = 4096;
/** Items per BF.MADD / BF.MEXISTS on the module backend. */
const ITEMS_PER_COMMAND = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Opens (creating on first use) the Bloom filter at `key`. On the module backend it is a RedisBloom filter
 * (BF.RESERVE, scaling past capacity). On core it is a bitmap at `key` plus its parameters in `<key>:meta`; it does
 * not scale: past `capacity` it keeps working with a rising false-positive rate. An existing filter keeps the
 * parameters it was created with.
 */
export async function createBloomFilter(redis: RedisClient, key: string, opts: BloomFilterOptions): Promise<BloomFilter> {
  const size = bloomSize(opts.capacity, opts.errorRate);
  const backend = await resolveModuleBackend(redis, 'bloom', opts.backend);
  const base = slotTagged(redis, key);
  return backend === 'module' ? moduleFilter(redis, base, opts) : coreFilter(redis, base, opts, size);
}

async function moduleFilter(redis: RedisClient, base: string, opts: BloomFilterOptions): Promise<BloomFilter> {
  try {
    await redis.call('BF.RESERVE', base, String(opts.errorRate), String(opts.capacity));
  } catch (err) {
    // An existing filter keeps its parameters, as on core.
    if (!/item exists/i.test((err as Error).message)) throw err;
  }
  const many = async (command: 'BF.MADD' | 'BF.MEXISTS', items: readonly string[]) => {
    if (!items.length) return [];
    const p = redis.pipeline();
    for (const chunk of chunks(items, ITEMS_PER_COMMAND)) p.call(command, base, ...chunk);
    return (await execAll(p)).flatMap((reply) => (reply as number[]).map((n) => Number(n) === 1));
  };
  return {
    key: base,
    metaKey: undefined,
    backend: 'module',
    capacity: opts.capacity,
    errorRate: opts.errorRate,
    bits: 0,
    hashes: 0,
    add: (items) => many('BF.MADD', items),
    mightContain: (items) => many('BF.MEXISTS', items),
    async clear() {
      await redis.del(base);
    },
  };
}

async function coreFilter(
  redis: RedisClient,
  base: string,
  opts: BloomFilterOptions,
  size: { bits: number; hashes: number },
): Promise<BloomFilter> {
  const metaKey = `${base}:meta`;
  const stored = await INIT_META.run(redis, [metaKey], [size.bits, size.hashes, opts.capacity, opts.errorRate]);
  const [bits, hashes, capacity, errorRate] = stored.map(Number) as [number, number, number, number];

  // One BITFIELD per chunk, all chunks in one pipeline: one round trip per batch. Each BITFIELD is atomic, and
  // setting a bit is idempotent, so concurrent adds never lose a bit whatever the interleaving.
  const run = async (command: 'BITFIELD' | 'BITFIELD_RO', op: 'SET' | 'GET', items: readonly string[]) => {
    if (!items.length) return [];
    const perItem = items.map((item) => bloomPositions(item, bits, hashes));
    const p = redis.pipeline();
    for (const chunk of chunks(perItem, Math.max(1, Math.floor(OPS_PER_COMMAND / hashes)))) {
      const args: (string | number)[] = [];
      for (const positions of chunk) for (const pos of positions) args.push(op, 'u1', pos, ...(op === 'SET' ? [1] : []));
      p.call(command, base, ...args);
    }
    const flat = (await execAll(p)).flatMap((reply) => reply as number[]);
    // SET replies with each bit's old value, GET with its value: per item, k of them in a row.
    return perItem.map((_, i) => flat.slice(i * hashes, (i + 1) * hashes));
  };
  return {
    key: base,
    metaKey,
    backend: 'core',
    capacity,
    errorRate,
    bits,
    hashes,
    async add(items) {
      return (await run('BITFIELD', 'SET', items)).map((old) => old.some((b) => Number(b) === 0));
    },
    async mightContain(items) {
      return (await run('BITFIELD_RO', 'GET', items)).map((vals) => vals.every((b) => Number(b) === 1));
    },
    async clear() {
      await redis.del(base, metaKey);
    },
  };
}

/**
 * The share of `neverInserted` items the filter claims to contain: its measured false-positive rate. The caller
 * guarantees none of them was added (every "yes" is then false).
 */
export async function measureFalsePositiveRate(filter: BloomFilter, neverInserted: readonly string[]): Promise<number> {
  if (!neverInserted.length) throw new RangeError('measureFalsePositiveRate needs at least one item that was never added');
  const answers = await filter.mightContain(neverInserted);
  return answers.filter(Boolean).length / neverInserted.length;
}
