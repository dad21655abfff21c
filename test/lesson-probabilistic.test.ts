// The probabilistic lesson against a real server: its race (a JSON string loses increments, the store's incrBy does
// not), what its code steps print against what the prose claims, the naive helpers it shows failing, and the
// messages its exercise checks give for the usual mistakes. The patterns themselves are tested in test/patterns/.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incrementJsonNaive, searchByScan } from '../src/antipatterns/probabilistic.js';
import { createContext, type OwnedContext } from '../src/engine/context.js';
import { attemptExercise } from '../src/engine/exercise.js';
import { runRace } from '../src/engine/race.js';
import { runLesson } from '../src/engine/runner.js';
import type { CheckResult, ExerciseStep, Lesson, RaceStep } from '../src/engine/types.js';
import { probabilisticLesson } from '../src/lessons/probabilistic/index.js';
import {
  ABSENT_USERNAME_BITS,
  CPU_CUTOFF,
  JSON_RACE_CLIENTS,
  JSON_RACE_INCREMENTS,
  NEW_USERNAME_BITS,
  takenBits,
} from '../src/lessons/probabilistic/shared.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox } from './helpers.js';

const NS = 'prob:';
let sb: Sandbox;
let redis: Redis;
let ctx: OwnedContext;

const columns = process.env.COLUMNS;

beforeAll(async () => {
  // Wide enough that no table drops or clips a column: the tests read the rows.
  process.env.COLUMNS = '160';
  sb = await openPrivateSandbox(NS);
  redis = sb.admin;
  ctx = createContext(sb, { scope: probabilisticLesson.id, write: () => {} });
});

