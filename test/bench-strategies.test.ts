// Every strategy writes exactly the expected data (whole keyspace compared), the checks catch wrong data,
// and a run on a shared server stays in its namespace, refuses foreign keys and leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { serverAddress, type ServerAddress } from '../src/benchmarks/connections.js';
import { runBench } from '../src/benchmarks/runner.js';
import { buildStrategies, parseStrategies, findBinary } from '../src/benchmarks/strategies.js';
import { USER_FIELDS, userAt, userFields, userPool } from '../src/benchmarks/user-pool.js';
import { createWorkload, sampleIds, scoreOrder, type WorkloadName } from '../src/benchmarks/workloads.js';
import { SafetyError } from '../src/errors.js';
import { connectRedis } from '../src/redis/connect.js';
import { startPrivateServer } from '../src/redis/private-server.js';
import { Sandbox } from '../src/redis/sandbox.js';
import { openSandbox, serverUrl } from './helpers.js';

const DB = 7;
// 130 records in batches of 40: several full batches and a short last one.
const N = 130;
const BATCH = 40;

type Dump = Record<string, unknown>;

/** Everything under a prefix, by type, in a comparable form. */
async function dump(redis: Redis, prefix: string): Promise<Dump> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const out: Dump = {};
  for (const k of keys.sort()) {
    const type = await redis.type(k);
    if (type === 'string') out[k] = await redis.get(k);
    else if (type === 'hash') out[k] = await redis.hgetall(k);
    else if (type === 'set') out[k] = (await redis.smembers(k)).sort();
    else if (type === 'zset') out[k] = await redis.zrange(k, '0', '-1', 'WITHSCORES');
    else out[k] = `unexpected type ${type}`;
  }
  return out;
}

