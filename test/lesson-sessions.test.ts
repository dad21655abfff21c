// The sessions lesson against a real server: its races (the naive versions lose, counted; the library is exact), its code
// steps produce what the prose says, its checks tell the taught approach from the ones it replaces, and the whole
// lesson scores full marks on a shared server (no scripting at the prompt).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { applySetup, attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { sessionsLesson } from '../src/lessons/sessions/index.js';
import { LINE_RACE_LINES, RACE_GUEST_CART, RACE_USER_CART, RETRIES, sumOf } from '../src/lessons/sessions/shared.js';
import { endLearnerTurn, runLearnerCommand } from '../src/redis/learner-command.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { scanAll } from '../src/redis/scan.js';
import { asLearner, openPrivateSandbox, openSandbox } from './helpers.js';

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n\s*/g, ' ');

function exercise(id: string): ExerciseStep {
  const step = sessionsLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function race(id: string): RaceStep {
  const step = sessionsLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'race') throw new Error(`no race ${id}`);
  return step;
}

function only(...ids: string[]): Lesson {
  return { ...sessionsLesson, steps: sessionsLesson.steps.filter((s) => ids.includes(s.id)) };
}

describe('the sessions lesson on the engine (private server)', () => {
  let sb: Sandbox;
  let ctx: OwnedContext;
  const k = (name: string) => `sesslesson:${name}`;

  beforeAll(async () => {
    sb = await openPrivateSandbox('sesslesson:');
    ctx = createContext(sb, { scope: sessionsLesson.id, write: () => {} });
  });

  afterAll(async () => {
    await ctx.dispose();
    await sb.reset(sessionsLesson.id);
    await sb.close();
  });

  beforeEach(async () => {
    await sb.reset(sessionsLesson.id);
  });

  /** The exercise's setup, then these lines typed by a learner (through the learner's path), then its check. */
  function attempt(id: string, lines: string[]): Promise<CheckResult> {
    return attemptExercise(exercise(id), { sb, ctx, scope: sessionsLesson.id }, lines);
  }

  /** Like attempt, with `between` run by another client after the first `split` lines. */
  async function attemptInterrupted(id: string, lines: string[], split: number, between: () => Promise<unknown>): Promise<CheckResult> {
    const step = exercise(id);
    ctx.history.length = 0;
    await applySetup(step, { sb, ctx, scope: sessionsLesson.id });
    for (const [i, line] of lines.entries()) {
      if (i === split) await between();
      const r = await runLearnerCommand(sb, sb.expand(line), { scope: sessionsLesson.id, confirm: () => Promise.resolve(true) });
      if (r.status === 'ran') ctx.history.push(r.record);
    }
    const result = await step.check(ctx);
    await endLearnerTurn(sb);
    return result;
  }

  async function runSteps(...ids: string[]): Promise<string> {
    const lines: string[] = [];
    const result = await runLesson(only(...ids), sb, { mode: 'auto', out: (l) => lines.push(plain(l)) });
    expect(result.completed).toBe(true);
    return lines.join('\n');
  }

  describe('races: the naive version loses, counted; the library is exact', () => {
    it('cart lines: HINCRBY then HDEL deletes the other tab’s unit; addToCart keeps every line', async () => {
      const rows = (await runRace(race('cart-line-race'), { ctx, print: () => {} })).race ?? [];
      const [naive, script] = rows;
      expect(naive).toMatchObject({ atomic: false, expected: LINE_RACE_LINES });
      expect(naive!.actual).toBeLessThan(LINE_RACE_LINES);
      expect(script).toMatchObject({ atomic: true, expected: LINE_RACE_LINES, actual: LINE_RACE_LINES });
      expect(await sb.admin.hlen(k('sessions:cart:lines-script'))).toBe(LINE_RACE_LINES);
    });

    it('guest cart: the client-side merge adds the items once per tab; mergeCarts once in all', async () => {
      const rows = (await runRace(race('cart-merge-race'), { ctx, print: () => {} })).race ?? [];
      const [naive, script] = rows;
      const merged = sumOf(RACE_GUEST_CART) + sumOf(RACE_USER_CART);
      expect(naive).toMatchObject({ atomic: false, expected: merged });
      expect(naive!.actual).toBeGreaterThan(merged);
      expect(script).toMatchObject({ atomic: true, expected: merged, actual: merged });
      expect(await sb.admin.exists(k('sessions:cart:race-guest-script'))).toBe(0);
    });

    it(`payment: ${RETRIES} retries charge ${RETRIES} times without a key and with GET-then-SET, once with idempotent()`, async () => {
      expect(RETRIES).toBeGreaterThanOrEqual(20);
      const rows = (await runRace(race('idempotency-race'), { ctx, print: () => {} })).race ?? [];
      expect(rows.map((r) => r.label)).toEqual(['no idempotency key', 'GET the key, charge, SET', 'idempotent() (SET … NX claim)']);
      expect(rows[0]).toMatchObject({ expected: 1, actual: RETRIES, unit: 'card charges' });
      expect(rows[1]!.actual).toBeGreaterThan(1);
      expect(rows[2]).toMatchObject({ atomic: true, expected: 1, actual: 1 });
      const stored = JSON.parse((await sb.admin.get(k('sessions:idem:race-library')))!) as { state: string; value: { charge: string } };
      expect(stored).toMatchObject({ state: 'done', value: { charge: 'ch_1' } });
    });
  });

  describe('code steps do what the prose says', () => {
    it('session-library: the session is created, slid, destroyed, and a late touch does not bring it back', async () => {
      const out = await runSteps('session-library');
      expect(out).toContain('touchSession → false');
      expect(out).toMatch(/TTL sesslesson:sessions:sess:\S+\s+\(integer\) 1800/);
      expect(await scanAll(sb.admin, k('sessions:sess:*'))).toEqual([]);
    });

    it('session-zombie: a late HSET recreates the expired session with one field and no TTL', async () => {
      await runSteps('session-zombie');
      expect(await sb.admin.hgetall(k('sessions:sess:zombie'))).toEqual({ last_page: '/checkout' });
      expect(await sb.admin.ttl(k('sessions:sess:zombie'))).toBe(-1);
    });

    it('cart-library: quantities added, the guest cart gone, a second merge moves nothing', async () => {
      const out = await runSteps('cart-library');
      expect(await sb.admin.hgetall(k('sessions:cart:user-demo'))).toEqual({ 'PROD-7': '3', 'PROD-12': '1', 'PROD-30': '1' });
      expect(await sb.admin.exists(k('sessions:cart:guest-demo'))).toBe(0);
      expect(out).toContain("a second login's mergeCarts moved 0 lines");
    });

    it('idempotency-library: the retry is replayed, the failed request’s retry runs the payment', async () => {
      const out = await runSteps('idempotency-library');
      expect(out).toContain('its retry: ch_1, replayed true; the card was charged 1 time');
      expect(out).toContain('its claim was released');
      expect(out).toContain('its retry ran the payment: ch_2, replayed false');
      expect(await sb.admin.pttl(k('sessions:idem:pay-2001'))).toBeGreaterThan(86_000_000);
    });

    it('flags-library: raising 20 % to 50 % keeps everyone who had the flag; the allow-list survives', async () => {
      const out = await runSteps('flags-library');
      const rows = [...out.matchAll(/│ (u-\S+)\s+│ (\d+)\s+│ (yes|-)\s+│ (on|off)\s+│ (on|off)\s+│/g)];
      expect(rows.length).toBe(7);
      for (const [, user, bucket, allow, at20, at50] of rows) {
        expect({ user, at20 }).toEqual({ user, at20: allow === 'yes' || Number(bucket) < 2000 ? 'on' : 'off' });
        if (at20 === 'on') expect({ user, at50 }).toEqual({ user, at50: 'on' });
      }
      expect(await sb.admin.smembers(k('sessions:flags:allow:new-checkout'))).toEqual(['u-qa']);
      expect(out).toMatch(/of 10,000 made-up users, 1,9\d\d|of 10,000 made-up users, 2,0\d\d/);
    });
  });

  describe('exercise checks: the state alone is not enough', () => {
    it('session-create: HSET alone then the right MULTI still fails (the key lived without a TTL); after UNLINK it passes', async () => {
      const late = await attempt('session-create', [
        'HSET {ns}sessions:sess:ada user_id 42 name Ada',
        'MULTI',
        'HSET {ns}sessions:sess:ada user_id 42 name Ada',
        'EXPIRE {ns}sessions:sess:ada 1800',
        'EXEC',
      ]);
      expect(late.pass).toBe(false);
      expect(late.actual).toContain('ran on its own');
      const redone = await attempt('session-create', [
        'HSET {ns}sessions:sess:ada user_id 42 name Ada',
        'UNLINK {ns}sessions:sess:ada',
        'MULTI',
        'HSET {ns}sessions:sess:ada user_id 42 name Ada',
        'PEXPIRE {ns}sessions:sess:ada 1800000',
        'EXEC',
      ]);
      expect(redone).toMatchObject({ pass: true });
    });

    it('session-slide: a learner who forgot EXPIRE can redo it in one MULTI without starting over', async () => {
      const r = await attempt('session-slide', [
        'HSET {ns}sessions:sess:lin last_page /cart',
        'MULTI',
        'HSET {ns}sessions:sess:lin last_page /cart',
        'EXPIRE {ns}sessions:sess:lin 1800',
        'EXEC',
      ]);
      expect(r).toMatchObject({ pass: true });
    });

    it('cart-add: HDEL alone for the last unit passes; HSETNX of the new line counts as typed by hand', async () => {
      const hdel = await attempt('cart-add', [
        'HINCRBY {ns}sessions:cart:guest-7 PROD-1 3',
        'HINCRBY {ns}sessions:cart:guest-7 PROD-3 1',
        'HDEL {ns}sessions:cart:guest-7 PROD-2',
      ]);
      expect(hdel).toMatchObject({ pass: true });
      const setnx = await attempt('cart-add', [
        'HINCRBY {ns}sessions:cart:guest-7 PROD-1 3',
        'HSETNX {ns}sessions:cart:guest-7 PROD-3 1',
        'HDEL {ns}sessions:cart:guest-7 PROD-2',
      ]);
      expect(setnx.pass).toBe(false);
      expect(setnx.actual).toContain('worked out the quantity yourself');
    });

    it('cart-merge: WATCH makes EXEC refuse when another login took the guest cart first; the retry finds it gone', async () => {
      const lines = [
        'WATCH {ns}sessions:cart:guest-9f2',
        'HGETALL {ns}sessions:cart:guest-9f2',
        'MULTI',
        'HINCRBY {ns}sessions:cart:user-42 PROD-7 2',
        'HINCRBY {ns}sessions:cart:user-42 PROD-12 1',
        'UNLINK {ns}sessions:cart:guest-9f2',
        'EXEC',
      ];
      // Another tab merges first (between this learner's read and EXEC): the EXEC must change nothing.
      const r = await attemptInterrupted('cart-merge', lines, 6, async () => {
        await sb.admin.hincrby(k('sessions:cart:user-42'), 'PROD-7', 2);
        await sb.admin.hincrby(k('sessions:cart:user-42'), 'PROD-12', 1);
        await sb.admin.unlink(k('sessions:cart:guest-9f2'));
      });
      expect(ctx.history.at(-1)).toMatchObject({ command: 'EXEC', reply: null });
      expect(await sb.admin.hgetall(k('sessions:cart:user-42'))).toEqual({ 'PROD-7': '3', 'PROD-12': '1', 'PROD-30': '1' });
      // The state is right (the other tab merged), but this learner's merge did not run.
      expect(r.pass).toBe(false);
    });

    it('cart-merge: a write of your own to the watched guest cart between WATCH and MULTI aborts the EXEC, as in Redis', async () => {
      const r = await attempt('cart-merge', [
        'WATCH {ns}sessions:cart:guest-9f2',
        'HGETALL {ns}sessions:cart:guest-9f2',
        'HSET {ns}sessions:cart:guest-9f2 PROD-7 2',
        'MULTI',
        'HINCRBY {ns}sessions:cart:user-42 PROD-7 2',
        'HINCRBY {ns}sessions:cart:user-42 PROD-12 1',
        'UNLINK {ns}sessions:cart:guest-9f2',
        'EXEC',
      ]);
      expect(ctx.history.at(-1)).toMatchObject({ command: 'EXEC', reply: null });
      expect(r.pass).toBe(false);
    });

    it('cart-merge: WATCH without reading the guest cart afterwards fails', async () => {
      const r = await attempt('cart-merge', [
        'HGETALL {ns}sessions:cart:guest-9f2',
        'WATCH {ns}sessions:cart:guest-9f2',
        'MULTI',
        'HINCRBY {ns}sessions:cart:user-42 PROD-7 2',
        'HINCRBY {ns}sessions:cart:user-42 PROD-12 1',
        'UNLINK {ns}sessions:cart:guest-9f2',
        'EXEC',
      ]);
      expect(r.pass).toBe(false);
      expect(r.actual).toContain('did not read');
    });

    it('idem-claim: SETNX and SET … NX then EXPIRE fail; SET … NX EX with the result SET … EX passes', async () => {
      const setnx = await attempt('idem-claim', [
        'SETNX {ns}sessions:idem:pay-1001 processing',
        'SET {ns}sessions:idem:pay-1001 done:ch_1001 EX 86400',
      ]);
      expect(setnx.pass).toBe(false);
      const ex = await attempt('idem-claim', [
        'SET {ns}sessions:idem:pay-1001 processing NX EX 30',
        'SET {ns}sessions:idem:pay-1001 done:ch_1001 EX 86400',
      ]);
      expect(ex).toMatchObject({ pass: true });
    });

    it('flag-allow: an extra tester on the allow-list fails', async () => {
      const r = await attempt('flag-allow', [
        'HSET {ns}sessions:flags beta-search 0',
        'SADD {ns}sessions:flags:allow:beta-search u-7 u-9 u-3',
      ]);
      expect(r.pass).toBe(false);
    });
  });

  it('a learner at the prompt is told why two commands are not enough, then earns the points', async () => {
    const r = await asLearner(sessionsLesson, sb, 'idem-retry', [
      'SET {ns}sessions:idem:pay-1002 processing NX PX 30000',
      'GET {ns}sessions:idem:pay-1002',
      'SET {ns}sessions:idem:pay-1002 processing NX PX 30000 GET',
    ]);
    expect(r.step).toMatchObject({ passed: true, points: 2 });
    expect(r.notYet[0]).toContain('add GET to the same SET');
    expect(r.notYet[1]).toContain('two round trips');
  });
});

describe('the sessions lesson on a shared server', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await openSandbox(6, 'sessions:');
    // Someone else's keys in the same database, inside and outside the namespace: left alone.
    await sb.admin.set('other:app:session', 'theirs');
    await sb.admin.set('sessions:not-ours', 'theirs');
  });

  afterAll(async () => {
    await sb.reset(sessionsLesson.id);
    await sb.admin.unlink('other:app:session', 'sessions:not-ours');
    await sb.close();
  });

  it('scores full marks with --auto (no scripting at the prompt), leaves foreign keys alone, and reset removes its own', async () => {
    const result = await runLesson(sessionsLesson, sb, { mode: 'auto', out: () => {} });
    expect(result.steps.filter((s) => s.unavailable)).toEqual([]);
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBe(18);
    expect(await sb.admin.get('other:app:session')).toBe('theirs');
    expect(await sb.admin.get('sessions:not-ours')).toBe('theirs');
    await sb.reset(sessionsLesson.id);
    expect((await scanAll(sb.admin, 'sessions:sessions:*')).filter((key) => !key.includes('__redis-learn__'))).toEqual([]);
  });
});
