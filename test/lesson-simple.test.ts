// The simple lesson's own checks and patterns against a real server: wrong answers fail, right ones pass, races race.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace as engineRace } from '../src/engine/race.js';
import type { CheckResult, ExerciseStep, RaceStep } from '../src/engine/types.js';
import { simpleLesson } from '../src/lessons/simple/index.js';
import { watchExpiry } from '../src/lessons/simple/lib/expiry-watch.js';
import { bumpJsonField } from '../src/lessons/simple/lib/json-doc.js';
import { extractKeys, isWrite } from '../src/redis/capabilities.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { tokenize } from '../src/redis/tokenize.js';
import { asLearner, openSandbox } from './helpers.js';

const NS = 'ls:';
let sb: Sandbox;
let ctx: OwnedContext;

beforeAll(async () => {
  sb = await openSandbox(3, NS);
  ctx = createContext(sb, { scope: simpleLesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(simpleLesson.id);
  await sb.close();
});

beforeEach(async () => {
  await sb.reset(simpleLesson.id);
});

function exercise(id: string): ExerciseStep {
  const step = simpleLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function race(id: string): RaceStep {
  const step = simpleLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'race') throw new Error(`no race ${id}`);
  return step;
}

/** A learner typing `lines` into exercise `id`, through the engine's own learner path and check. */
function attempt(id: string, lines: string[], before?: () => Promise<void>): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: simpleLesson.id }, lines, before);
}

const asLearnerIn = (id: string, lines: string[]) => asLearner(simpleLesson, sb, id, lines);

