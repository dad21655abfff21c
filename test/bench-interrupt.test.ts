// An interrupted bench leaves nothing: Ctrl-C / SIGTERM remove the run's keys before the process exits, `kill -9`
// leftovers are found and removed by `reset --all`, a run still going in another process is left alone, and no
// foreign key (not even one under {ns}bench:) is ever touched. The built CLI against the suite's server, in db 15.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { judgeRun, STALE_MS } from '../src/benchmarks/run-space.js';
import { findBinary } from '../src/benchmarks/strategies.js';
import { scanAll } from '../src/redis/scan.js';
import { openSandbox, runCli, serverUrl, startCli, tempConfigHome, type CliResult, type RunningCli } from './helpers.js';

const DB = 15;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(serverUrl(DB));
  // Another application's data in the same database.
  await redis.set('app:secret', 'do not touch');
  await redis.rpush('app:queue', 'a', 'b', 'c');
  await redis.hset('app:user:1', { name: 'Ada', role: 'admin' });
  await redis.zadd('app:scores', 1, 'x', 2, 'y');
});

afterAll(async () => {
  const keys = await scanAll(redis, '*');
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
});

/** A CLI process the test can signal, with its output and its end. */

function start(args: string[], env: Record<string, string> = {}): RunningCli {
  return startCli(args, { env, timeoutMs: 90_000 });
}

/** A long bench (millions of records: it cannot finish before the test interrupts it). */
function longBench(ns: string, workload: 'users' | 'set', strategy: string, env: Record<string, string> = {}): RunningCli {
  return start(
    ['bench', '--url', serverUrl(DB), '--namespace', ns, '--workload', workload, '--strategies', strategy, '--records', '5000000'],
    env,
  );
}

/** Polls (never a blind sleep) until the run has written at least `min` keys under {ns}bench:<run id>:. */
async function waitForRunKeys(ns: string, run: RunningCli, min = 1000): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const keys = await scanAll(redis, `${ns}bench:*:*`);
    if (keys.length >= min) return keys;
    if (run.child.exitCode !== null) throw new Error(`bench ended early: ${run.out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no benchmark keys under ${ns}bench: after 30 s`);
}

/** Keys matching `pattern` once their number has stopped changing (a killed writer's last batch may still land). */
async function settledKeys(pattern: string): Promise<string[]> {
  let last = await scanAll(redis, pattern);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await scanAll(redis, pattern);
    if (now.length === last.length) return now;
    last = now;
  }
  throw new Error(`keys under ${pattern} keep changing`);
}

/** DUMP of each key: byte-identical before and after is the proof that nothing touched them. */
async function dumps(keys: string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const k of keys) out[k] = (await redis.dumpBuffer(k))?.toString('base64') ?? null;
  return out;
}

const APP_KEYS = ['app:secret', 'app:queue', 'app:user:1', 'app:scores'];

/**
 * Foreign keys in the namespace, some right where runs write: under {ns}bench:, including one named like a run that
 * redis-learn never recorded. Planted once the bench is running (a bench refuses to start beside them).
 */
async function plantForeign(ns: string): Promise<string[]> {
  const keys = [`${ns}theirs`, `${ns}bench:theirs`, `${ns}bench:0badf00d`, `${ns}bench:0badf00d:data`, `${ns}bench:abc:1`];
  await redis.set(keys[0]!, 'a learner key made by hand');
  await redis.hset(keys[1]!, 'owner', 'someone else');
  await redis.set(keys[2]!, 'looks like a run marker');
  await redis.sadd(keys[3]!, 'one', 'two');
  await redis.set(keys[4]!, '1');
  return keys;
}

/** The process's own lines on stderr must be one-liners: never a stack trace or an "unexpected error". */
function expectNoStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at\s/);
  expect(r.stderr).not.toMatch(/unexpected error|Error:/);
}

