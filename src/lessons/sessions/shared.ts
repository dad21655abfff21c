// The sessions lesson's numbers and key names, shared by its sections, its prose (through the lesson's vars) and its test.

/** A session's idle timeout: 30 minutes. */
export const SESSION_TTL = 1800;

/** The cart-merge race: this many tabs log in at once, each merging the same guest cart. */
export const MERGE_LOGINS = 10;
export const RACE_GUEST_CART: Readonly<Record<string, number>> = { 'PROD-7': 2, 'PROD-12': 1, 'PROD-30': 3 };
export const RACE_USER_CART: Readonly<Record<string, number>> = { 'PROD-7': 1 };

/** The cart-line race: this many lines at 1 unit, each with one tab removing a unit and one tab adding one. */
export const LINE_RACE_LINES = 10;
/** How long the naive "−" button takes between its HINCRBY reply and its HDEL (a round trip and a decision). */
export const LINE_RACE_PAUSE_MS = 5;
/** How much later the other tab's "+" arrives. */
export const LINE_RACE_ADD_DELAY_MS = 1;

/** The idempotency race: this many copies of one payment request arrive at once (a client retrying after a timeout). */
export const RETRIES = 25;
/** How long the simulated payment provider takes to charge a card. */
export const PAYMENT_MS = 30;
/** How long an idempotency key keeps its result: 24 hours. */
export const RESULT_TTL = 86_400;
/** How long a claim lives when the worker that took it dies: 30 seconds. */
export const CLAIM_TTL = 30;

/** The feature-flag store: one hash flag → percentage, one set per flag for its allow-list. */
export const FLAGS = 'sessions:flags';
export const allowList = (flag: string) => `${FLAGS}:allow:${flag}`;

export const sumOf = (cart: Readonly<Record<string, number>>) => Object.values(cart).reduce((a, b) => a + b, 0);