/** The expected keyspace, built from the user model directly, not from any strategy's code. */
async function expected(workload: WorkloadName, prefix: string, n: number): Promise<Dump> {
  const out: Dump = {};
  if (workload === 'set') {
    for (let id = 1; id <= n; id++) out[`${prefix}key:${id}`] = `v${id}`;
    return out;
  }
  const pool = await userPool();
  const sets: Record<string, string[]> = {};
  const bySalary: [number, number][] = [];
  const byAge: [number, number][] = [];
  for (let id = 1; id <= n; id++) {
    const u = userAt(pool, id);
    out[`${prefix}user:${id}`] = userFields(u);
    (sets[`${prefix}city:${u.city}`] ??= []).push(String(id));
    (sets[`${prefix}dept:${u.department}`] ??= []).push(String(id));
    bySalary.push([u.salary, id]);
    byAge.push([u.age, id]);
  }
  for (const [k, members] of Object.entries(sets)) out[k] = members.sort();
  // ZRANGE order: by score, then members lexicographically.
  const zrange = (pairs: [number, number][]) =>
    pairs.sort((a, b) => a[0] - b[0] || (String(a[1]) < String(b[1]) ? -1 : 1)).flatMap(([score, id]) => [String(id), String(score)]);
  out[`${prefix}users_by_salary`] = zrange(bySalary);
  out[`${prefix}users_by_age`] = zrange(byAge);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function unlinkPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

let sb: Sandbox;
let address: ServerAddress;

beforeAll(async () => {
  sb = await openSandbox(DB, 'benchtest:');
  address = serverAddress(sb.target, serverUrl(DB));
});

afterAll(async () => {
  await unlinkPrefix(sb.admin, 'benchtest:s:');
  await sb.close();
});

const strategies = buildStrategies(parseStrategies(undefined), BATCH).filter(
  (s) => s.name !== 'redis-cli' || findBinary('redis-cli') !== null,
);

describe.each(['users', 'set'] as const)('workload %s', (workload) => {
  it.each(strategies.map((s) => [`${s.name} ${s.batch}`, s] as const))('%s writes exactly the expected data', async (_label, strategy) => {
    // Not under {ns}bench: so the CLI test running beside this file never sees these keys.
    const prefix = `benchtest:s:${workload}:${strategy.name}:${strategy.batch}:`;
    await unlinkPrefix(sb.admin, prefix);
    const wl = await createWorkload(workload, prefix);
    let ticked = 0;
    const prepared = await strategy.prepare({ workload: wl, records: N, address, progress: (n) => (ticked += n) });
    const out = await prepared.run();
    await prepared.close();
    expect(out.errors).toBe(0);
    expect(out.firstError).toBeNull();
    expect(ticked).toBe(N);
    expect(out.commands).toBeGreaterThan(0);
    expect(await dump(sb.admin, prefix)).toEqual(await expected(workload, prefix, N));
    expect(await wl.verify(sb.admin, N, false)).toMatchObject({ ok: true });
    await unlinkPrefix(sb.admin, prefix);
  });
});

describe('the checks catch wrong data', () => {
  const prefix = 'benchtest:s:wrong:';

  async function loaded(workload: WorkloadName) {
    await unlinkPrefix(sb.admin, prefix);
    const wl = await createWorkload(workload, prefix);
    const [raw] = buildStrategies(parseStrategies('raw'), BATCH);
    const prepared = await raw!.prepare({ workload: wl, records: N, address, progress: () => {} });
    await prepared.run();
    await prepared.close();
    expect(await wl.verify(sb.admin, N, false)).toMatchObject({ ok: true });
    return wl;
  }

  it('a changed field of a sampled user fails users', async () => {
    const wl = await loaded('users');
    const id = sampleIds(N)[3]!;
    await sb.admin.hset(`${prefix}user:${id}`, USER_FIELDS[2], 'not a phone');
    const v = await wl.verify(sb.admin, N, false);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(new RegExp(`user:${id} phone`));
  });

  it('a missing user hash, even one never sampled, fails users', async () => {
    const wl = await loaded('users');
    const unsampled = Array.from({ length: N }, (_, i) => i + 1).find((id) => !sampleIds(N).includes(id))!;
    await sb.admin.unlink(`${prefix}user:${unsampled}`);
    expect(await wl.verify(sb.admin, N, false)).toMatchObject({ ok: false, detail: `${N - 1} of ${N} user hashes exist` });
  });

  it('an id missing from a set or a sorted set fails users', async () => {
    const wl = await loaded('users');
    await sb.admin.zrem(`${prefix}users_by_age`, '7');
    expect((await wl.verify(sb.admin, N, false)).detail).toMatch(/users_by_age has 129 members/);
    const pool = await userPool();
    await sb.admin.zadd(`${prefix}users_by_age`, userAt(pool, 7).age, '7');
    await sb.admin.srem(`${prefix}city:${userAt(pool, 9).city}`, '9');
    expect((await wl.verify(sb.admin, N, false)).detail).toMatch(/city sets hold 129 ids/);
  });

  it('a missing key or a wrong value fails set', async () => {
    const wl = await loaded('set');
    await sb.admin.set(`${prefix}key:1`, 'wrong');
    expect((await wl.verify(sb.admin, N, false)).detail).toMatch(/key:1 is "wrong"/);
    await sb.admin.set(`${prefix}key:1`, 'v1');
    await sb.admin.unlink(`${prefix}key:2`);
    expect((await wl.verify(sb.admin, N, false)).ok).toBe(false);
    await unlinkPrefix(sb.admin, prefix);
  });
});

describe('a run on a shared server', () => {
  // Its own namespace, so it never meets the CLI test's runs under benchtest:bench:.
  const NS = 'benchtest:r:';
  let shared: Sandbox;

  beforeAll(async () => {
    shared = await openSandbox(DB, NS);
  });

  afterAll(async () => {
    await unlinkPrefix(shared.admin, NS);
    await shared.close();
  });

  const options = (workload: WorkloadName, strategies: string) => ({
    workload,
    records: 300,
    strategies: parseStrategies(strategies),
    batch: 100,
    ceiling: false,
    address,
    note: () => {},
  });

  it('verifies every strategy it runs and leaves no key behind', async () => {
    const { report } = await runBench(shared, options('users', 'sequential,pipeline:100,raw,variadic'));
    expect(report.results.map((r) => [r.strategy, r.verified])).toEqual([
      ['sequential', true],
      ['pipeline', true],
      ['variadic', true],
      ['raw', true],
    ]);
    expect(report.server.private).toBe(false);
    expect(await dump(shared.admin, NS)).toEqual({});
  });

  it('refuses to run when keys it did not create sit under {ns}bench:, and changes nothing', async () => {
    await shared.admin.set(`${NS}bench:mine`, 'the learner’s');
    await expect(runBench(shared, options('set', 'raw'))).rejects.toThrow(SafetyError);
    expect(await dump(shared.admin, NS)).toEqual({ [`${NS}bench:mine`]: 'the learner’s' });
    await shared.admin.unlink(`${NS}bench:mine`);
  });

  it('removes what an interrupted run left, and only that', async () => {
    // A dead run: its marker is claimed but gone (TTL expired), its keys are still there.
    const marker = `${NS}bench:deadbeef`;
    await shared.claim('bench', [marker]);
    await shared.admin.set(`${marker}:key:1`, 'v1');
    await shared.admin.hset(`${marker}:user:1`, 'name', 'x');
    const notes: string[] = [];
    const { report } = await runBench(shared, { ...options('set', 'pipeline:100'), note: (l: string) => notes.push(l) });
    expect(report.results[0]?.verified).toBe(true);
    expect(notes.join('\n')).toMatch(/removed 2 keys left by an interrupted benchmark run/);
    expect(await dump(shared.admin, NS)).toEqual({});
  });
});

describe('edges', () => {
  it('loads a single record with every strategy', async () => {
    const one = await openSandbox(DB, 'benchtest:one:');
    try {
      for (const workload of ['users', 'set'] as const) {
        const { report } = await runBench(one, {
          workload,
          records: 1,
          strategies: parseStrategies(undefined),
          ceiling: false,
          address,
          note: () => {},
        });
        expect(report.results.length).toBeGreaterThanOrEqual(12);
        for (const r of report.results) expect([workload, r.strategy, r.verified, r.records]).toEqual([workload, r.strategy, true, 1]);
      }
      expect(await dump(one.admin, 'benchtest:one:')).toEqual({});
    } finally {
      await unlinkPrefix(one.admin, 'benchtest:one:');
      await one.close();
    }
  });

  it('orders sorted-set pairs by score, ties in id order', () => {
    const scores = [30, 18, 70, 18, 30, 19];
    expect([...scoreOrder(scores, 18, 1, 53)]).toEqual([1, 3, 5, 0, 4, 2]);
    expect([...scoreOrder([30_200, 30_000, 30_100], 30_000, 100, 1700)]).toEqual([1, 2, 0]);
    expect([...scoreOrder([], 18, 1, 53)]).toEqual([]);
  });

  it('uses 1,000-record batches with ioredis and 10,000 for hand-encoded RESP unless --batch says otherwise', () => {
    const all = buildStrategies(parseStrategies(undefined));
    const batchOf = (name: string) => all.find((s) => s.name === name)?.batch;
    expect(['sequential', 'variadic', 'multi', 'lua', 'raw', 'raw-variadic'].map(batchOf)).toEqual([1, 1000, 1000, 1000, 10_000, 10_000]);
    expect(buildStrategies(parseStrategies('raw,variadic'), 250).map((s) => s.batch)).toEqual([250, 250]);
  });
});

describe('a server that wants a password', () => {
  it('authenticates the bare socket and redis-cli, and skips the ceiling rather than expose the password', async () => {
    const server = await startPrivateServer({ args: ['--requirepass', 's3cret pass'] });
    const url = `redis://:${encodeURIComponent('s3cret pass')}@127.0.0.1:${server.port}/3`;
    const conn = await connectRedis({ url });
    const guarded = await Sandbox.open(conn, 'benchtest:');
    try {
      const addr = serverAddress(guarded.target, url);
      expect(addr).toMatchObject({ password: 's3cret pass', db: 3, tls: false });
      const notes: string[] = [];
      const { report } = await runBench(guarded, {
        workload: 'users',
        records: 120,
        strategies: parseStrategies('pipeline:100,raw,raw-variadic,redis-cli'),
        ceiling: true,
        address: addr,
        note: (l) => notes.push(l),
      });
      expect(report.results.map((r) => [r.strategy, r.verified])).toEqual([
        ['pipeline', true],
        ['raw', true],
        ['raw-variadic', true],
        ...(findBinary('redis-cli') ? [['redis-cli', true]] : []),
      ]);
      expect(report.ceiling).toBeNull();
      if (findBinary('redis-benchmark')) expect(notes.join('\n')).toMatch(/no ceiling: the server needs a password/);
      expect(await guarded.admin.dbsize()).toBe(0);
    } finally {
      await guarded.close();
      await server.stop();
    }
  });
});