afterAll(async () => {
  if (columns === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columns;
  await ctx.dispose();
  await sb.reset();
  await sb.close();
});

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function only(...ids: string[]): Lesson {
  return { ...probabilisticLesson, steps: probabilisticLesson.steps.filter((s) => ids.includes(s.id)) };
}

/**
 * Runs some steps as --auto does. `text` is the narration with each output call on one line (wrapping undone); `raw`
 * keeps the line breaks, for reading tables row by row.
 */
async function printed(...ids: string[]): Promise<{ text: string; raw: string }> {
  const calls: string[] = [];
  await runLesson(only(...ids), sb, { mode: 'auto', out: (l) => calls.push(plain(l)) });
  return { text: calls.map((c) => c.replace(/\n\s*/g, ' ')).join('\n'), raw: calls.join('\n') };
}

function exercise(id: string): ExerciseStep {
  const step = probabilisticLesson.steps.find((s) => s.id === id);
  if (step?.kind !== 'exercise') throw new Error(`no exercise ${id}`);
  return step;
}

function attempt(id: string, lines: string[]): Promise<CheckResult> {
  return attemptExercise(exercise(id), { sb, ctx, scope: probabilisticLesson.id }, lines);
}

/** A table row's cells, from the rendered table: "│ a │ b │" → ["a", "b"]. */
function rowOf(out: string, first: string): string[] {
  const line = out.split('\n').find((l) => l.includes(`│ ${first} `));
  if (!line) throw new Error(`no row starting ${first}`);
  return line
    .split('│')
    .map((c) => c.trim())
    .filter(Boolean);
}

describe('the naive helpers the lesson shows failing', () => {
  it('incrementJsonNaive loses increments when clients overlap; alone it counts right', async () => {
    const key = `${NS}naive:doc`;
    await redis.set(key, JSON.stringify({ stats: { logins: 0 } }));
    await incrementJsonNaive(redis, key, 'stats.logins');
    expect(JSON.parse((await redis.get(key))!)).toEqual({ stats: { logins: 1 } });
    const clients = await ctx.clients(10);
    await Promise.all(clients.map((c) => incrementJsonNaive(c, key, 'stats.logins')));
    const logins = (JSON.parse((await redis.get(key))!) as { stats: { logins: number } }).stats.logins;
    expect(logins).toBeLessThan(11);
    await redis.unlink(key);
  });

  it('searchByScan reads every document and matches inside words', async () => {
    await redis.mset(`${NS}naive:doc:1`, 'red wool socks', `${NS}naive:doc:2`, 'tailored woolly coat', `${NS}naive:doc:3`, 'blue silk');
    const r = await searchByScan(redis, `${NS}naive:doc:*`, 'red wool');
    expect(r.ids).toEqual(['1', '2']);
    expect(r.keysRead).toBe(3);
    expect(r.commands).toBeGreaterThan(3);
    await redis.unlink(`${NS}naive:doc:1`, `${NS}naive:doc:2`, `${NS}naive:doc:3`);
  });
});

describe('the race: a counter inside a JSON document', () => {
  it('GET, parse, SET loses increments (counted); the store’s incrBy counts every one', async () => {
    const step = probabilisticLesson.steps.find((s): s is RaceStep => s.kind === 'race' && s.id === 'json-race')!;
    const rows = (await runRace(step, { ctx, print: () => {} })).race ?? [];
    const total = JSON_RACE_CLIENTS * JSON_RACE_INCREMENTS;
    expect(rows.map((r) => r.atomic)).toEqual([false, true]);
    expect(rows[0]!.expected).toBe(total);
    expect(rows[0]!.actual).toBeLessThan(total);
    expect(rows[1]).toMatchObject({ expected: total, actual: total, unit: 'logins' });
  });
});

describe('the code steps print what the prose claims', () => {
  it('modules: one COMMAND INFO, and the core backend named for every section on this server', async () => {
    const { text: out, raw } = await printed('modules');
    expect(out).toContain('COMMAND INFO JSON.SET FT.SEARCH BF.ADD TS.ADD');
    const probes: [string, string][] = [
      ['JSON (RedisJSON)', 'JSON.SET'],
      ['Query Engine (RediSearch)', 'FT.SEARCH'],
      ['Bloom (RedisBloom)', 'BF.ADD'],
      ['Time series (RedisTimeSeries)', 'TS.ADD'],
    ];
    for (const [module, probe] of probes) expect(rowOf(raw, module).slice(1, 3)).toEqual([probe, 'no']);
    expect(out).toContain('no module here');
  });

  it('HyperLogLog: errors of a few percent at most, 12 KB dense past the sparse limit, hundreds of times smaller than the set', async () => {
    const { raw } = await printed('hll-vs-set');
    const row = (n: string) => rowOf(raw, n);
    for (const n of ['1,000', '10,000', '100,000']) expect(Number.parseFloat(row(n)[2]!)).toBeLessThan(3);
    expect(row('1,000')[4]).toContain('sparse');
    expect(row('100,000')[4]).toMatch(/^1[2-6]\.\d KB \(dense\)$/);
    expect(Number.parseInt(row('100,000')[5]!.replace(/,/g, ''), 10)).toBeGreaterThan(100);
    // The exact sets were dropped after the measurement.
    expect(await redis.exists(`${NS}probabilistic:uniques:set:100000`)).toBe(0);
    expect(await redis.pfcount(`${NS}probabilistic:uniques:hll:100000`)).toBeGreaterThan(95_000);
  });

  it('Bloom filter: about the target at capacity, far above it at twice the capacity, no false negative', async () => {
    const { text: out, raw } = await printed('bloom-filter');
    // Columns: filter, items, of capacity, bits set, predicted, measured.
    const measured = (items: string) => {
      const line = raw.split('\n').find((l) => l.includes(`│ bitmap │ ${items} `));
      return Number.parseFloat(line!.split('│')[6]!);
    };
    expect(measured('1,000')).toBeGreaterThan(0.3);
    expect(measured('1,000')).toBeLessThan(2);
    expect(measured('2,000')).toBeGreaterThan(10);
    expect(out).toContain('False negatives: 0 of 2,000');
    expect(out).toContain('BITFIELD prob:probabilistic:bloom:members SET u1');
  });

  it('time series: the retention keeps the last hour, and the first bucket survives only as a rollup', async () => {
    const { text: out, raw } = await printed('timeseries');
    expect(out).toContain('kept 121 of the 180 samples');
    const first = rowOf(raw, '00:00');
    expect(first.slice(1, 5)).toEqual(['0', '-', '-', '30']);
    expect(await redis.zcard(`${NS}probabilistic:ts:temperature`)).toBe(121);
    expect(await redis.pttl(`${NS}probabilistic:ts:temperature:agg:900000:${Date.UTC(2024, 5, 1)}`)).toBeGreaterThan(0);
  });

  it('search: the scan reads all 500 products and returns words inside words; the index reads two sets', async () => {
    const { raw } = await printed('search-vs-scan');
    const index = rowOf(raw, 'inverted index (SINTER)');
    const scan = rowOf(raw, 'SCAN + GET + substring');
    expect(index.slice(2, 4)).toEqual(['2', '1']);
    expect(scan[2]).toBe('500');
    expect(Number(scan[1])).toBeGreaterThan(Number(index[1]));
    // Every index hit has both words, as words.
    const hits = await redis.sinter(`${NS}probabilistic:catalogue:idx:red`, `${NS}probabilistic:catalogue:idx:wool`);
    for (const id of hits)
      expect((await redis.get(`${NS}probabilistic:catalogue:doc:${id}`))!.split(/[^a-z]+/)).toEqual(
        expect.arrayContaining(['red', 'wool']),
      );
  });

  it('graph: mutual friends and ranked suggestions from the sets', async () => {
    const { raw } = await printed('graph');
    expect(rowOf(raw, 'who both alice and bob follow')[1]).toBe('{carol, erin}');
    expect(rowOf(raw, 'followed by alice’s friends, not yet by alice')[1]).toBe('{frank, grace, heidi}');
    expect(rowOf(raw, 'the same, ranked by friends in common')[1]).toMatch(/^frank \(2\)/);
  });
});

describe('exercise checks name the mistake', () => {
  it('hll-week: merging before the PFADD misses the new visitor', async () => {
    const r = await attempt('hll-week', [
      'PFMERGE {ns}probabilistic:visitors:2024-w22 {ns}probabilistic:visitors:2024-06-01 {ns}probabilistic:visitors:2024-06-02',
      'PFADD {ns}probabilistic:visitors:2024-06-02 user-9 user-2',
    ]);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain('before the PFADD');
    expect(await redis.exists(`${NS}probabilistic:visitors:probe`)).toBe(0);
  });

  it('bloom-bits: one bit leaves the others at 0 (a false negative); all bits and a 0 found in heidi pass', async () => {
    const one = await attempt('bloom-bits', [`SETBIT {ns}probabilistic:bloom:usernames ${NEW_USERNAME_BITS[0]} 1`]);
    expect(one).toMatchObject({ pass: false });
    expect(one.actual).toContain('false negative');
    const first = ABSENT_USERNAME_BITS.findIndex((p) => !takenBits().has(p) && !NEW_USERNAME_BITS.includes(p));
    const ok = await attempt('bloom-bits', [
      ...NEW_USERNAME_BITS.map((p) => `SETBIT {ns}probabilistic:bloom:usernames ${p} 1`),
      `GETBIT {ns}probabilistic:bloom:usernames ${ABSENT_USERNAME_BITS[first]}`,
    ]);
    expect(ok).toMatchObject({ pass: true });
  });

  it('geo-within: latitude first puts the docks off Somalia; 5 m is not 5 km', async () => {
    const r = await attempt('geo-within', [
      'GEOADD {ns}probabilistic:geo:docks 52.3573 4.8815 museumplein 52.3546 4.9976 ijburg',
      'GEOSEARCHSTORE {ns}probabilistic:geo:near-centraal {ns}probabilistic:geo:docks FROMLONLAT 4.9003 52.3791 BYRADIUS 5 km',
    ]);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain('longitude first');
    const metres = await attempt('geo-within', [
      'GEOADD {ns}probabilistic:geo:docks 4.8815 52.3573 museumplein 4.9976 52.3546 ijburg',
      'GEOSEARCHSTORE {ns}probabilistic:geo:near-centraal {ns}probabilistic:geo:docks FROMLONLAT 4.9003 52.3791 BYRADIUS 5 m',
    ]);
    expect(metres.actual).toContain('you searched BYRADIUS 5 m');
  });

  it('ts-retention: an inclusive bound removes the sample exactly 10 minutes old', async () => {
    const r = await attempt('ts-retention', [
      'ZADD {ns}probabilistic:ts:cpu 1717200720000 1717200720000:37',
      `ZREMRANGEBYSCORE {ns}probabilistic:ts:cpu -inf ${CPU_CUTOFF}`,
    ]);
    expect(r.pass).toBe(false);
    expect(r.actual).toContain(`(${CPU_CUTOFF}`);
  });

  it('json-paths: Lyon without quotes is not JSON; HSET of the count is a read-modify-write', async () => {
    const bare = await attempt('json-paths', [
      'HINCRBY {ns}probabilistic:json:user-7 stats.logins 1',
      'HSET {ns}probabilistic:json:user-7 address.city Lyon',
    ]);
    expect(bare.actual).toContain('not JSON');
    const computed = await attempt('json-paths', [`HSET {ns}probabilistic:json:user-7 stats.logins 42 address.city '"Lyon"'`]);
    expect(computed).toMatchObject({ pass: false });
    expect(computed.actual).toContain('HINCRBY adds on the server');
  });

  it('search-and: a union answers OR; "Red" is a different set from "red"', async () => {
    const terms = ['red', 'wool', 'gloves', 'winter'].map((t) => `SADD {ns}probabilistic:shop:idx:${t} sku-5`);
    const union = await attempt('search-and', [
      ...terms,
      'SUNIONSTORE {ns}probabilistic:shop:result:red-wool {ns}probabilistic:shop:idx:red {ns}probabilistic:shop:idx:wool',
    ]);
    expect(union.actual).toContain('red OR wool');
    const capital = await attempt('search-and', ['SADD {ns}probabilistic:shop:idx:Red sku-5', ...terms.slice(1)]);
    expect(capital.actual).toContain('lower-cased');
  });

  it('graph-fof: forgetting to remove bob, and leaving the temporary set, both fail', async () => {
    const union =
      'SUNIONSTORE {ns}probabilistic:social:tmp:bob {ns}probabilistic:social:following:alice {ns}probabilistic:social:following:carol {ns}probabilistic:social:following:erin {ns}probabilistic:social:following:frank';
    const diff = 'SDIFFSTORE {ns}probabilistic:social:suggest:bob {ns}probabilistic:social:tmp:bob {ns}probabilistic:social:following:bob';
    const withBob = await attempt('graph-fof', [union, diff, 'UNLINK {ns}probabilistic:social:tmp:bob']);
    expect(withBob.actual).toContain('bob himself');
    const leftover = await attempt('graph-fof', [union, diff, 'SREM {ns}probabilistic:social:suggest:bob bob']);
    expect(leftover.actual).toContain('no TTL');
    const withTtl = await attempt('graph-fof', [
      union,
      'EXPIRE {ns}probabilistic:social:tmp:bob 30',
      diff,
      'SREM {ns}probabilistic:social:suggest:bob bob',
    ]);
    expect(withTtl).toMatchObject({ pass: true });
  });
});
