// The restricted learner user, for real: a redis-server started (by the product's own startPrivateServer) with exactly
// the user-defining arguments of docker-compose.yml, filled with foreign data in several databases and a foreign
// function library. As that user the learner's data commands work in learn:*, and every way out answers NOPERM and
// changes nothing (DUMP / FUNCTION DUMP / CONFIG GET * / ACL LIST byte-identical). Then doctor, through the built CLI.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_LEARNER_PASSWORD, LEARNER_USER, aclSetuserLine, learnerAclRules } from '../src/redis/learner-acl.js';
import { startPrivateServer, type PrivateServer } from '../src/redis/private-server.js';
import { composeUserArgs } from './compose-user.js';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

/** The suite server's database doctor looks at (doctor writes nothing; the number is ours alone all the same). */
const SUITE_DB = 13;
const DATABASES = 16;
const FOREIGN_LIBRARY =
  "#!lua name=applib\nredis.register_function('appfn', function(keys, args) return redis.call('DEL', 'app:secret') end)";

let server: PrivateServer;
let admin: Redis;
const opened: Redis[] = [];

function connect(opts: { user?: string; password?: string; db?: number } = {}): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port: server.port,
    username: opts.user,
    password: opts.password,
    db: opts.db ?? 0,
    lazyConnect: true,
    // The learner user may not run INFO (@dangerous): no ready check, which is INFO.
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  opened.push(client);
  return client.connect().then(() => client);
}

const asLearner = (db = 0) => connect({ user: LEARNER_USER, password: COMPOSE_LEARNER_PASSWORD, db });

/** Rejects after `ms` so a command that hangs fails its test instead of the run. */
function within<T>(p: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms))]);
}

interface Snapshot {
  /** db → key → DUMP (hex) and absolute expiry (PEXPIRETIME, which does not tick like a TTL). */
  keys: Record<number, Record<string, string>>;
  functions: string;
  config: Record<string, string>;
  acl: string[];
}

/** Everything a learner could damage, as the default user sees it. */
async function snapshot(): Promise<Snapshot> {
  const keys: Snapshot['keys'] = {};
  const c = await connect();
  try {
    for (let db = 0; db < DATABASES; db++) {
      await c.select(db);
      const names: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await c.scan(cursor, 'COUNT', 1000);
        cursor = next;
        names.push(...batch);
      } while (cursor !== '0');
      if (!names.length) continue;
      keys[db] = {};
      for (const k of names.sort()) {
        const dump = await c.dumpBuffer(k);
        keys[db][k] = `${dump?.toString('hex')} expires=${String(await c.call('PEXPIRETIME', k))}`;
      }
    }
    const functions = ((await c.callBuffer('FUNCTION', 'DUMP')) as Buffer).toString('hex');
    const pairs = (await c.config('GET', '*')) as string[];
    const config: Record<string, string> = {};
    for (let i = 0; i < pairs.length; i += 2) config[pairs[i]!] = pairs[i + 1]!;
    const acl = ((await c.call('ACL', 'LIST')) as string[]).sort();
    return { keys, functions, config, acl };
  } finally {
    c.disconnect();
  }
}

/** The snapshot without the learner's own keys (learn:* in db 0, where the learner works). */
function foreign(s: Snapshot): Snapshot {
  const keys = structuredClone(s.keys);
  for (const k of Object.keys(keys[0] ?? {})) if (k.startsWith('learn:')) delete keys[0]![k];
  return { ...s, keys };
}

async function pingsWithin(ms: number): Promise<void> {
  const t0 = Date.now();
  expect(await within(admin.ping(), ms)).toBe('PONG');
  expect(Date.now() - t0).toBeLessThan(ms);
}

let filled: Snapshot;

