// Secondary indexes over user hashes: key names, index maintenance, consistency checks and cursor pagination.
import type { ChainableCommander, Redis } from 'ioredis';
import { scanPages, type CursorCommand } from '../../../patterns/index.js';
import { CITIES, DEPARTMENTS, type User } from './users.js';

/** Index key names use lower-case values so a learner can type them: idx:city:berlin. */
export function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export function userKey(ns: string, id: number | string): string {
  return `${ns}user:${id}`;
}

export function cityIndexKey(ns: string, city: string): string {
  return `${ns}idx:city:${slug(city)}`;
}

export function deptIndexKey(ns: string, department: string): string {
  return `${ns}idx:dept:${slug(department)}`;
}

export function salaryIndexKey(ns: string): string {
  return `${ns}idx:salary`;
}

export function ageIndexKey(ns: string): string {
  return `${ns}idx:age`;
}

export function cityIndexKeys(ns: string): string[] {
  return CITIES.map((c) => cityIndexKey(ns, c.value));
}

export function deptIndexKeys(ns: string): string[] {
  return DEPARTMENTS.map((d) => deptIndexKey(ns, d.value));
}

/** Every index key the loaders can write. */
export function allIndexKeys(ns: string): string[] {
  return [...cityIndexKeys(ns), ...deptIndexKeys(ns), salaryIndexKey(ns), ageIndexKey(ns)];
}

/** The four index writes for one user; the member is the id, so the indexes stay small and joinable. */
export function queueIndexWrites(p: ChainableCommander, ns: string, u: User): void {
  p.sadd(cityIndexKey(ns, u.city), String(u.id));
  p.sadd(deptIndexKey(ns, u.department), String(u.id));
  p.zadd(salaryIndexKey(ns), u.salary, String(u.id));
  p.zadd(ageIndexKey(ns), u.age, String(u.id));
}

/** The removals that keep the indexes true when a user goes: the hash and its four index entries. */
export function queueUserRemoval(p: ChainableCommander, ns: string, u: Pick<User, 'id' | 'city' | 'department'>): void {
  p.unlink(userKey(ns, u.id));
  p.srem(cityIndexKey(ns, u.city), String(u.id));
  p.srem(deptIndexKey(ns, u.department), String(u.id));
  p.zrem(salaryIndexKey(ns), String(u.id));
  p.zrem(ageIndexKey(ns), String(u.id));
}

export interface IndexCardinality {
  cities: number;
  departments: number;
  salary: number;
  age: number;
}

/**
 * Member counts across the indexes. When every user is in exactly one city set, one department set
 * and both sorted sets, the four numbers are equal: a cheap invariant that catches a half-done delete.
 */
export async function indexCardinality(redis: Redis, ns: string): Promise<IndexCardinality> {
  const p = redis.pipeline();
  for (const k of cityIndexKeys(ns)) p.scard(k);
  for (const k of deptIndexKeys(ns)) p.scard(k);
  p.zcard(salaryIndexKey(ns));
  p.zcard(ageIndexKey(ns));
  const res = ((await p.exec()) ?? []).map((r) => Number(r[1] ?? 0));
  const nc = CITIES.length;
  const nd = DEPARTMENTS.length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    cities: sum(res.slice(0, nc)),
    departments: sum(res.slice(nc, nc + nd)),
    salary: res[nc + nd] ?? 0,
    age: res[nc + nd + 1] ?? 0,
  };
}

export interface IndexMismatch {
  id: number;
  problem: string;
}

/**
 * Compares the hashes of users `ids` with the indexes: each user must be in its city and department
 * set and carry its salary and age as scores. Returns what disagrees (empty when all is well).
 */
