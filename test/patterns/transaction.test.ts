// One way to run MULTI/EXEC: replies in order, null when WATCH aborted, one error naming every command that failed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execAll, execTransaction, TransactionError } from '../../src/patterns/transaction.js';
import { defineScript } from '../../src/patterns/lua.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('tx');
});
afterEach(async () => {
  await env.cleanup();
});

describe('execTransaction', () => {
  it('returns the replies in order', async () => {
    const replies = await execTransaction(env.redis.multi().set(env.key('a'), '1').incr(env.key('a')).get(env.key('a')));
    expect(replies).toEqual(['OK', 2, '2']);
  });

  it('returns null when a watched key changed, and nothing was applied', async () => {
    const c = await env.connect();
    await c.watch(env.key('w'));
    await env.redis.set(env.key('w'), 'other');
    expect(await execTransaction(c.multi().set(env.key('w'), 'mine').set(env.key('w2'), 'x'))).toBeNull();
    expect(await env.redis.get(env.key('w'))).toBe('other');
    expect(await env.redis.exists(env.key('w2'))).toBe(0);
    await expect(execAll(c.multi())).resolves.toEqual([]);
  });

  it('throws one TransactionError naming the commands that failed; the others were applied (no rollback)', async () => {
    await env.redis.set(env.key('s'), 'text');
    const err = await execTransaction(env.redis.multi().incr(env.key('s')).set(env.key('t'), 'ok').hset(env.key('s'), 'f', 'v')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as TransactionError).failed.map((f) => f.index)).toEqual([0, 2]);
    expect((err as TransactionError).message).toMatch(/2 commands failed.*#1 ERR.*#3 WRONGTYPE/);
    expect(await env.redis.get(env.key('t'))).toBe('ok');
  });

  it('rejects a transaction refused while queueing (EXECABORT): nothing applied', async () => {
    const tx = env.redis.multi().set(env.key('q'), '1').call('NOSUCHCOMMAND');
    await expect(execTransaction(tx)).rejects.toThrow(/EXECABORT/);
    expect(await env.redis.exists(env.key('q'))).toBe(0);
  });

  it('queues a defined script inside MULTI next to plain commands', async () => {
    const double = defineScript<number>(
      'test_double',
      1,
      `return redis.call('INCRBY', KEYS[1], tonumber(redis.call('GET', KEYS[1]) or '0'))`,
    );
    double.define(env.redis);
    await env.redis.set(env.key('n'), 3);
    const tx = env.redis.multi();
    double.queue(tx, [env.key('n')]);
    tx.get(env.key('n'));
    expect(await execAll(tx)).toEqual([6, '6']);
    await expect(double.run(env.redis, [])).rejects.toThrow(/takes 1 keys/);
  });
});
