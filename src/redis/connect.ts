// Where Redis comes from: --url/REDIS_URL, else the docker-compose Redis on :6379, else a private server.
import type { Redis, RedisOptions } from 'ioredis';
import { ConnectionError, UsageError, errorMessage, redisErrorCode } from '../errors.js';
import { COMPOSE_LEARNER_PASSWORD, LEARNER_USER } from './learner-acl.js';
import { findRedisServer, startPrivateServer, type PrivateServer } from './private-server.js';
import { notPreparedMessage, selectedServer } from './servers.js';

export type TargetKind = 'url' | 'compose' | 'private' | 'lab';

export interface RedisTarget {
  kind: TargetKind;
  host: string;
  port: number;
  db: number;
  /** The address with any password replaced by ***: the only form ever printed. */
  displayUrl: string;
  /** The Redis version the server is compatible with (redis_version): what feature checks compare against. */
  version: string;
  /** What the server calls itself: "Redis 8.0.2", or "Valkey 8.1.1" (whose redis_version says 7.2.4). */
  product: string;
  /** True when this process started the server: only then are FLUSHDB and CONFIG SET allowed. */
  private: boolean;
  /** The restricted user learner commands run as, and where it came from; absent: the main connection's user. */
  learner?: { user: string; source: 'compose' | 'option' | 'env' };
  /** Why no restricted user is in use on this shared server (told once, and by doctor). */
  learnerNote?: string;
}

export interface Connection {
  client: Redis;
  /** The connection learner commands run on: authenticated as target.learner when there is one, else `client`. */
  learnerClient: Redis;
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
  /** `user:password` of a restricted user for learner commands (--learner-user); REDIS_LEARNER_URL is the other way. */
  learnerUser?: string;
}

/** The learner connection's URL: same server and database as `address`, another user. */
function learnerAddress(address: string, user: string, password: string | undefined, db: number): string {
  const u = new URL(address);
  u.username = encodeURIComponent(user);
  u.password = password === undefined ? '' : encodeURIComponent(password);
  u.pathname = `/${db}`;
  u.search = '';
  return u.toString();
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

/** A failed connection in one line, by the Redis error code of the reply or the socket's error code. */
function explain(err: unknown, where: string): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const msg = errorMessage(err);
  const code = redisErrorCode(err) ?? (err as NodeJS.ErrnoException | undefined)?.code;
  // Redis before 6 answers a wrong password with a plain ERR: its text is all there is.
  if (code === 'WRONGPASS' || (code === 'ERR' && /invalid password/i.test(msg))) {
    return new ConnectionError(`Redis at ${where} rejected the username or password`, 'auth', { cause: err });
  }
  if (code === 'NOAUTH') {
    return new ConnectionError(`Redis at ${where} needs a password: put it in the URL (redis://:PASSWORD@host:port)`, 'auth', {
      cause: err,
    });
  }
  const unreachable: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'timed out',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'unknown host',
  };
  if (code && unreachable[code])
    return new ConnectionError(`cannot reach Redis at ${where} (${unreachable[code]})`, 'unreachable', { cause: err });
  return new ConnectionError(`cannot use Redis at ${where}: ${msg.split('\n')[0]}`, 'other', { cause: err });
}

/**
 * The database a URL names: its path (/N) or ?db=N, 0 when neither. Anything else is a usage error: ioredis would
 * otherwise send SELECT NaN (a crash) or fall back to db 0 without a word when the index is out of range.
 */
export function urlDatabase(url: string): number {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`bad Redis URL ${redactUrl(url)}: it is not a URL (redis://host:port/db)`);
  }
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const query = u.searchParams.get('db');
  const raw = [path, query].filter((x): x is string => x !== null && x !== '');
  if (raw.length === 0) return 0;
  for (const r of raw) {
    if (!/^\d{1,6}$/.test(r)) throw new UsageError(`bad database "${r}" in ${redactUrl(url)}: use a number, as in redis://host:6379/2`);
  }
  const dbs = [...new Set(raw.map(Number))];
  if (dbs.length > 1) throw new UsageError(`${redactUrl(url)} names two databases (${dbs.join(' and ')}): give one`);
  return dbs[0]!;
}

/** The URL without its database part: the database is passed to ioredis as an option and checked after connecting. */
function withoutDatabase(url: string): string {
  const u = new URL(url);
  u.pathname = '';
  u.searchParams.delete('db');
  return u.toString();
}

async function open(url: string, connectTimeout: number, readyCheck = true): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const db = urlDatabase(url);
  let client: Redis;
  try {
    // The restricted learner user may not run INFO, which ioredis's ready check sends: it skips that check.
    client = new Redis(withoutDatabase(url), { ...baseOptions(connectTimeout), db, enableReadyCheck: readyCheck });
  } catch (err) {
    throw new ConnectionError(`bad Redis URL ${redactUrl(url)}: ${errorMessage(err)}`, 'other', { cause: err });
  }
  // Without a listener ioredis prints "Unhandled error event" with a stack; the event also carries the real cause.
  let cause: unknown;
  client.on('error', (e: unknown) => {
    cause ??= e;
  });
  const timer = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new ConnectionError(`cannot reach Redis at ${redactUrl(url)} (timed out)`, 'unreachable')),
      connectTimeout + 500,
    ).unref(),
  );
  try {
    await Promise.race([client.connect(), timer]);
  } catch (err) {
    client.disconnect();
    throw explain(cause ?? err, redactUrl(url));
  }
  if (db !== 0) {
    // ioredis reports a failed SELECT only as an event and carries on in db 0: ask again and stop on failure.
    try {
      await client.select(db);
    } catch (err) {
      client.disconnect();
      const msg = errorMessage(err);
      if (redisErrorCode(err) === 'NOPERM') {
        throw new ConnectionError(`the Redis user of ${redactUrl(url)} may not use database ${db} (its ACL needs +select|${db})`);
      }
      throw new UsageError(`database ${db} does not exist on Redis at ${redactUrl(url)} (${msg.replace(/^ERR /, '')})`);
    }
  }
  return client;
}

