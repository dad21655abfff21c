// Idempotency keys: the first request with a key runs the work, every repeat (concurrent or later) gets the stored result.
import { randomToken, sleep, type RedisClient } from './client.js';
import { defineScript } from './lua.js';

export interface IdempotentOptions {
  /**
   * How long the "running" claim lives without a heartbeat (default min(ttlMs, 10 000 ms)). While `fn` runs the claim
   * is extended every third of this, so a slow `fn` is not run twice; if the process dies, repeats can run `fn`
   * again after at most this long instead of waiting for the result TTL.
   */
  claimTtlMs?: number;
  /** How long a repeat waits for a running first call's result before giving up (default claimTtlMs). */
  waitMs?: number;
  /** How often a waiting repeat looks again (default 20 ms). */
  pollMs?: number;
}

/** What `idempotent` returns: the value, and whether it was replayed from a previous call's stored result. */
export interface IdempotentResult<T> {
  /** `fn`'s result: returned as is by the call that ran it, JSON round-tripped for a replay. */
  value: T;
  /** True when another call ran `fn` and this one returned its stored result. */
  replayed: boolean;
}

/** Thrown when a first call was still running `fn` after the repeat waited `waitMs` (an API answers 409 and the client retries later). */
export class IdempotencyPendingError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} is still being processed`);
    this.name = 'IdempotencyPendingError';
  }
}

type Stored = { state: 'running'; token: string } | { state: 'done'; value?: unknown };

/** Claims the key when it is free (SET PX of our "running" marker); otherwise returns what it holds. One round trip. */
const CLAIM = defineScript<string | null>(
  'idempotency_claim',
  1,
  `local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`,
);

/** Replaces our marker with the result and its TTL; 0 when the marker is no longer ours (it expired). */
const COMPLETE = defineScript<number>(
  'idempotency_complete',
  1,
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
);

/** Deletes the key only while it still holds our marker: a result or someone else's claim is not ours to drop. */
const RELEASE = defineScript<number>(
  'idempotency_release',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
);

/** Pushes our claim's expiry back while `fn` runs, only while the marker is ours. */
const EXTEND = defineScript<number>(
  'idempotency_extend',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
);

function wholeMs(name: string, ms: number): number {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`${name} must be a number of milliseconds above 0, got ${ms}`);
  return Math.max(1, Math.round(ms));
}

/**
 * Runs `fn` once per `key`: the first caller claims the key and runs it, and its result (as JSON) is kept for `ttlMs`;
 * concurrent callers poll until the result is there and later ones get it at once (`replayed: true`). When `fn`
 * throws, the claim is released (only if still ours) and the error rethrown, so a retry, or a caller that was waiting,
 * runs `fn` again. The key holds either `{"state":"running","token":…}` or `{"state":"done","value":…}`.
 */
export async function idempotent<T>(
  redis: RedisClient,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
  opts: IdempotentOptions = {},
): Promise<IdempotentResult<T>> {
  const resultTtl = wholeMs('ttlMs', ttlMs);
  const claimTtl = wholeMs('claimTtlMs', opts.claimTtlMs ?? Math.min(resultTtl, 10_000));
  const pollMs = opts.pollMs ?? 20;
  const deadline = Date.now() + (opts.waitMs ?? claimTtl);
  const marker = JSON.stringify({ state: 'running', token: randomToken() } satisfies Stored);
  for (;;) {
    const current = await CLAIM.run(redis, [key], [marker, claimTtl]);
    if (current === null || current === undefined) return runClaimed(redis, key, marker, resultTtl, claimTtl, fn);
    const stored = JSON.parse(current) as Stored;
    if (stored.state === 'done') return { value: stored.value as T, replayed: true };
    if (Date.now() + pollMs > deadline) throw new IdempotencyPendingError(key);
    await sleep(pollMs);
  }
}

async function runClaimed<T>(
  redis: RedisClient,
  key: string,
  marker: string,
  resultTtl: number,
  claimTtl: number,
  fn: () => Promise<T>,
): Promise<IdempotentResult<T>> {
  const heartbeat = setInterval(
    () => void EXTEND.run(redis, [key], [marker, claimTtl]).catch(() => undefined),
    Math.max(1, Math.floor(claimTtl / 3)),
  );
  let done: string;
  let value: T;
  try {
    value = await fn();
    done = JSON.stringify({ state: 'done', value } satisfies Stored);
  } catch (err) {
    clearInterval(heartbeat);
    await RELEASE.run(redis, [key], [marker]);
    throw err;
  }
  clearInterval(heartbeat);
  // If the claim expired anyway (the process stalled past claimTtl), the key is left to whoever holds it now.
  await COMPLETE.run(redis, [key], [marker, done, resultTtl]);
  return { value, replayed: false };
}
