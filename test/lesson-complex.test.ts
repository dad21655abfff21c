// The complex lesson against a real server: its batching and storage props, its exercises' checks, its race, its shape.
// The patterns it teaches (leaderboard, feed, reliable and priority queues, WATCH retries) are tested in test/patterns/.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import type { CheckResult, ExerciseStep, RaceStep } from '../src/engine/types.js';
import { complexLesson } from '../src/lessons/complex/index.js';
import { incrementBatch, type BatchWay } from '../src/lessons/complex/lib/batching.js';
import { fieldKeys, memoryOf, saveProfileAsHash, saveProfileAsKeys } from '../src/lessons/complex/lib/profile-storage.js';
import { extractKeys, isWrite } from '../src/redis/capabilities.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { tokenize } from '../src/redis/tokenize.js';
import { asLearner, openSandbox } from './helpers.js';

const NS = 'lc:';
let sb: Sandbox;
let ctx: OwnedContext;

beforeAll(async () => {
  sb = await openSandbox(4, NS);
  ctx = createContext(sb, { scope: complexLesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(complexLesson.id);
  await sb.close();
});

beforeEach(async () => {
  await sb.reset(complexLesson.id);
});

/** Claims keys for the lesson's scope, so reset removes what a test writes. */
async function own(...names: string[]): Promise<string[]> {
  const keys = names.map((n) => sb.key(n));
  await sb.claim(complexLesson.id, keys);
  return keys;
}

function exercise(id: string): ExerciseStep {
  const step = complexLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

/** A learner typing `lines` into exercise `id`, as the engine runs it: its setup, the learner's path, the check. */
function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: complexLesson.id }, lines);
}

const asLearnerIn = (id: string, lines: string[]) => asLearner(complexLesson, sb, id, lines);

describe('the lesson’s batching and storage props', () => {
  it.each<[BatchWay, number, boolean]>([
    ['round-trips', 40, false],
    ['multi-unpipelined', 42, true],
    ['pipeline', 1, false],
    ['multi-pipelined', 1, true],
  ])('%s does the same 40 INCRs (%i round trips, atomic=%s)', async (way, trips, atomic) => {
    const [key] = await own(`rt:t:${way}`);
    const run = await incrementBatch(sb.client, key!, 40, way);
    expect(run).toMatchObject({ way, commands: 40, roundTrips: trips, atomic });
    expect(run.ms).toBeGreaterThan(0);
    expect(await sb.admin.get(key!)).toBe('40');
  });

  it('a profile hash takes less memory than one key per field, and both hold the same data', async () => {
    const profile = { name: 'Ada', email: 'ada@example.com', city: 'London', plan: 'pro' };
    const [hashKey] = await own('mem:t:hash');
    const keys = fieldKeys(sb.key('mem:t:str'), profile);
    await sb.claim(complexLesson.id, keys);
    await saveProfileAsHash(sb.client, hashKey!, profile);
    await saveProfileAsKeys(sb.client, sb.key('mem:t:str'), profile);
    expect(await sb.admin.hgetall(hashKey!)).toEqual(profile);
    expect(await sb.admin.mget(...keys)).toEqual(Object.values(profile));
    const hashBytes = await memoryOf(sb.admin, [hashKey!]);
    const stringBytes = await memoryOf(sb.admin, keys);
    expect(hashBytes).toBeGreaterThan(0);
    expect(stringBytes).toBeGreaterThan(hashBytes);
    expect(await memoryOf(sb.admin, [sb.key('mem:t:missing')])).toBe(0);
  });
});

