// Unit and integration tests of the core: tokenizer, reply formatting, key extraction, private server, sandbox ownership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractKeys, isWrite, versionAtLeast } from '../src/redis/capabilities.js';
import { redactUrl } from '../src/redis/connect.js';
import { runLearnerCommand } from '../src/redis/learner-command.js';
import { findDangerous } from '../src/redis/dangerous-commands.js';
import { formatReply, formatReplyInline } from '../src/redis/format-reply.js';
import { startPrivateServer } from '../src/redis/private-server.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { commandLine, tokenize } from '../src/redis/tokenize.js';
import { openSandbox } from './helpers.js';

describe('tokenize', () => {
  it('splits like redis-cli, with double and single quotes and escapes', () => {
    expect(tokenize('SET  k  v')).toEqual(['SET', 'k', 'v']);
    expect(tokenize('SET k "hello world"')).toEqual(['SET', 'k', 'hello world']);
    expect(tokenize(`SET k 'it\\'s'`)).toEqual(['SET', 'k', "it's"]);
    expect(tokenize('SET k "a\\nb\\x41"')).toEqual(['SET', 'k', 'a\nbA']);
    expect(tokenize('SET k ""')).toEqual(['SET', 'k', '']);
    expect(() => tokenize('SET k "open')).toThrow(/unbalanced quotes/);
  });

  it('quotes arguments back only when needed', () => {
    expect(commandLine(['SET', 'k', 'hello world', ''])).toBe('SET k "hello world" ""');
    expect(commandLine(['SET', 'k', 'a"b'])).toBe('SET k "a\\"b"');
  });
});

describe('formatReply', () => {
  it('prints replies the way redis-cli does', () => {
    expect(formatReply('OK')).toBe('OK');
    expect(formatReply('hello')).toBe('"hello"');
    expect(formatReply(3)).toBe('(integer) 3');
    expect(formatReply(null)).toBe('(nil)');
    expect(formatReply([])).toBe('(empty array)');
    expect(formatReply(['a', ['b', 'c']])).toBe('1) "a"\n2) 1) "b"\n   2) "c"');
    expect(formatReply(new Error('ERR wrong'))).toBe('(error) ERR wrong');
  });

  it('shortens long replies on one line', () => {
    const s = formatReplyInline(
      Array.from({ length: 50 }, (_, i) => `item${i}`),
      40,
    );
    expect(s.length).toBeLessThanOrEqual(40);
    expect(s.startsWith('1) "item0"')).toBe(true);
  });
});

describe('URLs and versions', () => {
  it('never shows a password', () => {
    expect(redactUrl('redis://user:s3cret@host:6380/2')).toBe('redis://user:***@host:6380/2');
    expect(redactUrl('redis://:s3cret@host:6380')).not.toContain('s3cret');
  });

  it('compares versions', () => {
    expect(versionAtLeast('7.0.15', '7.0')).toBe(true);
    expect(versionAtLeast('6.2.14', '7.0')).toBe(false);
    expect(versionAtLeast('8.0.0', '7.2.4')).toBe(true);
  });

  it('keeps dangerous commands in a table with reasons', () => {
    expect(findDangerous(['flushall'])?.policy).toBe('confirm');
    expect(findDangerous(['EVAL', 'return 1', '0'])?.policy).toBe('private');
    expect(findDangerous(['COPY', 'a', 'b'])).toBeUndefined();
    expect(findDangerous(['COPY', 'a', 'b', 'DB', '1'])?.reason).toMatch(/another database/);
    expect(findDangerous(['CONFIG', 'get', 'maxmemory'])).toBeUndefined();
    expect(findDangerous(['config', 'set', 'maxmemory', '1'])?.reason).toMatch(/settings/);
  });
});

