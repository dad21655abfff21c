// The messaging lesson's numbers and names: race sizes the prose quotes (through vars), and the fixed stream ids the
// exercises' setups write, so their reference solutions can name them.

/** Workers in the list-queue race, jobs they share, and which of them are killed after taking their 2nd job. */
export const QUEUE_WORKERS = 5;
export const QUEUE_JOBS = 30;
export const KILLED_WORKERS: readonly number[] = [1, 3];

/** Workers polling the delayed queue in the race, jobs due now, and jobs due in an hour (which must not run). */
export const POLLERS = 5;
export const DUE_JOBS = 30;
export const LATER_JOBS = 5;

/** Messages published in each phase of the pub/sub step: before, during and after the subscriber's absence. */
export const PER_PHASE = 2;

/** An entry id `n` seconds after 2024-06-10 06:13:20 UTC: readable ids the learner can type back. */
export const sid = (n: number): string => `${1718000000000 + n * 1000}-0`;

/** read-ack: four shipments, delivered to nobody yet. */
export const SHIPMENT_IDS: readonly string[] = [1, 2, 3, 4].map(sid);

/** reclaim-dead: entries 1-3 pending for c-dead for an hour, 4 pending for c-live right now, 5 never delivered. */
export const PAYMENT_IDS: readonly string[] = [1, 2, 3, 4, 5].map(sid);
export const DEAD_IDS = PAYMENT_IDS.slice(0, 3);
export const LIVE_ID = PAYMENT_IDS[3]!;
/** How long c-dead's entries have been idle, and the threshold the task names. */
export const DEAD_IDLE_MS = 3_600_000;
export const MIN_IDLE_MS = 600_000;

/** restart-pending: 1-3 delivered to worker-1 before its crash, 4-5 new. */
export const INVOICE_IDS: readonly string[] = [1, 2, 3, 4, 5].map(sid);

/** trim-acked: ten events; billing is done with 1-6 (7, 8 pending), analytics with 1-4 (5, 6 pending). */
export const EVENT_IDS: readonly string[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(sid);

/** schedule-job: 1 July 2030, 09:00 UTC, and the job already there an hour earlier. */
export const RUN_AT_S = 1909126800;
export const RUN_AT_MS = RUN_AT_S * 1000;
export const EARLIER_MS = RUN_AT_MS - 3_600_000;
