// Feature flags: a percentage rollout per flag in one hash, an allow-list per flag in a set, decided by hashing in the client.
import { createHash } from 'node:crypto';
import { slotTagged, type RedisClient } from './client.js';
import { execAll } from './transaction.js';

/** A flag's rollout: the share of users who get it, and users who get it whatever the share. */
export interface FeatureFlag {
  flag: string;
  /** 0 (nobody but the allow-list) to 100 (everybody), in steps of 0.01. */
  percentage: number;
  /** User ids that always get the flag. */
  allow: string[];
}

/**
 * The keys of a flag store: one hash `<key>` (flag → percentage) and one set per flag `<key>:allow:<flag>`. On a
 * Cluster the base is wrapped in a hash tag so a flag's hash field and its allow-list change in one MULTI.
 */
export function featureFlagKeys(redis: RedisClient, key: string, flag = ''): { flags: string; allow: string } {
  const base = slotTagged(redis, key);
  return { flags: base, allow: `${base}:allow:${flag}` };
}

/**
 * A user's place in a flag's rollout, 0 to 9999: the first 32 bits of SHA-256(flag, user) modulo 10,000. The same
 * user always gets the same number (a user does not flicker in and out), and different flags spread users
 * differently (the same 10 % do not get every experiment).
 */
export function rolloutBucket(flag: string, userId: string): number {
  const digest = createHash('sha256').update(`${flag.length}:${flag}:${userId}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

/** Whether a user in `bucket` (from rolloutBucket) falls inside a rollout of `percentage` percent. */
function inRollout(bucket: number, percentage: number): boolean {
  return bucket < Math.round(percentage * 100);
}

/**
 * Creates or changes a flag: its percentage, and (when `allow` is given) its whole allow-list, replaced in the same
 * MULTI as the percentage, so a reader never sees the new percentage with half of the new list.
 */
export async function setFlag(
  redis: RedisClient,
  key: string,
  flag: string,
  opts: { percentage: number; allow?: readonly string[] },
): Promise<void> {
  const { percentage } = opts;
  if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100)
    throw new RangeError(`percentage must be 0 to 100, got ${percentage}`);
  const keys = featureFlagKeys(redis, key, flag);
  const tx = redis.multi().hset(keys.flags, flag, String(percentage));
  if (opts.allow) {
    tx.unlink(keys.allow);
    if (opts.allow.length) tx.sadd(keys.allow, ...opts.allow);
  }
  await execAll(tx);
}

/** Removes a flag and its allow-list; true when the flag existed. */
export async function deleteFlag(redis: RedisClient, key: string, flag: string): Promise<boolean> {
  const keys = featureFlagKeys(redis, key, flag);
  const [removed] = await execAll(redis.multi().hdel(keys.flags, flag).unlink(keys.allow));
  return Number(removed) === 1;
}

/**
 * Whether `userId` gets `flag`: on the allow-list, or inside the rollout percentage. The percentage and the allow-list
 * are read in one MULTI (one consistent moment); an unknown flag is off.
 */
export async function isEnabled(redis: RedisClient, key: string, flag: string, userId: string): Promise<boolean> {
  const keys = featureFlagKeys(redis, key, flag);
  const [percentage, allowed] = await execAll(redis.multi().hget(keys.flags, flag).sismember(keys.allow, userId));
  if (percentage === null) return false;
  return Number(allowed) === 1 || inRollout(rolloutBucket(flag, userId), Number(percentage));
}

/**
 * `isEnabled` for many users at once (a page listing users, a batch job): one MULTI with HGET and SMISMEMBER
 * (Redis 6.2+), answers in the order of `userIds`.
 */
export async function isEnabledBatch(redis: RedisClient, key: string, flag: string, userIds: readonly string[]): Promise<boolean[]> {
  if (userIds.length === 0) return [];
  const keys = featureFlagKeys(redis, key, flag);
  const [percentage, allowed] = await execAll(
    redis
      .multi()
      .hget(keys.flags, flag)
      .smismember(keys.allow, ...userIds),
  );
  if (percentage === null) return userIds.map(() => false);
  const members = allowed as number[];
  return userIds.map((id, i) => Number(members[i]) === 1 || inRollout(rolloutBucket(flag, id), Number(percentage)));
}

/** Every flag with its percentage and allow-list, sorted by name (the allow-lists read in one MULTI with the hash). */
export async function listFlags(redis: RedisClient, key: string): Promise<FeatureFlag[]> {
  const keys = featureFlagKeys(redis, key);
  const all = await redis.hgetall(keys.flags);
  const flags = Object.keys(all).sort();
  if (flags.length === 0) return [];
  const tx = redis.multi().hgetall(keys.flags);
  for (const flag of flags) tx.smembers(featureFlagKeys(redis, key, flag).allow);
  const [current, ...lists] = await execAll(tx);
  const percentages = current as Record<string, string>;
  return flags
    .map((flag, i) => ({ flag, percentage: Number(percentages[flag]), allow: ((lists[i] as string[]) ?? []).sort() }))
    .filter((f) => percentages[f.flag] !== undefined);
}