describe('against a real server', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await openSandbox(12, 'core:');
    await sb.admin.flushdb();
  });
  afterAll(async () => {
    await sb.admin.flushdb();
    await sb.close();
  });

  it('extracts keys from the server command table, movable keys included', () => {
    expect(extractKeys(sb.table, ['SET', 'a', '1'])).toEqual(['a']);
    expect(extractKeys(sb.table, ['MSET', 'a', '1', 'b', '2'])).toEqual(['a', 'b']);
    expect(extractKeys(sb.table, ['EVAL', 'return 1', '2', 'x', 'y', 'arg'])).toEqual(['x', 'y']);
    expect(extractKeys(sb.table, ['ZUNIONSTORE', 'dst', '2', 's1', 's2', 'WEIGHTS', '1', '2'])).toEqual(['dst', 's1', 's2']);
    expect(extractKeys(sb.table, ['XREAD', 'COUNT', '2', 'STREAMS', 's1', 's2', '0', '0'])).toEqual(['s1', 's2']);
    expect(extractKeys(sb.table, ['OBJECT', 'ENCODING', 'k'])).toEqual(['k']);
    expect(extractKeys(sb.table, ['PING'])).toEqual([]);
    expect(isWrite(sb.table, ['SET', 'a', '1'])).toBe(true);
    expect(isWrite(sb.table, ['GET', 'a'])).toBe(false);
  });

  it('records commands sent through pipelines and MULTI with reply, time and keys', async () => {
    sb.recorder.take();
    await sb.client.pipeline().set('core:p', '1').incr('core:p').exec();
    await sb.client.multi().incr('core:p').exec();
    const rec = sb.recorder.take();
    expect(rec.commands.map((c) => c.command)).toEqual(['SET core:p 1', 'INCR core:p', 'MULTI', 'INCR core:p', 'EXEC']);
    expect(rec.commands[1]!.reply).toBe(2);
    expect(rec.commands.every((c) => c.ms >= 0)).toBe(true);
    expect(rec.written).toEqual(['core:p']);
  });

  it('owns only what it created: the learner path refuses foreign keys, reset removes exactly its own', async () => {
    await sb.admin.set('core:theirs', 'precious');
    await sb.admin.set('outside', 'precious');
    const run = (line: string) => runLearnerCommand(sb, line, { scope: 'unit' });
    expect((await run('SET core:theirs x')).status).toBe('refused');
    expect((await run('GET core:theirs')).status).toBe('ran');
    expect((await run('SET outside x')).status).toBe('refused');
    expect((await run(`SET ${sb.metaKey} x`)).status).toBe('refused');
    expect((await run('FLUSHDB')).status).toBe('refused');
    expect((await run('SCAN 0')).status).toBe('refused');
    expect((await run('SCAN 0 MATCH core:*')).status).toBe('ran');
    await sb.exec(['SET', 'core:mine', '1'], 'unit');
    await expect(sb.assertNoForeign(['theirs'], 'this test')).rejects.toThrow(/not created by redis-learn/);
    await sb.assertNoForeign(['mine'], 'this test');
    expect(await sb.reset('unit')).toBe(1);
    expect(await sb.admin.get('core:theirs')).toBe('precious');
    expect(await sb.admin.get('outside')).toBe('precious');
    expect(await sb.admin.exists('core:mine', sb.metaKey)).toBe(0);
  });

  it('keeps Redis’s WATCH rules at the prompt: a watched key the learner writes, or another client writes, aborts EXEC', async () => {
    const run = async (line: string) => {
      const r = await runLearnerCommand(sb, line, { scope: 'watch' });
      if (r.status !== 'ran') throw new Error(`${line}: ${r.reason}`);
      return r.record.reply;
    };
    // The learner's own write to a watched key, sent alone, dirties the WATCH (it is not wrapped in our MULTI).
    await run('SET core:w 1');
    await run('WATCH core:w');
    await run('SET core:w 2');
    await run('MULTI');
    await run('SET core:w 3');
    expect(await run('EXEC')).toBeNull();
    expect(await sb.admin.get('core:w')).toBe('2');
    // Another client's write aborts it too.
    await run('WATCH core:w');
    await sb.admin.set('core:w', 'theirs-but-ours');
    await run('MULTI');
    await run('SET core:w 4');
    expect(await run('EXEC')).toBeNull();
    // A write to an unwatched key leaves the WATCH clean: EXEC runs.
    await run('WATCH core:w');
    await run('SET core:other 1');
    await run('MULTI');
    await run('SET core:w 5');
    expect(await run('EXEC')).toEqual(['OK']);
    expect(await sb.admin.get('core:w')).toBe('5');
    // The foreign-key rule still holds for a write sent while watching.
    await sb.admin.set('core:foreign', 'precious');
    await run('WATCH core:w');
    expect((await runLearnerCommand(sb, 'SET core:foreign x', { scope: 'watch' })).status).toBe('refused');
    await run('UNWATCH');
    expect(await sb.admin.get('core:foreign')).toBe('precious');
    await sb.reset('watch');
  });
});