beforeAll(async () => {
  // Exactly the arguments docker-compose.yml gives redis-server for the user, read from the file. DEBUG and MODULE are
  // switched on (Redis 7 refuses them to everyone by default, compose included) so that here the ACL has to refuse them.
  server = await startPrivateServer({
    args: ['--enable-debug-command', 'yes', '--enable-module-command', 'yes', ...composeUserArgs(LEARNER_USER)],
  });
  admin = await connect();
  // Foreign data: other applications' keys in db 0, 1 and 2, foreign learn: keys in other databases (the learner's
  // prefix, but not the learner's database), and a foreign function library that would delete app:secret.
  await admin.set('app:secret', 's3cret');
  await admin.rpush('app:list', 'a', 'b', 'c');
  await admin.hset('app:hash', 'f', 'v');
  await admin.zadd('app:zset', 1, 'm');
  await admin.set('app:ttl', 'x', 'EX', 100_000);
  await admin.call('FUNCTION', 'LOAD', FOREIGN_LIBRARY);
  const db1 = await connect({ db: 1 });
  await db1.set('app:secret', 'db1 secret');
  await db1.set('learn:y', 'db1 value');
  const db2 = await connect({ db: 2 });
  await db2.set('app:db2', 'db2 value');
  await db2.set('learn:x', 'db2 value');
  await db2.sadd('app:set', 'x', 'y');
  filled = await snapshot();
});

afterAll(async () => {
  for (const c of opened) c.disconnect();
  await server?.stop();
});

describe("docker-compose.yml's learner user on a real redis-server", () => {
  it('is defined with the rules of learner-acl.ts (as Redis reads them back)', async () => {
    expect(composeUserArgs(LEARNER_USER).slice(2, -1)).toEqual(learnerAclRules('learn:'));
    const user = (await admin.call('ACL', 'GETUSER', LEARNER_USER)) as unknown[];
    const info = Object.fromEntries(Array.from({ length: user.length / 2 }, (_, i) => [user[2 * i], user[2 * i + 1]]));
    expect(info.flags).toContain('on');
    expect(info.flags).not.toContain('nopass');
    expect(info.keys).toBe('~learn:*');
    expect(info.channels).toBe('&learn:*');
    expect(info.commands).toMatch(/-@dangerous/);
    expect(info.commands).toMatch(/-@scripting/);
    expect(info.commands).toMatch(/-select\b/);
    const l = await asLearner();
    expect(await l.call('ACL', 'WHOAMI')).toBe(LEARNER_USER);
  });

  it('refuses a wrong password', async () => {
    await expect(connect({ user: LEARNER_USER, password: 'not-the-password' })).rejects.toThrow();
    const d = await connect();
    await expect(d.call('AUTH', LEARNER_USER, 'not-the-password')).rejects.toThrow(/^WRONGPASS/);
    expect(await d.call('ACL', 'WHOAMI')).toBe('default');
  });

  it('works in learn:*: SET, GET, HSET, lists, expiry', async () => {
    const l = await asLearner();
    expect(await l.set('learn:x', '1')).toBe('OK');
    expect(await l.get('learn:x')).toBe('1');
    expect(await l.hset('learn:h', 'f', 'v')).toBe(1);
    expect(await l.hgetall('learn:h')).toEqual({ f: 'v' });
    expect(await l.rpush('learn:l', '3', '1', '2')).toBe(3);
    expect(await l.set('learn:tmp', 'x', 'EX', 100)).toBe('OK');
    expect(await l.ttl('learn:tmp')).toBeGreaterThan(0);
    expect(await l.del('learn:tmp')).toBe(1);
    expect(await admin.get('learn:x')).toBe('1');
  });

  it('runs transactions: WATCH / MULTI / EXEC, and a WATCHed key changed by another client aborts EXEC', async () => {
    const l = await asLearner();
    await l.watch('learn:x');
    expect(await l.multi().set('learn:x', '2').incr('learn:x').exec()).toEqual([
      [null, 'OK'],
      [null, 3],
    ]);
    await l.watch('learn:x');
    await admin.set('learn:x', '10');
    expect(await l.multi().set('learn:x', '99').exec()).toBeNull();
    expect(await l.get('learn:x')).toBe('10');
  });

  it('refuses a whole transaction that names a foreign key: the learn: part does not run either', async () => {
    const l = await asLearner();
    const tx = l.multi().set('learn:tx', '1').set('app:secret', 'pwned');
    await expect(tx.exec()).rejects.toThrow(/EXECABORT|NOPERM/);
    expect(await l.exists('learn:tx')).toBe(0);
    expect(await admin.get('app:secret')).toBe('s3cret');
  });

  it('publishes to learn:* channels, and the message arrives', async () => {
    const sub = await connect();
    const got = new Promise<[string, string]>((resolve) => sub.on('message', (ch: string, msg: string) => resolve([ch, msg])));
    await sub.subscribe('learn:chan');
    const l = await asLearner();
    expect(await l.publish('learn:chan', 'hello')).toBe(1);
    expect(await within(got)).toEqual(['learn:chan', 'hello']);
  });

  it('has changed no foreign key, library, config or user so far', async () => {
    expect(foreign(await snapshot())).toEqual(foreign(filled));
  });
});

