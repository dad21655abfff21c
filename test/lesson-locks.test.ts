// The locks lesson against a real server: its races (the naive versions let several holders in, counted; the correct
// ones exactly one, or exactly the semaphore's limit), what its code steps show, and its exercise checks, including a
// lock that changes hands between the learner's GET and EXEC. The lock pattern itself is tested in test/patterns/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { applySetup, attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { transactionGuards } from '../src/lessons/locks/guards.js';
import { locksLesson } from '../src/lessons/locks/index.js';
import { endLearnerTurn, runLearnerCommand } from '../src/redis/learner-command.js';
import type { RecordedCommand } from '../src/redis/recorder.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox, scriptedInput } from './helpers.js';

const NS = 'lockslesson:';
const k = (name: string) => `${NS}${name}`;
let sb: Sandbox;
let ctx: OwnedContext;

beforeAll(async () => {
  // A private server: the lesson's code steps run scripts, as they do for a learner without --url.
  sb = await openPrivateSandbox(NS);
  ctx = createContext(sb, { scope: locksLesson.id, write: () => {} });
});

afterAll(async () => {
  await ctx.dispose();
  await sb.reset(locksLesson.id);
  await sb.close();
});

function exercise(id: string): ExerciseStep {
  const step = locksLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function race(id: string): RaceStep {
  const step = locksLesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === id);
  if (!step) throw new Error(`no race ${id}`);
  return step;
}

function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: locksLesson.id }, lines);
}

