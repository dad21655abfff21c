// What every section of the probabilistic lesson shares: sizes the prose quotes (through the lesson's vars), the
// data the exercises start from, and small helpers for measurements and module detection.
import type { LessonContext } from '../../engine/types.js';
import { bloomPositions, bloomSize, detectModules, type ModuleName, type ModuleSupport } from '../../patterns/index.js';

/** 0.0123 → "1.23 %". */
export function pct(x: number, digits = 2): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** MEMORY USAGE with SAMPLES 0: every element counted, not a sample. Unrecorded. */
export async function memoryUsage(ctx: LessonContext, key: string): Promise<number> {
  return Number(await ctx.unrecorded.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

/** Which modules the server has, asked on the unrecorded connection (the `modules` step shows the command once). */
export function modulesOf(ctx: LessonContext): Promise<ModuleSupport> {
  return detectModules(ctx.unrecorded);
}

/** The module's name as a learner knows it, and what Redis 8 calls it. */
export const MODULE_LABELS: Readonly<Record<ModuleName, string>> = {
  json: 'JSON (RedisJSON)',
  search: 'Query Engine (RediSearch)',
  bloom: 'Bloom (RedisBloom)',
  timeseries: 'Time series (RedisTimeSeries)',
};

/** The line a section prints when the server lacks its module: which backend ran, and what the module would send. */
export function coreOnly(ctx: LessonContext, module: ModuleName, commands: string): void {
  ctx.say(
    `this server has no ${MODULE_LABELS[module]} module, so only the core version ran; on Redis 8 the module version (${commands}) runs next to it here`,
  );
}

// ── HyperLogLog ─────────────────────────────────────────────────────────────────────────────────────────────────
/** The sizes the HyperLogLog step measures (ids added to both a HyperLogLog and an exact set). */
export const HLL_SIZES = [1_000, 10_000, 100_000] as const;

/** Two days of visitors for the week exercise: day 1 user-1..6, day 2 user-4..8 (user-4..6 came both days). */
export const VISITORS_DAY1 = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'];
export const VISITORS_DAY2 = ['user-4', 'user-5', 'user-6', 'user-7', 'user-8'];

// ── Bloom filter ────────────────────────────────────────────────────────────────────────────────────────────────
/** The filter the bloom-filter step fills to 1× and 2× its capacity. */
export const BLOOM_CAPACITY = 1000;
export const BLOOM_ERROR = 0.01;
/** Items never added, asked for to measure the false-positive rate. */
export const BLOOM_PROBES = 10_000;

/** The small filter of the exercise: taken usernames, sized for 100 at 1 %. */
export const USERNAME_FILTER = { capacity: 100, errorRate: 0.01 };
export const USERNAME_SIZE = bloomSize(USERNAME_FILTER.capacity, USERNAME_FILTER.errorRate);
export const TAKEN_USERNAMES = Array.from({ length: 40 }, (_, i) => `user-${i + 1}`);
/** The username the learner adds, and its bit positions (what bloomPositions computes). */
export const NEW_USERNAME = 'grace';
export const NEW_USERNAME_BITS = bloomPositions(NEW_USERNAME, USERNAME_SIZE.bits, USERNAME_SIZE.hashes);
/** A name never added, whose bits the learner may read to see a 0. */
export const ABSENT_USERNAME = 'heidi';
export const ABSENT_USERNAME_BITS = bloomPositions(ABSENT_USERNAME, USERNAME_SIZE.bits, USERNAME_SIZE.hashes);

/** The bit positions every taken username sets: the exercise's starting bitmap. */
export function takenBits(): Set<number> {
  const bits = new Set<number>();
  for (const name of TAKEN_USERNAMES) for (const p of bloomPositions(name, USERNAME_SIZE.bits, USERNAME_SIZE.hashes)) bits.add(p);
  return bits;
}

// ── Geo ─────────────────────────────────────────────────────────────────────────────────────────────────────────
/** [member, longitude, latitude]: places in Amsterdam and around it. */
export const AMSTERDAM: readonly [string, number, number][] = [
  ['centraal-station', 4.9003, 52.3791],
  ['dam-square', 4.8932, 52.3731],
  ['anne-frank-house', 4.884, 52.3752],
  ['rijksmuseum', 4.8852, 52.36],
  ['vondelpark', 4.8679, 52.3579],
  ['artis-zoo', 4.9166, 52.366],
  ['nemo', 4.9123, 52.3741],
  ['zaandam', 4.8286, 52.4385],
  ['schiphol', 4.7639, 52.3105],
];

/** The bike docks of the geo exercise, before the two new ones. */
export const DOCKS: readonly [string, number, number][] = [
  ['centraal-station', 4.9003, 52.3791],
  ['dam-square', 4.8932, 52.3731],
  ['rijksmuseum', 4.8852, 52.36],
  ['artis-zoo', 4.9166, 52.366],
  ['zaandam', 4.8286, 52.4385],
  ['schiphol', 4.7639, 52.3105],
];
/** The docks the learner adds: one within 5 km of Centraal Station, one beyond. */
export const NEW_DOCKS: readonly [string, number, number][] = [
  ['museumplein', 4.8815, 52.3573],
  ['ijburg', 4.9976, 52.3546],
];
export const DOCK_CENTRE = { longitude: 4.9003, latitude: 52.3791 };
export const DOCK_RADIUS_KM = 5;

// ── Time series ─────────────────────────────────────────────────────────────────────────────────────────────────
/** 2024-06-01 00:00:00 UTC in milliseconds: where the lesson's series start. */
export const T0 = Date.UTC(2024, 5, 1);
export const MINUTE = 60_000;
/** The CPU series of the retention exercise: one sample a minute, 00:00 to 00:09. */
export const CPU_SAMPLES: readonly number[] = [21, 23, 22, 25, 31, 28, 26, 24, 23, 22];
/** The sample the learner adds (00:12) and the retention the learner applies. */
export const CPU_NEW = { timestamp: T0 + 12 * MINUTE, value: 37 };
export const CPU_RETENTION_MS = 10 * MINUTE;
export const CPU_CUTOFF = CPU_NEW.timestamp - CPU_RETENTION_MS;

/** "00:12" for a timestamp of the lesson's day. */
export function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 16);
}

