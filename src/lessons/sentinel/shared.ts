// The numbers the sentinel lesson's live steps use, and the key its writer appends to. The prose quotes them through
// the lesson's vars (index.ts).

/** The list the Sentinel-aware writer appends its numbered writes to. */
export const ORDERS = 'sentinel:orders';
/** Writes acknowledged before the lesson starts breaking things. */
export const WARMUP_WRITES = 200;
/** How long both replicas stay cut off from the primary (a partition, a stalled link) before the kill. */
export const CUT_MS = 300;
/** Writes the client must land on the new primary before the lesson stops it. */
export const AFTER_WRITES = 100;
/** The failover timeout sentinel-1 runs with while it tries alone (its election gives up after it). */
export const SHORT_FAILOVER_TIMEOUT_MS = 2000;
