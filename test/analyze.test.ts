// `redis-learn analyze` on a known dataset: the biggest key, top prefixes, TTL buckets and encodings it reports are
// the server's own figures; --match and --sample narrow it; it sends no write command; errors are one line.
//
// The dataset lives on a server of this file's own (started by the product's private-server code) and is reached with
// --url, as a shared server is: every database of the suite's server is taken by another file (db 13 too), and INFO
// commandstats counts the whole server, so only a server nobody else writes to can prove analyze writes nothing.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { scanKeys } from '../src/patterns/scan.js';
import { freePort, startPrivateServer, type PrivateServer } from '../src/redis/private-server.js';
import { READ_COMMANDS } from '../src/analyze/walk.js';
import type { AnalyzeReport } from '../src/analyze/report.js';
import { runCli, startCli } from './helpers.js';

const DB = 3;
const SESSIONS = 2000;
const CACHE = 300;
const CATALOG_FIELDS = 50_000;
const QUEUE_ITEMS = 10_000;

let server: PrivateServer;
let admin: Redis;
let url: string;

/** Every redis-server process running now, as `pgrep -a` prints them. */
function redisServers(): string[] {
  try {
    return execFileSync('pgrep', ['-a', 'redis-server'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The rate-limit key expires within a minute: set again right before a run that counts TTL buckets. */
const refreshShortTtl = () => admin.set('rate:ip:1', '5', 'EX', 50);

async function load(): Promise<void> {
  let p = admin.pipeline();
  for (let i = 0; i < SESSIONS; i++) {
    p.hset(`session:${i}`, { user: `user${i}`, cart: String(i % 7), seen: '1735689600' });
    // Half expire within the hour, half within the day.
    p.expire(`session:${i}`, i < SESSIONS / 2 ? 1800 : 7200);
  }
  for (let i = 0; i < CACHE; i++) p.set(`cache:page:${i}`, `<html>${'x'.repeat(200)}</html>`);
  await p.exec();
  p = admin.pipeline();
  const fields = Array.from({ length: CATALOG_FIELDS }, (_, i) => [`sku:${i}`, `product ${i}`] as const);
  for (let i = 0; i < fields.length; i += 5000) p.hset('big:catalog', Object.fromEntries(fields.slice(i, i + 5000)));
  for (let i = 0; i < QUEUE_ITEMS; i += 1000) p.rpush('queue:jobs', ...Array.from({ length: 1000 }, (_, j) => `job-${i + j}`));
  for (let s = 0; s < 3; s++) for (let i = 0; i < 50; i++) p.xadd(`events:stream:${s}`, '*', 'n', String(i));
  for (let z = 0; z < 4; z++) p.zadd(`rank:board:${z}`, ...Array.from({ length: 20 }, (_, i) => [i, `m${i}`]).flat());
  p.set('lonely', 'no separator');
  p.set('archive:2024', 'x', 'EX', 3 * 86_400);
  await p.exec();
  await refreshShortTtl();
}

/** Keys with no TTL in the dataset: the cache pages, the catalog, the queue, 3 streams, 4 sorted sets, `lonely`. */
const NO_TTL = CACHE + 1 + 1 + 3 + 4 + 1;
const TOTAL = SESSIONS + NO_TTL + 2;

async function analyze(...args: string[]): Promise<AnalyzeReport> {
  const r = await runCli(['analyze', '--url', url, '--json', ...args], { timeoutMs: 60_000 });
  expect(r.stderr).not.toMatch(/redis-learn:/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as AnalyzeReport;
}

/** INFO commandstats as command → calls. */
async function commandCalls(): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

beforeAll(async () => {
  server = await startPrivateServer();
  url = `${server.url}/${DB}`;
  admin = new Redis(url);
  await load();
  expect(await admin.dbsize()).toBe(TOTAL);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
  // This file's server is gone, and no other redis-server of ours is left on its port.
  expect(alive(server.pid)).toBe(false);
  expect(redisServers().filter((l) => l.includes(`:${server.port}`))).toEqual([]);
});

describe('analyze --json on a known dataset', () => {
  it('reports the biggest key, the top prefixes, TTL buckets and encodings as the server counts them', async () => {
    // The expected answer from the server itself: MEMORY USAGE of every key, summed by first segment.
    const keys = await scanKeys(admin, { count: 1000 });
    const p = admin.pipeline();
    for (const k of keys) p.call('MEMORY', 'USAGE', k);
    const usage = (await p.exec())!.map(([, n]) => Number(n));
    const byPrefix = new Map<string, number>();
    keys.forEach((k, i) => {
      const prefix = k.includes(':') ? k.slice(0, k.indexOf(':')) : '';
      byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + usage[i]!);
    });
    const [topPrefix, topMemory] = [...byPrefix].sort((a, b) => b[1] - a[1])[0]!;
    const biggest = keys[usage.indexOf(Math.max(...usage))];

    await refreshShortTtl();
    const r = await analyze();
    expect(r.sampled).toBeNull();
    expect(r.totals.keys).toBe(TOTAL);
    expect(r.totals.memory).toBe(usage.reduce((a, b) => a + b, 0));
    expect(r.server).toMatchObject({ kind: 'url', private: false, db: DB, dbsize: TOTAL });

    expect(biggest).toBe('big:catalog');
    expect(r.biggest.byMemory[0]).toMatchObject({ key: 'big:catalog', type: 'hash', encoding: 'hashtable', elements: CATALOG_FIELDS });
    expect(r.biggest.byElements.hash![0]!.key).toBe('big:catalog');
    // The most elements of any collection (strings count bytes, not elements).
    const collections = Object.entries(r.biggest.byElements).filter(([t]) => t !== 'string');
    const most = collections.flatMap(([, rows]) => rows).sort((a, b) => (b.elements ?? 0) - (a.elements ?? 0))[0];
    expect(most?.key).toBe('big:catalog');
    expect(r.biggest.byElements.list![0]).toMatchObject({ key: 'queue:jobs', elements: QUEUE_ITEMS });

    expect(r.prefixes.depth1.byMemory[0]).toMatchObject({ prefix: topPrefix, memory: topMemory });
    expect(r.prefixes.depth1.byCount[0]).toMatchObject({ prefix: 'session', keys: SESSIONS, types: { hash: SESSIONS } });
    expect(r.prefixes.depth1.byCount.find((x) => x.prefix === null)).toMatchObject({ keys: 1 });
    expect(r.prefixes.depth2.byCount[0]).toMatchObject({ prefix: 'cache:page', keys: CACHE });

    expect(Object.fromEntries(Object.entries(r.ttl).map(([b, s]) => [b, s.keys]))).toEqual({
      none: NO_TTL,
      under1m: 1,
      under1h: SESSIONS / 2,
      under1d: SESSIONS / 2,
      longer: 1,
    });
    expect(r.encodings.hash).toEqual({
      listpack: { keys: SESSIONS, memory: expect.any(Number) },
      hashtable: { keys: 1, memory: expect.any(Number) },
    });
    expect(Object.keys(r.encodings.string!).sort()).toEqual(['embstr', 'int', 'raw']);
    expect(r.types).toMatchObject({
      hash: { keys: SESSIONS + 1 },
      list: { keys: 1, elements: QUEUE_ITEMS },
      stream: { keys: 3 },
      zset: { keys: 4 },
    });

    const big = r.recommendations.find((x) => x.kind === 'big-key' && x.keys?.includes('big:catalog'));
    expect(big?.message).toMatch(/^hash big:catalog has 50,000 fields/);
    expect(big?.message).toMatch(/UNLINK/);
    const noTtl = r.recommendations.find((x) => x.kind === 'no-ttl');
    expect(noTtl?.message).toContain(
      `${Math.round((NO_TTL / TOTAL) * 100)} % of keys (${NO_TTL} of ${TOTAL.toLocaleString('en-US')}) have no TTL`,
    );
    expect(r.recommendations.find((x) => x.kind === 'prefix-memory')?.message).toMatch(new RegExp(`^prefix ${topPrefix}: holds \\d+ %`));

    // Paced and measured: pauses in proportion to the round trips, PINGs from a second connection before and during.
    expect(r.pacing.pace).toBe(10);
    expect(r.pacing.pausedMs).toBeGreaterThanOrEqual(r.pacing.busyMs * 9 - 5);
    expect(r.latency.before?.pings).toBeGreaterThan(10);
    expect(r.latency.during?.pings).toBeGreaterThan(10);
    expect(typeof r.latency.addedP50Ms).toBe('number');
  });

  it('--match restricts every figure to the matching keys', async () => {
    const r = await analyze('--match', 'session:*');
    expect(r.scope.match).toBe('session:*');
    expect(r.totals.keys).toBe(SESSIONS);
    expect(r.sampled).toBeNull();
    expect([...r.prefixes.depth1.byMemory, ...r.prefixes.depth1.byCount].map((x) => x.prefix)).toEqual(['session', 'session']);
    expect(r.biggest.byMemory.every((k) => k.key.startsWith('session:'))).toBe(true);
    expect(Object.keys(r.types)).toEqual(['hash']);
    expect(r.encodings).toEqual({ hash: { listpack: { keys: SESSIONS, memory: expect.any(Number) } } });
    expect(Object.fromEntries(Object.entries(r.ttl).map(([b, s]) => [b, s.keys]))).toEqual({
      none: 0,
      under1m: 0,
      under1h: SESSIONS / 2,
      under1d: SESSIONS / 2,
      longer: 0,
    });
    expect(r.recommendations.filter((x) => x.kind === 'big-key' || x.kind === 'no-ttl')).toEqual([]);
  });

  it('--sample analyses that many keys and says the figures are extrapolated, with the ratio', async () => {
    const r = await analyze('--sample', '500');
    expect(r.sampled).toEqual({
      analysedKeys: 500,
      totalKeys: TOTAL,
      ratio: Math.round((500 / TOTAL) * 10_000) / 10_000,
      factor: Math.round((TOTAL / 500) * 10_000) / 10_000,
      reason: 'option',
      chosenBy: 'scan order',
    });
    expect(r.totals).toMatchObject({ keys: TOTAL, analysedKeys: 500, estimated: true });
    const ttlKeys = Object.values(r.ttl).reduce((a, s) => a + s.keys, 0);
    expect(Math.abs(ttlKeys - TOTAL)).toBeLessThanOrEqual(5);

    // With --match the walk goes on counting the matches, so the ratio is known there too.
    const matched = await analyze('--match', 'session:*', '--sample', '200');
    expect(matched.sampled).toMatchObject({ analysedKeys: 200, totalKeys: SESSIONS, ratio: 0.1 });

    const text = await runCli(['analyze', '--url', url, '--sample', '500']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`sampled: 500 of ${TOTAL.toLocaleString('en-US')} keys analysed`);
    expect(text.stdout).toMatch(/extrapolated ×\d+\.\d\d/);
  });

  it('--separator changes what a prefix is', async () => {
    const r = await analyze('--separator', '/', '--match', 'cache:*');
    expect(r.prefixes.depth1.byCount).toEqual([expect.objectContaining({ prefix: null, keys: CACHE })]);
    expect(r.prefixes.depth2.distinct).toBe(0);
  });
});

describe('safe on a shared server', () => {
  it('sends only read commands: INFO commandstats shows no write, and the data is unchanged', async () => {
    const before = await commandCalls();
    const sizeBefore = await admin.dbsize();
    const r = await runCli(['analyze', '--url', url, '--pace', '100']);
    expect(r.code).toBe(0);
    const after = await commandCalls();
    // The test's own INFO calls show up too; INFO is a read.
    const grew = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
    expect(grew).toEqual(expect.arrayContaining(['scan', 'type', 'memory|usage', 'pttl', 'object|encoding', 'hlen']));
    // Opening a connection: SELECT of the URL's database (and AUTH / HELLO / CLIENT on servers that want them).
    const connection = ['select', 'auth', 'hello', 'client|setname', 'client|setinfo'];
    expect(grew.filter((name) => ![...READ_COMMANDS, ...connection].includes(name as never))).toEqual([]);
    for (const name of grew) {
      const [info] = (await admin.call('COMMAND', 'INFO', name)) as [[string, number, string[]]];
      expect({ name, write: info[2].includes('write') }).toEqual({ name, write: false });
    }
    expect(await admin.dbsize()).toBe(sizeBefore);
    expect(await admin.hlen('big:catalog')).toBe(CATALOG_FIELDS);
  });

  it('prints a readable report on stdout, and no progress bar without a TTY', async () => {
    const r = await runCli(['analyze', '--url', url, '--top', '3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const section of [
      'Top prefixes by memory',
      'Top prefixes by key count',
      'Biggest keys by memory',
      'Biggest keys by elements, per type',
      'TTL',
      'Types and encodings',
      'Recommendations',
      'Impact on the server',
    ]) {
      expect(r.stdout).toContain(section);
    }
    expect(r.stdout).toMatch(/│ big:catalog +│ hash +│ hashtable +│ +50,000 │/);
    expect(r.stdout).toMatch(/• hash big:catalog has 50,000 fields/);
    expect(r.stdout).toMatch(/PING from a second connection, before → during: median/);
    expect(r.stdout).not.toMatch(/\x1b\[|\r/);
  });
});

describe('ending early', () => {
  it('SIGTERM mid-walk: one line, exit 143, and its connections are closed', async () => {
    const run = startCli(['analyze', '--url', url, '--pace', '1'], { timeoutMs: 30_000 });
    // The header is printed once connected; the walk (paced to 1 %) is then well under way after a second.
    await expect.poll(() => run.out.stdout, { timeout: 10_000 }).toMatch(/read only, paced to 1 %/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stderr.trim().split('\n')).toEqual(['terminated: progress saved, cleaning up']);
    expect(r.stdout).not.toContain('Recommendations');
    // Only this test's own connection is left.
    await expect.poll(async () => ((await admin.call('CLIENT', 'LIST')) as string).trim().split('\n').length).toBe(1);
  });
});

describe('errors and help', () => {
  it('an unreachable --url is one line and exit 1', async () => {
    const port = await freePort();
    const r = await runCli(['analyze', '--url', `redis://127.0.0.1:${port}/0`, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`redis-learn: cannot reach Redis at redis://127.0.0.1:${port}/0 (connection refused)\n`);
  });

  it('a bad option value is one line and exit 2', async () => {
    for (const args of [
      ['--pace', '0'],
      ['--pace', '101'],
      ['--sample', '0'],
      ['--separator', ''],
    ]) {
      const r = await runCli(['analyze', '--url', url, ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^redis-learn: /);
    }
  });

  it('--help lists the options', async () => {
    const r = await runCli(['analyze', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: redis-learn analyze/);
    for (const opt of [
      '--match <glob>',
      '--separator <text>',
      '--sample <n>',
      '--pace <percent>',
      '--top <n>',
      '--json',
      '--url <redis-url>',
    ]) {
      expect(r.stdout).toContain(opt);
    }
  });

  it('on a private server it analyses an empty database, says so, and leaves no redis-server behind', async () => {
    const r = await runCli(['analyze', '--private', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as AnalyzeReport;
    expect(report.server.private).toBe(true);
    expect(report.totals.keys).toBe(0);
    expect(report.recommendations).toEqual([{ kind: 'empty', message: expect.stringMatching(/private server .* is empty/) }]);
    const port = new URL(report.server.address).port;
    expect(redisServers().filter((l) => l.includes(`:${port}`))).toEqual([]);
  });
});