describe.each([
  { signal: 'SIGTERM' as const, code: 143, word: 'terminated', ns: 'bint-term:', workload: 'set' as const, strategy: 'pipeline:1000' },
  // The bare socket: megabytes of hand-encoded RESP in flight when the signal comes.
  { signal: 'SIGINT' as const, code: 130, word: 'interrupted', ns: 'bint-int:', workload: 'users' as const, strategy: 'raw' },
  // redis-cli --pipe, a helper process that writes on its own (where redis-cli is installed).
  ...(findBinary('redis-cli')
    ? [{ signal: 'SIGTERM' as const, code: 143, word: 'terminated', ns: 'bint-cli:', workload: 'users' as const, strategy: 'redis-cli' }]
    : []),
])('$signal during bench ($strategy)', ({ signal, code, word, ns, workload, strategy }) => {
  it(`removes every key of the run before exiting ${code}, with a progress line, and nothing else`, async () => {
    const before = await dumps(APP_KEYS);
    const run = longBench(ns, workload, strategy);
    await waitForRunKeys(ns, run);
    const foreign = await plantForeign(ns);
    const foreignBefore = await dumps(foreign);
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(code);
    expectNoStack(r);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`${word}: progress saved, cleaning up`);
    expect(lines[1]).toMatch(new RegExp(`^${word}: removing about [\\d,]+ benchmark keys \\(${ns}bench:[0-9a-f]{8}:\\*\\)…$`));
    expect(lines[2]).toMatch(new RegExp(`^${word}: removed [\\d,]+ benchmark keys; nothing else was touched$`));
    expect(lines).toHaveLength(3);
    const count = (line: string, re: RegExp) => Number(re.exec(line)![1]!.replace(/,/g, ''));
    const removed = count(lines[2]!, /removed ([\d,]+)/);
    expect(removed).toBeGreaterThanOrEqual(1000);
    // The announced number covers what was sent (the marker comes on top).
    expect(removed).toBeLessThanOrEqual(count(lines[1]!, /about ([\d,]+)/) + 1);
    // Only the foreign keys are left in the namespace: no data key, no marker, no bookkeeping.
    expect((await scanAll(redis, `${ns}*`)).sort()).toEqual([...foreign].sort());
    expect(await dumps(foreign)).toEqual(foreignBefore);
    expect(await dumps(APP_KEYS)).toEqual(before);
    // No helper process (redis-cli) outlived the run to write on.
    await new Promise((res) => setTimeout(res, 300));
    expect((await scanAll(redis, `${ns}*`)).sort()).toEqual([...foreign].sort());
    await redis.unlink(...foreign);
  });
});

describe('an interrupt with no time left to remove everything', () => {
  it('says so, drops the marker so the run reads as dead at once, and `reset --all` removes the rest', async () => {
    const ns = 'bint-late:';
    // No removal budget at all: the run gets as far as stopping its writers and dropping its marker.
    const run = longBench(ns, 'set', 'pipeline:1000', { REDIS_LEARN_ABORT_BUDGET_MS: '0' });
    await waitForRunKeys(ns, run);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expectNoStack(r);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'terminated: removed 1 benchmark key, then ran out of time: `redis-learn reset --all` (same --url and --namespace) removes the rest',
    );
    const left = await settledKeys(`${ns}bench:*`);
    expect(left.length).toBeGreaterThanOrEqual(1000);
    // Only data keys are left: the marker is gone.
    expect(left.every((k) => /^bint-late:bench:[0-9a-f]{8}:key:\d+$/.test(k))).toBe(true);
    const foreign = await plantForeign(ns);
    const foreignBefore = await dumps(foreign);
    const reset = await runCli(['reset', '--all', '--json', '--url', serverUrl(DB), '--namespace', ns], {
      env: { XDG_CONFIG_HOME: tempConfigHome() },
    });
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ keysRemoved: left.length, benchmarkRunsRemoved: 1, benchmarkRunsLeft: [] });
    expect((await scanAll(redis, `${ns}*`)).sort()).toEqual([...foreign].sort());
    expect(await dumps(foreign)).toEqual(foreignBefore);
    await redis.unlink(...foreign);
  });
});

