// A delayed job queue with visibility timeouts: jobs run at a given time, each claim is leased, a dead worker's job comes back.
import { randomToken, sleep, slotTagged, type RedisClient } from '../client.js';
import { defineScript } from '../lua.js';

/** The keys one delayed queue uses, all derived from its name (one hash slot on a Cluster). */
export interface DelayedQueueKeys {
  /** Sorted set: job id → the time (ms) it may run. */
  due: string;
  /** Hash: job id → payload, until the job is acked. */
  jobs: string;
  /** Sorted set: job id → the time (ms) its current claim expires. */
  inflight: string;
  /** Hash: job id → the token of its current claim (`<worker>/<random>`), so only that claim can ack it. */
  claims: string;
  /** Counter that hands out job ids. */
  seq: string;
}

/** A job handed to one worker: ack it with its `token` before `deadlineMs`, or it goes back to the queue. */
export interface ClaimedDelayedJob {
  id: string;
  job: string;
  /** Proves this claim: a later claim of the same job gets a different token, so a stale ack cannot delete it. */
  token: string;
  /** Server time (ms) when the claim expires and another worker may take the job. */
  deadlineMs: number;
}

/** How long a claim is leased, and whether to wait for a job. */
export interface DelayedClaimOptions {
  /** How long the job stays invisible to other workers; longer than the job takes, or call `extend`. */
  visibilityMs: number;
  /** Poll for up to this long when nothing is due (default 0: try once). */
  waitMs?: number;
  /** Time between polls while waiting (default 50 ms). */
  pollMs?: number;
}

/** Counts of a delayed queue, taken at one instant of the server clock. */
export interface DelayedQueueStats {
  /** Jobs waiting in the due set (including those whose time has not come). */
  scheduled: number;
  /** Of those, the ones whose time has come. */
  ready: number;
  /** Jobs claimed and not yet acked. */
  inFlight: number;
  /** Of those, claims past their deadline (given back at the next claim). */
  expired: number;
}

/** One in-flight claim as `inFlightJobs` lists it. */
export interface DelayedInFlightJob {
  id: string;
  worker: string;
  deadlineMs: number;
}

/** A delayed queue: schedule jobs, claim them as leases, ack with the claim token. */
export interface DelayedQueue {
  readonly name: string;
  readonly keys: DelayedQueueKeys;
  /** Adds a job to run at `runAtMs` (epoch ms by this process's clock); returns its id. */
  schedule(job: string, runAtMs: number): Promise<string>;
  /** Adds a job to run `delayMs` from now by the server's clock (no client clock skew); returns its id. */
  scheduleIn(job: string, delayMs: number): Promise<string>;
  /** Takes the earliest due job for `worker` for `visibilityMs`, or null when nothing is due. */
  claim(worker: string, opts: DelayedClaimOptions): Promise<ClaimedDelayedJob | null>;
  /** Deletes a finished job, only if this claim still holds it; false when it was given back or taken by another worker. */
  ack(claim: Pick<ClaimedDelayedJob, 'id' | 'token'>): Promise<boolean>;
  ack(jobId: string, token: string): Promise<boolean>;
  /** Pushes this claim's deadline to `visibilityMs` from now (a heartbeat for long jobs); false if the claim was lost. */
  extend(claim: Pick<ClaimedDelayedJob, 'id' | 'token'>, visibilityMs: number): Promise<boolean>;
  /** Gives the job back to run again `delayMs` from now (a retry with backoff); false if the claim was lost. */
  release(claim: Pick<ClaimedDelayedJob, 'id' | 'token'>, delayMs?: number): Promise<boolean>;
  /** Jobs not yet acked (scheduled + in flight). */
  size(): Promise<number>;
  stats(): Promise<DelayedQueueStats>;
  /** The claims now in flight, with the worker that holds each. */
  inFlightJobs(): Promise<DelayedInFlightJob[]>;
}

