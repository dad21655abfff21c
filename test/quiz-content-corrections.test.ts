// Facts the bank once got wrong (issue #9), pinned in its text and, where a server can show it, on a real one: ACLs
// check every redis.call, SET NX + INCR can lose the TTL, everysec can lose about 2 s, lists are quicklist on 7.0…
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntry } from '../src/quiz/bank.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import type { ChoiceQuestion, OpenQuestion, Question } from '../src/quiz/types.js';
import { openPrivateSandbox } from './helpers.js';

const NS = 'qfix:';
let sb: Sandbox;

beforeAll(async () => {
  sb = await openPrivateSandbox(NS);
});

afterAll(async () => {
  const keys = (await sb.admin.call('KEYS', `${NS}*`)) as string[];
  if (keys.length) await sb.admin.del(...keys);
  await sb.close();
});

function q<T extends Question>(id: string): T {
  const e = findEntry(id);
  expect(e, id).toBeDefined();
  return e!.question as T;
}

/** Everything a learner reads for a question, in one lower-case string. */
function text(question: Question): string {
  const parts = [question.question, question.explanation];
  if (question.kind === 'choice') for (const o of question.options) parts.push(o.text, o.why);
  if (question.kind === 'open') parts.push(...question.keyPoints);
  return parts.join(' ').toLowerCase();
}

function option(question: ChoiceQuestion, contains: string) {
  const o = question.options.find((x) => x.text.includes(contains));
  expect(o, `${question.id}: an option containing "${contains}"`).toBeDefined();
  return o!;
}

describe('Lua keys and ACLs', () => {
  it('transactions-lua-declare-keys: ACLs do not only see declared keys', () => {
    const d = q<ChoiceQuestion>('transactions-lua-declare-keys');
    expect(option(d, 'can only see declared keys').correct).toBe(false);
    expect(option(d, 'before the script starts').correct).toBe(true);
    expect(d.explanation).toMatch(/each redis\.call is still checked as it runs/);
    const race = q<OpenQuestion>('system-design-race-conditions');
    expect(race.keyPoints.join(' ')).toMatch(/ACLs can check its keys before it runs \(each redis\.call is checked as it runs too\)/);
  });

  it('a real server checks an undeclared key at run time, and a declared one before the script starts', async () => {
    const user = 'qfix-user';
    await sb.admin.call('ACL', 'SETUSER', user, 'on', 'nopass', `~${NS}ok:*`, '+@all');
    const client = await sb.conn.newClient();
    try {
      await client.call('AUTH', user, 'any');
      await sb.admin.set(`${NS}secret`, 'x');
      // Not declared, reached through redis.call: refused while the script runs.
      await expect(client.call('EVAL', `return redis.call('GET', '${NS}secret')`, '0')).rejects.toThrow(
        // Redis 7.0: "can't access at least one of the keys"; Redis 8 and Valkey 8: "ACL failure in script: No permissions".
        /can't access at least one of the keys|ACL failure in script/,
      );
      // Declared: refused before the script starts.
      await expect(client.call('EVAL', 'return 1', '1', `${NS}secret`)).rejects.toThrow(/NOPERM/);
    } finally {
      client.disconnect();
      await sb.admin.call('ACL', 'DELUSER', user);
    }
  });

  it('system-design-race-conditions: giving up at once is right for some jobs', () => {
    const race = q<OpenQuestion>('system-design-race-conditions');
    const locks = race.keyPoints.find((k) => k.startsWith('Distributed locks'))!;
    expect(locks).not.toMatch(/instead of retrying with backoff.*are bugs/);
    expect(locks).toMatch(/try-once is right for cron dedup, leader election or a rebuild that can serve stale data/);
  });
});