/** Like attempt, with functions run between the learner's lines (another client acting meanwhile). */
async function attemptWith(id: string, lines: (string | (() => Promise<unknown>))[]): Promise<CheckResult> {
  const step = exercise(id);
  ctx.history.length = 0;
  await applySetup(step, { sb, ctx, scope: locksLesson.id });
  for (const line of lines) {
    if (typeof line === 'function') {
      await line();
      continue;
    }
    const r = await runLearnerCommand(sb, sb.expand(line), { scope: locksLesson.id, confirm: () => Promise.resolve(true) });
    if (r.status === 'ran') ctx.history.push(r.record);
  }
  const result = await step.check(ctx);
  await endLearnerTurn(sb);
  return result;
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function only(...ids: string[]): Lesson {
  return { ...locksLesson, steps: locksLesson.steps.filter((s) => ids.includes(s.id)) };
}

/** Runs steps with --auto and returns their output as one string, one line per output call. */
async function output(...ids: string[]): Promise<string> {
  const lines: string[] = [];
  await runLesson(only(...ids), sb, { mode: 'auto', out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')) });
  return lines.join('\n');
}

describe('races: the naive versions let extra holders in, counted; the correct ones do not', () => {
  it('lock-race: GET-then-SET lets many of the 50 in at once; acquireLock exactly one, with fences in order', async () => {
    const said: string[] = [];
    const rctx = { ...ctx, say: (t: string) => said.push(t) };
    const rows = (await runRace(race('lock-race'), { ctx: rctx, print: () => {} })).race ?? [];
    const [naive, lib] = rows;
    expect(naive).toMatchObject({ atomic: false, expected: 1, unit: 'holders at once' });
    expect(naive!.actual).toBeGreaterThan(1);
    expect(lib).toMatchObject({ atomic: true, expected: 1, actual: 1 });
    expect(said.join('\n')).toContain(
      'acquireLock: 50 clients got in, at most 1 at once; fences 1…50, rising in the order the lock was won',
    );
  });

  it('release-race: a DEL by the slow holder lets a second worker in beside a valid holder; the token release never does', async () => {
    const rows = (await runRace(race('release-race'), { ctx, print: () => {} })).race ?? [];
    const [del, token] = rows;
    expect(del).toMatchObject({ label: 'release with DEL', atomic: false, expected: 1 });
    expect(del!.actual).toBeGreaterThanOrEqual(2);
    expect(token).toMatchObject({ atomic: true, expected: 1, actual: 1, unit: 'workers inside at once' });
  });

  it('semaphore-race: count-then-add goes past 3 holders; the script holds exactly 3 at its busiest', async () => {
    const rows = (await runRace(race('semaphore-race'), { ctx, print: () => {} })).race ?? [];
    const [naive, script] = rows;
    expect(naive!.actual).toBeGreaterThan(3);
    expect(script).toMatchObject({ atomic: true, expected: 3, actual: 3 });
  });
});

describe('code steps show what the prose says', () => {
  it('naive-setnx: SETNX without its EXPIRE leaves TTL -1 and refuses the next worker; SET NX PX is born with a TTL', async () => {
    const out = await output('naive-setnx');
    expect(out).toMatch(/SETNX lockslesson:locks:nightly-report w1-7f3a\s+\(integer\) 1/);
    expect(out).toMatch(/TTL lockslesson:locks:nightly-report\s+\(integer\) -1/);
    expect(out).toContain('w2 → (nil)');
    const ttl = await sb.admin.ttl(k('locks:nightly-report'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('lua-release-extend: a holder whose lock expired can neither extend nor release the new holder’s lock', async () => {
    const out = await output('lua-release-extend');
    expect(out).toContain('A.extend → false, A.release → false');
    expect(out).toMatch(/EXISTS lockslesson:locks:cleanup\s+\(integer\) 0/);
  });

  it('slow-holder: the paused holder’s write lands in the plain store and is refused by the fenced one', async () => {
    const out = await output('slow-holder');
    expect(await sb.admin.get(k('locks:account:7:plain'))).toBe('120');
    expect(await sb.admin.hgetall(k('locks:account:7:fenced'))).toEqual({ value: '130', fence: '2' });
    expect(out).toMatch(/plain SET\s+│ accepted\s+│ 120\s+│ lost/);
    expect(out).toMatch(/keeps the highest fence\s+│ refused\s+│ 130 \(fence 2\)\s+│ kept/);
    expect(out).toContain('A.release → false');
    expect(await sb.admin.exists(k('locks:account:7'))).toBe(0);
  });

  it('semaphore: 3 slots; a crashed holder’s slot frees itself, a released one is taken', async () => {
    const out = await output('semaphore');
    expect(out).toMatch(/w4 \(30 s slot\)\s+│ full: wait and retry/);
    expect(out).toContain('w4 → got a slot');
    expect(await sb.admin.zrange(k('locks:sem:pdf'), '0', '-1')).toEqual(['w3', 'w4', 'w5']);
  });

  it('ifeq-extend runs where the server has DELEX (Redis 8.4), and is skipped without cost elsewhere', async () => {
    const lines: string[] = [];
    const result = await runLesson(only('ifeq-extend'), sb, { mode: 'auto', out: (l) => lines.push(plain(l)) });
    const step = result.steps.find((s) => s.id === 'ifeq-extend')!;
    if (sb.table.has('delex')) {
      expect(step.unavailable).toBeUndefined();
      expect(lines.join('\n')).toMatch(/DELEX lockslesson:locks:report:monthly IFEQ w1-7f3a\s+\(integer\) 1/);
    } else {
      expect(step.unavailable).toContain('needs Redis 8.4 or later');
      expect(result.score).toBe(result.maxScore);
    }
  });
});

describe('exercise checks', () => {
  it('take-lock: SETNX + PEXPIRE fails as two commands; EX instead of PX passes', async () => {
    const r = await attempt('take-lock', ['SETNX {ns}locks:invoice:42 w1-7f3a', 'PEXPIRE {ns}locks:invoice:42 30000']);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain('with no expiry');
    expect((await attempt('take-lock', ['SET {ns}locks:invoice:42 w1-7f3a NX EX 30'])).pass).toBe(true);
  });

  it('second-acquire: SET without NX overwrites w2 and fails; SET … NX EX passes and leaves w2 alone', async () => {
    const r = await attempt('second-acquire', ['SET {ns}locks:payroll w3-9d0e PX 10000']);
    expect(r).toMatchObject({ pass: false });
    expect(r.actual).toContain('overwrote w2');
    expect((await attempt('second-acquire', ['SET {ns}locks:payroll w3-9d0e NX EX 10'])).pass).toBe(true);
    expect(await sb.admin.get(k('locks:payroll'))).toBe('w2-b71c');
  });

  it('release-safely: a lock re-taken between GET and EXEC is not deleted (EXEC replies nil), and the check says so', async () => {
    const r = await attemptWith('release-safely', [
      'WATCH {ns}locks:report:daily',
      'GET {ns}locks:report:daily',
      // Meanwhile the lock expires and worker w5 takes it.
      () => sb.admin.set(k('locks:report:daily'), 'w5-e0e0', 'PX', 600_000),
      'MULTI',
      'DEL {ns}locks:report:daily',
      'EXEC',
    ]);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain('still exists');
    expect(await sb.admin.get(k('locks:report:daily'))).toBe('w5-e0e0');
    const exec = ctx.history.find((c) => c.args[0] === 'EXEC');
    expect(exec?.reply).toBeNull();
  });

  it('release-safely: deleting both fails naming the foreign lock; WATCH on both with one MGET passes', async () => {
    const both = await attempt('release-safely', ['DEL {ns}locks:report:daily', 'DEL {ns}locks:report:weekly']);
    expect(both.pass).toBe(false);
    expect(both.actual).toContain("changed w4-c2d8's lock");
    const mget = await attempt('release-safely', [
      'WATCH {ns}locks:report:daily {ns}locks:report:weekly',
      'MGET {ns}locks:report:daily {ns}locks:report:weekly',
      'MULTI',
      'DEL {ns}locks:report:daily',
      'EXEC',
    ]);
    expect(mget).toMatchObject({ pass: true });
  });

  it('extend-safely: seconds where PEXPIRE wants milliseconds fail on the TTL; GET then PEXPIRE fails as two commands', async () => {
    const secs = await attempt('extend-safely', [
      'WATCH {ns}locks:export:q3',
      'GET {ns}locks:export:q3',
      'MULTI',
      'PEXPIRE {ns}locks:export:q3 300',
      'EXEC',
    ]);
    expect(secs.pass).toBe(false);
    const two = await attempt('extend-safely', ['GET {ns}locks:export:q3', 'PEXPIRE {ns}locks:export:q3 300000']);
    expect(two.pass).toBe(false);
    expect(two.actual).toContain('GET, then PEXPIRE as two commands');
  });

  it('lock-and-fence: SET NX PX then INCR fails as two commands', async () => {
    const r = await attempt('lock-and-fence', ['SET {ns}locks:ledger w6-51aa NX PX 30000', 'INCR {ns}locks:ledger:fence']);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain('ran as two commands');
  });

  it('fenced-write: overwriting the newer document fails; HMGET as the read passes', async () => {
    const both = await attempt('fenced-write', [
      'HSET {ns}locks:ledger:doc-a body v2 fence 42',
      'HSET {ns}locks:ledger:doc-b body v2 fence 42',
    ]);
    expect(both.actual).toContain('newer than your 42');
    const hmget = await attempt('fenced-write', [
      'WATCH {ns}locks:ledger:doc-a',
      'HMGET {ns}locks:ledger:doc-a body fence',
      'MULTI',
      'HSET {ns}locks:ledger:doc-a body v2 fence 42',
      'EXEC',
    ]);
    expect(hmget).toMatchObject({ pass: true });
  });

  it('semaphore-slot: a clean-up between WATCH and MULTI aborts the EXEC, as in Redis; the clean-up inside the MULTI with ZCOUNT passes', async () => {
    const broken = await attempt('semaphore-slot', [
      'WATCH {ns}locks:sem:exports',
      'ZREMRANGEBYSCORE {ns}locks:sem:exports -inf 1750000000',
      'ZCARD {ns}locks:sem:exports',
      'MULTI',
      'ZADD {ns}locks:sem:exports 1750000030 w7',
      'EXEC',
    ]);
    // Redis aborts the EXEC: the learner's own write changed the watched key. Nothing was added.
    expect(broken.pass).toBe(false);
    expect(broken.actual).toContain('w7 has no slot yet');
    const inside = await attempt('semaphore-slot', [
      'WATCH {ns}locks:sem:exports',
      'ZCOUNT {ns}locks:sem:exports (1750000000 +inf',
      'MULTI',
      'ZREMRANGEBYSCORE {ns}locks:sem:exports -inf 1750000000',
      'ZADD {ns}locks:sem:exports 1750000030 w7',
      'EXEC',
    ]);
    expect(inside).toMatchObject({ pass: true });
    const full = await attempt('semaphore-slot', ['WATCH {ns}locks:sem:exports', 'ZCARD {ns}locks:sem:exports', 'UNWATCH']);
    expect(full.actual).toContain("ZCARD said 3, but w3's slot had expired");
  });
});

describe('transactionGuards reads the learner’s WATCH as Redis would apply it', () => {
  const rec = (args: string[], reply: unknown, keys: string[] = [], write = false): RecordedCommand => ({
    command: args.join(' '),
    args,
    reply,
    ms: 0,
    keys,
    write,
  });

  it('a WATCH and a read before MULTI guard the transaction; EXEC and UNWATCH forget them; only a write to a watched key breaks it', () => {
    const guards = transactionGuards([
      rec(['WATCH', 'a', 'b'], 'OK', ['a', 'b']),
      rec(['GET', 'a'], 't1', ['a']),
      rec(['MULTI'], 'OK'),
      rec(['DEL', 'a'], 'QUEUED', ['a'], true),
      rec(['EXEC'], [1], ['a'], true),
      // EXEC forgot the WATCH: this transaction is unguarded.
      rec(['MULTI'], 'OK'),
      rec(['DEL', 'b'], 'QUEUED', ['b'], true),
      rec(['EXEC'], [1], ['b'], true),
      // A write to another key leaves the WATCH on c in force.
      rec(['WATCH', 'c'], 'OK', ['c']),
      rec(['SET', 'x', '1'], 'OK', ['x'], true),
      rec(['GET', 'c'], 'v', ['c']),
      rec(['MULTI'], 'OK'),
      rec(['DEL', 'c'], 'QUEUED', ['c'], true),
      rec(['EXEC'], [1], ['c'], true),
      // A write to the watched key breaks it (the EXEC that follows would fail on a real server).
      rec(['WATCH', 'e'], 'OK', ['e']),
      rec(['SET', 'e', '1'], 'OK', ['e'], true),
      rec(['MULTI'], 'OK'),
      rec(['DEL', 'e'], 'QUEUED', ['e'], true),
      rec(['EXEC'], [1], ['e'], true),
      // An aborted EXEC is not a committed transaction, as in ranCommands.
      rec(['WATCH', 'd'], 'OK', ['d']),
      rec(['MULTI'], 'OK'),
      rec(['DEL', 'd'], 'QUEUED', ['d'], true),
      rec(['EXEC'], null, ['d'], true),
    ]);
    expect([...guards.keys()]).toEqual([1, 2, 3, 4]);
    expect([...guards.get(1)!.watched]).toEqual(['a', 'b']);
    expect(guards.get(1)!.reads.get('a')).toEqual(['GET']);
    expect(guards.get(2)!.watched.size).toBe(0);
    expect(guards.get(3)!.brokenBy).toBeUndefined();
    expect([...guards.get(3)!.watched]).toEqual(['c']);
    expect(guards.get(3)!.reads.get('c')).toEqual(['GET']);
    expect(guards.get(4)).toMatchObject({ brokenBy: 'SET e 1' });
    expect(guards.get(4)!.watched.size).toBe(0);
  });
});

describe('as a learner meets it', () => {
  it('a plain DEL is refused with the reason; :reset and the WATCH form earn the points', async () => {
    const lines: string[] = [];
    const result = await runLesson(only('release-safely'), sb, {
      mode: 'stdin',
      input: scriptedInput([
        'DEL {ns}locks:report:daily'.replace('{ns}', NS),
        ':reset',
        ...exercise('release-safely').solution.map((l) => l.replaceAll('{ns}', NS)),
      ]),
      out: (l) => lines.push(plain(l).replace(/\n\s*/g, ' ')),
    });
    const notYet = lines.find((l) => l.includes('not yet:') && l.includes('a plain DEL deletes whoever holds the lock'));
    expect(notYet).toBeDefined();
    expect(result.steps.find((s) => s.id === 'release-safely')).toMatchObject({ passed: true, points: 3 });
    expect(await sb.admin.get(k('locks:report:weekly'))).toBe('w4-c2d8');
    await sb.reset(locksLesson.id);
  });
});