describe('kill -9 during bench', () => {
  it('leaves a dead run that `reset --all` finds and removes, counted, and nothing else', async () => {
    const ns = 'bint-kill:';
    const home = tempConfigHome();
    const before = await dumps(APP_KEYS);
    // A key of another scope, created through the sandbox: reset --all still removes it.
    const sb = await openSandbox(DB, ns);
    await sb.claim('repl', [`${ns}mine`]);
    await sb.admin.set(`${ns}mine`, 'from the REPL');
    await sb.close();

    const run = longBench(ns, 'set', 'pipeline:1000');
    await waitForRunKeys(ns, run);
    run.child.kill('SIGKILL');
    expect((await run.done).code).toBeNull();
    const foreign = await plantForeign(ns);
    const foreignBefore = await dumps(foreign);

    // What the dead run left: its data keys and its marker, which still has its TTL (nobody removed it).
    const marker = (await scanAll(redis, `${ns}bench:*`)).find((k) => /^bint-kill:bench:[0-9a-f]{8}$/.test(k) && !foreign.includes(k))!;
    expect(marker).toBeDefined();
    expect(await redis.pttl(marker)).toBeGreaterThan(0);
    const left = await settledKeys(`${marker}:*`);
    expect(left.length).toBeGreaterThanOrEqual(1000);

    const r = await runCli(['reset', '--all', '--json', '--url', serverUrl(DB), '--namespace', ns], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(0);
    expectNoStack(r);
    expect(JSON.parse(r.stdout)).toEqual({
      reset: 'everything',
      // The run's keys, its marker and the REPL's key.
      keysRemoved: left.length + 2,
      benchmarkRunsRemoved: 1,
      benchmarkKeysRemoved: left.length + 1,
      benchmarkRunsLeft: [],
    });
    expect((await scanAll(redis, `${ns}*`)).sort()).toEqual([...foreign].sort());
    expect(await dumps(foreign)).toEqual(foreignBefore);
    expect(await dumps(APP_KEYS)).toEqual(before);

    // Said for people too, and a second reset finds nothing more.
    const again = await runCli(['reset', '--all', '--url', serverUrl(DB), '--namespace', ns], { env: { XDG_CONFIG_HOME: home } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/✓ reset everything: removed 0 keys redis-learn had created, and the progress\./);
    await redis.unlink(...foreign);
  });

  it('says how many keys a dead run left when reset prints for people', async () => {
    const ns = 'bint-kill2:';
    const run = longBench(ns, 'set', 'pipeline:1000');
    await waitForRunKeys(ns, run);
    run.child.kill('SIGKILL');
    await run.done;
    const left = (await settledKeys(`${ns}bench:*`)).length;
    const r = await runCli(['reset', '--all', '--url', serverUrl(DB), '--namespace', ns], { env: { XDG_CONFIG_HOME: tempConfigHome() } });
    expect(r.code).toBe(0);
    const n = left.toLocaleString('en-US');
    expect(r.stdout).toContain(
      `✓ reset everything: removed ${n} keys redis-learn had created (${n} of them left by an interrupted benchmark run), and the progress.`,
    );
    expect(await scanAll(redis, `${ns}*`)).toEqual([]);
  });
});

describe('a benchmark still running in another process', () => {
  it('is left alone by reset --all (its marker is alive), then cleans up after itself on SIGTERM', async () => {
    const ns = 'bint-live:';
    const run = longBench(ns, 'set', 'pipeline:1000');
    const seen = await waitForRunKeys(ns, run);
    const r = await runCli(['reset', '--all', '--json', '--url', serverUrl(DB), '--namespace', ns], {
      env: { XDG_CONFIG_HOME: tempConfigHome() },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { keysRemoved: number; benchmarkRunsLeft: { run: string; pid: number }[] };
    expect(out.keysRemoved).toBe(0);
    expect(out.benchmarkRunsLeft).toHaveLength(1);
    expect(out.benchmarkRunsLeft[0]!.pid).toBe(run.child.pid);
    const marker = out.benchmarkRunsLeft[0]!.run;
    // Still there, and still growing: the run was not disturbed.
    expect(await redis.exists(marker)).toBe(1);
    expect(await redis.exists(...seen.slice(0, 100))).toBe(100);
    await waitForRunKeys(ns, run, seen.length + 1000);

    const people = await runCli(['reset', '--all', '--url', serverUrl(DB), '--namespace', ns], {
      env: { XDG_CONFIG_HOME: tempConfigHome() },
    });
    expect(people.stdout).toContain(`left alone: the benchmark run ${marker} (process ${run.child.pid} on `);

    run.child.kill('SIGTERM');
    const end = await run.done;
    expect(end.code).toBe(143);
    expectNoStack(end);
    expect(await scanAll(redis, `${ns}*`)).toEqual([]);
  });
});

describe('runs recorded by redis-learn on another machine', () => {
  it('counts a run as dead once its marker has not been refreshed for 30 s, and alive before', async () => {
    const ns = 'bint-remote:';
    const sb = await openSandbox(DB, ns);
    const fresh = `${ns}bench:aaaaaaaa`;
    const silent = `${ns}bench:bbbbbbbb`;
    const gone = `${ns}bench:cccccccc`;
    try {
      await sb.claim('bench', [fresh, silent, gone]);
      const owner = (pid: number) => JSON.stringify({ pid, host: 'another-machine', pidns: null, started: new Date().toISOString() });
      // Refreshed 2 s ago (TTL 60 s), not refreshed for 40 s, and a marker that has expired.
      await redis.set(fresh, owner(101), 'EX', 58);
      await redis.set(silent, owner(102), 'EX', 20);
      for (const m of [fresh, silent, gone]) await redis.set(`${m}:key:1`, 'v1');
      await redis.hset(`${silent}:user:1`, 'name', 'x');
      const foreign = await plantForeign(ns);
      const foreignBefore = await dumps(foreign);

      const r = await runCli(['reset', '--all', '--json', '--url', serverUrl(DB), '--namespace', ns], {
        env: { XDG_CONFIG_HOME: tempConfigHome() },
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        reset: 'everything',
        keysRemoved: 4,
        benchmarkRunsRemoved: 2,
        benchmarkKeysRemoved: 4,
        benchmarkRunsLeft: [{ run: fresh, pid: 101, host: 'another-machine' }],
      });
      expect((await scanAll(redis, `${ns}*`)).filter((k) => !k.includes('__redis-learn__')).sort()).toEqual(
        [...foreign, fresh, `${fresh}:key:1`].sort(),
      );
      expect(await dumps(foreign)).toEqual(foreignBefore);
    } finally {
      const keys = await scanAll(redis, `${ns}*`);
      if (keys.length) await redis.unlink(...keys);
      await sb.close();
    }
  });
});

describe('how a run is judged from its marker', () => {
  const here = { host: hostname(), pidns: 'pid:[4026531836]' };
  const owner = (pid: number, host = here.host, pidns: string | null = here.pidns) =>
    JSON.stringify({ pid, host, pidns, started: '2025-01-01T00:00:00Z' });
  const running = (pid: number) => pid === 4242;

  it('dead when the marker is gone, replaced by a key that is not a marker, or its process here has ended', () => {
    expect(judgeRun('m', null, -2, here, running)).toMatchObject({ alive: false, why: 'its marker is gone', markerIsOurs: false });
    // A key without TTL or without an owner is someone else's: the run is over, and that key is not removed.
    expect(judgeRun('m', owner(4242), -1, here, running)).toMatchObject({ alive: false, markerIsOurs: false });
    expect(judgeRun('m', 'hello', 50_000, here, running)).toMatchObject({ alive: false, markerIsOurs: false });
    expect(judgeRun('m', owner(4343), 59_000, here, running)).toMatchObject({
      alive: false,
      why: 'its process 4343 has ended',
      markerIsOurs: true,
    });
  });

  it('alive while its process runs here, or while another machine keeps refreshing it', () => {
    expect(judgeRun('m', owner(4242), 59_000, here, running)).toMatchObject({ alive: true, markerIsOurs: true });
    expect(judgeRun('m', owner(1, 'elsewhere'), 60_000 - STALE_MS + 1000, here, running).alive).toBe(true);
    // Same host name, another pid namespace (a container): its pids mean nothing here, only the refresh counts.
    expect(judgeRun('m', owner(4343, here.host, 'pid:[99]'), 58_000, here, running).alive).toBe(true);
  });

  it('dead once nobody has refreshed it for 30 s, wherever it runs', () => {
    expect(judgeRun('m', owner(1, 'elsewhere'), 60_000 - STALE_MS - 1000, here, running)).toMatchObject({
      alive: false,
      why: 'not refreshed for 31 s',
    });
    expect(judgeRun('m', owner(4242), 10_000, here, running)).toMatchObject({ alive: false, why: 'not refreshed for 50 s' });
  });
});
