// A time series: RedisTimeSeries (TS.ADD / TS.RANGE) when the server has it, else a sorted set (score = timestamp,
// member "timestamp:value") trimmed by retention, with optional pre-aggregated buckets in hashes.
import { slotTagged, type RedisClient } from './client.js';
import { defineScript, type Script } from './lua.js';
import { resolveModuleBackend, type BackendOption, type ResolvedBackend } from './modules.js';
import { unlinkMatching } from './scan.js';
import { execAll } from './transaction.js';

/** How the samples of one bucket become one value (the names TS.RANGE … AGGREGATION uses). */
export type TimeSeriesAggregator = 'avg' | 'sum' | 'min' | 'max' | 'count';

/** Retention, rollups and backend of a series. */
export interface TimeSeriesOptions extends BackendOption {
  /** Samples older than the newest sample minus this are dropped, and adding one is refused (as RedisTimeSeries does). 0 (default) keeps everything. */
  retentionMs?: number;
  /** Core backend: bucket sizes (ms) pre-aggregated on every add into `<key>:agg:<bucketMs>:<bucketStart>` hashes, read by `rollups`. */
  rollupBucketsMs?: readonly number[];
  /** How long a rollup hash lives after its last write (default: retentionMs + bucketMs, or 7 days without retention). */
  rollupTtlMs?: number;
}

/** One sample, or one aggregate of a bucket. */
export interface TimeSeriesSample {
  /** Milliseconds; for an aggregate, the start of its bucket. */
  timestamp: number;
  value: number;
}

/** One pre-aggregated bucket: everything `downsample` can compute from it. */
export interface TimeSeriesRollup {
  /** The bucket's start (a multiple of bucketMs). */
  bucket: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** One series of (timestamp, number) samples; one sample per timestamp (a second add for a timestamp replaces it). */
export interface TimeSeries {
  readonly key: string;
  readonly backend: ResolvedBackend;
  readonly retentionMs: number;
  /** Adds a sample (replacing any at the same timestamp); throws when it is older than the retention window. */
  add(timestamp: number, value: number): Promise<void>;
  /** The samples with from <= timestamp <= to, oldest first. */
  range(from: number, to: number): Promise<TimeSeriesSample[]>;
  /**
   * The samples in [from, to] grouped in buckets of `bucketMs` aligned to the epoch (a bucket starts at a multiple of
   * bucketMs, as TS.RANGE … AGGREGATION does), one aggregate per non-empty bucket, oldest first, from the raw samples.
   */
  downsample(from: number, to: number, bucketMs: number, aggregator: TimeSeriesAggregator): Promise<TimeSeriesSample[]>;
  /**
   * The whole buckets of `bucketMs` whose start lies in [timeBucketStart(from), to]. Core: read from the pre-aggregated
   * hashes (bucketMs must be one of rollupBucketsMs), which outlive the raw samples until their TTL. Module: computed
   * by TS.RANGE.
   */
  rollups(from: number, to: number, bucketMs: number): Promise<TimeSeriesRollup[]>;
  /** Deletes the series and its rollups. */
  clear(): Promise<void>;
}

const DAY_MS = 86_400_000;

function checkTimestamp(name: string, ts: number): number {
  if (!Number.isSafeInteger(ts) || ts < 0) throw new RangeError(`${name} must be a whole number of milliseconds >= 0, got ${ts}`);
  return ts;
}

function checkBucket(bucketMs: number): number {
  if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0)
    throw new RangeError(`bucketMs must be a whole number of milliseconds above 0, got ${bucketMs}`);
  return bucketMs;
}

/** The start of the epoch-aligned bucket that holds `ts`. */
export function timeBucketStart(ts: number, bucketMs: number): number {
  return Math.floor(ts / bucketMs) * bucketMs;
}

/** Aggregates samples (oldest first) into epoch-aligned buckets: the reference the core backend and tests use. */
export function aggregateTimeSeries(
  samples: readonly TimeSeriesSample[],
  bucketMs: number,
  aggregator: TimeSeriesAggregator,
): TimeSeriesSample[] {
  checkBucket(bucketMs);
  const out: TimeSeriesSample[] = [];
  let current: { bucket: number; sum: number; count: number; min: number; max: number } | undefined;
  const flush = () => {
    if (!current) return;
    const { bucket, sum, count, min, max } = current;
    const value = { avg: sum / count, sum, min, max, count }[aggregator];
    out.push({ timestamp: bucket, value });
  };
  for (const { timestamp, value } of samples) {
    const bucket = timeBucketStart(timestamp, bucketMs);
    if (current?.bucket !== bucket) {
      flush();
      current = { bucket, sum: 0, count: 0, min: Infinity, max: -Infinity };
    }
    current.sum += value;
    current.count++;
    current.min = Math.min(current.min, value);
    current.max = Math.max(current.max, value);
  }
  flush();
  return out;
}

