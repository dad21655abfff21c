// Fresh connections for the benchmark, to the same server as the session: ioredis clients and bare sockets.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../redis/connect.js';
import { ConnectionError, errorMessage } from '../errors.js';
import { ReplyCounter, encodeCommand } from './resp.js';

/** Where and how to connect; the password never leaves this object except to the server itself. */
export interface ServerAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * The session's server as an address. A --url/REDIS_URL target carries its credentials in the URL; the compose
 * and private servers have none.
 */
export function serverAddress(target: RedisTarget, url?: string): ServerAddress {
  if (target.kind === 'url' && url) {
    const u = new URL(url);
    return {
      host: target.host,
      port: target.port,
      db: target.db,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      tls: u.protocol === 'rediss:',
    };
  }
  return { host: target.host, port: target.port, db: target.db, tls: false };
}

export interface IoredisOptions {
  autoPipelining?: boolean;
}

/** A new ioredis client; one failure is final, like the session's own connections. */
export async function openIoredis(addr: ServerAddress, opts: IoredisOptions = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis({
    host: addr.host,
    port: addr.port,
    db: addr.db,
    username: addr.username,
    password: addr.password,
    tls: addr.tls ? { servername: addr.host } : undefined,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: Boolean(opts.autoPipelining),
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new ConnectionError(`benchmark connection failed: ${errorMessage(err).split('\n')[0]}`);
  }
  return client;
}

/** Closes an ioredis client and waits until the server has let it go, so its buffers leave used_memory. */
export async function closeIoredis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * A bare socket that has authenticated and selected the database. Replies to everything written later are
 * only counted (see ReplyCounter).
 */
export interface RawConnection {
  socket: Socket;
  counter: ReplyCounter;
  /** Called after each chunk has been counted. */
  onReplies: (() => void) | null;
  /** Set when the socket fails or closes early. */
  failure: Error | null;
  close(): Promise<void>;
}

export async function openRaw(addr: ServerAddress): Promise<RawConnection> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = addr.tls
      ? tlsConnect({ host: addr.host, port: addr.port, servername: addr.host }, () => resolve(s))
      : netConnect({ host: addr.host, port: addr.port }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const conn: RawConnection = {
    socket,
    counter: new ReplyCounter(),
    onReplies: null,
    failure: null,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 2000).unref();
      }),
  };
  const fail = (err: Error) => {
    conn.failure ??= err;
    conn.onReplies?.();
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      conn.counter.feed(chunk);
    } catch (err) {
      fail(err as Error);
      socket.destroy();
      return;
    }
    conn.onReplies?.();
  });
  socket.on('error', (err) => fail(err));
  socket.on('close', () => fail(new ConnectionError('the server closed the benchmark connection')));

  const hello: Buffer[] = [];
  if (addr.password !== undefined) {
    hello.push(encodeCommand(addr.username ? ['AUTH', addr.username, addr.password] : ['AUTH', addr.password]));
  }
  if (addr.db !== 0) hello.push(encodeCommand(['SELECT', addr.db]));
  if (hello.length) {
    socket.write(Buffer.concat(hello));
    await waitForReplies(conn, hello.length);
    if (conn.counter.errors) {
      const why = conn.counter.firstError ?? 'error';
      await conn.close();
      throw new ConnectionError(`benchmark connection refused: ${why}`);
    }
    conn.counter = new ReplyCounter();
  }
  return conn;
}

/** Resolves once `total` replies have arrived on the connection (rejects if it fails first). */
export function waitForReplies(conn: RawConnection, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (conn.counter.replies >= total) {
        conn.onReplies = null;
        resolve();
      } else if (conn.failure) {
        conn.onReplies = null;
        reject(conn.failure);
      }
    };
    conn.onReplies = check;
    check();
  });
}
