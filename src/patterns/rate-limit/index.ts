// Rate limiting: four algorithms behind one `createRateLimiter`, each one atomic Lua script whose keys always expire.
import type { RedisClient } from '../client.js';
import { checkRateLimitArgs, fixedWindowAllow } from './fixed-window.js';
import { slidingCounterAllow } from './sliding-counter.js';
import { slidingLogAllow } from './sliding-log.js';
import { tokenBucketAllow } from './token-bucket.js';

export {
  checkRateLimitArgs,
  fixedWindowAllow,
  fixedWindowHit,
  fixedWindowHitMulti,
  windowKey,
  type FixedWindowResult,
} from './fixed-window.js';
export { slidingLogAllow } from './sliding-log.js';
export { slidingCounterAllow } from './sliding-counter.js';
export { tokenBucketAllow } from './token-bucket.js';
export { blockedFor, clearFailures, loginLockoutKeys, recordFailedLogin, type LockoutOptions } from './lockout.js';

/** The algorithms `createRateLimiter` offers. */
export type RateLimitAlgorithm = 'fixed-window' | 'sliding-log' | 'sliding-counter' | 'token-bucket';

/** The answer to one request. */
export interface RateLimitResult {
  allowed: boolean;
  /** Requests still allowed right now (0 when refused). */
  remaining: number;
  /** 0 when allowed; when refused, how long until a request would be admitted (the value for a Retry-After header). */
  retryAfterMs: number;
}

export interface RateLimiterOptions {
  algorithm: RateLimitAlgorithm;
  /** Requests per window (the bucket's capacity for the token bucket). */
  limit: number;
  /** The window (the time to refill the whole bucket for the token bucket). */
  windowMs: number;
  /** Every id's key is `<prefix><id>`: the only key the limiter touches for that id. */
  prefix: string;
}

/** A rate limiter for many ids (users, API keys, IPs): one key per id, independent of the others. */
export interface RateLimiter {
  readonly algorithm: RateLimitAlgorithm;
  /** Counts one request from `id` (if admitted) and says whether it may proceed. */
  allow(id: string): Promise<RateLimitResult>;
  /** The key that holds `id`'s state: `<prefix><id>`. */
  keyFor(id: string): string;
  /** Forgets `id`'s requests (e.g. after an admin unblocks it). */
  reset(id: string): Promise<void>;
}

/** Each algorithm's one-call form: (redis, key, limit, windowMs). */
export const RATE_LIMIT_ALGORITHMS: Readonly<
  Record<RateLimitAlgorithm, (redis: RedisClient, key: string, limit: number, windowMs: number) => Promise<RateLimitResult>>
> = {
  'fixed-window': fixedWindowAllow,
  'sliding-log': slidingLogAllow,
  'sliding-counter': slidingCounterAllow,
  'token-bucket': tokenBucketAllow,
};

/**
 * Creates a limiter of `limit` requests per `windowMs` per id. Each `allow` is one script run (atomic, EVALSHA), on
 * the server's clock, touching one key that carries an expiry set in the same script: nothing is left without a TTL
 * even if the caller dies mid-request. One key per call, so it works on a Cluster.
 */
export function createRateLimiter(redis: RedisClient, opts: RateLimiterOptions): RateLimiter {
  const run = RATE_LIMIT_ALGORITHMS[opts.algorithm];
  if (!run) throw new TypeError(`unknown rate-limit algorithm ${String(opts.algorithm)}`);
  const { limit, windowMs, prefix } = opts;
  checkRateLimitArgs(limit, windowMs);
  const keyFor = (id: string) => `${prefix}${id}`;
  return {
    algorithm: opts.algorithm,
    keyFor,
    allow: (id) => run(redis, keyFor(id), limit, windowMs),
    async reset(id) {
      await redis.unlink(keyFor(id));
    },
  };
}