describe('rate limiter TTLs', () => {
  it('system-design-fixed-window: SET NX EX before INCR is not airtight', () => {
    const f = q<ChoiceQuestion>('system-design-fixed-window');
    expect(option(f, 'SET rate:<ip> 0 EX 60 NX').correct).toBe(false);
    expect(f.explanation).toMatch(
      /Only one atomic unit is airtight: INCR and `EXPIRE rate:<ip> 60 NX` \(7\.0\+\) in one MULTI, or both in a Lua script/,
    );
  });

  it('a key that expires between SET … NX EX and INCR comes back without a TTL', async () => {
    const key = `${NS}rate:203.0.113.7`;
    expect(await sb.admin.call('SET', key, '0', 'PX', '50', 'NX')).toBe('OK');
    await sleep(120);
    expect(await sb.admin.incr(key)).toBe(1);
    expect(await sb.admin.ttl(key)).toBe(-1);
    // The airtight version: INCR and EXPIRE … NX in one MULTI.
    await sb.admin.del(key);
    const replies = await sb.admin.multi().incr(key).call('EXPIRE', key, '60', 'NX').exec();
    expect(replies?.map(([, r]) => r)).toEqual([1, 1]);
    expect(await sb.admin.ttl(key)).toBeGreaterThan(0);
  });
});

describe('persistence', () => {
  it('persistence-appendfsync / loss-paths: everysec can lose about 2 s when fsync lags, even on a process crash', () => {
    const a = q<ChoiceQuestion>('persistence-appendfsync');
    expect(a.explanation).not.toMatch(/loses nothing with everysec/);
    expect(a.explanation).toMatch(/up to 2 s of acknowledged writes/);
    expect(option(a, 'everysec').why).toMatch(/up to 2 s/);
    const loss = q<OpenQuestion>('persistence-loss-paths');
    expect(loss.keyPoints.join(' ')).toMatch(/about 2 s when fsync lags/);
    expect(loss.keyPoints.join(' ')).not.toMatch(/loses nothing extra/);
    expect(text(q('persistence-rdb-vs-aof'))).toMatch(/up to about two when the disk lags/);
  });

  it('persistence-fork-cow: Redis 6.2+ turns THP off for itself (disable-thp yes)', async () => {
    expect(option(q<ChoiceQuestion>('persistence-fork-cow'), 'Transparent huge pages').why).toMatch(
      /Since 6\.2 .*disable-thp yes, the default/,
    );
    expect(await sb.admin.call('CONFIG', 'GET', 'disable-thp')).toEqual(['disable-thp', 'yes']);
  });
});

describe('versions and defaults', () => {
  it('fundamentals-io-threads: scoped to 6.x/7.x, with Redis 8 threading reads and writes', () => {
    const io = q<ChoiceQuestion>('fundamentals-io-threads');
    expect(io.question).toMatch(/On Redis 6\.x and 7\.x/);
    expect(io.explanation).toMatch(
      /Redis 8\.0 replaced it .* always threads both reads and writes, so io-threads-do-reads no longer has any effect/,
    );
  });

  it('data-types-listpack: lists report quicklist before 7.2, as this server shows', async () => {
    const l = q<ChoiceQuestion>('data-types-listpack');
    expect(text(l)).toMatch(/a list still reports quicklist on 7\.0/);
    expect(l.explanation).toMatch(/only 7\.2 stores a small list as a single listpack/);
    await sb.admin.rpush(`${NS}small`, 'a', 'b');
    const version = String(((await sb.admin.info('server')).match(/redis_version:(\S+)/) ?? [])[1]);
    const [major, minor] = version.split('.').map(Number);
    const expected = major! > 7 || (major === 7 && minor! >= 2) ? 'listpack' : 'quicklist';
    expect(await sb.admin.object('ENCODING', `${NS}small`)).toBe(expected);
  });

  it('messaging-approximate-trim: "with the default configuration", and the default node size is 100', async () => {
    const t = q('messaging-approximate-trim');
    expect(t.question).toMatch(/With the default configuration/);
    expect(t.explanation).toMatch(/with the default configuration a five-entry stream is not trimmed/);
    expect(await sb.admin.call('CONFIG', 'GET', 'stream-node-max-entries')).toEqual(['stream-node-max-entries', '100']);
  });

  it('pipelining-performance-big-keys and cluster-crossslot: SCAN walks the whole keyspace; LMOVE, not RPOPLPUSH', () => {
    expect(q('pipelining-performance-big-keys').explanation).toMatch(/walk the whole keyspace with SCAN/);
    const cross = q('cluster-crossslot').explanation;
    expect(cross).toMatch(/LMOVE \(which replaces RPOPLPUSH, deprecated since 6\.2\)/);
  });

  it('system-design-geo-search: only COUNT n ANY stops early', () => {
    expect(q('system-design-geo-search').explanation).toMatch(/plain COUNT still finds and sorts every match, only `COUNT n ANY` stops/);
  });
});
