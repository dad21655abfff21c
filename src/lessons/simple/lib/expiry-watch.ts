// Watches a key with a millisecond TTL count down until Redis reports it gone.
import type { Redis } from 'ioredis';
import { sleep } from '../../../patterns/index.js';

export interface TtlReading {
  /** Milliseconds since the key was written. */
  elapsedMs: number;
  /** PTTL's reply: remaining ms, or -2 once the key no longer exists. */
  pttl: number;
}

export interface WatchOptions {
  ttlMs: number;
  intervalMs: number;
  /** Stops after this many readings even if the key is still there (keeps the watch bounded). */
  maxReadings: number;
}

/** Writes `value` with a PX TTL, then polls PTTL until it reports -2 (or maxReadings is reached). */
export async function watchExpiry(
  redis: Redis,
  key: string,
  value: string,
  opts: WatchOptions,
  onReading?: (r: TtlReading) => void,
): Promise<TtlReading[]> {
  const readings: TtlReading[] = [];
  await redis.set(key, value, 'PX', opts.ttlMs);
  const start = Date.now();
  while (readings.length < opts.maxReadings) {
    const pttl = await redis.pttl(key);
    const reading = { elapsedMs: Date.now() - start, pttl };
    readings.push(reading);
    onReading?.(reading);
    if (pttl === -2) break;
    // Sleep to just past the deadline when it is closer than one interval, so the last reading sees -2.
    await sleep(pttl >= 0 && pttl < opts.intervalMs ? pttl + 20 : opts.intervalMs);
  }
  return readings;
}