/** The server's clock in ms, read inside the script so every worker compares against the same time. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS due, jobs, seq; ARGV payload, 'at' | 'in', ms. The id, the payload and the due entry are written in one step, so
 * a crash never leaves a due id without its payload (or a payload nobody will ever run).
 */
const SCHEDULE = defineScript<string>(
  'delayed_schedule',
  3,
  `local at = tonumber(ARGV[3])
if ARGV[2] == 'in' then
  ${NOW}
  at = now + at
end
local id = tostring(redis.call('INCR', KEYS[3]))
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[1], at, id)
return id`,
);

/**
 * KEYS due, jobs, inflight, claims; ARGV visibilityMs, token. First gives expired claims back to `due` (their worker is
 * presumed dead), then moves the earliest due job to `inflight`. One script, so two workers can never take the same job,
 * and a job is never in neither set (lost) or both (run twice).
 */
const CLAIM = defineScript<[string, string, number] | null>(
  'delayed_claim',
  4,
  `${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'WITHSCORES', 'LIMIT', 0, 100)
for i = 1, #expired, 2 do
  redis.call('ZREM', KEYS[3], expired[i])
  redis.call('HDEL', KEYS[4], expired[i])
  redis.call('ZADD', KEYS[1], expired[i + 1], expired[i])
end
-- An id without a payload (left by a crash of an older version, or removed by hand) is dropped and the next due
-- job is tried, so one orphan never makes a claim return nothing while other jobs are due.
local id, job
repeat
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
  if #first == 0 then return false end
  id = first[1]
  redis.call('ZREM', KEYS[1], id)
  job = redis.call('HGET', KEYS[2], id)
until job
local deadline = now + tonumber(ARGV[1])
redis.call('ZADD', KEYS[3], deadline, id)
redis.call('HSET', KEYS[4], id, ARGV[2])
return {id, job, deadline}`,
);

/** KEYS jobs, inflight, claims; ARGV id, token. Deletes the job only while this token holds it. */
const ACK = defineScript<number>(
  'delayed_ack',
  3,
  `if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`,
);

/** KEYS inflight, claims; ARGV id, token, visibilityMs. Moves the deadline only while this token holds the job. */
const EXTEND = defineScript<number>(
  'delayed_extend',
  2,
  `if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
${NOW}
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1`,
);

/** KEYS due, inflight, claims; ARGV id, token, delayMs. Puts the job back in `due` only while this token holds it. */
const RELEASE = defineScript<number>(
  'delayed_release',
  3,
  `if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
${NOW}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1`,
);

/** KEYS due, inflight. Counts against the server's clock (read-only). */
const STATS = defineScript<number[]>(
  'delayed_stats',
  2,
  `${NOW}
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[1], '-inf', now),
  redis.call('ZCARD', KEYS[2]), redis.call('ZCOUNT', KEYS[2], '-inf', now)}`,
);

/** KEYS inflight, claims. Every claim with its deadline and token, read in one step (read-only). */
const IN_FLIGHT = defineScript<[string, string, string][]>(
  'delayed_in_flight',
  2,
  `local flat = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local rows = {}
for i = 1, #flat, 2 do
  rows[#rows + 1] = {flat[i], flat[i + 1], redis.call('HGET', KEYS[2], flat[i]) or ''}
end
return rows`,
);

/** The key names a delayed queue called `name` uses: `<name>:due`, `:jobs`, `:inflight`, `:claims`, `:seq`. */
export function delayedQueueKeys(redis: RedisClient, name: string): DelayedQueueKeys {
  const base = slotTagged(redis, name);
  return { due: `${base}:due`, jobs: `${base}:jobs`, inflight: `${base}:inflight`, claims: `${base}:claims`, seq: `${base}:seq` };
}

function wholeMs(name: string, ms: number, min: number): number {
  if (!Number.isInteger(ms) || ms < min) throw new RangeError(`${name} must be a whole number of milliseconds >= ${min}, got ${ms}`);
  return ms;
}

