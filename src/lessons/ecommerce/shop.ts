// The shop every section of the ecommerce lesson works on: its catalogue, its stores, its visitors, the sizes of its
// races and the key names a test reads back. Numbers the prose quotes reach it through the lesson's vars (index.ts).
/** A row of the shop's product table. */
export interface Product {
  id: string;
  name: string;
  price: number;
  category: string;
}

/** The catalogue the simulated database serves. */
export const CATALOGUE: ReadonlyMap<string, Product> = new Map(
  (
    [
      ['PROD-7', 'Brass desk lamp', 49.9, 'lighting'],
      ['PROD-12', 'LED desk lamp', 29.5, 'lighting'],
      ['PROD-18', 'Oak standing desk', 399, 'furniture'],
      ['PROD-23', 'Floor lamp, linen shade', 89, 'lighting'],
      ['PROD-30', 'Ceramic coffee mug', 12, 'kitchen'],
      ['PROD-31', 'Clamp desk lamp', 35, 'lighting'],
      ['PROD-42', 'Wool desk mat', 24, 'office'],
    ] as const
  ).map(([id, name, price, category]) => [id, { id, name, price, category }]),
);

/** How long the "database" takes per query: slow enough to see, short enough to wait for. */
export const DB_DELAY_MS = 40;

export const CART_RACE_CLIENTS = 20;
export const STAMPEDE_CLIENTS = 30;
export const BUYERS = 50;
export const UNITS = 10;
export const FLASH_CLIENTS = 20;
export const FLASH_USERS = 4;
export const FLASH_PER_USER = 2;

/** Guest and user carts the merge race starts from. */
export const RACE_GUEST_CART: Readonly<Record<string, number>> = { 'PROD-7': 2, 'PROD-12': 1, 'PROD-30': 3 };
export const RACE_USER_CART: Readonly<Record<string, number>> = { 'PROD-7': 1 };
export const sumOf = (cart: Readonly<Record<string, number>>) => Object.values(cart).reduce((a, b) => a + b, 0);

export const BERLIN_STORES: readonly [string, number, number][] = [
  ['alexanderplatz', 13.4132, 52.5219],
  ['potsdamer-platz', 13.376, 52.5096],
  ['kreuzberg', 13.4033, 52.499],
  ['prenzlauer-berg', 13.4244, 52.5386],
  ['charlottenburg', 13.304, 52.5163],
  ['spandau', 13.2, 52.536],
];

/** Three days of visitors: [first id, last id] with overlaps, so the union is smaller than the sum. */
export const VISITOR_DAYS: readonly [string, number, number][] = [
  ['2024-06-01', 0, 2999],
  ['2024-06-02', 2000, 5499],
  ['2024-06-03', 4500, 7999],
];

/** The counter the rate-window exercise opens. */
export const RATE_EXERCISE_KEY = 'rate:api:k-42:28500000';
/** The counter the rate-limit step lets expire between SET … NX and INCR. */
export const RATE_GAP_KEY = 'rate:api:k-setnx:28500000';

/** The commands that run a script on the server: what the atomicity checks accept as "one unit". */
export const SCRIPT_CALL = /^(EVAL|EVALSHA|FCALL)$/;

/** 0.125 → "12.5 %". */
export function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** A race step as a section declares it (no title or text: those come from the Markdown), with its state typed. */
export type { RaceSpec } from '../../engine/prose.js';
