// Which keys redis-learn created: a claim per key, valid only while the incarnation our command created still lives.
//
// Two hashes per namespace and database, named with the reserved mark so no learner command can reach them:
//   <ns>__redis-learn__:owned    field = key, value = scope (lesson id, repl, quiz, bench)
//   <ns>__redis-learn__:expires  field = key, value = when (server ms) the incarnation we last wrote expires
// A claim is valid when the key exists, and the incarnation we recorded has not expired: a key that expired and was
// then created again by someone else is theirs. Claims of keys that no longer exist are dropped whenever seen.
import type { Redis } from 'ioredis';
import { SafetyError } from '../errors.js';
import { insideNamespace, RESERVED_MARK } from './judge.js';
import { scanPages } from '../patterns/scan.js';

export interface KeyStatus {
  exists: boolean;
  /** The scope whose valid claim covers the key; null when the key is not ours (or does not exist). */
  owner: string | null;
}

const CHUNK = 1000;

/** Claims keys that do not exist yet (or are already ours) in one atomic step; returns the ones that exist unclaimed. */
const CLAIM_ABSENT = `
local foreign = {}
for i = 3, #KEYS do
  local k = KEYS[i]
  if redis.call('EXISTS', k) == 1 then
    if not redis.call('HGET', KEYS[1], k) then foreign[#foreign + 1] = k end
  else
    redis.call('HSET', KEYS[1], k, ARGV[1])
    redis.call('HDEL', KEYS[2], k)
  end
end
return foreign`;

export class Ownership {
  readonly metaKey: string;
  readonly expiresKey: string;
  /** Whether our own claim script may run (false on servers that refuse EVAL to us). */
  private scripting = true;

  constructor(
    private readonly admin: Redis,
    readonly ns: string,
  ) {
    this.metaKey = `${ns}${RESERVED_MARK}:owned`;
    this.expiresKey = `${ns}${RESERVED_MARK}:expires`;
  }

  /** Whether a key name is bookkeeping (of any namespace). */
  static isBookkeeping(key: string): boolean {
    return key.includes(RESERVED_MARK);
  }

  private async serverMs(): Promise<number> {
    const [s, us] = (await this.admin.time()) as [string | number, string | number];
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  /** Existence and valid owner of each key; drops claims that are stale (key gone, or recreated after expiry). */
  async status(keys: readonly string[]): Promise<Map<string, KeyStatus>> {
    const out = new Map<string, KeyStatus>();
    const list = [...new Set(keys)];
    if (!list.length) return out;
    const now = await this.serverMs();
    const stale: string[] = [];
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const p = this.admin.pipeline();
      for (const k of chunk) p.exists(k);
      p.hmget(this.metaKey, ...chunk);
      p.hmget(this.expiresKey, ...chunk);
      const res = (await p.exec()) ?? [];
      const owners = (res[chunk.length]?.[1] as (string | null)[]) ?? [];
      const expiries = (res[chunk.length + 1]?.[1] as (string | null)[]) ?? [];
      chunk.forEach((k, j) => {
        const exists = Number(res[j]?.[1]) === 1;
        let owner = owners[j] ?? null;
        const expired = expiries[j] != null && now >= Number(expiries[j]);
        if (owner !== null && (!exists || expired || !insideNamespace(this.ns, k))) {
          stale.push(k);
          owner = null;
        }
        out.set(k, { exists, owner });
      });
    }
    await this.forget(stale);
    return out;
  }

  /** Keys among these that exist and are not ours. */
  async foreign(keys: readonly string[]): Promise<string[]> {
    const st = await this.status(keys);
    return [...st].filter(([, s]) => s.exists && s.owner === null).map(([k]) => k);
  }

