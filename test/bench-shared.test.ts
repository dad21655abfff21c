// `redis-learn bench` on a shared server (one it did not start): every connection of the run — ioredis clients, bare
// sockets, redis-cli, redis-benchmark — works in the database the URL names (/N or ?db=N) and no other, and --records
// has a limit there (10,000,000 without --force). A redis-server of this file's own, filled with foreign data in every
// database, so that all sixteen databases can be compared before and after.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { findBinary } from '../src/benchmarks/strategies.js';
import { startPrivateServer, type PrivateServer } from '../src/redis/private-server.js';
import { scanAll } from '../src/redis/scan.js';
import { CLI, runCli } from './helpers.js';

const DATABASES = 16;
const NS = 'bshared:';
let server: PrivateServer;
let admin: Redis;

/** Each database's foreign keys: a string, a hash, a sorted set, and a key in our namespace that is not ours. */
function foreignKeys(db: number): string[] {
  return [`app:${db}:secret`, `app:${db}:user`, `app:${db}:rank`, `${NS}by-hand:${db}`];
}

beforeAll(async () => {
  server = await startPrivateServer();
  admin = new Redis(server.url);
  for (let db = 0; db < DATABASES; db++) {
    await admin.select(db);
    const [secret, user, rank, mine] = foreignKeys(db);
    await admin.set(secret!, `secret of db ${db}`);
    await admin.hset(user!, { name: `user ${db}`, db: String(db) });
    await admin.zadd(rank!, db, 'a', db + 1, 'b');
    await admin.set(mine!, 'made by hand, not by redis-learn');
  }
  await admin.select(0);
});

afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

/** DBSIZE and the DUMP of every foreign key, database by database. */
async function snapshot(): Promise<{ sizes: number[]; dumps: Record<string, string | null> }> {
  const c = new Redis(server.url);
  const sizes: number[] = [];
  const dumps: Record<string, string | null> = {};
  try {
    for (let db = 0; db < DATABASES; db++) {
      await c.select(db);
      sizes.push(await c.dbsize());
      for (const k of foreignKeys(db)) dumps[`${db}/${k}`] = (await c.dumpBuffer(k))?.toString('base64') ?? null;
    }
  } finally {
    c.disconnect();
  }
  return { sizes, dumps };
}

/** Keys of the namespace in each database (the foreign by-hand key aside). */
async function benchKeysPerDb(): Promise<number[]> {
  const c = new Redis(server.url);
  const out: number[] = [];
  try {
    for (let db = 0; db < DATABASES; db++) {
      await c.select(db);
      out.push((await scanAll(c, `${NS}*`)).filter((k) => !k.startsWith(`${NS}by-hand:`)).length);
    }
  } finally {
    c.disconnect();
  }
  return out;
}

interface Seen {
  db: number;
  source: string;
  args: string[];
}

/** Watches the server with MONITOR: every command that names the namespace, with the database it ran in. */
async function watch(): Promise<{ seen: Seen[]; stop(): void }> {
  const seen: Seen[] = [];
  const m = await new Redis(server.url).monitor();
  m.on('monitor', (_time: string, args: string[], source: string, database: string) => {
    if (args.some((a) => a.includes(NS))) seen.push({ db: Number(database), source, args });
  });
  return { seen, stop: () => m.disconnect() };
}

