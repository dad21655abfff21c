// The bulk lesson and its patterns: deterministic batch-wise generation, exact loaders, indexes that agree with
// the hashes, checks that reject near-misses, clean-up that removes only what was loaded, CONFIG restored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkLesson } from '../src/lessons/bulk/index.js';
import { MAX_RECORDS, MIN_RECORDS, recordsFor } from '../src/lessons/bulk/shared.js';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runLesson } from '../src/engine/runner.js';
import type { ExerciseStep, Lesson, Step } from '../src/engine/types.js';
import {
  ageIndexKey,
  allIndexKeys,
  cityIndexKey,
  deptIndexKey,
  salaryIndexKey,
  userKey,
  verifyIndexes,
  walkCursor,
} from '../src/lessons/bulk/lib/indexes.js';
import { loadOneByOne, loadPipelined } from '../src/lessons/bulk/lib/loaders.js';
import { encodingCrossing, hashListpackLimit } from '../src/lessons/bulk/lib/memory-layout.js';
import { CITIES, DEPARTMENTS, generateUsers, userById, userToHash, type User } from '../src/lessons/bulk/lib/users.js';
import { connectRedis } from '../src/redis/connect.js';
import { Sandbox } from '../src/redis/sandbox.js';
import { tokenize } from '../src/redis/tokenize.js';
import { openSandbox, scriptedInput } from './helpers.js';
import { scanAll } from '../src/redis/scan.js';

const DB = 5;
let sb: Sandbox;

beforeAll(async () => {
  sb = await openSandbox(DB, 'bt:');
});

afterAll(async () => {
  await sb.close();
});

async function collect(opts: Parameters<typeof generateUsers>[0]): Promise<{ batches: number[]; users: User[] }> {
  const batches: number[] = [];
  const users: User[] = [];
  for await (const b of generateUsers(opts)) {
    batches.push(b.length);
    users.push(...b);
  }
  return { batches, users };
}

async function keysUnder(prefix: string): Promise<string[]> {
  return (await scanAll(sb.admin, `${prefix}*`)).sort();
}

async function wipe(prefix: string): Promise<void> {
  const keys = await keysUnder(prefix);
  if (keys.length) await sb.admin.unlink(...keys);
}