// ── JSON ────────────────────────────────────────────────────────────────────────────────────────────────────────
export const JSON_RACE_CLIENTS = 20;
export const JSON_RACE_INCREMENTS = 10;
/** The document both race variants start from. */
export const RACE_DOC = { name: 'Ada', address: { city: 'Paris', zip: '75001' }, stats: { logins: 0 } };

/** The document hash of the JSON exercise: a hash of dot paths, each leaf JSON-encoded ('' marks the root). */
export const USER7_HASH: Readonly<Record<string, string>> = {
  '': '{}',
  name: '"Lin"',
  'address.city': '"Paris"',
  'address.zip': '"75001"',
  'stats.logins': '41',
  tags: '["admin","beta"]',
};

// ── Search ──────────────────────────────────────────────────────────────────────────────────────────────────────
/** The shop index of the search exercise: id → title (already indexed). */
export const SHOP_DOCS: readonly [string, string][] = [
  ['sku-1', 'Red wool socks'],
  ['sku-2', 'Blue wool scarf'],
  ['sku-3', 'Red cotton scarf'],
  ['sku-4', 'Red wool hat'],
];
/** The document the learner indexes, and the words it goes under (lower-cased, stop words "for" and "the" dropped). */
export const NEW_DOC = { id: 'sku-5', title: 'Red wool gloves for the winter', terms: ['red', 'wool', 'gloves', 'winter'] };

// ── Graph ───────────────────────────────────────────────────────────────────────────────────────────────────────
/** Who follows whom in the graph exercises: user → the accounts they follow. */
export const SOCIAL: Readonly<Record<string, readonly string[]>> = {
  alice: ['bob', 'carol', 'dave', 'erin'],
  bob: ['alice', 'carol', 'erin', 'frank'],
  carol: ['alice', 'erin', 'grace'],
  dave: ['bob', 'erin', 'heidi'],
  erin: ['carol', 'frank'],
};
