// Fresh connections for the benchmark, to the same server as the session: ioredis clients and bare sockets.
// Every one of them (and every helper process) is registered in `writers`, so an interrupted run can stop all
// writing before it removes its keys.
import type { ChildProcess } from 'node:child_process';
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
  /** CLIENT SETNAME for every connection of the run, so the run can tell when the server has let them all go. */
  name?: string;
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

/** Something that writes to the server on the run's behalf and can be stopped at once. */
interface Writer {
  stop(): Promise<void>;
}

/**
 * The run's open connections and helper processes. stopAll() (on Ctrl-C / SIGTERM) cuts them all and refuses new
 * ones, so nothing writes after the run has started removing its keys.
 */
class Writers {
  private readonly live = new Set<Writer>();
  private stopped = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Registers a writer; returns its unregister. Throws once the run has been stopped. */
  add(w: Writer): () => void {
    this.assertOpen();
    this.live.add(w);
    return () => this.live.delete(w);
  }

  assertOpen(): void {
    if (this.stopped) throw new ConnectionError('the benchmark was interrupted');
  }

  /** Stops every writer and waits until each is gone (helper processes have exited). */
  async stopAll(): Promise<{ stopped: number; processes: number }> {
    this.stopped = true;
    const all = [...this.live];
    this.live.clear();
    const processes = all.filter((w) => w instanceof ProcessWriter).length;
    await Promise.allSettled(all.map((w) => w.stop()));
    return { stopped: all.length, processes };
  }
}

class ProcessWriter implements Writer {
  constructor(private readonly child: ChildProcess) {}
  stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('close', () => resolve());
      killTree(child);
      setTimeout(resolve, 2000).unref();
    });
  }
}

/** SIGKILL to a helper and, when it leads its own process group (spawned detached), to everything it started. */
export function killTree(child: ChildProcess): void {
  try {
    if (child.pid === undefined) throw new Error('no pid');
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export const writers = new Writers();

/** Registers a helper process (redis-cli, redis-benchmark) that writes for the run; returns its unregister. */
export function trackProcess(child: ChildProcess): () => void {
  try {
    return writers.add(new ProcessWriter(child));
  } catch (err) {
    killTree(child);
    throw err;
  }
}

export interface IoredisOptions {
  autoPipelining?: boolean;
}

/** A new ioredis client; one failure is final, like the session's own connections. */
const unregister = new WeakMap<object, () => void>();

export async function openIoredis(addr: ServerAddress, opts: IoredisOptions = {}): Promise<Redis> {
  writers.assertOpen();
  const { Redis } = await import('ioredis');
  const client = new Redis({
    host: addr.host,
    port: addr.port,
    db: addr.db,
    username: addr.username,
    password: addr.password,
    tls: addr.tls ? { servername: addr.host } : undefined,
    connectionName: addr.name,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: Boolean(opts.autoPipelining),
  });
  client.on('error', () => {});
  const off = writers.add({
    stop() {
      // Destroy, not end(): whatever is still queued in this process must never reach the server.
      client.stream?.destroy();
      client.disconnect();
      return Promise.resolve();
    },
  });
  try {
    await client.connect();
    // ioredis reports a failed SELECT only as an event and goes on in db 0: ask again, and stop if it fails.
    if (addr.db !== 0) await client.select(addr.db);
  } catch (err) {
    off();
    client.disconnect();
    throw new ConnectionError(`benchmark connection failed: ${errorMessage(err).split('\n')[0]}`);
  }
  unregister.set(client, off);
  return client;
}

/** Closes an ioredis client and waits until the server has let it go, so its buffers leave used_memory. */
export async function closeIoredis(client: Redis): Promise<void> {
  unregister.get(client)?.();
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
  writers.assertOpen();
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = addr.tls
      ? tlsConnect({ host: addr.host, port: addr.port, servername: addr.host }, () => resolve(s))
      : netConnect({ host: addr.host, port: addr.port }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  let off: () => void;
  try {
    off = writers.add({
      stop() {
        socket.destroy();
        return Promise.resolve();
      },
    });
  } catch (err) {
    socket.destroy();
    throw err;
  }
  const conn: RawConnection = {
    socket,
    counter: new ReplyCounter(),
    onReplies: null,
    failure: null,
    close: () =>
      new Promise<void>((resolve) => {
        off();
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
  if (addr.name) {
    // The name only helps an interrupted run wait for its connections to go; a server that refuses it is fine.
    socket.write(encodeCommand(['CLIENT', 'SETNAME', addr.name]));
    await waitForReplies(conn, 1);
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