export async function verifyIndexes(redis: Redis, ns: string, ids: readonly number[]): Promise<IndexMismatch[]> {
  const out: IndexMismatch[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const p = redis.pipeline();
    for (const id of chunk) p.hmget(userKey(ns, id), 'city', 'department', 'salary', 'age');
    const hashes = ((await p.exec()) ?? []).map((r) => r[1] as (string | null)[]);
    const q = redis.pipeline();
    chunk.forEach((id, j) => {
      const [city, dept] = hashes[j]!;
      q.sismember(cityIndexKey(ns, city ?? ''), String(id));
      q.sismember(deptIndexKey(ns, dept ?? ''), String(id));
      q.zscore(salaryIndexKey(ns), String(id));
      q.zscore(ageIndexKey(ns), String(id));
    });
    const res = ((await q.exec()) ?? []).map((r) => r[1]);
    chunk.forEach((id, j) => {
      const [city, dept, salary, age] = hashes[j]!;
      if (city === null) return void out.push({ id, problem: 'hash missing' });
      if (Number(res[j * 4]) !== 1) out.push({ id, problem: `not in city index ${city}` });
      if (Number(res[j * 4 + 1]) !== 1) out.push({ id, problem: `not in department index ${dept}` });
      if (res[j * 4 + 2] === null || Number(res[j * 4 + 2]) !== Number(salary)) out.push({ id, problem: 'salary score differs' });
      if (res[j * 4 + 3] === null || Number(res[j * 4 + 3]) !== Number(age)) out.push({ id, problem: 'age score differs' });
    });
  }
  return out;
}

export interface CursorPage {
  cursor: string;
  next: string;
  /** Elements on this page (for ZSCAN / HSCAN: members / fields only). */
  items: string[];
  ms: number;
}

export interface CursorWalk {
  pages: CursorPage[];
  /** Distinct elements seen: SCAN-family commands may return an element twice. */
  distinct: number;
  duplicates: number;
  totalMs: number;
  /** The slowest single call: how long the server was busy with us at once. */
  maxMs: number;
}

/**
 * Walks a cursor to the end with the library's one walker, timing each call: the server hands back a new cursor each
 * call and 0 when done. COUNT is a hint for how much work one call does, not a page size; small values come whole.
 */
export async function walkCursor(
  redis: Redis,
  command: CursorCommand,
  key: string | null,
  opts: { match?: string; count?: number } = {},
): Promise<CursorWalk> {
  const pages: CursorPage[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const walk = scanPages(redis, {
    command,
    key: key ?? undefined,
    match: opts.match,
    count: opts.count ?? (command === 'SCAN' ? 10 : undefined),
  });
  for (;;) {
    const t0 = process.hrtime.bigint();
    const step = await walk.next();
    if (step.done) break;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    for (const it of step.value.items) {
      if (seen.has(it)) duplicates++;
      seen.add(it);
    }
    pages.push({ ...step.value, ms });
  }
  const totalMs = pages.reduce((s, p) => s + p.ms, 0);
  return { pages, distinct: seen.size, duplicates, totalMs, maxMs: Math.max(...pages.map((p) => p.ms)) };
}

export interface KeysCall {
  found: number;
  ms: number;
}

/** One KEYS call: walks the whole database in one go, whatever the pattern; nobody else is served meanwhile. */
export async function timeKeys(redis: Redis, pattern: string): Promise<KeysCall> {
  const t0 = process.hrtime.bigint();
  const keys = await redis.keys(pattern);
  return { found: keys.length, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export interface CommandStat {
  calls: number;
  /** Microseconds the server spent executing this command, summed over calls. */
  usec: number;
}

/**
 * The server's own account of time spent per command (INFO commandstats): unlike a client-side
 * stopwatch it leaves out the network and the client's pauses. Null when INFO is restricted.
 */
export async function commandStats(redis: Redis, names: readonly string[]): Promise<Map<string, CommandStat> | null> {
  let text: string;
  try {
    text = await redis.info('commandstats');
  } catch {
    return null;
  }
  const out = new Map<string, CommandStat>();
  for (const name of names) {
    const m = new RegExp(`^cmdstat_${name.toLowerCase()}:calls=(\\d+),usec=(\\d+)`, 'm').exec(text);
    out.set(name, { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) });
  }
  return out;
}