describe('simple lesson exercises', () => {
  it('visits: a SET without EX fails on the TTL, and SET then EXPIRE fails the one-command rule', async () => {
    const plain = await attempt('visits-ttl', ['SET {ns}visits 1']);
    expect(plain.pass).toBe(false);
    expect(plain.actual).toContain('no expiry');

    const twoSteps = await attempt('visits-ttl', ['SET {ns}visits 1', 'EXPIRE {ns}visits 60']);
    expect(twoSteps.pass).toBe(false);
    expect(twoSteps.expected).toContain(`${NS}visits`);
    expect(twoSteps.actual).toContain('EXPIRE');

    expect((await attempt('visits-ttl', ['SET {ns}visits 1 EX 600'])).pass).toBe(false);
    expect((await attempt('visits-ttl', ['SETEX {ns}visits 60 1'])).pass).toBe(true);
    expect((await attempt('visits-ttl', ['SET {ns}visits 1 PX 60000'])).pass).toBe(true);
  });

  it('lock: needs NX and the TTL in the same SET, and NX on a held lock changes nothing', async () => {
    expect((await attempt('nx-lock', ['SET {ns}lock:report worker-1 EX 10'])).pass).toBe(false);
    expect((await attempt('nx-lock', ['SET {ns}lock:report worker-1 NX'])).pass).toBe(false);
    expect((await attempt('nx-lock', ['SET {ns}lock:report worker-1 NX', 'EXPIRE {ns}lock:report 10'])).pass).toBe(false);

    const held = await attempt('nx-lock', ['SET {ns}lock:report worker-1 NX EX 10'], async () => {
      // Another worker of the lesson holds the lock (a key the lesson owns: a foreign one would be refused outright).
      await sb.exec(['SET', sb.key('lock:report'), 'worker-2', 'EX', '10'], simpleLesson.id);
    });
    expect(held.pass).toBe(false);
    expect(ctx.history[0]?.reply).toBeNull();
    expect(await sb.admin.get(sb.key('lock:report'))).toBe('worker-2');

    expect((await attempt('nx-lock', ['SET {ns}lock:report worker-1 EX 10 NX'])).pass).toBe(true);
  });

  it('counter: GET then SET reaches the value but fails the "count on the server" check; INCR/INCRBY pass', async () => {
    const naive = await attempt('atomic-counter', ['GET {ns}downloads', 'SET {ns}downloads 46']);
    expect(naive.pass).toBe(false);
    expect(await sb.admin.get(sb.key('downloads'))).toBe('46');
    expect(naive.actual).toContain('SET');

    expect((await attempt('atomic-counter', ['INCRBY {ns}downloads 4'])).pass).toBe(false);
    expect((await attempt('atomic-counter', Array(5).fill('INCR {ns}downloads'))).pass).toBe(true);
    expect((await attempt('atomic-counter', ['INCRBY {ns}downloads 5'])).pass).toBe(true);
  });

  it('persist: re-SETting the value also clears the TTL but is not PERSIST', async () => {
    const start = await attempt('persist', []);
    expect(start.pass).toBe(false);
    const reset = await attempt('persist', ['SET {ns}session:42 alice']);
    expect(await sb.admin.ttl(sb.key('session:42'))).toBe(-1);
    expect(reset.pass).toBe(false);
    expect(reset.expected).toContain('PERSIST');
    expect((await attempt('persist', ['PERSIST {ns}session:42'])).pass).toBe(true);
  });

  it('keep-ttl: a plain SET loses the expiry and fails; KEEPTTL or an in-place SETRANGE pass', async () => {
    const plain = await attempt('keep-ttl', ['SET {ns}cart:77 items=3']);
    expect(plain.pass).toBe(false);
    expect(plain.actual).toContain('no expiry');
    expect((await attempt('keep-ttl', ['SET {ns}cart:77 items=3 XX KEEPTTL'])).pass).toBe(true);
    expect((await attempt('keep-ttl', ['SETRANGE {ns}cart:77 6 3'])).pass).toBe(true);
  });

  it('mset: three SETs produce the state but fail; MSET passes', async () => {
    const three = await attempt('mset', ['SET {ns}config:theme dark', 'SET {ns}config:lang en', 'SET {ns}config:tz UTC']);
    expect(three.pass).toBe(false);
    expect(three.expected).toContain('MSET');
    expect((await attempt('mset', ['MSET {ns}config:theme dark {ns}config:lang en'])).pass).toBe(false);
    expect((await attempt('mset', ['MSET {ns}config:theme dark {ns}config:lang en {ns}config:tz UTC'])).pass).toBe(true);
  });

  it('rotate-token: GET then SET fails (the old value came from a separate read); SET … GET and GETSET pass', async () => {
    const split = await attempt('rotate-token', ['GET {ns}api:token', 'SET {ns}api:token new-91bc']);
    expect(split.pass).toBe(false);
    expect((await attempt('rotate-token', ['SET {ns}api:token new-91bc'])).pass).toBe(false);
    const swap = await attempt('rotate-token', ['SET {ns}api:token new-91bc GET']);
    expect(swap.pass).toBe(true);
    expect(swap.actual).toContain('old-7f3a');
    expect((await attempt('rotate-token', ['GETSET {ns}api:token new-91bc'])).pass).toBe(true);
  });

  it('the mistakes each exercise teaches against fail, and say what was wrong', async () => {
    const cases: [string, string[], RegExp][] = [
      ['visits-ttl', ['INCR {ns}visits', 'EXPIRE {ns}visits 60'], /2 commands, so for a moment .*visits had no expiry/],
      ['visits-ttl', ['SET {ns}visits 1 PX 60'], /PX counts milliseconds/],
      ['visits-ttl', ['MULTI', 'SET {ns}visits 1', 'EXPIRE {ns}visits 60', 'EXEC'], /one SET … EX does it without a transaction/],
      ['nx-lock', ['MULTI', 'SETNX {ns}lock:report worker-1', 'EXPIRE {ns}lock:report 10', 'EXEC'], /extending another worker's lock/],
      ['nx-lock', ['SETNX {ns}lock:report worker-1', 'EXPIRE {ns}lock:report 10'], /a crash between the two leaves .* locked forever/],
      ['nx-lock', ['EXISTS {ns}lock:report', 'SET {ns}lock:report worker-1 EX 10'], /without NX/],
      ['atomic-counter', ['INCR {ns}downloads', 'SET {ns}downloads 46'], /you wrote the number yourself \(SET/],
      ['atomic-counter', ['DEL {ns}downloads', 'INCRBY {ns}downloads 46'], /you deleted it/],
      ['persist', ['SET {ns}session:42 alice', 'PERSIST {ns}session:42'], /you rewrote the value with SET/],
      ['keep-ttl', ['SET {ns}cart:77 items=3', 'EXPIRE {ns}cart:77 900'], /EXPIRE gives it a fresh expiry/],
      ['keep-ttl', ['SET {ns}cart:77 items=3 EX 900'], /fresh expiry/],
      ['mset', ['MSET {ns}config:theme dark {ns}config:lang en', 'SET {ns}config:tz UTC'], /2 commands \(MSET, SET\)/],
      ['rotate-token', ['GETDEL {ns}api:token', 'SET {ns}api:token new-91bc'], /in two commands/],
    ];
    for (const [id, lines, found] of cases) {
      const r = await attempt(id, lines);
      expect({ id, lines, pass: r.pass }).toEqual({ id, lines, pass: false });
      expect(r.actual).toMatch(found);
    }
  });

  it('correct alternatives pass: GETEX … PERSIST, INCRBY inside MULTI, and a retyped setup to start over', async () => {
    expect((await attempt('persist', ['GETEX {ns}session:42 PERSIST'])).pass).toBe(true);
    expect((await attempt('atomic-counter', ['MULTI', 'INCRBY {ns}downloads 2', 'INCRBY {ns}downloads 3', 'EXEC'])).pass).toBe(true);
    // A discarded transaction ran nothing: its queued SET does not count against the learner.
    expect((await attempt('atomic-counter', ['MULTI', 'SET {ns}downloads 46', 'DISCARD', 'INCRBY {ns}downloads 5'])).pass).toBe(true);
    expect((await attempt('persist', ['SET {ns}session:42 alice', 'SET {ns}session:42 alice EX 600', 'PERSIST {ns}session:42'])).pass).toBe(
      true,
    );
    expect(
      (await attempt('keep-ttl', ['SET {ns}cart:77 items=3', 'SET {ns}cart:77 items=2 EX 900', 'SET {ns}cart:77 items=3 KEEPTTL'])).pass,
    ).toBe(true);
  });

  it('at the prompt, SET then PERSIST is "not yet: … you rewrote the value with SET"; retyping the setup starts over', async () => {
    const { step, notYet } = await asLearnerIn('persist', [
      'SET {ns}session:42 alice',
      'PERSIST {ns}session:42',
      'SET {ns}session:42 alice EX 600',
      'PERSIST {ns}session:42',
    ]);
    expect(notYet[0]).toMatch(
      /not yet: expected .*made permanent with PERSIST, its value never rewritten, found you rewrote the value with SET ls:session:42 alice/,
    );
    expect(notYet[1]).toMatch(/you rewrote the value with SET/);
    expect(notYet).toHaveLength(3);
    expect(step).toMatchObject({ passed: true, points: 2 });
  });

  it('at the prompt, GET then SET on the counter is "not yet: … you wrote the number yourself"', async () => {
    const { completed, notYet } = await asLearnerIn('atomic-counter', ['GET {ns}downloads', 'SET {ns}downloads 46']);
    expect(notYet.at(-1)).toMatch(/not yet: expected .*INCRBY.*, found you wrote the number yourself \(SET ls:downloads 46\)/);
    // Input ended without the exercise passing.
    expect(completed).toBe(false);
  });
});

describe('simple lesson races', () => {
  async function runRace(id: string) {
    return (await engineRace(race(id), { ctx, print: () => {} })).race ?? [];
  }

  it.each(['lost-updates', 'json-vs-hash'])('%s: the naive variant loses updates, the atomic one loses none', async (id) => {
    const rows = await runRace(id);
    const naive = rows.find((r) => !r.atomic)!;
    const atomic = rows.find((r) => r.atomic)!;
    expect(naive.actual).toBeLessThan(naive.expected);
    expect(naive.actual).toBeGreaterThan(0);
    expect(atomic.actual).toBe(atomic.expected);
    expect(atomic.expected).toBe(naive.expected);
  });
});

describe('simple lesson patterns', () => {
  it('watchExpiry sees PTTL fall and the key vanish, well under 2.5 s', async () => {
    const key = sb.key('coupon:test');
    await sb.claim(simpleLesson.id, [key]);
    const t0 = Date.now();
    const readings = await watchExpiry(sb.client, key, 'x', { ttlMs: 600, intervalMs: 150, maxReadings: 10 });
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(readings.at(-1)?.pttl).toBe(-2);
    const live = readings.filter((r) => r.pttl >= 0).map((r) => r.pttl);
    expect(live.length).toBeGreaterThan(1);
    expect(live).toEqual([...live].sort((a, b) => b - a));
    expect(await sb.admin.exists(key)).toBe(0);
  });

  it('bumpJsonField rewrites the whole document to change one field', async () => {
    const key = sb.key('user:9:json');
    await sb.claim(simpleLesson.id, [key]);
    const doc = { name: 'Grace Hopper', city: 'Arlington', visits: 4 };
    await sb.admin.set(key, JSON.stringify(doc));
    const u = await bumpJsonField(sb.client, key, 'visits', 3);
    expect(u.value).toBe(doc.visits + 3);
    expect(u.bytesRead).toBe(Buffer.byteLength(JSON.stringify(doc)));
    expect(u.bytesWritten).toBe(Buffer.byteLength((await sb.admin.get(key))!));
    expect(JSON.parse((await sb.admin.get(key))!)).toEqual({ ...doc, visits: doc.visits + 3 });
  });
});

describe('simple lesson shape', () => {
  it('reads its titles and texts from simple.md, with the race sizes filled in', () => {
    expect(simpleLesson.title).toBe('Strings, counters and expiry');
    expect(simpleLesson.steps.find((s) => s.id === 'lost-updates')?.title).toBe('Why INCR exists: 50 clients, one counter');
    for (const s of simpleLesson.steps) {
      expect(s.text, s.id).toBeTruthy();
      expect(`${s.title}\n${s.text}`, s.id).not.toMatch(/\{(clients|rounds)\}/);
    }
  });

  it('is a Beginner lesson of 14–18 steps with at least 5 exercises, writing only keys it declares', () => {
    expect(simpleLesson.level).toBe('Beginner');
    expect(simpleLesson.steps.length).toBeGreaterThanOrEqual(14);
    expect(simpleLesson.steps.length).toBeLessThanOrEqual(18);
    expect(simpleLesson.steps.filter((s) => s.kind === 'exercise').length).toBeGreaterThanOrEqual(5);
    const declared = simpleLesson.keys.map((k) => new RegExp(`^${NS}${k.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
    const written: string[] = [];
    for (const s of simpleLesson.steps) {
      const lines =
        s.kind === 'run' ? s.commands : s.kind === 'exercise' ? [...s.solution, ...(Array.isArray(s.setup) ? s.setup : [])] : [];
      for (const line of lines) {
        const args = tokenize(sb.expand(line));
        if (isWrite(sb.table, args)) written.push(...extractKeys(sb.table, args));
      }
    }
    expect(written.length).toBeGreaterThan(10);
    expect(written.filter((k) => !declared.some((p) => p.test(k)))).toEqual([]);
  });
});