describe('user generation', () => {
  it('comes in batches of the requested size, ids in order, the last batch holding the remainder', async () => {
    const { batches, users } = await collect({ total: 30, batchSize: 7 });
    expect(batches).toEqual([7, 7, 7, 7, 2]);
    expect(users.map((u) => u.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('is deterministic for a seed, whatever the batch size, and differs for another seed', async () => {
    const a = await collect({ total: 40, batchSize: 7, seed: 42 });
    const b = await collect({ total: 40, batchSize: 500, seed: 42 });
    const c = await collect({ total: 40, batchSize: 7, seed: 43 });
    expect(b.users).toEqual(a.users);
    expect(c.users.map((u) => u.name)).not.toEqual(a.users.map((u) => u.name));
    expect(await userById(17, 42)).toEqual(a.users[16]);
    // Starting in the middle gives the same users as generating from 1.
    const mid = await collect({ total: 5, firstId: 20, batchSize: 2 });
    expect(mid.users).toEqual(a.users.slice(19, 24));
  });

  it('generates lazily: taking one batch of a billion users returns at once', async () => {
    const gen = generateUsers({ total: 1_000_000_000, batchSize: 50 });
    const t0 = Date.now();
    const first = await gen.next();
    await gen.return(undefined);
    expect(first.done).toBe(false);
    expect((first.value as User[]).length).toBe(50);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('produces plausible records from the fixed city and department lists', async () => {
    const { users } = await collect({ total: 300 });
    const cities = new Set(CITIES.map((c) => c.value));
    const depts = new Map(DEPARTMENTS.map((d) => [d.value, d]));
    for (const u of users) {
      expect(cities.has(u.city)).toBe(true);
      expect(depts.has(u.department)).toBe(true);
      expect(u.age).toBeGreaterThanOrEqual(22);
      expect(u.age).toBeLessThanOrEqual(65);
      expect(u.salary).toBeGreaterThanOrEqual(depts.get(u.department)!.min);
      expect(u.email).toMatch(/@example\.(com|net|org)$/);
      expect(u.joined).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Every value fits the default listpack limit, so a user hash stays compact.
      for (const v of Object.values(userToHash(u))) expect(v.length).toBeLessThanOrEqual(64);
    }
  });

  it('the minimum record count has data for every exercise', async () => {
    const { users } = await collect({ total: MIN_RECORDS });
    expect(users.filter((u) => u.city === 'Berlin' && u.department === 'Engineering').length).toBeGreaterThan(0);
    expect(users.filter((u) => u.city === 'London' && u.department === 'Sales').length).toBeGreaterThan(0);
    expect(users.filter((u) => u.age >= 40 && u.age <= 49).length).toBeGreaterThan(20);
    expect(users.filter((u) => u.age >= 30 && u.age <= 39).length).toBeGreaterThan(0);
  });

  it('clamps --records to the range the lesson supports', () => {
    expect(recordsFor({ options: {} })).toBe(10_000);
    expect(recordsFor({ options: { records: 5 } })).toBe(MIN_RECORDS);
    expect(recordsFor({ options: { records: 1e9 } })).toBe(MAX_RECORDS);
    expect(recordsFor({ options: { records: 1234.7 } })).toBe(1234);
  });
});

describe('loaders and indexes', () => {
  const NS = 'bt:load:';

  it('one-by-one and pipelined loaders write exactly the users and their index entries', async () => {
    await wipe(NS);
    const { users } = await collect({ total: 25 });
    await loadOneByOne(sb.admin, NS, users.slice(0, 10));
    await loadPipelined(sb.admin, NS, users.slice(10));

    for (const u of users) expect(await sb.admin.hgetall(userKey(NS, u.id))).toEqual(userToHash(u));
    for (const c of CITIES) {
      const want = users
        .filter((u) => u.city === c.value)
        .map((u) => String(u.id))
        .sort();
      expect((await sb.admin.smembers(cityIndexKey(NS, c.value))).sort()).toEqual(want);
    }
    for (const d of DEPARTMENTS) {
      const want = users
        .filter((u) => u.department === d.value)
        .map((u) => String(u.id))
        .sort();
      expect((await sb.admin.smembers(deptIndexKey(NS, d.value))).sort()).toEqual(want);
    }
    const byId = (a: [string, number], b: [string, number]) => Number(a[0]) - Number(b[0]);
    const zset = async (key: string) => {
      const flat = await sb.admin.zrange(key, '0', '-1', 'WITHSCORES');
      const out: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
      return out.sort(byId);
    };
    expect(await zset(salaryIndexKey(NS))).toEqual(users.map((u) => [String(u.id), u.salary] as [string, number]).sort(byId));
    expect(await zset(ageIndexKey(NS))).toEqual(users.map((u) => [String(u.id), u.age] as [string, number]).sort(byId));
    // Nothing else was written.
    const expectedKeys = [...users.map((u) => userKey(NS, u.id)), ...allIndexKeys(NS)];
    const present = await keysUnder(NS);
    expect(present.every((k) => expectedKeys.includes(k))).toBe(true);
    expect(present.length).toBe(users.length + new Set(users.map((u) => u.city)).size + new Set(users.map((u) => u.department)).size + 2);

    expect(
      await verifyIndexes(
        sb.admin,
        NS,
        users.map((u) => u.id),
      ),
    ).toEqual([]);
    // And the verifier notices a lie.
    await sb.admin.zadd(salaryIndexKey(NS), 1, '3');
    await sb.admin.srem(cityIndexKey(NS, users[4]!.city), '5');
    const bad = await verifyIndexes(
      sb.admin,
      NS,
      users.map((u) => u.id),
    );
    expect(bad).toEqual([
      { id: 3, problem: 'salary score differs' },
      { id: 5, problem: `not in city index ${users[4]!.city}` },
    ]);
    await wipe(NS);
  });

  it('cursor walks return every member once, and a small intset comes back in one page', async () => {
    const key = 'bt:walk:big';
    const small = 'bt:walk:small';
    await sb.admin.sadd(key, ...Array.from({ length: 1500 }, (_, i) => `m${i}`));
    await sb.admin.sadd(small, ...Array.from({ length: 100 }, (_, i) => String(i)));
    const big = await walkCursor(sb.admin, 'SSCAN', key, { count: 100 });
    expect(big.distinct).toBe(1500);
    expect(big.pages.length).toBeGreaterThan(1);
    expect(big.pages.at(-1)!.next).toBe('0');
    const one = await walkCursor(sb.admin, 'SSCAN', small, { count: 10 });
    expect(await sb.admin.call('OBJECT', 'ENCODING', small)).toBe('intset');
    expect(one.pages.length).toBe(1);
    expect(one.distinct).toBe(100);
    await sb.admin.unlink(key, small);
  });

  it('a hash turns from listpack into hashtable one byte past the limit and never back', async () => {
    const limit = await hashListpackLimit(sb.admin);
    expect(limit?.name).toBe('hash-max-listpack-value');
    const steps = await encodingCrossing(sb.admin, 'bt:enc', limit!.value);
    expect(steps.map((s) => s.encoding)).toEqual(['listpack', 'listpack', 'hashtable', 'hashtable']);
    await sb.admin.unlink('bt:enc');
  });
});

/** Runs the lesson's steps up to (not including) `stopAt`, applying exercise solutions, like --auto does. */
async function runUntil(ctx: OwnedContext, steps: Step[], stopAt: string): Promise<void> {
  for (const st of steps) {
    if (st.id === stopAt) return;
    if (st.kind === 'code') await st.run(ctx);
    else if (st.kind === 'run') for (const line of st.commands) await sb.exec(tokenize(sb.expand(line)), 'bulk');
    else if (st.kind === 'exercise') await attemptExercise(st, { sb, ctx, scope: bulkLesson.id }, st.solution);
  }
}

function exercise(id: string): ExerciseStep {
  const st = bulkLesson.steps.find((s) => s.id === id);
  if (st?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return st;
}

describe('the exercises reject near-misses', () => {
  let ctx: OwnedContext;
  /** The exercise as the engine runs it: its setup, then `lines` (with {ns}) typed by a learner, then its check. */
  const attempt = (id: string, lines: string[], before?: () => Promise<void>) =>
    attemptExercise(exercise(id), { sb, ctx, scope: bulkLesson.id }, lines, before);

  beforeAll(async () => {
    await sb.reset();
    ctx = createContext(sb, { scope: 'bulk', options: { records: 400 }, write: () => {} });
    await runUntil(ctx, bulkLesson.steps, 'top-three');
  });

  afterAll(async () => {
    await ctx.dispose();
    await sb.reset('bulk');
  });

  it('the indexes the lesson built agree with every hash', async () => {
    expect(
      await verifyIndexes(
        sb.admin,
        'bt:',
        Array.from({ length: 400 }, (_, i) => i + 1),
      ),
    ).toEqual([]);
  });

  it('top three: ranks 0..2 without REV (the three lowest) fail, with REV pass', async () => {
    const worst = 'ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2';
    expect((await attempt('top-three', [worst])).pass).toBe(false);
    const r = await attempt('top-three', [worst, 'ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2 REV']);
    expect(r.pass).toBe(true);
    expect(r.actual).not.toContain('{ns}');
  });

  it('top three: the right members typed back with ZADD, or a copy of the whole index trimmed, fail and say why', async () => {
    const top = await sb.admin.zrange('bt:idx:salary', '0', '2', 'REV', 'WITHSCORES');
    const zaddArgs: string[] = [];
    for (let i = 0; i < top.length; i += 2) zaddArgs.push(top[i + 1]!, top[i]!);
    const typed = await attempt('top-three', ['ZRANGE {ns}idx:salary 0 2 REV WITHSCORES', `ZADD {ns}q:top3 ${zaddArgs.join(' ')}`]);
    expect(typed.pass).toBe(false);
    expect(typed.actual).toContain('you typed the result in with ZADD');
    expect(typed.expected).toContain('by one command (ZRANGESTORE)');

    const copied = await attempt('top-three', ['UNLINK {ns}q:top3', 'COPY {ns}idx:salary {ns}q:top3', 'ZREMRANGEBYRANK {ns}q:top3 0 -4']);
    expect(copied.pass).toBe(false);
    expect(copied.actual).toContain('2 commands built it (COPY, ZREMRANGEBYRANK)');

    // Starting over with the one command passes.
    expect((await attempt('top-three', ['UNLINK {ns}q:top3', 'ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2 REV'])).pass).toBe(true);
  });

  it('Berlin engineers: the wrong department fails', async () => {
    expect((await attempt('berlin-engineers', ['SINTERSTORE {ns}q:berlin-eng {ns}idx:city:berlin {ns}idx:dept:sales'])).pass).toBe(false);
  });

  it('thirties: an exclusive upper bound, or a count on the wrong key, fails', async () => {
    const misses = ['ZCOUNT {ns}idx:age 30 (39', 'ZCARD {ns}idx:age'];
    expect((await attempt('thirties', misses)).pass).toBe(false);
    expect((await attempt('thirties', [...misses, 'ZCOUNT {ns}idx:age 30 39'])).pass).toBe(true);
  });

  it('Berlin by salary: ZINTERSTORE without WEIGHTS scores salary + 1 and fails', async () => {
    const plus1 = 'ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin';
    const r = await attempt('berlin-pay', [plus1]);
    expect(r.pass).toBe(false);
    expect(r.actual).toMatch(/scored \d+, but the salary is \d+/);
    expect((await attempt('berlin-pay', [plus1, `${plus1} WEIGHTS 1 0`])).pass).toBe(true);
  });

  it('page two: page one fails', async () => {
    expect((await attempt('page-two', ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 0 10'])).pass).toBe(false);
  });

  it('leaver: right state without MULTI fails; dropping a whole index fails; the transaction passes', async () => {
    const leaver = exercise('leaver');
    // Removals one by one: the state is right but the exercise asks for one transaction.
    const removals = leaver.solution.filter((l) => l !== 'MULTI' && l !== 'EXEC');
    const r1 = await attempt('leaver', removals);
    expect(r1.pass).toBe(false);
    expect(r1.actual).toContain('no MULTI … EXEC that deletes bt:user:0');
    // An empty transaction afterwards does not count either.
    expect((await attempt('leaver', [...removals, 'MULTI', 'PING', 'EXEC'])).pass).toBe(false);

    // A transaction that throws away the whole Oslo index: id 0 is gone from it, but so is everyone else.
    let oslo: Buffer | null = null;
    const r2 = await attempt(
      'leaver',
      [
        'MULTI',
        'UNLINK {ns}user:0',
        'UNLINK {ns}idx:city:oslo',
        'SREM {ns}idx:dept:legal 0',
        'ZREM {ns}idx:salary 0',
        'ZREM {ns}idx:age 0',
        'EXEC',
      ],
      async () => {
        oslo = await sb.admin.dumpBuffer(cityIndexKey('bt:', 'Oslo'));
      },
    );
    expect(r2.pass).toBe(false);
    expect(r2.actual).toContain('indexes disagree');
    // Put Oslo back as it was (minus id 0) for the real attempt.
    await sb.claim('bulk', [cityIndexKey('bt:', 'Oslo')]); // the lesson's key again, as the lesson would claim it
    await sb.admin.restore(cityIndexKey('bt:', 'Oslo'), 0, oslo!);
    await sb.admin.srem(cityIndexKey('bt:', 'Oslo'), '0');

    // The check after each line: a MULTI left open is named; the whole transaction passes.
    expect((await attempt('leaver', leaver.solution.slice(0, 2))).actual).toBe('transaction open, 1 queued: EXEC runs them');
    expect(await attempt('leaver', leaver.solution)).toMatchObject({ pass: true });
  });
});

/** A learner typing `lines`, one per prompt. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('an exercise as a learner meets it', () => {
  it('Berlin engineers: copying SINTER\'s reply into SADD is "not yet", naming the round trip; SINTERSTORE then passes', async () => {
    await sb.reset();
    await wipe('bt:');
    // The lesson's loading steps, then the exercise: the learner's commands arrive as piped lines.
    const lesson: Lesson = {
      ...bulkLesson,
      steps: bulkLesson.steps.filter((s) => ['one-by-one', 'pipelined', 'berlin-engineers'].includes(s.id)),
    };
    const ids = await (async () => {
      // The answer the learner reads off SINTER, computed the same way from the data the lesson will load.
      const { users } = await collect({ total: 200 });
      return users.filter((u) => u.city === 'Berlin' && u.department === 'Engineering').map((u) => u.id);
    })();
    const lines: string[] = [];
    const result = await runLesson(lesson, sb, {
      mode: 'stdin',
      options: { records: 200 },
      input: scriptedInput([
        'SINTER bt:idx:city:berlin bt:idx:dept:engineering',
        `SADD bt:q:berlin-eng ${ids.join(' ')}`,
        'UNLINK bt:q:berlin-eng',
        'SINTERSTORE bt:q:berlin-eng bt:idx:city:berlin bt:idx:dept:engineering',
      ]),
      out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')),
    });
    const handTyped = lines.find((l) => l.includes('not yet:') && l.includes('SADD'));
    expect(handTyped).toContain('expected bt:q:berlin-eng computed on the server (SINTERSTORE)');
    expect(handTyped).toContain('you typed the result in with SADD: the data went to your client and back');
    expect(result.steps.find((s) => s.id === 'berlin-engineers')).toMatchObject({ passed: true, points: 2 });
    await sb.reset('bulk');
  });
});

describe('the whole lesson', () => {
  it('runs --auto to full marks, and its clean-up removes only what it loaded', async () => {
    await sb.reset();
    await wipe('bt:');
    // Keys that were there before, under names the lesson does not use: they must come through untouched.
    await sb.admin.set('bt:users', 'not a user key');
    await sb.admin.sadd('bt:idx', 'a', 'b');
    await sb.admin.hset('bt:user', 'owner', 'someone else');
    await sb.admin.zadd('bt:q', 1, 'x');
    const mine = ['bt:users', 'bt:idx', 'bt:user', 'bt:q'];
    const dumps = await Promise.all(mine.map((k) => sb.admin.dumpBuffer(k)));

    const lines: string[] = [];
    // Not in verify mode: wrong attempts run on a private server only (the generic lesson test does that part).
    const result = await runLesson(bulkLesson, sb, { mode: 'auto', out: (l) => lines.push(l), options: { records: 300 } });
    expect(result.score).toBe(result.maxScore);
    expect(result.steps.filter((s) => s.kind === 'exercise').every((s) => s.passed)).toBe(true);

    expect(await Promise.all(mine.map((k) => sb.admin.dumpBuffer(k)))).toEqual(dumps);
    // After the clean-up step only those keys (and the tool's bookkeeping) remain.
    expect((await keysUnder('bt:')).filter((k) => k !== sb.metaKey)).toEqual([...mine].sort());
    const out = lines.join('\n');
    expect(out).toMatch(/speed-up per user: ×\d/);
    expect(out).toContain('spot check of 200 users against the indexes: all agree');
    // The suite's server is reached by URL, so the lesson treats it as shared and leaves CONFIG alone.
    expect(out).toContain('Not changed here');

    await sb.reset('bulk');
    await sb.admin.unlink(...mine);
  });

  it("refuses to start when a key it would write exists and is not redis-learn's", async () => {
    await sb.reset();
    await sb.admin.set('bt:user:1', 'precious');
    await expect(runLesson(bulkLesson, sb, { mode: 'auto', out: () => {}, options: { records: 200 } })).rejects.toThrow(/bt:user:1/);
    expect(await sb.admin.get('bt:user:1')).toBe('precious');
    expect(await sb.admin.exists('bt:user:2')).toBe(0);
    await sb.admin.unlink('bt:user:1');
  });
});

describe('on a private server', () => {
  it('raises hash-max-listpack-value to show listpack buckets, then restores the value it found', async () => {
    const conn = await connectRedis({ private: true });
    const psb = await Sandbox.open(conn, 'learn:');
    try {
      expect(psb.target.private).toBe(true);
      // A non-default starting value proves the lesson restores what it found, not the default.
      await psb.admin.call('CONFIG', 'SET', 'hash-max-listpack-value', '80');
      const lines: string[] = [];
      const result = await runLesson(bulkLesson, psb, { mode: 'auto', out: (l) => lines.push(l), options: { records: 200 } });
      expect(result.score).toBe(result.maxScore);
      expect(await psb.admin.call('CONFIG', 'GET', 'hash-max-listpack-value')).toEqual(['hash-max-listpack-value', '80']);
      const out = lines.join('\n');
      expect(out).toMatch(/CONFIG SET hash-max-listpack-value 1024/);
      expect(out).toMatch(/CONFIG SET hash-max-listpack-value 80/);
      expect(out).toMatch(/bucket, hash-max-listpack-value 1024 .*listpack/);
      expect(out).toContain('is back to 80');
    } finally {
      await psb.close();
    }
  });
});
