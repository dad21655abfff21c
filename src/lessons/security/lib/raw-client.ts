// A bare RESP client that can pick its own source address: protected mode judges a client by the address it comes
// from, and 127.0.0.2 (still this machine) is not the loopback address Redis lets in. ioredis cannot set one.
import { connect, createServer } from 'node:net';
import { encodeCommand } from '../../../benchmarks/resp.js';

/** One reply as text: `+OK` → OK, errors keep their code (NOAUTH …, DENIED …), `(closed)` when the server hung up. */
export type RawReply = { ok: boolean; text: string };

/** Parses one reply at `at`; null while incomplete. Nested arrays are flattened to text. */
function parse(buf: Buffer, at: number): { reply: RawReply; next: number } | null {
  const eol = buf.indexOf('\r\n', at, 'latin1');
  if (eol < 0) return null;
  const line = buf.toString('utf8', at + 1, eol);
  const after = eol + 2;
  const kind = buf[at];
  if (kind === 0x2b || kind === 0x3a) return { reply: { ok: true, text: line }, next: after };
  if (kind === 0x2d) return { reply: { ok: false, text: line }, next: after };
  if (kind === 0x24) {
    const len = Number(line);
    if (len < 0) return { reply: { ok: true, text: '(nil)' }, next: after };
    if (buf.length < after + len + 2) return null;
    return { reply: { ok: true, text: buf.toString('utf8', after, after + len) }, next: after + len + 2 };
  }
  if (kind === 0x2a) {
    const n = Number(line);
    const items: string[] = [];
    let pos = after;
    for (let i = 0; i < n; i++) {
      const item = parse(buf, pos);
      if (!item) return null;
      items.push(item.reply.text);
      pos = item.next;
    }
    return { reply: { ok: true, text: items.join(' ') }, next: pos };
  }
  return { reply: { ok: false, text: `unexpected reply byte ${kind}` }, next: buf.length };
}

/**
 * Opens one connection from `localAddress` to 127.0.0.1-or-`host`:`port`, sends `commands` one after the other and
 * returns a reply per command (`(closed)` for those the server never answered). Always ends within `timeoutMs`.
 */
export function rawSession(
  port: number,
  commands: readonly (readonly string[])[],
  opts: { host?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<RawReply[]> {
  return new Promise((resolve) => {
    const replies: RawReply[] = [];
    const socket = connect({ host: opts.host ?? '127.0.0.1', port, localAddress: opts.localAddress });
    let buf: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (why?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      while (replies.length < commands.length) replies.push({ ok: false, text: why ?? '(closed)' });
      resolve(replies);
    };
    const timer = setTimeout(() => finish('(no answer)'), opts.timeoutMs ?? 1500);
    const sendNext = () => {
      const next = commands[replies.length];
      if (!next) return finish();
      socket.write(encodeCommand(next));
    };
    socket.on('connect', sendNext);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const p = parse(buf, 0);
        if (!p) return;
        buf = buf.subarray(p.next);
        replies.push(p.reply);
        if (replies.length >= commands.length) return finish();
        sendNext();
      }
    });
    socket.on('error', (err) => finish(`(${err.message})`));
    socket.on('close', () => finish());
  });
}

/** Whether this machine lets a socket use 127.0.0.2 (Linux routes all of 127/8 to lo; macOS has only 127.0.0.1). */
export function loopbackAliasWorks(address = '127.0.0.2'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(0, address, () => srv.close(() => resolve(true)));
  });
}
