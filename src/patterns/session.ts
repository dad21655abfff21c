// A session store in hashes with a sliding expiry: every read or write of a session pushes its deadline back.
import { randomBytes } from 'node:crypto';
import type { RedisClient } from './client.js';
import { defineScript } from './lua.js';
import { execAll } from './transaction.js';

/** A session's fields: a flat map of strings (numbers are stored as their decimal text). */
export type SessionData = Record<string, string | number>;

function ttl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a whole number of milliseconds above 0, got ${ttlMs}`);
  return ttlMs;
}

function flatten(data: SessionData): string[] {
  return Object.entries(data).flatMap(([field, value]) => [field, String(value)]);
}

/** The key that holds a session: the caller's prefix followed by the session id. */
export function sessionKey(prefix: string, id: string): string {
  return `${prefix}${id}`;
}

/**
 * KEYS[1] the session; ARGV[1] ttl ms, then field, value, …. Creates the hash and its expiry in one step, so a process
 * dying in between cannot leave a session that never expires; refuses (0) when the id is taken.
 */
const CREATE = defineScript<number>(
  'session_create',
  1,
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
);

/**
 * KEYS[1] the session; ARGV[1] ttl ms, then field, value, …. Writes the fields and slides the expiry only if the
 * session still exists: a session that expired or was destroyed must stay gone, not come back holding only the
 * fields of a late request (HSET on a missing key would create it, without its user id and without a TTL).
 */
const TOUCH = defineScript<number>(
  'session_touch',
  1,
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
);

/**
 * Creates a session holding `data` (at least one field) that dies after `ttlMs` without use, and returns its id:
 * 144 random bits from the OS, so ids cannot be guessed or enumerated. The key is `prefix + id`.
 */
export async function createSession(redis: RedisClient, prefix: string, data: SessionData, ttlMs: number): Promise<string> {
  const fields = flatten(data);
  // An empty hash does not exist in Redis: a session with no fields could not be stored.
  if (fields.length === 0) throw new TypeError('a session needs at least one field');
  for (;;) {
    const id = randomBytes(18).toString('base64url');
    // A collision of 144 random bits will not happen, but the script refuses one anyway instead of merging two users.
    if ((await CREATE.run(redis, [sessionKey(prefix, id)], [ttl(ttlMs), ...fields])) === 1) return id;
  }
}

/**
 * Reads a session and slides its expiry back to `ttlMs`, in one MULTI (the read and the new deadline belong to the
 * same moment). Returns null when the session expired or was destroyed.
 */
export async function getSession(redis: RedisClient, prefix: string, id: string, ttlMs: number): Promise<Record<string, string> | null> {
  const key = sessionKey(prefix, id);
  const [fields] = await execAll(redis.multi().hgetall(key).pexpire(key, ttl(ttlMs)));
  const data = fields as Record<string, string>;
  return Object.keys(data).length ? data : null;
}

/**
 * Writes `fields` into a live session and slides its expiry back to `ttlMs`, atomically (HSET alone keeps the old
 * deadline: changing a field never touches a key's TTL). Returns false, writing nothing, when the session is gone.
 */
export async function touchSession(redis: RedisClient, prefix: string, id: string, fields: SessionData, ttlMs: number): Promise<boolean> {
  return (await TOUCH.run(redis, [sessionKey(prefix, id)], [ttl(ttlMs), ...flatten(fields)])) === 1;
}

/** Ends a session now (logout); true when it existed. */
export async function destroySession(redis: RedisClient, prefix: string, id: string): Promise<boolean> {
  return (await redis.unlink(sessionKey(prefix, id))) === 1;
}
