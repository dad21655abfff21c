// The incident's starting state, which every exercise's setup restores: the dataset loaded, the app running, the
// settings the lesson changes back to the lab's defaults (the slow log as the incident left it or as the learner fixed
// it), and the exercise's answer key removed. Quick when nothing changed: nothing is reloaded or restarted.
import type { Redis } from 'ioredis';
import type { LessonContext } from '../../../engine/types.js';
import { sleep } from '../../../patterns/index.js';
import { DEFAULTS, K, SLOWLOG_THRESHOLD_US } from '../shared.js';
import { ensureApp } from './app.js';
import { datasetPresent, loadDataset, type LoadReport } from './dataset.js';
import { info, num } from './server-info.js';

export type ConfigName = keyof typeof DEFAULTS;

/** Sets every setting the lesson changes to the lab's default, except the overrides. */
export async function restoreConfig(admin: Redis, overrides: Partial<Record<ConfigName, string>> = {}): Promise<void> {
  const want = { ...DEFAULTS, ...overrides };
  await admin.config('SET', ...Object.entries(want).flat());
}

/** Loads the dataset unless it is there as loaded; the load's figures, or null when nothing was needed. */
export async function ensureDataset(ctx: LessonContext): Promise<LoadReport | null> {
  const key = (n: string) => ctx.key(n);
  if (await datasetPresent(ctx.unrecorded, key)) return null;
  return loadDataset(ctx.unrecorded, key);
}

/**
 * The incident as an exercise starts it. `slowlog`: 'off' while the slow log is still switched off (as the incident
 * found it), 'fixed' once the lesson has had the learner turn it on.
 */
export async function incidentState(ctx: LessonContext, opts: { slowlog: 'off' | 'fixed'; answer: string }): Promise<void> {
  await ensureDataset(ctx);
  await ensureApp(ctx);
  await restoreConfig(ctx.unrecorded, { 'slowlog-log-slower-than': opts.slowlog === 'off' ? '-1' : String(SLOWLOG_THRESHOLD_US) });
  await ctx.unrecorded.unlink(ctx.key(K.answer(opts.answer)));
}

/** Polls `probe` every `everyMs` until it returns a value (not null) or `timeoutMs` passes; the last result. */
export async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, everyMs = 50): Promise<T | null> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null || Date.now() >= end) return v;
    await sleep(everyMs);
  }
}

/** Waits until the server has counted at least `n` key lookups (hits + misses) since the last reset. */
export async function waitForLookups(ctx: LessonContext, n: number, timeoutMs = 4000): Promise<void> {
  await waitFor(async () => {
    const s = await info(ctx.unrecorded, 'stats');
    return num(s.keyspace_hits) + num(s.keyspace_misses) >= n ? true : null;
  }, timeoutMs);
}
