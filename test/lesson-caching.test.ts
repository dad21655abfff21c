// The caching lesson against a real server: its races count what the prose says (the stampede, the avalanche and
// penetration lose to the naive code and are exact with the library), its code steps leave what their narration
// claims, and its exercise checks accept the other right ways and reject the wrong ones. The cache patterns
// themselves are tested in test/patterns/cache-*.test.ts and write-*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { cachingLesson } from '../src/lessons/caching/index.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox } from './helpers.js';

const NS = 'cachelesson:';
let sb: Sandbox;
let ctx: OwnedContext;
const k = (name: string) => `${NS}${name}`;

beforeAll(async () => {
  // A private server: the learner's path runs KEYS (a wrong attempt) and the lesson CLIENT TRACKING only there.
  sb = await openPrivateSandbox(NS);
  ctx = createContext(sb, { scope: cachingLesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(cachingLesson.id);
  await sb.close();
});

function exercise(id: string): ExerciseStep {
  const step = cachingLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function race(id: string): RaceStep {
  const step = cachingLesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === id);
  if (!step) throw new Error(`no race ${id}`);
  return step;
}

/** The exercise's setup, then these lines typed by a learner (through the learner's path), then its check. */
function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: cachingLesson.id }, lines);
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Runs these steps of the lesson with --auto; returns its output, one line per output call (wrapping undone). */
async function run(...ids: string[]): Promise<string> {
  const lesson: Lesson = { ...cachingLesson, steps: cachingLesson.steps.filter((s) => ids.includes(s.id)) };
  const lines: string[] = [];
  const r = await runLesson(lesson, sb, { mode: 'auto', out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')) });
  expect(r.score).toBe(r.maxScore);
  return lines.join('\n');
}

describe('races', () => {
  it('stampede: plain cache-aside queries the database once per read in the reload window; the lock and early refresh once', async () => {
    const lines: string[] = [];
    const rows = (await runRace(race('stampede'), { ctx: { ...ctx, say: (t) => lines.push(t) }, print: () => {} })).race ?? [];
    expect(rows.map((r) => r.label)).toEqual(['plain cache-aside', 'rebuild lock (SET NX PX)', 'probabilistic early refresh']);
    const [naive, lock, early] = rows;
    // About one read a millisecond for the 50 ms of the first reload: far more than one query.
    expect(naive).toMatchObject({ atomic: false, expected: 1 });
    expect(naive!.actual).toBeGreaterThanOrEqual(20);
    expect(lock).toMatchObject({ atomic: true, expected: 1, actual: 1, unit: 'database queries' });
    expect(early).toMatchObject({ atomic: true, expected: 1, actual: 1, unit: 'database queries' });
    // The lock makes every reader that finds the key gone wait for the one reload; early refresh replaces the key
    // before it expires, so (almost) nobody finds it gone.
    const gone = (label: string) => Number(/(\d+) found it gone/.exec(lines.find((l) => l.startsWith(label)) ?? '')?.[1]);
    expect(gone('plain cache-aside')).toBe(naive!.actual);
    expect(gone('rebuild lock')).toBeGreaterThan(10);
    expect(gone('probabilistic early refresh')).toBeLessThan(gone('rebuild lock'));
    expect(lines.find((l) => l.startsWith('probabilistic early refresh'))).toContain('1 refreshed it before it expired');
  });

  it('avalanche: one TTL puts all 200 expiries in one or two seconds; jitter keeps every second under the database rate', async () => {
    const rows = (await runRace(race('avalanche'), { ctx, print: () => {} })).race ?? [];
    const [same, jittered] = rows;
    expect(same).toMatchObject({ atomic: false, expected: 0, unit: 'reloads over 20/s' });
    expect(same!.actual).toBeGreaterThanOrEqual(160);
    expect(jittered).toMatchObject({ atomic: true, expected: 0, actual: 0 });
    const ttls = await Promise.all(Array.from({ length: 200 }, (_, n) => sb.admin.ttl(k(`caching:warm:product:${n + 1}`))));
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(298);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(360);
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(30);
  });

  it('penetration: every lookup of a missing id reaches the database; a cached miss (with the lock) takes one query', async () => {
    const rows = (await runRace(race('penetration'), { ctx, print: () => {} })).race ?? [];
    expect(rows[0]).toMatchObject({ atomic: false, expected: 1, actual: 100 });
    expect(rows[1]).toMatchObject({ atomic: true, expected: 1, actual: 1 });
    expect(await sb.admin.get(k('caching:product:PROD-404'))).toBe('!miss');
    const ttl = await sb.admin.ttl(k('caching:product:PROD-404'));
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(await sb.admin.exists(k('caching:product:PROD-404:lock'))).toBe(0);
  });
});

describe('code steps leave what their narration says', () => {
  it('cache-aside counts 2 hits and 2 misses, with 2 database queries; the entries carry jittered TTLs', async () => {
    const out = await run('cache-aside');
    expect(out).toContain('2 hits, 2 misses, hit ratio 50.0 %; the database was queried 2 times for 4 reads');
    expect(await sb.admin.hgetall(k('caching:stats'))).toEqual({ hits: '2', misses: '2' });
    for (const id of ['PROD-1', 'PROD-2']) {
      const ttl = await sb.admin.ttl(k(`caching:product:${id}`));
      expect(ttl).toBeGreaterThanOrEqual(299);
      expect(ttl).toBeLessThanOrEqual(360);
    }
  });

  it('ttl-staleness serves the old price until the TTL ends, then the new one', async () => {
    const out = await run('ttl-staleness');
    expect(out).toContain('read again: a hit, price 25: the cache serves the old price');
    expect(out).toContain('a miss, loaded again, price 30. The database was queried 2 times.');
  });

  it('write-through deletes the cached copy when the save fails; the naive order leaves the refused price cached', async () => {
    const out = await run('write-through');
    expect(out).toMatch(/DEL cachelesson:caching:product:PROD-1\s+\(integer\) 1/);
    expect(out).toMatch(/EXISTS cachelesson:caching:product:PROD-1\s+\(integer\) 0/);
    expect(JSON.parse((await sb.admin.get(k('caching:product:PROD-1')))!)).toEqual({ name: 'Brass desk lamp', price: 39 });
    expect(out).toContain('the cache says 39, the database 45');
  });

  it('write-behind: 3 changes queued; a failing save leaves 2 pending; the retry saves them in order and empties the stream', async () => {
    const out = await run('write-behind', 'write-behind-flush', 'write-behind-retry');
    expect(out).toContain('saved 1 change (user:1 → {"plan":"pro"})');
    expect(out).toContain('database refused the write of user:2');
    expect(out).toMatch(/XPENDING cachelesson:caching:changes flushers .*1\) \(integer\) 2 2\)/);
    expect(out).toContain('saved 2 changes, in the order they were written: user:2 → {"plan":"free"}, user:1 → {"plan":"team"}');
    expect(await sb.admin.xlen(k('caching:changes'))).toBe(0);
    const [pending] = (await sb.admin.xpending(k('caching:changes'), 'flushers')) as [number];
    expect(Number(pending)).toBe(0);
    expect(JSON.parse((await sb.admin.get(k('caching:user:1')))!)).toEqual({ plan: 'team' });
  });

  it('invalidate-event: both subscribers drop their copy; the next read loads the new price', async () => {
    const out = await run('invalidate-event');
    expect(out).toMatch(/PUBLISH cachelesson:caching:invalidate .*\(integer\) 2/);
    expect(out).toContain('2 subscribers got it, and both servers dropped their copy');
    expect(JSON.parse((await sb.admin.get(k('caching:product:PROD-3')))!)).toMatchObject({ price: 30 });
  });

  it('invalidate-pattern removes the lamp pages with SCAN + UNLINK and leaves the desk pages', async () => {
    const out = await run('invalidate-pattern');
    expect(out).toContain('SCAN 0 MATCH cachelesson:caching:list:lamps:* COUNT 1000');
    expect(out).toContain('4 lamp pages removed');
    expect(await sb.admin.exists(...[1, 2, 3, 4].map((n) => k(`caching:list:lamps:page:${n}`)))).toBe(0);
    expect(await sb.admin.exists(k('caching:list:desks:page:1'), k('caching:list:desks:page:2'))).toBe(2);
  });

  it('client-side: one GET for three reads, an invalidation when another client writes, and tracking off afterwards', async () => {
    const out = await run('client-side');
    expect(out).toMatch(/CLIENT TRACKING ON REDIRECT \d+\s+OK/);
    expect(out).toContain('1 GET to the server, 2 answers from the process');
    expect(out).toContain('the server sent an invalidation for the key and the Map dropped it');
    expect(out).toMatch(/CLIENT TRACKING OFF\s+OK/);
    const info = (await sb.client.call('CLIENT', 'TRACKINGINFO')) as unknown[];
    expect(info[1]).toEqual(['off']);
  });
});

