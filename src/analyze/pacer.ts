// Pacing: after each round trip, a pause long enough that the analysis keeps at most `pace` % of the server's time.
import { performance } from 'node:perf_hooks';
import { sleep } from '../patterns/client.js';

/** Shorter pauses are saved up: a timer cannot sleep 0.3 ms, and overshoots by about a millisecond. */
const MIN_PAUSE_MS = 2;

export interface PacerStats {
  /** The most of the server's time the analysis may take, in % (100: no pauses). */
  pace: number;
  roundTrips: number;
  /** Our round trips less the network's share (a PING's round trip): an upper bound of the server's time. */
  busyMs: number;
  pausedMs: number;
}

/**
 * Keeps the analysis to a duty cycle: for every `busy` ms the server spends on our commands, it is left alone for
 * busy × (100 / pace − 1) ms. The server's share of a round trip is its duration less the network round trip
 * measured before the analysis started (a PING), so a distant server is not paced as if it were slow.
 */
export class Pacer {
  private stats: PacerStats;
  private owed = 0;

  constructor(
    pace: number,
    private readonly networkMs: number,
    private readonly stopped: () => boolean = () => false,
  ) {
    this.stats = { pace, roundTrips: 0, busyMs: 0, pausedMs: 0 };
  }

  /** Times one round trip: `fn` runs, then the pause it owes (if any) is taken. */
  async timed<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const out = await fn();
    await this.spent(performance.now() - t0);
    return out;
  }

  /** Records a round trip of `rttMs` and pauses for what the pace asks. */
  async spent(rttMs: number): Promise<void> {
    const busy = Math.max(rttMs - this.networkMs, 0.02);
    this.stats.roundTrips++;
    this.stats.busyMs += busy;
    if (this.stats.pace >= 100) return;
    this.owed += busy * (100 / this.stats.pace - 1);
    if (this.owed < MIN_PAUSE_MS || this.stopped()) return;
    const t0 = performance.now();
    await sleep(this.owed);
    const slept = performance.now() - t0;
    this.stats.pausedMs += slept;
    // An overshoot is credit for the next pause.
    this.owed -= slept;
  }

  get result(): PacerStats {
    return { ...this.stats };
  }
}
