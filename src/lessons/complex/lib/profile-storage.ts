// A user profile stored two ways (one hash, or one string key per field) and the memory each really takes.
import type { Redis } from 'ioredis';

export type Profile = Record<string, string>;

/** One key for the whole object: HSET writes every field in one command. */
export async function saveProfileAsHash(redis: Redis, key: string, profile: Profile): Promise<void> {
  await redis.hset(key, profile);
}

/** The key names the one-key-per-field layout uses: `<prefix>:<field>`. */
export function fieldKeys(prefix: string, profile: Profile): string[] {
  return Object.keys(profile).map((f) => `${prefix}:${f}`);
}

/** One string key per field, written in one MSET. */
export async function saveProfileAsKeys(redis: Redis, prefix: string, profile: Profile): Promise<void> {
  await redis.mset(Object.fromEntries(Object.entries(profile).map(([f, v]) => [`${prefix}:${f}`, v])));
}

/**
 * The sum of MEMORY USAGE over `keys` (bytes the server reports for each key: the key name, the value
 * and per-key bookkeeping), pipelined in batches. Missing keys count 0. Default sampling, like the key
 * tables: exact for small (listpack, string) values, an estimate for big hash tables.
 */
export async function memoryOf(redis: Redis, keys: readonly string[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const p = redis.pipeline();
    for (const k of keys.slice(i, i + 500)) p.call('MEMORY', 'USAGE', k);
    for (const [err, bytes] of (await p.exec()) ?? []) {
      if (err) throw err;
      total += Number(bytes ?? 0);
    }
  }
  return total;
}