describe('exercise checks', () => {
  it('cache-entry: SETNX then EXPIRE fails; SET … PX … NX passes', async () => {
    const two = await attempt('cache-entry', [
      `SETNX {ns}caching:product:PROD-5 '{"name":"Desk lamp","price":25}'`,
      'EXPIRE {ns}caching:product:PROD-5 600',
    ]);
    expect(two.pass).toBe(false);
    expect(two.actual).toContain('created by SETNX with no expiry');
    const px = await attempt('cache-entry', [`SET {ns}caching:product:PROD-5 '{"name":"Desk lamp","price":25}' PX 600000 NX`]);
    expect(px).toMatchObject({ pass: true });
  });

  it('ttl-jitter: PEXPIRE and GETEX count; a value rewritten fails', async () => {
    const other = await attempt('ttl-jitter', [
      'PEXPIRE {ns}caching:product:PROD-7 305500',
      'GETEX {ns}caching:product:PROD-8 EX 322',
      'EXPIRE {ns}caching:product:PROD-9 359',
    ]);
    expect(other).toMatchObject({ pass: true });
    const rewritten = await attempt('ttl-jitter', [
      `SET {ns}caching:product:PROD-7 '{"name":"Desk lamp"}' EX 305`,
      'EXPIRE {ns}caching:product:PROD-8 322',
      'EXPIRE {ns}caching:product:PROD-9 359',
    ]);
    expect(rewritten.pass).toBe(false);
    expect(rewritten.actual).toContain('keep the value');
  });

  it('cache-not-found: SETEX passes; SET without a TTL names the risk', async () => {
    expect(await attempt('cache-not-found', ['SETEX {ns}caching:product:PROD-999 60 !miss'])).toMatchObject({ pass: true });
    const none = await attempt('cache-not-found', ['SET {ns}caching:product:PROD-999 !miss']);
    expect(none.pass).toBe(false);
  });

  it('write-through-multi: the MULTI in the other order passes; two MULTIs fail', async () => {
    const swapped = await attempt('write-through-multi', [
      'MULTI',
      `SET {ns}caching:product:PROD-7 '{"name":"Desk lamp","price":19}' EX 600`,
      'HSET {ns}caching:db:product:PROD-7 price 19',
      'EXEC',
    ]);
    expect(swapped).toMatchObject({ pass: true });
    const split = await attempt('write-through-multi', [
      'MULTI',
      'HSET {ns}caching:db:product:PROD-7 price 19',
      'EXEC',
      'MULTI',
      `SET {ns}caching:product:PROD-7 '{"name":"Desk lamp","price":19}' EX 600`,
      'EXEC',
    ]);
    expect(split.pass).toBe(false);
    expect(split.actual).toContain('ran apart');
  });

  it('write-behind-queue: lower-case maxlen passes; MAXLEN ~ 5 (a cap within reach) and exact MAXLEN fail', async () => {
    const lower = await attempt('write-behind-queue', [
      'multi',
      `set {ns}caching:user:42 '{"name":"Linus"}' ex 3600`,
      `xadd {ns}caching:changes maxlen ~ 10000 * key {ns}caching:user:42 value '{"name":"Linus"}'`,
      'exec',
    ]);
    expect(lower).toMatchObject({ pass: true });
    const small = await attempt('write-behind-queue', [
      'MULTI',
      `SET {ns}caching:user:42 '{"name":"Linus"}' EX 3600`,
      `XADD {ns}caching:changes MAXLEN ~ 5 * key {ns}caching:user:42 value '{"name":"Linus"}'`,
      'EXEC',
    ]);
    expect(small.pass).toBe(false);
    expect(small.actual).toContain('a cap of 5');
    const exact = await attempt('write-behind-queue', [
      'MULTI',
      `SET {ns}caching:user:42 '{"name":"Linus"}' EX 3600`,
      `XADD {ns}caching:changes MAXLEN 10000 * key {ns}caching:user:42 value '{"name":"Linus"}'`,
      'EXEC',
    ]);
    expect(exact.pass).toBe(false);
    expect(exact.actual).toContain('without ~');
  });

  it('invalidate-family: a SCAN walked in small pages with the cursor passes; KEYS fails', async () => {
    const lamps = ['lamp-3', 'lamp-8', 'lamp-12', 'lamp-15', 'lamp-21'].map((id) => `{ns}caching:product:${id}`);
    const paged = await attempt('invalidate-family', ['SCAN 0 MATCH {ns}caching:product:lamp-* COUNT 2', `UNLINK ${lamps.join(' ')}`]);
    expect(paged).toMatchObject({ pass: true });
    const keys = await attempt('invalidate-family', ['KEYS {ns}caching:product:lamp-*', `UNLINK ${lamps.join(' ')}`]);
    expect(keys.pass).toBe(false);
    expect(keys.actual).toContain('KEYS');
  });
});