describe('the private server', () => {
  it('starts on a free port with no persistence and leaves nothing behind when stopped', async () => {
    const { existsSync } = await import('node:fs');
    const s = await startPrivateServer();
    const { Redis } = await import('ioredis');
    const c = new Redis(s.url);
    expect(await c.ping()).toBe('PONG');
    expect(await c.config('GET', 'save')).toEqual(['save', '']);
    expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    c.disconnect();
    await s.stop();
    await s.stop();
    expect(existsSync(s.dir)).toBe(false);
    expect(() => process.kill(s.pid, 0)).toThrow();
  });

  it('is stopped by its watchdog when the process that started it is killed', async () => {
    const { spawn } = await import('node:child_process');
    const { ROOT } = await import('./helpers.js');
    const script = `import { startPrivateServer } from './src/redis/private-server.ts'; const s = await startPrivateServer(); console.log(s.pid); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((res) => child.stdout.once('data', (d: Buffer) => res(Number(String(d).trim()))));
    expect(process.kill(pid, 0)).toBe(true);
    child.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(pid, 0);
      } catch {
        gone = true;
      }
    }
    expect(gone).toBe(true);
  });
});

describe('blocking commands at the prompt', () => {
  it('refuses waits that would hang the prompt and allows short ones', async () => {
    const { blocksTooLong: blocksForever } = await import('../src/redis/judge.js');
    expect(blocksForever(['BLPOP', 'k', '0'])).toMatch(/wait forever/);
    expect(blocksForever(['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'])).toMatch(/wait forever/);
    expect(blocksForever(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'])).toMatch(/wait forever/);
    expect(blocksForever(['BLMPOP', '600', '1', 'k', 'LEFT'])).toMatch(/hold the prompt/);
    expect(blocksForever(['BLPOP', 'k', '2'])).toBeNull();
    expect(blocksForever(['GET', 'k'])).toBeNull();
  });
});

describe('transcript lines', () => {
  it('keep the reply and time on screen: a long command gets its own line, a wide reply is shortened', async () => {
    const { commandLine: transcript } = await import('../src/engine/render.js');
    const cols = process.stdout.columns;
    Object.defineProperty(process.stdout, 'columns', { value: 80, configurable: true });
    try {
      const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
      const short = strip(transcript({ command: 'GET k', args: ['GET', 'k'], reply: 'v', ms: 0.12, keys: ['k'], write: false }));
      expect(short.split('\n')).toHaveLength(1);
      expect(short).toMatch(/GET k\s+"v"\s+0\.12 ms$/);
      const long = strip(
        transcript({ command: `MSET ${'key value '.repeat(10)}`, args: ['MSET'], reply: 'OK', ms: 1, keys: [], write: true }),
      );
      expect(long.split('\n')).toHaveLength(2);
      expect(long.split('\n')[1]).toMatch(/^\s+OK\s+1\.00 ms$/);
      const wide = strip(
        transcript({ command: 'LRANGE k 0 -1', args: ['LRANGE'], reply: Array(30).fill('element'), ms: 2, keys: [], write: false }),
      );
      // A wide array goes below its command, one element per line, as redis-cli prints it; no line is wider than the terminal.
      for (const line of wide.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      expect(wide.split('\n')[0]).toMatch(/2\.00 ms$/);
      expect(wide).toMatch(/1\) "element"/);
    } finally {
      Object.defineProperty(process.stdout, 'columns', { value: cols, configurable: true });
    }
  });
});
