// Where Redis comes from: --url/REDIS_URL, else the docker-compose Redis on :6379, else a private server.
import type { Redis, RedisOptions } from 'ioredis';
import { ConnectionError, errorMessage } from '../errors.js';
import { findRedisServer, startPrivateServer, type PrivateServer } from './private-server.js';

export type TargetKind = 'url' | 'compose' | 'private';

export interface RedisTarget {
  kind: TargetKind;
  host: string;
  port: number;
  db: number;
  /** The address with any password replaced by ***: the only form ever printed. */
  displayUrl: string;
  version: string;
  /** True when this process started the server: only then are FLUSHDB and CONFIG SET allowed. */
  private: boolean;
}

export interface Connection {
  client: Redis;
  target: RedisTarget;
  /** A further connection to the same server and db, closed by close(). */
  newClient(): Promise<Redis>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  url?: string;
  private?: boolean;
  /** How long the compose probe on 127.0.0.1:6379 may take. */
  probeTimeoutMs?: number;
}

export const COMPOSE_PORT = 6379;
export const REDISINSIGHT_URL = 'http://localhost:5540';

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^@/]*)@/, '//***@');
  }
}

function baseOptions(connectTimeout: number): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout,
    // One failure is final: the CLI reports it in a line instead of retrying forever.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    showFriendlyErrorStack: false,
    // RESP2, as redis-cli speaks by default: replies print the way learners will see them there.
    protocol: 2,
  };
}

function explain(err: unknown, where: string): ConnectionError {
  const msg = errorMessage(err);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) {
    return new ConnectionError(`Redis at ${where} rejected the username or password`);
  }
  if (/NOAUTH|Authentication required/i.test(msg)) {
    return new ConnectionError(`Redis at ${where} needs a password: put it in the URL (redis://:PASSWORD@host:port)`);
  }
  if (/ECONNREFUSED/.test(msg)) return new ConnectionError(`cannot reach Redis at ${where} (connection refused)`);
  if (/ETIMEDOUT|timed out|timeout/i.test(msg)) return new ConnectionError(`cannot reach Redis at ${where} (timed out)`);
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return new ConnectionError(`cannot reach Redis at ${where} (unknown host)`);
  return new ConnectionError(`cannot use Redis at ${where}: ${msg.split('\n')[0]}`);
}

async function open(url: string, connectTimeout: number): Promise<Redis> {
  const { Redis } = await import('ioredis');
  let client: Redis;
  try {
    client = new Redis(url, baseOptions(connectTimeout));
  } catch (err) {
    throw new ConnectionError(`bad Redis URL ${redactUrl(url)}: ${errorMessage(err)}`);
  }
  // Without a listener ioredis prints "Unhandled error event" with a stack; the event also carries the real cause.
  let cause: unknown;
  client.on('error', (e: unknown) => {
    cause ??= e;
  });
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('connect timed out')), connectTimeout + 500).unref(),
  );
  try {
    await Promise.race([client.connect(), timer]);
  } catch (err) {
    client.disconnect();
    throw explain(cause ?? err, redactUrl(url));
  }
  return client;
}

async function serverVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

function parseTarget(url: string): { host: string; port: number; db: number } {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number(u.pathname.replace('/', '') || 0),
  };
}

/** Resolves and connects, in the order of design.md §3. */
export async function connectRedis(opts: ConnectOptions = {}): Promise<Connection> {
  const extra: Redis[] = [];
  const url = opts.url ?? process.env.REDIS_URL;
  let client: Redis | null = null;
  let server: PrivateServer | null = null;
  let kind: TargetKind;
  let address: string;

  if (url && !opts.private) {
    if (!/^rediss?:\/\//.test(url)) {
      throw new ConnectionError(`bad Redis URL ${redactUrl(url)}: it must start with redis:// or rediss://`);
    }
    client = await open(url, 5000);
    kind = 'url';
    address = url;
  } else {
    if (!opts.private) {
      const probe = `redis://127.0.0.1:${COMPOSE_PORT}`;
      try {
        client = await open(probe, opts.probeTimeoutMs ?? 300);
        await client.ping();
        address = probe;
      } catch (err) {
        client?.disconnect();
        client = null;
        // A compose Redis that wants a password is still the user's server: say so rather than start another.
        if (err instanceof ConnectionError && /password/.test(err.message)) throw err;
      }
    }
    if (client) {
      kind = 'compose';
      address = `redis://127.0.0.1:${COMPOSE_PORT}`;
    } else {
      if (!findRedisServer()) {
        throw new ConnectionError(
          'no Redis found. Either: run `docker compose up -d` in the redis-learn folder, ' +
            'or install redis-server (sudo apt-get install -y redis-server), ' +
            'or point at a server with --url / REDIS_URL=redis://host:6379',
        );
      }
      server = await startPrivateServer();
      client = await open(server.url, 5000);
      kind = 'private';
      address = server.url;
    }
  }

  const c = client;
  let version: string;
  try {
    version = await serverVersion(c);
  } catch (err) {
    c.disconnect();
    await server?.stop();
    throw explain(err, redactUrl(address));
  }
  const { host, port, db } = parseTarget(address);
  const target: RedisTarget = {
    kind,
    host,
    port,
    db,
    displayUrl: redactUrl(address),
    version,
    private: kind === 'private',
  };
  let closed = false;
  return {
    client: c,
    target,
    async newClient() {
      const d = await open(address, 5000);
      extra.push(d);
      return d;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const d of [c, ...extra]) {
        try {
          d.disconnect();
        } catch {
          /* already closed */
        }
      }
      await server?.stop();
    },
  };
}

/** The first line of every run: which server, its version, where keys live. */
export function describeTarget(t: RedisTarget, namespace: string): string {
  const where =
    t.kind === 'private'
      ? `private server on ${t.host}:${t.port} (stopped when you quit)`
      : t.kind === 'compose'
        ? `docker-compose server on ${t.host}:${t.port} · RedisInsight at ${REDISINSIGHT_URL}`
        : `${t.displayUrl}`;
  return `Redis ${t.version} · ${where} · keys live under ${namespace}`;
}
