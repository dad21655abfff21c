// What the bulk lesson's sections share: how many records a run loads, the names it writes, the measurements one
// step hands to a later one, and the number formats its narration uses.
import { formatBytes } from '../../engine/kit.js';
import type { LessonContext } from '../../engine/types.js';
import type { LoadStats } from './lib/loaders.js';
import { settledMemoryInfo, type Layout } from './lib/memory-layout.js';
import type { User } from './lib/users.js';

export const DEFAULT_RECORDS = 10_000;
/** Below this, some exercise (Berlin ∩ Engineering, page 2 of the 40–49s) could come out empty. */
export const MIN_RECORDS = 200;
/** Above this the lesson becomes a benchmark: that is what `redis-learn bench` is for. */
export const MAX_RECORDS = 100_000;
/** The one-by-one loader gets at most this many users: enough to measure, not enough to bore. */
export const ONE_BY_ONE_CAP = 1_000;
export const BATCH = 500;
/** Users copied into each memory layout. */
export const LAYOUT_SAMPLE = 1_000;
/** A value size that keeps a bucket of JSON documents in listpack encoding on a private server. */
export const RAISED_LISTPACK_VALUE = 1024;

/** The leaver of the last exercise: id 0 is never generated (ids start at 1). */
export const LEAVER: User = {
  id: 0,
  name: 'Noor Haddad',
  email: 'noor.haddad@example.com',
  city: 'Oslo',
  department: 'Legal',
  title: 'Senior Counsel',
  salary: 98_000,
  age: 41,
  joined: '2019-04-01',
};

/** Result keys the exercises and query steps write (without the namespace). */
export const RESULT_KEYS = ['q:top3', 'q:berlin-eng', 'q:berlin-pay', 'q:age40s-p2', 'q:sales-pay', 'q:age-25-29'];
export const DEMO_KEY = 'demo:listpack';

export function recordsFor(ctx: Pick<LessonContext, 'options'>): number {
  const n = Math.floor(Number(ctx.options.records ?? DEFAULT_RECORDS));
  if (!Number.isFinite(n)) return DEFAULT_RECORDS;
  return Math.min(MAX_RECORDS, Math.max(MIN_RECORDS, n));
}

export function oneByOneCount(records: number): number {
  return Math.min(ONE_BY_ONE_CAP, Math.max(1, Math.floor(records / 10)));
}

/** What one run measured, carried from step to step (a --step replay measures it again). */
export interface RunState {
  records: number;
  before?: number;
  oneByOne?: LoadStats;
  generationMs?: number;
  layoutBytes?: Partial<Record<Layout | 'bucket-listpack', number>>;
}
// Not race state: the loading steps measure memory and rates that later steps compare against (pipelined vs one by
// one, listpack buckets vs the layouts), so one run's numbers live here, keyed by its sandbox, across its steps.
const runs = new WeakMap<LessonContext['sb'], RunState>();

export function runState(ctx: LessonContext): RunState {
  let s = runs.get(ctx.sb);
  if (!s || s.records !== recordsFor(ctx)) {
    s = { records: recordsFor(ctx) };
    runs.set(ctx.sb, s);
  }
  return s;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (n >= 100 ? `${fmt(n)} ms` : `${n.toFixed(1)} ms`);
/** A memory difference: formatBytes, keeping the sign (memory can shrink between two readings). */
export const bytes = (n: number) => (n < 0 ? `-${formatBytes(-n)}` : formatBytes(n));

/**
 * used_memory without redis-learn's own bookkeeping hash, which grows by one field per key the
 * lesson claims and would otherwise be counted as the users' memory.
 */
export async function dataMemory(ctx: LessonContext): Promise<number> {
  const used = (await settledMemoryInfo(ctx.unrecorded)).used;
  // MEMORY USAGE may be disabled on managed services: then the bookkeeping is simply not subtracted.
  const meta = Number((await ctx.unrecorded.call('MEMORY', 'USAGE', ctx.sb.metaKey, 'SAMPLES', '0').catch(() => 0)) ?? 0);
  return used - meta;
}