describe('complex lesson exercises', () => {
  it('hash update: HSET karma 42 reaches the state but fails the HINCRBY rule; forgetting HDEL fails', async () => {
    expect((await attempt('ex-hash-update', ['HSET {ns}user:2002 karma 42', 'HDEL {ns}user:2002 reset_token'])).pass).toBe(false);
    const noDel = await attempt('ex-hash-update', ['HINCRBY {ns}user:2002 karma 1']);
    expect(noDel.pass).toBe(false);
    expect(noDel.actual).toContain('reset_token');
    expect((await attempt('ex-hash-update', ['HDEL {ns}user:2002 reset_token', 'HINCRBY {ns}user:2002 karma 1'])).pass).toBe(true);
  });

  it('hash create: an extra field or a wrong value fails', async () => {
    expect((await attempt('ex-hash-create', ['HSET {ns}user:2001 name Linus city Helsinki karma 10 x 1'])).pass).toBe(false);
    expect((await attempt('ex-hash-create', ['HSET {ns}user:2001 name Linus city Helsinki karma 11'])).pass).toBe(false);
  });

  it('feed: trimming to the wrong length or pushing at the tail fails', async () => {
    expect((await attempt('ex-feed', ['LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 5'])).pass).toBe(false);
    expect((await attempt('ex-feed', ['RPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4'])).pass).toBe(false);
  });

  it('reliable claim: RPOP + LPUSH reaches the same lists but fails; LMOVE from the wrong end fails; BLMOVE passes', async () => {
    const split = await attempt('ex-reliable-claim', ['RPOP {ns}queue:emails', 'LPUSH {ns}queue:emails:processing email:1']);
    expect(split.pass).toBe(false);
    expect(split.expected).toContain('LMOVE');
    expect((await attempt('ex-reliable-claim', ['LMOVE {ns}queue:emails {ns}queue:emails:processing LEFT LEFT'])).pass).toBe(false);
    expect((await attempt('ex-reliable-claim', ['BLMOVE {ns}queue:emails {ns}queue:emails:processing RIGHT LEFT 1'])).pass).toBe(true);
  });

  it('sets: a union, or computing only one of the two sets, fails', async () => {
    expect(
      (
        await attempt('ex-sets', [
          'SUNIONSTORE {ns}likes:both {ns}likes:rust {ns}likes:go',
          'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go',
        ])
      ).pass,
    ).toBe(false);
    expect((await attempt('ex-sets', ['SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go'])).pass).toBe(false);
    expect(
      (
        await attempt('ex-sets', [
          'SDIFFSTORE {ns}likes:rust-only {ns}likes:go {ns}likes:rust',
          'SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go',
        ])
      ).pass,
    ).toBe(false);
  });

  it('leaderboard: a rank asked before scoring, or ZRANK instead of ZREVRANK, fails; asking again passes', async () => {
    const stale = await attempt('ex-leaderboard', ['ZREVRANK {ns}leaderboard:season ben', 'ZINCRBY {ns}leaderboard:season 45 ben']);
    expect(stale.pass).toBe(false);
    expect((await attempt('ex-leaderboard', ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZRANK {ns}leaderboard:season ben'])).pass).toBe(
      false,
    );
    expect((await attempt('ex-leaderboard', ['ZINCRBY {ns}leaderboard:season 40 ben', 'ZREVRANK {ns}leaderboard:season ben'])).pass).toBe(
      false,
    );
    const fixed = await attempt('ex-leaderboard', [
      'ZREVRANK {ns}leaderboard:season ben',
      'ZINCRBY {ns}leaderboard:season 45 ben',
      'ZREVRANK {ns}leaderboard:season ben',
    ]);
    expect(fixed.pass).toBe(true);
    expect(fixed.actual).toContain(String(await sb.admin.zrevrank(sb.key('leaderboard:season'), 'ben')));
  });

  it('priority: ZREM of the right ticket fails (no pop); popping the highest score fails', async () => {
    expect((await attempt('ex-priority', ['ZREM {ns}pq:tickets site-down'])).pass).toBe(false);
    expect((await attempt('ex-priority', ['ZPOPMAX {ns}pq:tickets'])).pass).toBe(false);
    expect((await attempt('ex-priority', ['ZMPOP 1 {ns}pq:tickets MIN'])).pass).toBe(true);
  });

  it('transfer: DECRBY + INCRBY without MULTI fails; a discarded MULTI changes nothing', async () => {
    expect((await attempt('ex-multi-transfer', ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30'])).pass).toBe(false);
    const discarded = await attempt('ex-multi-transfer', ['MULTI', 'DECRBY {ns}account:carol 30', 'DISCARD']);
    expect(discarded.pass).toBe(false);
    expect(await sb.admin.get(sb.key('account:carol'))).toBe('100');
  });

  it('the mistakes each exercise teaches against fail, and say what was wrong', async () => {
    const cases: [string, string[], RegExp][] = [
      [
        'ex-hash-create',
        ['HSET {ns}user:2001 name Linus', 'HSET {ns}user:2001 city Helsinki', 'HSET {ns}user:2001 karma 10'],
        /one HSET takes all the fields/,
      ],
      ['ex-hash-create', ['MSET {ns}user:2001:name Linus {ns}user:2001:city Helsinki {ns}user:2001:karma 10'], /one key per field/],
      ['ex-hash-create', [`SET {ns}user:2001 '{"name":"Linus","city":"Helsinki","karma":10}'`], /stored it as a string/],
      [
        'ex-hash-update',
        ['HINCRBY {ns}user:2002 karma 1', 'DEL {ns}user:2002', 'HSET {ns}user:2002 name Margaret karma 42'],
        /you set karma with HSET/,
      ],
      ['ex-feed', ['LPUSH {ns}feed:bob liked:7', 'RPOP {ns}feed:bob', 'RPOP {ns}feed:bob'], /dropped entries one at a time \(RPOP/],
      ['ex-reliable-claim', ['LPUSH {ns}queue:emails:processing email:1', 'RPOP {ns}queue:emails'], /moved in 2 commands/],
      ['ex-sets', ['SADD {ns}likes:both ben dara', 'SADD {ns}likes:rust-only ana chen'], /you typed members into .*likes:both yourself/],
      [
        'ex-leaderboard',
        ['ZSCORE {ns}leaderboard:season ben', 'ZADD {ns}leaderboard:season 295 ben', 'ZREVRANK {ns}leaderboard:season ben'],
        /you set the score with ZADD/,
      ],
      [
        'ex-leaderboard',
        ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZREVRANGE {ns}leaderboard:season 0 -1'],
        /ZREVRANK asks Redis for the rank/,
      ],
      ['ex-priority', ['ZRANGE {ns}pq:tickets 0 0', 'ZREM {ns}pq:tickets site-down'], /another worker could take the same ticket/],
      ['ex-priority', ['ZREMRANGEBYRANK {ns}pq:tickets 0 0'], /without handing it to you/],
      ['ex-multi-transfer', ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30', 'MULTI', 'EXEC'], /outside MULTI\/EXEC/],
      [
        'ex-multi-transfer',
        ['MULTI', 'DECRBY {ns}account:carol 30', 'EXEC', 'MULTI', 'INCRBY {ns}account:dave 30', 'EXEC'],
        /2 separate transactions/,
      ],
      ['ex-multi-transfer', ['MULTI', 'SET {ns}account:carol 70', 'SET {ns}account:dave 50', 'EXEC'], /balance computed in the client/],
    ];
    for (const [id, lines, found] of cases) {
      const r = await attempt(id, lines);
      expect({ id, lines, pass: r.pass }).toEqual({ id, lines, pass: false });
      expect(r.actual).toMatch(found);
    }
  });

  it('correct alternatives pass: ZADD INCR, the feed in MULTI, SDIFF against the stored intersection, RPOPLPUSH, a retyped setup', async () => {
    expect((await attempt('ex-leaderboard', ['ZADD {ns}leaderboard:season INCR 45 ben', 'ZREVRANK {ns}leaderboard:season ben'])).pass).toBe(
      true,
    );
    expect((await attempt('ex-feed', ['MULTI', 'LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4', 'EXEC'])).pass).toBe(true);
    expect(
      (
        await attempt('ex-sets', [
          'SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go',
          'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:both',
        ])
      ).pass,
    ).toBe(true);
    // A STORE replaces its destination: hand-typed members before it do not count.
    expect(
      (
        await attempt('ex-sets', [
          'SADD {ns}likes:both ben dara',
          'SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go',
          'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go',
        ])
      ).pass,
    ).toBe(true);
    expect((await attempt('ex-reliable-claim', ['RPOPLPUSH {ns}queue:emails {ns}queue:emails:processing'])).pass).toBe(true);
    expect(
      (
        await attempt('ex-hash-update', [
          'HSET {ns}user:2002 karma 42',
          'HSET {ns}user:2002 name Margaret karma 41 reset_token 7f3a9c',
          'HINCRBY {ns}user:2002 karma 1',
          'HDEL {ns}user:2002 reset_token',
        ])
      ).pass,
    ).toBe(true);
    expect((await attempt('ex-priority', ['BZPOPMIN {ns}pq:tickets 1'])).pass).toBe(true);
  });

  it('at the prompt, hand-typed SADDs are "not yet: … you typed members … yourself"; a SINTERSTORE/SDIFFSTORE then passes', async () => {
    const { step, notYet } = await asLearnerIn('ex-sets', [
      'SADD {ns}likes:both ben dara',
      'SADD {ns}likes:rust-only ana chen',
      'SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go',
      'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go',
    ]);
    expect(notYet[1]).toMatch(
      /not yet: expected lc:likes:both stored by SINTERSTORE, computed by Redis, found you typed members into lc:likes:both yourself \(SADD lc:likes:both ben dara\)/,
    );
    expect(notYet[2]).toMatch(/you typed members into lc:likes:rust-only yourself/);
    expect(step).toMatchObject({ passed: true, points: 3 });
  });

  it('at the prompt, an empty MULTI/EXEC after the fact is "not yet: … outside MULTI/EXEC"; redoing it from the start passes', async () => {
    const { step, notYet } = await asLearnerIn('ex-multi-transfer', [
      'DECRBY {ns}account:carol 30',
      'INCRBY {ns}account:dave 30',
      'MULTI',
      'EXEC',
      'SET {ns}account:carol 100',
      'SET {ns}account:dave 20',
      'MULTI',
      'DECRBY {ns}account:carol 30',
      'INCRBY {ns}account:dave 30',
      'EXEC',
    ]);
    expect(notYet[2]).toMatch(
      /not yet: expected .*queued after MULTI and run together by EXEC, found you ran DECRBY lc:account:carol 30 outside MULTI\/EXEC/,
    );
    expect(step).toMatchObject({ passed: true, points: 3 });
  });
});

describe('complex lesson race', () => {
  it('read-modify-write loses points; WATCH with retries and HINCRBY lose none', async () => {
    const step = complexLesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === 'race-karma')!;
    const rows = (await runRace(step, { ctx, print: () => {} })).race ?? [];
    const naive = rows.find((r) => !r.atomic)!;
    expect(naive.actual).toBeLessThan(naive.expected);
    expect(naive.actual).toBeGreaterThan(0);
    for (const r of rows.filter((x) => x.atomic)) {
      expect(r.actual).toBe(r.expected);
      expect(r.expected).toBe(naive.expected);
    }
  });
});

describe('complex lesson shape', () => {
  it('is an Intermediate lesson with at least 6 exercises that only writes keys it declares', () =>
    Promise.resolve().then(() => {
      expect(complexLesson.level).toBe('Intermediate');
      expect(complexLesson.steps.filter((s) => s.kind === 'exercise').length).toBeGreaterThanOrEqual(6);
      const table = sb.table;
      const patterns = complexLesson.keys.map((k) => new RegExp(`^${NS}${k.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
      const lines = complexLesson.steps.flatMap((s) =>
        s.kind === 'run' ? s.commands : s.kind === 'exercise' ? [...s.solution, ...(Array.isArray(s.setup) ? s.setup : [])] : [],
      );
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        const args = tokenize(sb.expand(line));
        if (!isWrite(table, args)) continue;
        for (const key of extractKeys(table, args)) expect({ line, ok: patterns.some((p) => p.test(key)) }).toEqual({ line, ok: true });
      }
    }));
});
