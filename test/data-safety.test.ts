// The learner's data is sacred: keys the tool did not create survive a lesson and reset --all byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { LESSONS } from '../src/lessons/index.js';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 2;
let redis: Redis;

/** Keys named like the lessons' keys, inside and outside the namespace, of several types. */
async function prefill(): Promise<Map<string, Buffer>> {
  const names = new Set<string>(['learn:page_views', 'page_views', 'user:1', 'other:data']);
  for (const l of LESSONS) {
    for (const k of l.keys) {
      const concrete = k.replaceAll('*', '1');
      names.add(`learn:${concrete}`);
      names.add(concrete);
    }
  }
  let i = 0;
  for (const name of names) {
    const kind = i++ % 4;
    if (kind === 0) await redis.set(name, `user value ${i}`);
    else if (kind === 1) await redis.hset(name, { owner: 'me', n: String(i) });
    else if (kind === 2) await redis.rpush(name, 'a', 'b', String(i));
    else await redis.zadd(name, i, 'member');
  }
  await redis.expire('other:data', 3600);
  const dumps = new Map<string, Buffer>();
  for (const name of names) dumps.set(name, (await redis.dumpBuffer(name))!);
  return dumps;
}

beforeAll(async () => {
  redis = new Redis(serverUrl(DB));
  await redis.flushdb();
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

describe('data safety on a shared server', () => {
  it('refuses to start a lesson whose keys exist and are not its own, changing nothing', async () => {
    const before = await prefill();
    const home = tempConfigHome();
    const r = await runCli(['lesson', 'simple', '--auto', '--url', serverUrl(DB)], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not created by redis-learn/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const [k, dump] of before) expect(await redis.dumpBuffer(k)).toEqual(dump);
    expect(await redis.dbsize()).toBe(before.size);
  });

  it('runs every lesson in another namespace, then reset --all leaves exactly the pre-existing keys', async () => {
    const before = new Map<string, Buffer>();
    for (const k of await redis.keys('*')) before.set(k, (await redis.dumpBuffer(k))!);
    expect(before.size).toBeGreaterThan(4);
    const home = tempConfigHome();
    const env = { XDG_CONFIG_HOME: home };
    // Lab lessons never contact the configured server (test/lab-lesson-cli.test.ts proves it): they have no place here.
    for (const l of LESSONS.filter((x) => !x.lab)) {
      const r = await runCli(['lesson', l.id, '--auto', '--json', '--records', '500', '--url', serverUrl(DB), '--namespace', 'safe:'], {
        env,
        timeoutMs: 120_000,
      });
      // With --json, stderr carries only the connection banner.
      const stderr = r.stderr.split('\n').filter((line) => line && !/^Redis \S+ · redis:\/\/\S+ · keys live under safe:$/.test(line));
      expect({ lesson: l.id, code: r.code, stderr }).toEqual({ lesson: l.id, code: 0, stderr: [] });
      // Full marks on a shared server too: every reference solution runs inside the sandbox's rules.
      const out = JSON.parse(r.stdout) as { score: number; maxScore: number };
      expect({ lesson: l.id, score: out.score }).toEqual({ lesson: l.id, score: out.maxScore });
    }
    expect(await redis.dbsize()).toBeGreaterThan(before.size);
    const reset = await runCli(['reset', '--all', '--url', serverUrl(DB), '--namespace', 'safe:'], { env });
    expect(reset.code).toBe(0);
    const after = await redis.keys('*');
    expect(after.sort()).toEqual([...before.keys()].sort());
    for (const [k, dump] of before) expect(await redis.dumpBuffer(k)).toEqual(dump);
  }, 300_000);

  it('refuses learner commands on keys outside the sandbox or not its own', async () => {
    const home = tempConfigHome();
    const otherBefore = await redis.dumpBuffer('other:data');
    const input = ['SET other:data hacked', 'DEL learn:page_views', 'FLUSHDB', ':quit'].join('\n');
    const r = await runCli(['repl', '--url', serverUrl(DB)], { env: { XDG_CONFIG_HOME: home }, input });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/other:data is outside the sandbox/);
    expect(r.stdout).toMatch(/learn:page_views already existed and was not created by redis-learn/);
    expect(r.stdout).toMatch(/FLUSHDB is refused on a shared server/);
    expect(await redis.dumpBuffer('other:data')).toEqual(otherBefore);
    expect(await redis.exists('learn:page_views')).toBe(1);
  });
});
