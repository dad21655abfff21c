// `redis-learn bench --servers`: the same bench on a private server of each build (system, Redis 8, Valkey 8), side
// by side. The built CLI (npm run build first); redis-8 and valkey-8 come from `redis-learn servers prepare`, as CI
// does: where they are not prepared, the run must say so in one line before anything starts.
import { describe, expect, it } from 'vitest';
import { chooseServers, renderComparison, type ServerBench } from '../src/benchmarks/compare.js';
import type { BenchResult } from '../src/benchmarks/report.js';
import type { ServerStatus } from '../src/redis/servers.js';
import { displayWidth, stripSgr } from '../src/ui/theme.js';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

interface ServersJson {
  servers: { name: string; available: boolean; version: string | null }[];
}

interface BenchServersJson {
  workload: string;
  records: number;
  servers: {
    name: string;
    product: string;
    version: string;
    report: { workload: string; records: number; server: { version: string; private: boolean }; results: BenchResult[] };
  }[];
}

async function prepared(): Promise<ServersJson['servers']> {
  const r = await runCli(['servers', '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as ServersJson).servers;
}

describe('redis-learn bench --servers', () => {
  it('runs the same strategies on system, redis-8 and valkey-8, each verified, in one JSON object', async () => {
    const statuses = await prepared();
    const r = await runCli(
      ['bench', '--servers', 'system,redis-8,valkey-8', '--records', '2000', '--strategies', 'pipeline,variadic', '--json'],
      { env: { XDG_CONFIG_HOME: tempConfigHome() }, timeoutMs: 180_000 },
    );
    expect(r.stderr).not.toMatch(/unexpected error/);
    const missing = statuses.filter((s) => !s.available).map((s) => s.name);
    if (missing.length) {
      // Not prepared on this machine (CI prepares both): one line naming the way to prepare them, nothing started.
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`${missing.join(' and ')} (is|are) not prepared here: run \`redis-learn servers prepare\``));
      return;
    }
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as BenchServersJson;
    expect(Object.keys(out).sort()).toEqual(['records', 'servers', 'workload']);
    expect(out).toMatchObject({ workload: 'users', records: 2000 });
    expect(out.servers.map((s) => [s.name, s.version])).toEqual(statuses.map((s) => [s.name, s.version]));
    expect(out.servers.map((s) => s.product)).toEqual(['Redis', 'Redis', 'Valkey']);
    for (const s of out.servers) {
      // Each server's report is the one a one-server bench prints.
      expect(Object.keys(s.report).sort()).toEqual(['ceiling', 'records', 'results', 'server', 'workload']);
      expect(s.report.server.private).toBe(true);
      const names = s.report.results.map((x) => (x.strategy === 'pipeline' ? `pipeline:${x.batch}` : x.strategy));
      expect(names).toEqual(['pipeline:100', 'pipeline:1000', 'pipeline:10000', 'variadic']);
      for (const x of s.report.results) {
        expect(x.verified, `${s.name} ${x.strategy} ${x.batch}: ${x.error ?? ''}`).toBe(true);
        expect(x.records).toBe(2000);
        expect(x.recordsPerSec).toBeGreaterThan(0);
      }
    }
    // Each server said where it ran, on stderr (stdout is the object alone).
    expect(r.stderr.match(/private server on 127\.0\.0\.1:\d+/g)).toHaveLength(3);
    expect(r.stderr).toMatch(/Valkey 8\./);
  });

  it('prints one side-by-side table within 80 columns, a column per server with its version', async () => {
    const statuses = await prepared();
    const names = statuses.filter((s) => s.available).map((s) => s.name);
    const r = await runCli(['bench', '--servers', 'all', '--records', '500', '--strategies', 'pipeline:10000,raw-variadic'], {
      env: { XDG_CONFIG_HOME: tempConfigHome(), COLUMNS: '80' },
      timeoutMs: 180_000,
    });
    expect(r.code).toBe(0);
    const head = r.stdout.split('\n').find((l) => l.includes('│ strategy'))!;
    for (const s of statuses.filter((x) => x.available)) expect(head).toContain(`${s.name} ${s.version}`);
    expect(r.stdout).toMatch(/│ pipeline 10,000 +│/);
    expect(r.stdout).toMatch(/│ raw-variadic +│/);
    if (names.length > 1) {
      expect(r.stdout).toMatch(/fastest: \S+ on \d of 2 strategies/);
      expect(r.stdout).toMatch(/median against system: /);
    }
    expect(r.stdout).not.toMatch(/✗/);
    // The comparison, from its first line to the end (the session's own "private server on …" lines come before).
    const comparison = r.stdout.slice(r.stdout.indexOf('users/s on each server'));
    for (const line of comparison.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
  });

  it('refuses --url, an unknown server and an empty list in one line with exit code 2', async () => {
    const url = await runCli(['bench', '--servers', 'system,redis-8', '--url', serverUrl(0)]);
    expect(url.code).toBe(2);
    expect(url.stderr.trim()).toBe('redis-learn: --servers starts a private server of each build; it cannot be combined with --url');
    const bad = await runCli(['bench', '--servers', 'system,redis-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('redis-learn: unknown server "redis-9" in --servers. Servers: system, redis-8, valkey-8 or all');
    const empty = await runCli(['bench', '--servers', ',']);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toBe('redis-learn: --servers needs server names: system, redis-8, valkey-8 or all');
  });

  it('names `redis-learn servers prepare` for a server that is not prepared, before anything starts', async () => {
    const r = await runCli(['bench', '--servers', 'system,redis-8,valkey-8', '--records', '100'], {
      env: { REDIS_LEARN_SERVERS_DIR: tempConfigHome() },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'redis-learn: redis-8 and valkey-8 are not prepared here: run `redis-learn servers prepare` (Debian 13 packages via debootstrap, about 230 MB, as root)',
    );
  });
});

describe('chooseServers', () => {
  const statuses = (ready: string[]): ServerStatus[] =>
    (['system', 'redis-8', 'valkey-8'] as const).map((name) => ({
      name,
      available: ready.includes(name),
      version: null,
      where: null,
    }));

  it('keeps the order given, drops repeats, and `all` takes every prepared server', () => {
    expect(chooseServers('valkey-8, system,valkey-8', statuses(['system', 'valkey-8']))).toEqual({
      names: ['valkey-8', 'system'],
      skipped: [],
    });
    expect(chooseServers('all', statuses(['system', 'redis-8', 'valkey-8'])).names).toEqual(['system', 'redis-8', 'valkey-8']);
    expect(chooseServers('all', statuses(['system']))).toEqual({ names: ['system'], skipped: ['redis-8', 'valkey-8'] });
  });

  it('refuses a named server that is not prepared, even alongside all', () => {
    expect(() => chooseServers('all,redis-8', statuses(['system']))).toThrow(
      /^redis-8 is not prepared here: run `redis-learn servers prepare`/,
    );
  });
});

describe('renderComparison', () => {
  const result = (strategy: string, batch: number | null, recordsPerSec: number, verified = true): BenchResult => ({
    strategy,
    batch,
    records: 20000,
    seconds: 20000 / recordsPerSec,
    recordsPerSec,
    commandsPerSec: recordsPerSec * 5,
    p50Ms: 1,
    p99Ms: 2,
    clientCpuS: 0.1,
    serverCpuS: 0.1,
    bytesPerRecord: 300,
    verified,
    ...(verified ? {} : { error: 'wrong data: 3 users missing' }),
  });
  const bench = (name: ServerBench['name'], version: string, rates: number[], verified = true): ServerBench => ({
    name,
    product: name === 'valkey-8' ? 'Valkey' : 'Redis',
    version,
    report: {
      workload: 'users',
      records: 20000,
      server: { version, private: true },
      ceiling: null,
      results: [
        result('sequential', null, rates[0]!),
        result('pipeline', 100, rates[1]!),
        result('pipeline', 10000, rates[2]!),
        result('raw-variadic', 10000, rates[3]!, verified),
      ],
    },
  });
  const benches = [
    bench('system', '7.0.15', [2191, 22436, 16673, 118131]),
    bench('redis-8', '8.0.2', [4851, 26184, 16701, 1158808]),
    bench('valkey-8', '8.1.1', [5665, 26551, 19599, 155608], false),
  ];

  it('fits 80 columns with three servers: rates, ratios against the first, the fastest marked, failures listed', () => {
    const text = stripSgr(renderComparison(benches, 'users', 80));
    for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/│ strategy +│ system 7\.0\.15 │ +redis-8 8\.0\.2 │ valkey-8 8\.1\.1 │/);
    expect(text).toMatch(/│ sequential +│ +2,191 {2}│ +4,851 2\.21× {2}│ +5,665 2\.59×\* │/);
    expect(text).toMatch(/│ pipeline 10,000 │ +16,673 {2}│ +16,701 1\.00× {2}│ +19,599 1\.18×\* │/);
    // A result that did not verify is no rate to compare: marked ✗, not counted, its error said.
    expect(text).toMatch(/│ raw-variadic +│ +118,131 {2}│ 1,158,808 9\.81×\* │ +✗ 155,608 {2}│/);
    expect(text).toMatch(/fastest: valkey-8 on 3 of 4 strategies \(redis-8 on 1\)/);
    expect(text).toMatch(/median against system: redis-8 1\.69×, valkey-8 1\.18×/);
    expect(text).toMatch(/✗ valkey-8 · raw-variadic: wrong data: 3 users missing/);
  });

  it('with one server: its rates alone, no ratios', () => {
    const text = stripSgr(renderComparison(benches.slice(0, 1), 'users', 80));
    expect(text).toMatch(/│ sequential +│ +2,191 │/);
    expect(text).not.toMatch(/×|fastest/);
  });
});