describe('the database in the URL', () => {
  it.each([
    { form: '?db=N', db: 5, url: () => `${server.url}?db=5` },
    { form: '/N', db: 9, url: () => `${server.url}/9` },
  ])('$form: every strategy and the ceiling write, verify and clean up in db $db and touch no other', async ({ db, url }) => {
    const before = await snapshot();
    const mon = await watch();
    const r = await runCli(['bench', '--url', url(), '--namespace', NS, '--records', '300', '--ceiling', '--json'], { timeoutMs: 120_000 });
    mon.stop();
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at\s/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { strategy: string; verified: boolean }[]; ceiling: { setPerSec: number } | null };
    // Verified means: found in the database the run used (EXISTS on every user, sampled users field by field).
    expect(out.results.length).toBeGreaterThanOrEqual(12);
    for (const x of out.results) expect([x.strategy, x.verified]).toEqual([x.strategy, true]);
    if (findBinary('redis-benchmark')) expect(out.ceiling!.setPerSec).toBeGreaterThan(0);

    // What the server saw: writes (HSET of user 1 by every kind of connection), checks and the clean-up, all in db N.
    expect(mon.seen.length).toBeGreaterThan(1000);
    expect([...new Set(mon.seen.map((s) => s.db))]).toEqual([db]);
    const names = new Set(mon.seen.map((s) => s.args[0]!.toLowerCase()));
    for (const cmd of ['hset', 'sadd', 'zadd', 'exists', 'scan', 'unlink', 'evalsha']) expect(names, cmd).toContain(cmd);
    expect(mon.seen.some((s) => s.source === 'lua' && s.args[0]!.toLowerCase() === 'hset')).toBe(true);
    if (findBinary('redis-benchmark')) expect(mon.seen.some((s) => /:ceil:\d+$/.test(s.args[1] ?? ''))).toBe(true);

    // After: every database as it was, the run's own one included (its keys are gone again).
    expect(await snapshot()).toEqual(before);
    expect(await benchKeysPerDb()).toEqual(new Array(DATABASES).fill(0));
  });

  it('holds for the set workload on the bare socket and redis-cli --pipe too', async () => {
    const before = await snapshot();
    const mon = await watch();
    const r = await runCli([
      'bench',
      '--url',
      `${server.url}/12`,
      '--namespace',
      NS,
      '--workload',
      'set',
      '--records',
      '500',
      '--strategies',
      'raw,raw-variadic,redis-cli',
      '--json',
    ]);
    mon.stop();
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { strategy: string; verified: boolean }[] };
    expect(out.results.map((x) => [x.strategy, x.verified])).toEqual([
      ['raw', true],
      ['raw-variadic', true],
      ...(findBinary('redis-cli') ? [['redis-cli', true]] : []),
    ]);
    const writes = mon.seen.filter((s) => ['set', 'mset'].includes(s.args[0]!.toLowerCase()));
    expect(writes.length).toBeGreaterThan(500);
    expect([...new Set(mon.seen.map((s) => s.db))]).toEqual([12]);
    expect(await snapshot()).toEqual(before);
    expect(await benchKeysPerDb()).toEqual(new Array(DATABASES).fill(0));
  });

  it('refuses a database the server does not have, in one line, writing nothing', async () => {
    const before = await snapshot();
    const r = await runCli(['bench', '--url', `${server.url}/16`, '--namespace', NS, '--records', '300']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^redis-learn: database 16 does not exist/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('--records on a shared server', () => {
  const over = '10000001';
  const message =
    'redis-learn: --records 10,000,001 is over 10,000,000, the most bench loads into a shared server ' +
    '(it could fill its memory): add --force to go past it, or use --private';

  it('refuses more than 10,000,000 without --force: one line naming --force, exit 2, nothing written', async () => {
    const before = await snapshot();
    const r = await runCli(['bench', '--url', `${server.url}/3`, '--namespace', NS, '--records', over]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(message);
    expect(r.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });

  it('says the same for a server given by REDIS_URL, and for --json', async () => {
    const before = await snapshot();
    const r = await runCli(['bench', '--namespace', NS, '--records', over, '--json'], { env: { REDIS_URL: `${server.url}/3` } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(message);
    expect(r.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });

  it('lets exactly 10,000,000 and, with --force, more start (each stopped once it writes, leaving nothing)', async () => {
    const before = await snapshot();
    for (const args of [
      ['--records', '10000000'],
      ['--records', over, '--force'],
    ]) {
      const child = spawn(
        process.execPath,
        [CLI, 'bench', '--url', `${server.url}/3`, '--namespace', NS, '--workload', 'set', '--strategies', 'pipeline:1000', ...args],
        { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = new Promise<number | null>((res) => child.on('close', res));
      const c = new Redis(`${server.url}/3`);
      try {
        let written = 0;
        for (let i = 0; i < 300 && written === 0 && child.exitCode === null; i++) {
          written = (await scanAll(c, `${NS}bench:*:*`)).length;
          if (!written) await new Promise((r) => setTimeout(r, 50));
        }
        expect(written, args.join(' ')).toBeGreaterThan(0);
      } finally {
        c.disconnect();
      }
      child.kill('SIGTERM');
      expect(await code).toBe(143);
      expect(stdout).toMatch(new RegExp(`Bulk-load benchmark · set · ${Number(args[1]).toLocaleString('en-US')} records`));
    }
    expect(await snapshot()).toEqual(before);
    expect(await benchKeysPerDb()).toEqual(new Array(DATABASES).fill(0));
  });

  it('lists --force in the bench help', async () => {
    const r = await runCli(['bench', '--help']);
    expect(r.code).toBe(0);
    // Commander wraps descriptions to the help width: compare with runs of white space collapsed.
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--force allow --records over 10,000,000 on a shared server/);
    expect(help).toMatch(/--records <n> records to load \(at most 10,000,000 on a shared/);
  });
});
