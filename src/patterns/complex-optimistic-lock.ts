// Optimistic locking with WATCH/MULTI/EXEC: read, decide, write only if nobody changed what was read; retry otherwise.
import type { ChainableCommander, Redis } from 'ioredis';

/** What one attempt decided: the writes to queue in MULTI and the value to report if they commit. */
export interface WatchPlan<T> {
  write(tx: ChainableCommander): void;
  value: T;
}

export interface OptimisticOptions {
  /** Attempts before giving up (default 1000). */
  maxAttempts?: number;
  /** After a conflict, wait a random 0..jitterMs ms so contenders stop colliding in lockstep (default 0). */
  jitterMs?: number;
  /** Runs after the reads and before EXEC on every attempt: demos use it to inject a conflicting write. */
  beforeCommit?(attempt: number): Promise<void>;
}

export type OptimisticResult<T> =
  | { status: 'committed'; attempts: number; value: T }
  /** The plan looked at the data and chose not to write (e.g. not enough money). */
  | { status: 'declined'; attempts: number };

export class ContentionError extends Error {
  constructor(readonly attempts: number) {
    super(`gave up after ${attempts} attempts: the watched keys kept changing`);
    this.name = 'ContentionError';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * WATCH keys, let `plan` read and decide, then EXEC its writes. EXEC replies null when a watched key
 * changed after WATCH (another client wrote it, or it expired): nothing was applied, so read again and
 * retry. WATCH belongs to the connection, so `redis` must not be shared with concurrent callers.
 */
export async function optimisticUpdate<T>(
  redis: Redis,
  keys: readonly string[],
  plan: (redis: Redis) => Promise<WatchPlan<T> | null>,
  opts: OptimisticOptions = {},
): Promise<OptimisticResult<T>> {
  const max = opts.maxAttempts ?? 1000;
  for (let attempt = 1; attempt <= max; attempt++) {
    await redis.watch(...keys);
    let decided: WatchPlan<T> | null;
    try {
      decided = await plan(redis);
    } catch (err) {
      await redis.unwatch();
      throw err;
    }
    if (!decided) {
      await redis.unwatch();
      return { status: 'declined', attempts: attempt };
    }
    if (opts.beforeCommit) await opts.beforeCommit(attempt);
    const tx = redis.multi();
    decided.write(tx);
    const res = await tx.exec();
    if (res !== null) {
      // EXEC has no rollback: a command that failed inside it failed alone, the others were applied.
      const failed = res.find(([e]) => e);
      if (failed?.[0]) throw failed[0];
      return { status: 'committed', attempts: attempt, value: decided.value };
    }
    if (opts.jitterMs) await sleep(Math.random() * opts.jitterMs);
  }
  throw new ContentionError(max);
}

/**
 * Moves `amount` between two integer balances, never letting `from` go negative. The balances are read,
 * checked and written back by the client: WATCH is what makes that read-modify-write safe.
 */
export async function transfer(
  redis: Redis,
  from: string,
  to: string,
  amount: number,
  opts: OptimisticOptions = {},
): Promise<OptimisticResult<{ from: number; to: number }>> {
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

/** Adds `by` to an integer hash field with HGET + HSET under WATCH (HINCRBY does it in one command). */
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
