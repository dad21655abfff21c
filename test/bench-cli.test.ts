// `redis-learn bench` as a user runs it (the built CLI, no TTY): the --json shape, the table, bad usage, no leftovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { runCli, serverUrl } from './helpers.js';
import { scanAll } from '../src/redis/scan.js';

const DB = 7;
const NS = 'benchtest:';
let redis: Redis;

/** Keys of the CLI's runs: everything under benchtest:bench: (the other bench tests use other prefixes). */
async function leftovers(): Promise<string[]> {
  return scanAll(redis, `${NS}bench:*`);
}

beforeAll(() => {
  redis = new Redis(serverUrl(DB));
});

afterAll(() => {
  redis.disconnect();
});

const bench = (...args: string[]) => runCli(['bench', ...args, '--url', serverUrl(DB), '--namespace', NS], { timeoutMs: 120_000 });

describe('redis-learn bench --json', () => {
  it('prints one object with the documented shape, every strategy verified, and cleans up', async () => {
    const r = await bench('--records', '500', '--json');
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['ceiling', 'records', 'results', 'server', 'workload']);
    expect(out).toMatchObject({ workload: 'users', records: 500, server: { private: false }, ceiling: null });
    expect((out.server as { version: string }).version).toMatch(/^\d+\.\d+/);
    const results = out.results as Record<string, unknown>[];
    const names = results.map((x) => (x.strategy === 'pipeline' ? `pipeline:${x.batch}` : x.strategy));
    expect(names).toEqual(
      expect.arrayContaining([
        'sequential',
        'concurrent',
        'auto',
        'pipeline:100',
        'pipeline:1000',
        'pipeline:10000',
        'pipeline-x2',
        'multi',
        'variadic',
        'lua',
        'raw',
        'raw-variadic',
      ]),
    );
    for (const x of results) {
      expect(Object.keys(x).sort()).toEqual(
        [
          'batch',
          'bytesPerRecord',
          'clientCpuS',
          'commandsPerSec',
          'p50Ms',
          'p99Ms',
          'records',
          'recordsPerSec',
          'seconds',
          'serverCpuS',
          'strategy',
          'verified',
        ].sort(),
      );
      expect(x.verified, String(x.strategy)).toBe(true);
      expect(x.records).toBe(500);
      expect(x.recordsPerSec as number).toBeGreaterThan(0);
      expect(x.seconds as number).toBeGreaterThan(0);
      expect(typeof x.clientCpuS).toBe('number');
      expect(typeof x.serverCpuS).toBe('number');
    }
    // The header goes to stderr so stdout stays one JSON object.
    expect(r.stderr).toMatch(/keys live under benchtest:/);
    expect(await leftovers()).toEqual([]);
  });

  it('measures the redis-benchmark ceiling on the same server, inside the namespace', async () => {
    const r = await bench('--workload', 'set', '--records', '300', '--strategies', 'raw,variadic', '--ceiling', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      workload: string;
      results: { strategy: string; verified: boolean }[];
      ceiling: { command: string; setPerSec: number };
    };
    expect(out.workload).toBe('set');
    expect(out.results.map((x) => [x.strategy, x.verified])).toEqual([
      ['variadic', true],
      ['raw', true],
    ]);
    expect(out.ceiling.command).toMatch(
      /^redis-benchmark -P 100 -c 1 -r 300 -n 100000 SET benchtest:bench:[0-9a-f]{8}:ceil:__rand_int__ xxx$/,
    );
    expect(out.ceiling.setPerSec).toBeGreaterThan(0);
    expect(await leftovers()).toEqual([]);
    // redis-benchmark's own default keys (key:…) must not appear on a shared server.
    expect(await redis.exists('key:__rand_int__')).toBe(0);
    expect((await redis.scan('0', 'MATCH', 'key:*', 'COUNT', 1000))[1]).toEqual([]);
  });
});

describe('redis-learn bench for people', () => {
  it('prints the table, the chart and what was checked', async () => {
    const r = await bench('--workload', 'set', '--records', '400', '--strategies', 'sequential,pipeline:100,raw');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Bulk-load benchmark · set · 400 records/);
    expect(r.stdout).toMatch(/│ strategy/);
    expect(r.stdout).toMatch(/× sequential/);
    expect(r.stdout).toMatch(/raw +█+/);
    expect(r.stdout).not.toMatch(/✗/);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses an unknown strategy in one line, exit code 2, before touching the server', async () => {
    const r = await bench('--strategies', 'raw,turbo');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'redis-learn: unknown strategy "turbo": use sequential, concurrent, auto, pipeline, pipeline-x2, multi, variadic, lua, raw, raw-variadic, redis-cli (or pipeline:N)',
    );
    expect(r.stdout).toBe('');
  });
});