/** Every way out of learn:* and db 0, as one command line each (the brief's, then twenty more of ours). */
const DENIED: string[][] = [
  ['SET', 'app:secret', 'pwned'],
  ['DEL', 'app:secret'],
  ['EVAL', "return redis.call('DEL','app:secret')", '0'],
  ['EVAL', "return redis.call('FLUSHALL')", '0'],
  ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=applib\nredis.register_function('appfn', function() return redis.call('FLUSHALL') end)"],
  ['FUNCTION', 'LOAD', "#!lua name=mine\nredis.register_function('mine', function() return 1 end)"],
  ['FCALL', 'appfn', '0'],
  ['SCRIPT', 'LOAD', "return redis.call('FLUSHALL')"],
  ['FLUSHALL'],
  ['FLUSHDB'],
  ['KEYS', '*'],
  ['SORT', 'learn:l', 'BY', 'app:*'],
  ['SORT', 'learn:l', 'STORE', 'app:x'],
  ['COPY', 'learn:x', 'learn:y', 'DB', '1'],
  ['SELECT', '1'],
  ['SWAPDB', '0', '1'],
  ['MOVE', 'learn:x', '1'],
  ['CONFIG', 'SET', 'maxmemory', '1mb'],
  ['CONFIG', 'GET', 'requirepass'],
  ['DEBUG', 'SLEEP', '0'],
  ['SHUTDOWN'],
  ['SHUTDOWN', 'NOSAVE'],
  ['REPLICAOF', '127.0.0.1', '1'],
  ['SYNC'],
  ['PSYNC', '?', '-1'],
  ['BGSAVE'],
  ['CLIENT', 'KILL', 'TYPE', 'normal'],
  ['CLIENT', 'PAUSE', '10'],
  ['CLIENT', 'REPLY', 'OFF'],
  ['MODULE', 'LOAD', '/nonexistent/module.so'],
  ['ACL', 'SETUSER', LEARNER_USER, '~*', '+@all'],
  ['PUBLISH', 'app:chan', 'x'],
  ['SUBSCRIBE', 'learn:c'],
  ['MONITOR'],
  ['MIGRATE', '127.0.0.1', 'PORT', 'learn:x', '1', '1000'],
  // Ours: the same walls from other directions.
  ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['EVAL_RO', "return redis.call('GET','app:secret')", '0'],
  ['FCALL_RO', 'appfn', '0'],
  ['FUNCTION', 'DELETE', 'applib'],
  ['FUNCTION', 'FLUSH'],
  ['SCRIPT', 'FLUSH'],
  ['SCRIPT', 'KILL'],
  ['GET', 'app:secret'],
  ['GETDEL', 'app:secret'],
  ['DUMP', 'app:secret'],
  ['RESTORE', 'learn:r', '0', 'x'],
  ['RENAME', 'learn:x', 'app:secret'],
  ['LMOVE', 'learn:l', 'app:list', 'LEFT', 'LEFT'],
  ['MSET', 'learn:m', '1', 'app:m', '2'],
  ['SUNIONSTORE', 'app:x', 'learn:h'],
  ['ZUNIONSTORE', 'app:x', '1', 'learn:h'],
  ['BITOP', 'AND', 'app:x', 'learn:x'],
  ['EXPIRE', 'app:secret', '1'],
  ['SORT_RO', 'learn:l', 'BY', 'app:*'],
  ['SPUBLISH', 'app:chan', 'x'],
  ['PSUBSCRIBE', 'learn:*'],
  ['SSUBSCRIBE', 'learn:c'],
  ['CLIENT', 'TRACKING', 'ON'],
  ['CLIENT', 'NO-EVICT', 'ON'],
  ['CLIENT', 'UNBLOCK', '1'],
  ['CLIENT', 'LIST'],
  ['WAIT', '0', '0'],
  ['SAVE'],
  ['BGREWRITEAOF'],
  ['CONFIG', 'RESETSTAT'],
  ['SLOWLOG', 'RESET'],
  ['LATENCY', 'RESET'],
  ['ACL', 'LOG', 'RESET'],
  ['ACL', 'DELUSER', 'default'],
  ['FAILOVER'],
  ['INFO'],
  ['DEBUG', 'RELOAD'],
  ['LASTSAVE'],
];

