// What every section of the caching lesson shares: the catalogue the slow database serves, the sizes and timings of
// its races, and small helpers for checks. Numbers the prose quotes reach it through the lesson's vars (index.ts).
import type { RanCommand } from '../../engine/checks.js';
/** A row of the lesson's product table. */
export interface Product {
  name: string;
  price: number;
}

export type { RaceSpec } from '../../engine/prose.js';

/** The products the lesson's database holds. */
export const CATALOGUE: ReadonlyMap<string, Product> = new Map([
  ['PROD-1', { name: 'Brass desk lamp', price: 49 }],
  ['PROD-2', { name: 'Oak standing desk', price: 399 }],
  ['PROD-3', { name: 'Clamp lamp', price: 25 }],
  ['PROD-42', { name: 'Linen floor lamp', price: 89 }],
]);

/** How long the "database" takes per query: slow enough to see, short enough to wait for. */
export const DB_DELAY_MS = 50;

/** The stampede race: app servers, how often each gets a request, how long they run, the hot key's time left. */
export const STAMPEDE_CLIENTS = 20;
export const REQUEST_EVERY_MS = 20;
export const STAMPEDE_RUN_MS = 200;
export const HOT_TTL_LEFT_MS = 100;

/** The avalanche race: app servers warming the cache after a deploy, products each, base TTL and jitter. */
export const WARM_CLIENTS = 20;
export const WARM_PER_CLIENT = 10;
export const WARM_TTL_S = 300;
export const WARM_JITTER = 0.2;
/** Reloads per second the database can take while the cache refills. */
export const DB_RELOADS_PER_S = 20;

/** The penetration race: clients, lookups each, and how long "not found" stays cached. */
export const PENETRATION_CLIENTS = 20;
export const LOOKUPS_EACH = 5;
export const MISS_TTL_S = 30;

/** 0.125 → "12.5 %". */
export const pct = (ratio: number): string => `${(ratio * 100).toFixed(ratio === 1 || ratio === 0 ? 0 : 1)} %`;

/** JSON equality of a stored string with an expected value; false for a missing key or text that is not JSON. */
export function sameJson(raw: string | null, want: unknown): boolean {
  if (raw === null) return false;
  try {
    return JSON.stringify(JSON.parse(raw)) === JSON.stringify(want);
  } catch {
    return false;
  }
}

/** The TTL a command asked for, in seconds (EXPIRE, PEXPIRE, SET … EX/PX, GETEX, SETEX, PSETEX), or null. */
export function requestedTtlSeconds(c: RanCommand): number | null {
  const up = c.args.map((a) => a.toUpperCase());
  const num = (s: string | undefined, scale: number) => (s !== undefined && /^\d+$/.test(s) ? Number(s) / scale : null);
  switch (c.name) {
    case 'EXPIRE':
      return num(c.args[2], 1);
    case 'PEXPIRE':
      return num(c.args[2], 1000);
    case 'SETEX':
      return num(c.args[2], 1);
    case 'PSETEX':
      return num(c.args[2], 1000);
    case 'SET':
    case 'GETEX': {
      const from = c.name === 'SET' ? 3 : 2;
      for (let i = from; i < up.length; i++) {
        if (up[i] === 'EX') return num(c.args[i + 1], 1);
        if (up[i] === 'PX') return num(c.args[i + 1], 1000);
      }
      return null;
    }
    default:
      return null;
  }
}