/**
 * KEYS[1] the samples sorted set, KEYS[2..] one rollup hash per bucket size; ARGV timestamp, value, retentionMs, then
 * per rollup: bucketMs, bucketStart, ttlMs. All in one script: the retention check, the replacement of a sample at the
 * same timestamp, the add, the retention trim (ZREMRANGEBYSCORE) and the rollups happen together, so concurrent adds
 * never leave a rollup that disagrees with the samples, and a rollup hash never exists without its TTL.
 */
const ADD_LUA = `local ts = tonumber(ARGV[1])
local retention = tonumber(ARGV[3])
local function newest()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  return last[2] and tonumber(last[2]) or nil
end
if retention > 0 then
  local top = newest()
  if top and ts < top - retention then
    return redis.error_reply('ERR timestamp ' .. ARGV[1] .. ' is older than the retention window (newest sample ' .. string.format('%d', top) .. ', retention ' .. ARGV[3] .. ' ms)')
  end
end
local replaced = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
for _, m in ipairs(replaced) do redis.call('ZREM', KEYS[1], m) end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1] .. ':' .. ARGV[2])
if retention > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', newest() - retention))
end
local v = tonumber(ARGV[2])
for i = 2, #KEYS do
  local j = 4 + (i - 2) * 3
  local size, start, ttl = tonumber(ARGV[j]), tonumber(ARGV[j + 1]), ARGV[j + 2]
  if #replaced > 0 then
    -- A replaced sample cannot be taken out of min / max: rebuild this bucket from the samples it still has.
    redis.call('DEL', KEYS[i])
    local members = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('%d', start), string.format('%d', start + size - 1))
    local sum, count, mn, mx, mns, mxs = 0, 0, nil, nil, nil, nil
    for _, m in ipairs(members) do
      local s = string.match(m, '^[^:]*:(.*)$')
      local n = tonumber(s)
      sum = sum + n
      count = count + 1
      if not mn or n < mn then mn, mns = n, s end
      if not mx or n > mx then mx, mxs = n, s end
    end
    if count > 0 then
      redis.call('HSET', KEYS[i], 'sum', string.format('%.17g', sum), 'count', count, 'min', mns, 'max', mxs)
    end
  else
    redis.call('HINCRBYFLOAT', KEYS[i], 'sum', ARGV[2])
    redis.call('HINCRBY', KEYS[i], 'count', 1)
    local mn = redis.call('HGET', KEYS[i], 'min')
    if not mn or v < tonumber(mn) then redis.call('HSET', KEYS[i], 'min', ARGV[2]) end
    local mx = redis.call('HGET', KEYS[i], 'max')
    if not mx or v > tonumber(mx) then redis.call('HSET', KEYS[i], 'max', ARGV[2]) end
  end
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return #replaced`;

// The number of keys is fixed per script, so there is one script per number of rollup sizes (same Lua text).
const addScripts = new Map<number, Script<number>>();
function addScript(rollups: number) {
  let script = addScripts.get(rollups);
  if (!script) {
    script = defineScript<number>(`ts_add_${rollups}`, 1 + rollups, ADD_LUA);
    addScripts.set(rollups, script);
  }
  return script;
}

/** TS.RANGE on a series that was never written is an error on the module; core answers []: so does this. */
async function tsRange(redis: RedisClient, args: (string | number)[]): Promise<TimeSeriesSample[]> {
  try {
    return parseSamples(await redis.call('TS.RANGE', ...args));
  } catch (err) {
    if (/does not exist/i.test((err as Error).message)) return [];
    throw err;
  }
}

function parseSamples(reply: unknown): TimeSeriesSample[] {
  return (reply as [number | string, string][]).map(([ts, v]) => ({ timestamp: Number(ts), value: Number(v) }));
}

/**
 * Opens the series at `key`. Module backend: a RedisTimeSeries key (created by the first TS.ADD with RETENTION; every
 * add says ON_DUPLICATE LAST; aggregations ALIGN 0, to the epoch, like core). Core: a sorted set at `key`, rollups in
 * `<key>:agg:<bucketMs>:<bucketStart>` hashes.
 */
export async function createTimeSeries(redis: RedisClient, key: string, opts: TimeSeriesOptions = {}): Promise<TimeSeries> {
  const retentionMs = opts.retentionMs ?? 0;
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 0) {
    throw new RangeError(`retentionMs must be a whole number >= 0, got ${retentionMs}`);
  }
  const sizes = [...new Set(opts.rollupBucketsMs ?? [])].map(checkBucket);
  if (opts.rollupTtlMs !== undefined && !(Number.isSafeInteger(opts.rollupTtlMs) && opts.rollupTtlMs > 0)) {
    throw new RangeError(`rollupTtlMs must be a whole number of milliseconds above 0, got ${opts.rollupTtlMs}`);
  }
  const backend = await resolveModuleBackend(redis, 'timeseries', opts.backend);
  const base = slotTagged(redis, key);
  const checkRange = (from: number, to: number) => {
    checkTimestamp('from', from);
    checkTimestamp('to', to);
  };
  const checkValue = (value: number) => {
    if (!Number.isFinite(value)) throw new RangeError(`a sample value must be a finite number, got ${value}`);
    return String(value);
  };
  return backend === 'module'
    ? moduleSeries(redis, base, retentionMs, checkRange, checkValue)
    : coreSeries(redis, base, retentionMs, sizes, opts.rollupTtlMs, checkRange, checkValue);
}

