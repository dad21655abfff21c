// The numbers the replication lesson's demonstrations use (the prose quotes them through vars), and the figures each
// run measured, kept for the lesson's own test to assert on.

/** replica-reads: SET on the primary and GET on replica-1 sent at the same moment, this many times. */
export const STALE_TRIES = 200;

/** lag: writes per tick while replica-2 is paused, the size of each value, and how many ticks of 500 ms. */
export const LAG_WRITES_PER_TICK = 200;
export const LAG_VALUE_BYTES = 1000;
export const LAG_TICKS = 5;

/** resync: a short cut (a few small writes) and a long one (big values, well past the default 1 MB backlog). */
export const SHORT_CUT_WRITES = 20;
export const LONG_CUT_WRITES = 350;
export const LONG_CUT_VALUE_BYTES = 10 * 1024;
/** What the long cut piles up in the replication stream, about: the size-backlog exercise must cover it. */
export const LONG_CUT_BYTES = LONG_CUT_WRITES * LONG_CUT_VALUE_BYTES;
/** The backlog the check asks for: the gap plus the commands' own bytes (key names, protocol), rounded up. */
export const BACKLOG_NEEDED = Math.ceil((LONG_CUT_BYTES * 1.03) / 1024) * 1024;

/** lost-writes: orders written while the replicas were linked, then while they were cut off. */
export const ORDERS_BEFORE = 100;
export const ORDERS_DURING = 100;

/** promote / repoint: the orders on the primary before it dies. */
export const FAILOVER_ORDERS = 50;

/** isolated-primary: the guard the min-replicas exercise asks for, and how long the demonstration waits at most. */
export const GUARD_REPLICAS = 1;
export const GUARD_MAX_LAG = 3;
export const ISOLATION_LIMIT_MS = 9000;
export const ISOLATION_WRITE_EVERY_MS = 200;

/** What this run measured (the lesson's test asserts ranges on them). */
export interface Figures {
  staleReads?: { stale: number; tries: number };
  lag?: { maxBehindBytes: number; maxLagSeconds: number; catchUpMs: number };
  resync?: { shortGap: number; shortPartial: number; shortFull: number; longGap: number; longPartial: number; longFull: number };
  backlogProof?: { backlog: number; gap: number; partial: number; full: number };
  waitLimits?: { waitOne: number; waitTwo: number; waitTwoMs: number; holdersAfter: number };
  lostWrites?: { before: number; during: number; acknowledged: number; survived: number; killMs: number };
  isolation?: { accepted: number; refusedAfterMs: number; refused: boolean };
}

export const figures: Figures = {};