  /**
   * Claims, for `scope`, keys the tool is about to create: atomically, each key is claimed only if it does not exist
   * (or is ours already). Throws SafetyError when any exists and is not ours: nothing is claimed for those.
   * Used by lessons' own code; learner commands claim through claimCreated() after an atomic MULTI/EXEC.
   */
  async claimAbsent(scope: string, keys: readonly string[]): Promise<void> {
    const list = [...new Set(keys)].filter((k) => !Ownership.isBookkeeping(k));
    const outsideNs = list.find((k) => !k.startsWith(this.ns));
    if (outsideNs) throw new SafetyError(`${outsideNs} is outside the namespace ${this.ns}: redis-learn does not write there`);
    // A claim we hold on a key that has since gone (or expired and come back) must not count as ours.
    await this.status(list);
    const foreign: string[] = [];
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      if (this.scripting) {
        try {
          foreign.push(
            ...((await this.admin.eval(CLAIM_ABSENT, chunk.length + 2, this.metaKey, this.expiresKey, ...chunk, scope)) as string[]),
          );
          continue;
        } catch {
          this.scripting = false; // scripting refused to us here: the two-step form below
        }
      }
      const st = await this.status(chunk);
      const absent = chunk.filter((k) => !st.get(k)!.exists);
      foreign.push(...chunk.filter((k) => st.get(k)!.exists && st.get(k)!.owner === null));
      if (absent.length) await this.admin.hset(this.metaKey, Object.fromEntries(absent.map((k) => [k, scope])));
    }
    if (foreign.length) {
      throw new SafetyError(
        `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''} already exist${foreign.length === 1 ? 's' : ''} and ${foreign.length === 1 ? 'was' : 'were'} not created by redis-learn: left alone, nothing was changed`,
      );
    }
  }

  /** After our own write: records keys it created, forgets keys it deleted, and notes when each written key expires. */
  async afterWrite(scope: string, written: readonly string[], created: readonly string[]): Promise<void> {
    const list = [...new Set(written)].filter((k) => insideNamespace(this.ns, k));
    if (!list.length) return;
    const createdSet = new Set(created);
    const now = await this.serverMs();
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const p = this.admin.pipeline();
      for (const k of chunk) p.pttl(k);
      p.hmget(this.metaKey, ...chunk);
      const res = (await p.exec()) ?? [];
      const owners = (res[chunk.length]?.[1] as (string | null)[]) ?? [];
      const claim: Record<string, string> = {};
      const expires: Record<string, string> = {};
      const gone: string[] = [];
      const persistent: string[] = [];
      chunk.forEach((k, j) => {
        const pttl = Number(res[j]?.[1]);
        if (pttl === -2) {
          gone.push(k);
          return;
        }
        const ours = owners[j] != null || createdSet.has(k);
        if (!ours) return;
        if (owners[j] == null) claim[k] = scope;
        if (pttl >= 0) expires[k] = String(now + pttl);
        else persistent.push(k);
      });
      const w = this.admin.pipeline();
      if (Object.keys(claim).length) w.hset(this.metaKey, claim);
      if (Object.keys(expires).length) w.hset(this.expiresKey, expires);
      if (persistent.length) w.hdel(this.expiresKey, ...persistent);
      if (gone.length) w.hdel(this.metaKey, ...gone).hdel(this.expiresKey, ...gone);
      if (w.length) await w.exec();
    }
  }

  /** Drops claims (never keys). */
  async forget(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      await this.admin
        .pipeline()
        .hdel(this.metaKey, ...chunk)
        .hdel(this.expiresKey, ...chunk)
        .exec();
    }
  }

  /** Every recorded claim: key → scope (validity not checked). */
  async claims(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const page of scanPages(this.admin, { command: 'HSCAN', key: this.metaKey, count: 1000 }))
      for (const [key, scope] of page.pairs ?? []) out.set(key, scope);
    return out;
  }

  /**
   * Removes the keys whose valid claim belongs to `scope` (every scope when undefined): inside the namespace, in this
   * database, still ours. Stale claims are dropped; keys that are not ours are never touched. Returns how many went.
   */
  async removeScope(scope?: string): Promise<number> {
    const mine = [...(await this.claims())].filter(([, s]) => scope === undefined || s === scope).map(([k]) => k);
    return this.removeOwned(mine);
  }

  /** Removes these keys if they are still validly ours, and forgets their claims; returns how many were removed. */
  async removeOwned(keys: readonly string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const st = await this.status(chunk);
      const ours = chunk.filter((k) => st.get(k)?.owner != null);
      if (ours.length) {
        const res =
          (await this.admin
            .pipeline()
            .unlink(...ours)
            .hdel(this.metaKey, ...ours)
            .hdel(this.expiresKey, ...ours)
            .exec()) ?? [];
        removed += Number(res[0]?.[1] ?? 0);
      }
    }
    await this.dropIfEmpty();
    return removed;
  }

  async dropIfEmpty(): Promise<void> {
    if ((await this.admin.hlen(this.metaKey)) === 0) await this.admin.unlink(this.metaKey, this.expiresKey);
  }
}