function moduleSeries(
  redis: RedisClient,
  base: string,
  retentionMs: number,
  checkRange: (from: number, to: number) => void,
  checkValue: (v: number) => string,
): TimeSeries {
  const aggregate = async (from: number, to: number, bucketMs: number, aggregator: TimeSeriesAggregator) =>
    tsRange(redis, [base, from, to, 'ALIGN', 0, 'AGGREGATION', aggregator, checkBucket(bucketMs)]);
  return {
    key: base,
    backend: 'module',
    retentionMs,
    async add(timestamp, value) {
      checkTimestamp('timestamp', timestamp);
      // RETENTION takes effect when this add creates the series. ON_DUPLICATE LAST replaces a sample at the same
      // timestamp, as core does (the module's default policy may refuse it instead).
      await redis.call('TS.ADD', base, timestamp, checkValue(value), 'RETENTION', retentionMs, 'ON_DUPLICATE', 'LAST');
    },
    async range(from, to) {
      checkRange(from, to);
      return tsRange(redis, [base, from, to]);
    },
    async downsample(from, to, bucketMs, aggregator) {
      checkRange(from, to);
      return aggregate(from, to, bucketMs, aggregator);
    },
    async rollups(from, to, bucketMs) {
      checkRange(from, to);
      const start = timeBucketStart(from, checkBucket(bucketMs));
      const end = timeBucketStart(to, bucketMs) + bucketMs - 1;
      const [sum, count, min, max] = await Promise.all(
        (['sum', 'count', 'min', 'max'] as const).map((a) => aggregate(start, end, bucketMs, a)),
      );
      return sum!.map((s, i) => ({ bucket: s.timestamp, sum: s.value, count: count![i]!.value, min: min![i]!.value, max: max![i]!.value }));
    },
    async clear() {
      await redis.del(base);
    },
  };
}

function coreSeries(
  redis: RedisClient,
  base: string,
  retentionMs: number,
  sizes: number[],
  rollupTtlMs: number | undefined,
  checkRange: (from: number, to: number) => void,
  checkValue: (v: number) => string,
): TimeSeries {
  const rollupKey = (size: number, start: number) => `${base}:agg:${size}:${start}`;
  const ttlFor = (size: number) => rollupTtlMs ?? (retentionMs > 0 ? retentionMs + size : 7 * DAY_MS);
  const script = addScript(sizes.length);
  const range = async (from: number, to: number) => {
    checkRange(from, to);
    const members = await redis.zrangebyscore(base, from, to);
    return members.map((m) => {
      const colon = m.indexOf(':');
      return { timestamp: Number(m.slice(0, colon)), value: Number(m.slice(colon + 1)) };
    });
  };
  return {
    key: base,
    backend: 'core',
    retentionMs,
    async add(timestamp, value) {
      checkTimestamp('timestamp', timestamp);
      const v = checkValue(value);
      const keys = [base, ...sizes.map((s) => rollupKey(s, timeBucketStart(timestamp, s)))];
      const args = [timestamp, v, retentionMs, ...sizes.flatMap((s) => [s, timeBucketStart(timestamp, s), ttlFor(s)])];
      await script.run(redis, keys, args);
    },
    range,
    async downsample(from, to, bucketMs, aggregator) {
      checkBucket(bucketMs);
      return aggregateTimeSeries(await range(from, to), bucketMs, aggregator);
    },
    async rollups(from, to, bucketMs) {
      checkRange(from, to);
      if (!sizes.includes(bucketMs))
        throw new RangeError(`no rollups of ${bucketMs} ms are kept: rollupBucketsMs is [${sizes.join(', ')}]`);
      const starts: number[] = [];
      for (let s = timeBucketStart(from, bucketMs); s <= to; s += bucketMs) starts.push(s);
      if (starts.length > 100_000) throw new RangeError(`${starts.length} buckets: ask for a shorter range or bigger buckets`);
      if (!starts.length) return [];
      const p = redis.pipeline();
      for (const s of starts) p.hgetall(rollupKey(bucketMs, s));
      const replies = (await execAll(p)) as Record<string, string>[];
      return starts.flatMap((bucket, i) => {
        const h = replies[i]!;
        if (!h.count) return [];
        return [{ bucket, sum: Number(h.sum), count: Number(h.count), min: Number(h.min), max: Number(h.max) }];
      });
    },
    async clear() {
      await redis.del(base);
      await unlinkMatching(redis, `${base.replace(/[*?[\]\\]/g, '\\$&')}:agg:*`);
    },
  };
}
