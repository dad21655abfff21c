// Writing users and their index entries: one command at a time, or a batch per pipeline.
import type { Redis } from 'ioredis';
import { ageIndexKey, cityIndexKey, deptIndexKey, queueIndexWrites, salaryIndexKey, userKey } from './indexes.js';
import { userToHash, type User } from './users.js';

export interface LoadStats {
  users: number;
  commands: number;
  ms: number;
}

/** Commands per user: HSET of the record plus four index writes. */
export const COMMANDS_PER_USER = 5;

function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * One command, one round trip, one wait: the client sits idle for the network and the server's event
 * loop for every single write. This is what a naive loop over `await redis.hset(...)` does.
 */
export async function loadOneByOne(redis: Redis, ns: string, users: readonly User[]): Promise<LoadStats> {
  const t0 = process.hrtime.bigint();
  for (const u of users) {
    await redis.hset(userKey(ns, u.id), userToHash(u));
    await redis.sadd(cityIndexKey(ns, u.city), String(u.id));
    await redis.sadd(deptIndexKey(ns, u.department), String(u.id));
    await redis.zadd(salaryIndexKey(ns), u.salary, String(u.id));
    await redis.zadd(ageIndexKey(ns), u.age, String(u.id));
  }
  return { users: users.length, commands: users.length * COMMANDS_PER_USER, ms: elapsedMs(t0) };
}

/**
 * The whole batch in one pipeline: commands are written back to back and the replies read together,
 * so the batch costs about one round trip. Not atomic: another client may see a user whose index
 * entries are not there yet (use multi() instead of pipeline() when readers must never see that).
 */
export async function loadPipelined(redis: Redis, ns: string, users: readonly User[]): Promise<LoadStats> {
  const t0 = process.hrtime.bigint();
  const p = redis.pipeline();
  for (const u of users) {
    p.hset(userKey(ns, u.id), userToHash(u));
    queueIndexWrites(p, ns, u);
  }
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0]!;
  return { users: users.length, commands: users.length * COMMANDS_PER_USER, ms: elapsedMs(t0) };
}

/** Per-user cost in microseconds and users per second, for comparing loaders of different sizes. */
export function rates(s: LoadStats): { usPerUser: number; usersPerSecond: number } {
  const usPerUser = s.users ? (s.ms * 1000) / s.users : 0;
  return { usPerUser, usersPerSecond: s.ms > 0 ? (s.users * 1000) / s.ms : 0 };
}