describe('as the learner user, every way out answers NOPERM and changes nothing', () => {
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot();
  });

  it.each(DENIED.map((cmd) => [cmd.join(' ').replace(/\n/g, '\\n'), cmd] as const))('%s', async (_line, cmd) => {
    const l = await asLearner();
    const args = cmd.map((a) => (a === 'PORT' ? String(server.port) : a));
    await expect(within(l.call(args[0]!, ...args.slice(1)))).rejects.toThrow(/^NOPERM/);
    // The connection is still the learner's, in db 0, and answers.
    expect(await within(l.call('ACL', 'WHOAMI'))).toBe(LEARNER_USER);
    await pingsWithin(1000);
    expect(await snapshot()).toEqual(before);
  });

  it('leaves foreign learn: keys in other databases alone (COPY / MOVE / SWAPDB could have reached them)', async () => {
    const db1 = await connect({ db: 1 });
    const db2 = await connect({ db: 2 });
    expect(await db1.get('learn:y')).toBe('db1 value');
    expect(await db1.exists('learn:x')).toBe(0);
    expect(await db2.get('learn:x')).toBe('db2 value');
  });

  it('still cannot run any of them inside MULTI', async () => {
    const l = await asLearner();
    const tx = l.multi();
    tx.call('EVAL', "return redis.call('FLUSHALL')", '0');
    tx.call('FLUSHALL');
    await expect(tx.exec()).rejects.toThrow(/EXECABORT|NOPERM/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("what the ACL alone does not stop (redis-learn's own judge has to)", () => {
  it('AUTH as another user is not governed by ACL: with a password-less default user the learner connection could leave', async () => {
    // Redis exempts AUTH and HELLO from ACL rules (verified on 7.0). On the compose Redis the default user has no
    // password, so only redis-learn's judge, which refuses AUTH/HELLO with credentials, keeps a learner in the user.
    const l = await asLearner();
    expect(await l.call('AUTH', 'default', 'anything')).toBe('OK');
    expect(await l.call('ACL', 'WHOAMI')).toBe('default');
  });

  it('RESET is not governed by ACL either (-reset is accepted and ignored): it makes the connection the default user', async () => {
    const l = await asLearner();
    expect(await l.call('RESET')).toBe('RESET');
    expect(await l.call('ACL', 'WHOAMI')).toBe('default');
  });
});

describe('the default user', () => {
  it('has lost nothing: every foreign key, the foreign library, config and users are byte-identical to when they were filled', async () => {
    expect(foreign(await snapshot())).toEqual(foreign(filled));
  });

  it("keeps full access without a password, as redis-learn's bookkeeping connection and RedisInsight need", async () => {
    const d = await connect({ db: 3 });
    expect(await d.call('ACL', 'WHOAMI')).toBe('default');
    const user = (await d.call('ACL', 'GETUSER', 'default')) as unknown[];
    const info = Object.fromEntries(Array.from({ length: user.length / 2 }, (_, i) => [user[2 * i], user[2 * i + 1]]));
    expect(info.flags).toEqual(expect.arrayContaining(['on', 'nopass']));
    expect(info.keys).toBe('~*');
    expect(info.channels).toBe('&*');
    expect(info.commands).toBe('+@all');
    // And really runs what the learner may not, in scratch databases 3 and 4.
    expect(await d.set('app:scratch', '1')).toBe('OK');
    expect(await d.eval("return redis.call('DEL','app:scratch')", 0)).toBe(1);
    expect(await d.call('FCALL', 'appfn', '0')).toBe(0);
    expect(await d.config('GET', 'maxmemory')).toEqual(['maxmemory', '0']);
    await d.set('learn:copy-src', 'v');
    expect(await d.call('COPY', 'learn:copy-src', 'learn:copy-dst', 'DB', '4')).toBe(1);
    expect(await d.keys('*')).toEqual(['learn:copy-src']);
    expect(await d.info('server')).toMatch(/redis_version:/);
    expect(await d.flushdb()).toBe('OK');
    expect(await d.select(4)).toBe('OK');
    expect(await d.get('learn:copy-dst')).toBe('v');
    expect(await d.flushdb()).toBe('OK');
  });
});

describe('a learner user for another database (the rule doctor adds: +select|N)', () => {
  it('runs the exact line doctor prints, then works in that database and cannot SELECT another', async () => {
    // What a server's administrator does with doctor's line, with their own password: run it as printed.
    const line = aclSetuserLine('learn:', 'redis-learn-db5', 5).replace('>CHOOSE-A-PASSWORD', '>pw-db5');
    expect(line.split(' ').slice(0, 2)).toEqual(['ACL', 'SETUSER']);
    expect(await admin.call('ACL', ...line.split(' ').slice(1))).toBe('OK');
    const l = await connect({ user: 'redis-learn-db5', password: 'pw-db5', db: 5 });
    expect(await l.set('learn:in5', 'x')).toBe('OK');
    await expect(l.call('SELECT', '0')).rejects.toThrow(/^NOPERM/);
    await expect(l.call('SELECT', '05')).rejects.toThrow(/^NOPERM/);
    await expect(l.set('app:in5', 'x')).rejects.toThrow(/^NOPERM/);
    const d5 = await connect({ db: 5 });
    expect(await d5.keys('*')).toEqual(['learn:in5']);
    // Without the rule, the db-0 user cannot even open a connection in db 5 (ioredis's SELECT is refused).
    await expect(l.call('ACL', 'WHOAMI')).resolves.toBe('redis-learn-db5');
    const db0User = new Redis({
      port: server.port,
      username: LEARNER_USER,
      password: COMPOSE_LEARNER_PASSWORD,
      lazyConnect: true,
      enableReadyCheck: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    db0User.on('error', () => {});
    opened.push(db0User);
    await db0User.connect();
    await expect(db0User.call('SELECT', '5')).rejects.toThrow(/^NOPERM/);
  });
});

describe('doctor', () => {
  const env = () => ({ XDG_CONFIG_HOME: tempConfigHome(), REDIS_URL: '', REDIS_LEARNER_URL: '' });
  interface DoctorJson {
    server: { kind: string };
    learner: { user: string; source: string; confined: boolean | null } | null;
    learnerNote: string | null;
    aclSetuser: string | null;
    learnerUsage: { option: string; env: string } | null;
    next: string[];
  }

  it('on a --url server without a learner user: no user, the exact ACL SETUSER line, how to use it, and it ran nothing', async () => {
    const url = serverUrl(SUITE_DB);
    const port = new URL(url).port;
    const r = await runCli(['doctor', '--json', '--url', url], { env: env() });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as DoctorJson;
    expect(d.server.kind).toBe('url');
    expect(d.learner).toBeNull();
    expect(d.learnerNote).toMatch(/no restricted Redis user/);
    expect(d.aclSetuser).toBe(aclSetuserLine('learn:', LEARNER_USER, SUITE_DB));
    expect(d.aclSetuser).toContain(`+select|${SUITE_DB}`);
    expect(d.learnerUsage).toEqual({
      option: `--learner-user ${LEARNER_USER}:PASSWORD`,
      env: `REDIS_LEARNER_URL=redis://${LEARNER_USER}:PASSWORD@127.0.0.1:${port}/${SUITE_DB}`,
    });

    const text = await runCli(['doctor', '--url', url, '--namespace', 'lab:'], { env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/learner commands\s+no restricted Redis user/);
    expect(text.stdout).toContain(aclSetuserLine('lab:', LEARNER_USER, SUITE_DB));
    expect(text.stdout).toContain(`--learner-user ${LEARNER_USER}:PASSWORD`);
    expect(text.stdout).toContain(`REDIS_LEARNER_URL=redis://${LEARNER_USER}:PASSWORD@127.0.0.1:${port}/${SUITE_DB}`);
    expect(text.stdout).toMatch(/redis-learn never runs ACL SETUSER itself on a server it did not start/);

    // Nothing was created on the suite server: the line is for its administrator.
    const suite = new Redis(url);
    try {
      expect(await suite.call('ACL', 'GETUSER', LEARNER_USER)).toBeNull();
    } finally {
      suite.disconnect();
    }
  });

  it('with --learner-user on the ACL-configured server: reports the user, from the option, confined by Redis itself', async () => {
    const url = `redis://127.0.0.1:${server.port}`;
    const r = await runCli(['doctor', '--json', '--url', url, '--learner-user', `${LEARNER_USER}:${COMPOSE_LEARNER_PASSWORD}`], {
      env: env(),
    });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as DoctorJson;
    expect(d.learner).toEqual({ user: LEARNER_USER, source: 'option', confined: true });
    expect(d.aclSetuser).toBeNull();
    expect(d.learnerUsage).toBeNull();
    const text = await runCli(['doctor', '--url', url, '--learner-user', `${LEARNER_USER}:${COMPOSE_LEARNER_PASSWORD}`], { env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /learner commands\s+run as restricted Redis user redis-learn \(from --learner-user\); Redis itself refuses it keys outside learn:/,
    );
    expect(text.stdout).not.toContain('ACL SETUSER');
  });

  it("with REDIS_LEARNER_URL: reports the user from the environment, in the URL's database", async () => {
    const r = await runCli(['doctor', '--json', '--url', `redis://127.0.0.1:${server.port}/5`], {
      env: { ...env(), REDIS_LEARNER_URL: `redis://redis-learn-db5:pw-db5@127.0.0.1:${server.port}/5` },
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as DoctorJson).learner).toEqual({ user: 'redis-learn-db5', source: 'env', confined: true });
  });

  it('says when the user given is not restricted at all', async () => {
    const r = await runCli(['doctor', '--json', '--url', `redis://127.0.0.1:${server.port}`], {
      env: { ...env(), REDIS_LEARNER_URL: `redis://default@127.0.0.1:${server.port}` },
    });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as DoctorJson;
    expect(d.learner).toEqual({ user: 'default', source: 'env', confined: false });
    expect(d.next.join('\n')).toMatch(/Redis user default can reach keys outside learn:/);
  });

  it('refuses a wrong --learner-user password in one line, without printing it', async () => {
    const r = await runCli(['doctor', '--url', `redis://127.0.0.1:${server.port}`, '--learner-user', `${LEARNER_USER}:not-the-pass-123`], {
      env: env(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/rejected the username or password/);
    expect(r.stdout + r.stderr).not.toContain('not-the-pass-123');
  });

  it('on the private server: none needed, no ACL line', async () => {
    const r = await runCli(['doctor', '--json', '--private'], { env: env() });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as DoctorJson;
    expect(d.server.kind).toBe('private');
    expect(d.learner).toBeNull();
    expect(d.aclSetuser).toBeNull();
    expect(d.learnerNote).toMatch(/no restricted user needed \(disposable, started by redis-learn\)/);
  });
});
