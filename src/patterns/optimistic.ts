// Optimistic locking with WATCH/MULTI/EXEC: read, decide, write only if nobody changed what was read; retry otherwise.
import type { ChainableCommander, Redis } from 'ioredis';
import { sleep } from './client.js';
import { execTransaction } from './transaction.js';

/** What one attempt decided: the writes to queue in MULTI and the value to report if they commit. */
export interface WatchPlan<T> {
  write(tx: ChainableCommander): void;
  value: T;
}

/** Tuning for optimisticUpdate: how often to retry, how to spread retries, and a hook for demos. */
export interface OptimisticOptions {
  /** Attempts before giving up with ContentionError (default 1000). */
  maxAttempts?: number;
  /** After a conflict, wait a random 0..jitterMs ms so contenders stop colliding in lockstep (default 0). */
  jitterMs?: number;
  /** Runs after the reads and before EXEC on every attempt: demos use it to inject a conflicting write. */
  beforeCommit?(attempt: number): Promise<void>;
}

/** How an optimistic update ended: committed with the plan's value, or declined by the plan (nothing written). */
export type OptimisticResult<T> =
  | { status: 'committed'; attempts: number; value: T }
  /** The plan looked at the data and chose not to write (e.g. not enough money). */
  | { status: 'declined'; attempts: number };

/** Thrown when the watched keys changed on every one of `attempts` tries: the update was never applied. */
export class ContentionError extends Error {
  constructor(readonly attempts: number) {
    super(`gave up after ${attempts} attempts: the watched keys kept changing`);
    this.name = 'ContentionError';
  }
}

/**
 * WATCH keys, let `plan` read and decide, then EXEC its writes. EXEC replies null when a watched key changed after
 * WATCH (another client wrote it, or it expired): nothing was applied, so read again and retry. WATCH belongs to the
 * connection, so `redis` must not be shared with concurrent callers: give each one its own connection.
 */
export async function optimisticUpdate<T>(
  redis: Redis,
  keys: readonly string[],
  plan: (redis: Redis) => Promise<WatchPlan<T> | null>,
  opts: OptimisticOptions = {},
): Promise<OptimisticResult<T>> {
  const max = opts.maxAttempts ?? 1000;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxAttempts must be a whole number above 0, got ${max}`);
  if (keys.length === 0) throw new TypeError('optimisticUpdate needs at least one key to WATCH');
  for (let attempt = 1; attempt <= max; attempt++) {
    await redis.watch(...keys);
    let decided: WatchPlan<T> | null;
    try {
      decided = await plan(redis);
      if (decided && opts.beforeCommit) await opts.beforeCommit(attempt);
    } catch (err) {
      // Leave the connection clean: a WATCH left behind would make this client's next, unrelated EXEC fail.
      await redis.unwatch();
      throw err;
    }
    if (!decided) {
      await redis.unwatch();
      return { status: 'declined', attempts: attempt };
    }
    const tx = redis.multi();
    decided.write(tx);
    // null: a watched key changed, nothing was applied. A command failing inside EXEC throws TransactionError
    // (Redis has no rollback: the other writes were applied, so retrying would apply them twice).
    if ((await execTransaction(tx)) !== null) return { status: 'committed', attempts: attempt, value: decided.value };
    if (opts.jitterMs) await sleep(Math.random() * opts.jitterMs);
  }
  throw new ContentionError(max);
}

/**
 * Moves `amount` between two integer balances, never letting `from` go negative. The balances are read, checked and
 * written back by the client: WATCH is what makes that read-modify-write safe. Declined when `from` has too little.
 * On a Cluster the two keys would need one hash slot; this takes a standalone connection.
 */
export async function transfer(
  redis: Redis,
  from: string,
  to: string,
  amount: number,
  opts: OptimisticOptions = {},
): Promise<OptimisticResult<{ from: number; to: number }>> {
  // A negative amount would move money the other way without the balance check, so only positive whole amounts.
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`amount must be a whole number above 0, got ${amount}`);
  if (from === to) throw new RangeError('transfer needs two different keys');
  return optimisticUpdate(
    redis,
    [from, to],
    async (r) => {
      const [a, b] = await r.mget(from, to);
      const fromBalance = Number(a ?? 0);
      const toBalance = Number(b ?? 0);
      if (fromBalance < amount) return null;
      const value = { from: fromBalance - amount, to: toBalance + amount };
      return { value, write: (tx) => void tx.set(from, value.from).set(to, value.to) };
    },
    opts,
  );
}

/** Adds `by` to an integer hash field with HGET + HSET under WATCH (HINCRBY does it in one command: this shows WATCH). */
export async function watchedHashIncrement(
  redis: Redis,
  key: string,
  field: string,
  by: number,
  opts: OptimisticOptions = {},
): Promise<OptimisticResult<number>> {
  return optimisticUpdate(
    redis,
    [key],
    async (r) => {
      const value = Number((await r.hget(key, field)) ?? 0) + by;
      return { value, write: (tx) => void tx.hset(key, field, value) };
    },
    opts,
  );
}