/**
 * A delayed queue stored under `name`. Workers poll `claim`; each claim is a lease of `visibilityMs`: if the worker dies
 * (or stalls) past it, the next `claim` by anyone gives the job to another worker. Delivery is therefore at least once:
 * a job runs twice only when a worker outlives its lease, so pick `visibilityMs` above the longest job or `extend` it.
 * Scheduling times are compared with the server's clock (TIME inside the scripts), so workers' clocks do not matter.
 */
export function createDelayedQueue(redis: RedisClient, name: string): DelayedQueue {
  const keys = delayedQueueKeys(redis, name);
  const add = async (job: string, mode: 'at' | 'in', ms: number) => {
    if (!Number.isFinite(ms)) throw new RangeError(`the run time must be a finite number of milliseconds, got ${ms}`);
    return String(await SCHEDULE.run(redis, [keys.due, keys.jobs, keys.seq], [job, mode, Math.round(ms)]));
  };
  const tryClaim = async (worker: string, visibilityMs: number): Promise<ClaimedDelayedJob | null> => {
    // The worker's name is kept in the token, so `inFlightJobs` can say who holds what.
    const token = `${worker}/${randomToken()}`;
    const res = await CLAIM.run(redis, [keys.due, keys.jobs, keys.inflight, keys.claims], [visibilityMs, token]);
    if (!res) return null;
    return { id: String(res[0]), job: String(res[1]), token, deadlineMs: Number(res[2]) };
  };
  return {
    name,
    keys,
    schedule: (job, runAtMs) => add(job, 'at', runAtMs),
    scheduleIn: (job, delayMs) => add(job, 'in', wholeMs('delayMs', delayMs, 0)),
    async claim(worker, opts) {
      if (!worker || worker.includes('/')) throw new TypeError(`a worker name must be non-empty and without '/', got '${worker}'`);
      const visibilityMs = wholeMs('visibilityMs', opts.visibilityMs, 1);
      const pollMs = wholeMs('pollMs', opts.pollMs ?? 50, 1);
      const deadline = Date.now() + wholeMs('waitMs', opts.waitMs ?? 0, 0);
      for (;;) {
        const claimed = await tryClaim(worker, visibilityMs);
        if (claimed || Date.now() >= deadline) return claimed;
        await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
      }
    },
    async ack(claimOrId: string | Pick<ClaimedDelayedJob, 'id' | 'token'>, token?: string) {
      const c = typeof claimOrId === 'string' ? { id: claimOrId, token } : claimOrId;
      if (!c.token) throw new TypeError('ack needs the token of the claim (a stale ack must not delete a re-claimed job)');
      return Number(await ACK.run(redis, [keys.jobs, keys.inflight, keys.claims], [c.id, c.token])) === 1;
    },
    async extend(claim, visibilityMs) {
      const ms = wholeMs('visibilityMs', visibilityMs, 1);
      return Number(await EXTEND.run(redis, [keys.inflight, keys.claims], [claim.id, claim.token, ms])) === 1;
    },
    async release(claim, delayMs = 0) {
      const ms = wholeMs('delayMs', delayMs, 0);
      return Number(await RELEASE.run(redis, [keys.due, keys.inflight, keys.claims], [claim.id, claim.token, ms])) === 1;
    },
    size: () => redis.hlen(keys.jobs),
    async stats() {
      const [scheduled, ready, inFlight, expired] = (await STATS.run(redis, [keys.due, keys.inflight])).map(Number);
      return { scheduled: scheduled!, ready: ready!, inFlight: inFlight!, expired: expired! };
    },
    async inFlightJobs() {
      const rows = await IN_FLIGHT.run(redis, [keys.inflight, keys.claims]);
      return rows.map(([id, deadline, token]) => ({
        id: String(id),
        worker: String(token).slice(0, Math.max(0, String(token).lastIndexOf('/'))),
        deadlineMs: Number(deadline),
      }));
    },
  };
}
