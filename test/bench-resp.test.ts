// The hand-written RESP: encoder output against known bytes (binary-safe, UTF-8) and the reply counter across any split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RespWriter, ReplyCounter, bulkFragment, commandHead, digitCount, encodeCommand } from '../src/benchmarks/resp.js';
import { openRaw, serverAddress, waitForReplies } from '../src/benchmarks/connections.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openSandbox, serverUrl } from './helpers.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('RESP encoder', () => {
  it('encodes a command as an array of bulk strings', () => {
    expect(encodeCommand(['SET', 'k', 'v'])).toEqual(bytes('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'));
    expect(encodeCommand(['PING'])).toEqual(bytes('*1\r\n$4\r\nPING\r\n'));
  });

  it('counts UTF-8 bytes, not characters, in the length prefix', () => {
    // é is 2 bytes, € 3, 😀 4 (a surrogate pair: 2 UTF-16 units).
    expect(encodeCommand(['SET', 'héllo', '€😀'])).toEqual(
      Buffer.concat([bytes('*3\r\n$3\r\nSET\r\n$6\r\n'), Buffer.from('héllo'), bytes('\r\n$7\r\n'), Buffer.from('€😀'), bytes('\r\n')]),
    );
    const long = 'ü'.repeat(100); // past the short-string path
    expect(encodeCommand([long])).toEqual(Buffer.concat([bytes('*1\r\n$200\r\n'), Buffer.from(long), bytes('\r\n')]));
    const longAscii = 'x'.repeat(70);
    expect(encodeCommand([longAscii])).toEqual(bytes(`*1\r\n$70\r\n${longAscii}\r\n`));
  });

  it('copies Buffers byte for byte, CR, LF, NUL and 0xff included', () => {
    const bin = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x24, 0x2a, 0x80]);
    expect(encodeCommand(['SET', bin, Buffer.alloc(0)])).toEqual(
      Buffer.concat([bytes('*3\r\n$3\r\nSET\r\n$7\r\n'), bin, bytes('\r\n$0\r\n\r\n')]),
    );
  });

  it('writes numbers as decimal bulk strings, like a client sends scores', () => {
    expect(encodeCommand(['ZADD', 'z', 0, 42])).toEqual(bytes('*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$1\r\n0\r\n$2\r\n42\r\n'));
    expect(encodeCommand([-5, 1.5, 1234567890123])).toEqual(bytes('*3\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$13\r\n1234567890123\r\n'));
    expect(encodeCommand([''])).toEqual(bytes('*1\r\n$0\r\n\r\n'));
  });

  it('joins a prefix, an id and a suffix into one bulk string, and pre-encodes fragments', () => {
    const w = new RespWriter(8); // tiny on purpose: every write has to grow it
    w.fragment(commandHead(3, 'SADD'));
    w.bulkJoin(Buffer.from('city:Zürich:'), 1207, Buffer.from(':x'));
    w.fragment(bulkFragment('ünï'));
    expect(w.finish()).toEqual(
      Buffer.concat([
        bytes('*3\r\n$4\r\nSADD\r\n$19\r\n'),
        Buffer.from('city:Zürich:1207:x'),
        bytes('\r\n$5\r\n'),
        Buffer.from('ünï'),
        bytes('\r\n'),
      ]),
    );
    expect(w.length).toBe(0);
    expect([0, 9, 10, 99, 100, 123456789].map(digitCount)).toEqual([1, 1, 2, 2, 3, 9]);
  });

  it('hands over a fresh Buffer each time, so a socket still holding the last one is safe', () => {
    const w = new RespWriter(16);
    w.command(['A']);
    const first = w.finish();
    w.command(['B']);
    const second = w.finish();
    expect(first).toEqual(bytes('*1\r\n$1\r\nA\r\n'));
    expect(second).toEqual(bytes('*1\r\n$1\r\nB\r\n'));
  });
});

describe('reply counter', () => {
  // Every reply shape RESP2 has: simple, error, integer, bulk (with CRLF inside), null bulk, arrays, nested, empty, null.
  const stream = bytes(
    '+OK\r\n' +
      '-ERR wrong number of arguments\r\n' +
      ':1000\r\n' +
      '$5\r\na\r\nbc\r\n' +
      '$-1\r\n' +
      '*2\r\n$3\r\nfoo\r\n:7\r\n' +
      '*3\r\n*2\r\n+a\r\n-WRONGTYPE inner\r\n$0\r\n\r\n*0\r\n' +
      '*0\r\n' +
      '*-1\r\n' +
      '$12\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n',
  );
  const TOTAL = 10;

  it('counts whole replies, arrays once, errors wherever they are', () => {
    const c = new ReplyCounter();
    expect(c.feed(stream)).toBe(TOTAL);
    expect(c.replies).toBe(TOTAL);
    expect(c.errors).toBe(2);
    expect(c.firstError).toBe('ERR wrong number of arguments');
    expect(c.pending).toBe(false);
  });

  it('gives the same counts however the stream is cut: every two-way split', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const c = new ReplyCounter();
      const a = c.feed(stream.subarray(0, cut));
      const b = c.feed(stream.subarray(cut));
      expect(a + b, `cut at ${cut}`).toBe(TOTAL);
      expect(c.errors, `cut at ${cut}`).toBe(2);
      expect(c.firstError).toBe('ERR wrong number of arguments');
    }
  });

  it('survives one byte at a time and reports a reply that is still incomplete', () => {
    const c = new ReplyCounter();
    let seen = 0;
    for (let i = 0; i < stream.length; i++) seen += c.feed(stream.subarray(i, i + 1));
    expect(seen).toBe(TOTAL);
    const d = new ReplyCounter();
    d.feed(bytes('*2\r\n:1\r\n'));
    expect(d.replies).toBe(0);
    expect(d.pending).toBe(true);
    d.feed(bytes(':2\r\n'));
    expect(d.replies).toBe(1);
  });

  it('rejects bytes that are not RESP', () => {
    expect(() => new ReplyCounter().feed(bytes('HTTP/1.1 400\r\n'))).toThrow(/unexpected RESP byte/);
  });
});

describe('against the server', () => {
  let sb: Sandbox;
  let admin: Redis;
  const key = (n: string) => `benchtest:resp:${n}`;

  beforeAll(async () => {
    sb = await openSandbox(7, 'benchtest:');
    admin = sb.admin;
  });

  afterAll(async () => {
    await admin.unlink(key('bin'), key('utf8'), key('n'));
    await sb.close();
  });

  it('stores what the encoder wrote exactly, binary and UTF-8 alike, and counts the replies', async () => {
    const bin = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0xfe, 0x80, 0x24]);
    const conn = await openRaw(serverAddress(sb.target, serverUrl(7)));
    const w = new RespWriter(16);
    w.command(['SET', key('bin'), bin]);
    w.command(['SET', key('utf8'), 'Grüße, 世界 😀']);
    w.command(['INCRBY', key('n'), 41]);
    w.command(['HSET', key('n'), 'f', 'v']); // WRONGTYPE: an error reply, counted
    w.command(['GET', key('utf8')]);
    conn.socket.write(w.finish());
    await waitForReplies(conn, 5);
    expect(conn.counter.replies).toBe(5);
    expect(conn.counter.errors).toBe(1);
    expect(conn.counter.firstError).toMatch(/^WRONGTYPE/);
    await conn.close();
    expect(await admin.getBuffer(key('bin'))).toEqual(bin);
    expect(await admin.get(key('utf8'))).toBe('Grüße, 世界 😀');
    expect(await admin.get(key('n'))).toBe('41');
  });
});
