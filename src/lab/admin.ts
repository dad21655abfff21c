// One-shot admin commands to a lab node over a bare RESP2 socket: wiring a topology and probing its health needs no
// client library, never queues a command for a node that is paused, and always ends within its timeout.
import { connect } from 'node:net';
import { encodeCommand } from '../benchmarks/resp.js';

/** A RESP2 reply: simple and bulk strings, integers, nil, arrays; error replies reject with AdminReplyError. */
export type AdminReply = string | number | null | AdminReply[];

/** An error reply from the node (-ERR …, -LOADING …): the node answered, with a refusal. */
export class AdminReplyError extends Error {
  override readonly name = 'AdminReplyError';
}

type Parsed = { value: AdminReply | AdminReplyError; next: number } | null;

/** One reply from `buf` at `at`, or null when it is not complete yet. */
function parseReply(buf: Buffer, at: number): Parsed {
  const eol = buf.indexOf('\r\n', at, 'latin1');
  if (eol < 0) return null;
  const line = buf.toString('utf8', at + 1, eol);
  const after = eol + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return { value: line, next: after };
    case 0x2d: // -
      return { value: new AdminReplyError(line), next: after };
    case 0x3a: // :
      return { value: Number(line), next: after };
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return null;
      return { value: buf.toString('utf8', after, after + len), next: after + len + 2 };
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      const items: AdminReply[] = [];
      let pos = after;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        // An error inside an array (EXEC) is kept as its text: admin commands never send one.
        items.push(item.value instanceof AdminReplyError ? item.value.message : item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected reply byte ${buf[at]}`);
  }
}

export interface AdminOptions {
  host?: string;
  /** The whole exchange (connect, send, reply) must end within this; default 1000 ms. */
  timeoutMs?: number;
}

/** Sends one command on a fresh connection and resolves with its reply; rejects on an error reply, a refused connection or the timeout. */
export function adminCall(port: number, args: readonly (string | number)[], opts: AdminOptions = {}): Promise<AdminReply> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.host ?? '127.0.0.1', port });
    let buf: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | null, value?: AdminReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value ?? null);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from 127.0.0.1:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let parsed: Parsed;
      try {
        parsed = parseReply(buf, 0);
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (!parsed) return;
      if (parsed.value instanceof AdminReplyError) finish(parsed.value);
      else finish(null, parsed.value);
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`127.0.0.1:${port} closed the connection`)));
  });
}

/** A string reply, or an error naming what came back instead. */
export async function adminString(port: number, args: readonly (string | number)[], opts?: AdminOptions): Promise<string> {
  const r = await adminCall(port, args, opts);
  if (typeof r !== 'string') throw new Error(`${String(args[0])} on :${port} answered ${JSON.stringify(r)}`);
  return r;
}

/** `INFO <section>` as field → value. */
export async function adminInfo(port: number, section: string, opts?: AdminOptions): Promise<Record<string, string>> {
  return parseFields(await adminString(port, ['INFO', section], opts));
}

/** `field:value` lines (INFO, CLUSTER INFO) as a record; comments and blank lines skipped. */
export function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** A flat [field, value, field, value…] array reply (SENTINEL MASTER) as a record. */
export function pairs(reply: AdminReply): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** PING answered PONG: the node is listening and done loading. */
export async function answersPing(port: number, timeoutMs = 500): Promise<boolean> {
  try {
    return (await adminCall(port, ['PING'], { timeoutMs })) === 'PONG';
  } catch {
    return false;
  }
}

/** One line of `CLUSTER NODES`. */
export interface ClusterNodeLine {
  id: string;
  /** host:port (the @bus part dropped). */
  address: string;
  port: number;
  flags: string[];
  /** The primary's id for a replica, else null. */
  primaryId: string | null;
  linkState: string;
  /** Slot ranges as the node prints them: "0-5460", "5461". */
  slots: string[];
}

export function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', addr = '', flags = '', primary = '-', , , , link = '', ...slots] = line.split(' ');
      const address = addr.split('@')[0]!.split(',')[0]!;
      return {
        id,
        address,
        port: Number(address.slice(address.lastIndexOf(':') + 1)),
        flags: flags.split(','),
        primaryId: primary === '-' ? null : primary,
        linkState: link,
        slots: slots.filter((s) => !s.startsWith('[')),
      };
    });
}

/** How many slots "0-5460 5461 …" ranges hold. */
export function slotCount(ranges: readonly string[]): number {
  let n = 0;
  for (const r of ranges) {
    const [a, b] = r.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}