async function serverVersion(client: Redis): Promise<{ version: string; product: string }> {
  const info = await client.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const valkey = /valkey_version:(\S+)/.exec(info)?.[1];
  return { version, product: valkey ? `Valkey ${valkey}` : `Redis ${version}` };
}

function parseTarget(url: string): { host: string; port: number; db: number } {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: urlDatabase(url),
  };
}

/** Resolves and connects in the README's order ("Where Redis comes from"): --url/REDIS_URL, :6379, a private server. */
export async function connectRedis(opts: ConnectOptions = {}): Promise<Connection> {
  const extra: Redis[] = [];
  const url = opts.url ?? process.env.REDIS_URL;
  let client: Redis | null = null;
  let server: PrivateServer | null = null;
  let kind: TargetKind;
  let address: string;

  if (url && !opts.private) {
    if (!/^rediss?:\/\//.test(url)) {
      throw new UsageError(`bad Redis URL ${redactUrl(url)}: it must start with redis:// or rediss://`);
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
        if (err instanceof ConnectionError && err.reason === 'auth') throw err;
      }
    }
    if (client) {
      kind = 'compose';
      address = `redis://127.0.0.1:${COMPOSE_PORT}`;
    } else {
      if (!findRedisServer() && selectedServer() !== 'system') throw new ConnectionError(notPreparedMessage(selectedServer()), 'no-server');
      if (!findRedisServer()) {
        throw new ConnectionError(
          'no Redis found. Either: run `docker compose up -d` in the redis-learn folder, ' +
            'or install redis-server (sudo apt-get install -y redis-server), ' +
            'or point at a server with --url / REDIS_URL=redis://host:6379',
          'no-server',
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
  let product: string;
  try {
    ({ version, product } = await serverVersion(c));
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
    product,
    private: kind === 'private',
  };
  let learner: Redis | null = null;
  try {
    learner = await openLearner(target, address, opts);
  } catch (err) {
    c.disconnect();
    await server?.stop();
    throw err;
  }
  let closed = false;
  return {
    client: c,
    learnerClient: learner ?? c,
    target,
    async newClient() {
      const d = await open(address, 5000);
      extra.push(d);
      return d;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const d of [c, ...(learner ? [learner] : []), ...extra]) {
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

/**
 * Opens the restricted learner connection: REDIS_LEARNER_URL or --learner-user when given (a failure is final: the
 * user asked for it), else on the compose Redis the user its docker-compose.yml defines (absent: a note, and learner
 * commands rely on redis-learn's own judge). The private server needs none: it is disposable.
 */
async function openLearner(target: RedisTarget, address: string, opts: ConnectOptions): Promise<Redis | null> {
  if (target.private) return null;
  const envUrl = process.env.REDIS_LEARNER_URL;
  if (opts.learnerUser || envUrl) {
    let url: string;
    let user: string;
    if (opts.learnerUser) {
      const i = opts.learnerUser.indexOf(':');
      user = i < 0 ? opts.learnerUser : opts.learnerUser.slice(0, i);
      if (!user) throw new UsageError('--learner-user needs a user name: --learner-user NAME:PASSWORD');
      url = learnerAddress(address, user, i < 0 ? undefined : opts.learnerUser.slice(i + 1), target.db);
    } else {
      if (!/^rediss?:\/\//.test(envUrl!)) throw new UsageError('REDIS_LEARNER_URL must start with redis:// or rediss://');
      const u = new URL(envUrl!);
      user = decodeURIComponent(u.username) || 'default';
      url = learnerAddress(envUrl!, user, u.password ? decodeURIComponent(u.password) : undefined, target.db);
    }
    const client = await open(url, 5000, false);
    target.learner = { user, source: opts.learnerUser ? 'option' : 'env' };
    return client;
  }
  if (target.kind === 'compose') {
    try {
      const client = await open(learnerAddress(address, LEARNER_USER, COMPOSE_LEARNER_PASSWORD, target.db), 2000, false);
      target.learner = { user: LEARNER_USER, source: 'compose' };
      return client;
    } catch {
      target.learnerNote = `the Redis on :${COMPOSE_PORT} has no ${LEARNER_USER} user (an older docker-compose.yml?): your commands are checked by redis-learn alone`;
      return null;
    }
  }
  target.learnerNote =
    'no restricted Redis user: your commands are checked by redis-learn alone (redis-learn doctor shows the ACL line for this server)';
  return null;
}

/** The first line of every run: which server, its version, where keys live. */
export function describeTarget(t: RedisTarget, namespace: string): string {
  const where =
    t.kind === 'lab'
      ? `lab node on ${t.host}:${t.port} (started for this lesson)`
      : t.kind === 'private'
        ? `private server on ${t.host}:${t.port} (stopped when you quit)`
        : t.kind === 'compose'
          ? `docker-compose server on ${t.host}:${t.port} · RedisInsight at ${REDISINSIGHT_URL}`
          : `${t.displayUrl}`;
  return `${t.product} · ${where} · keys live under ${namespace}`;
}
