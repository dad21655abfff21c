// The numbers the locks lesson's races and demonstrations use, and the small counter the races measure with. Values
// the prose quotes reach it through the lesson's vars (index.ts).

/** lock-race: clients racing for one lock, and how long each holds it. */
export const LOCK_RACE_CLIENTS = 50;
export const LOCK_RACE_HOLD_MS = 5;

/** release-race: workers, the lock's TTL, a normal holder's work, and how long the slow holder stays paused. */
export const RELEASE_CLIENTS = 10;
export const RELEASE_TTL_MS = 100;
export const RELEASE_WORK_MS = 20;
export const SLOW_PAUSE_MS = 160;
export const SLOW_ROUNDS = 4;

/** slow-holder: the lock's TTL and the pause that outlasts it. */
export const FENCE_TTL_MS = 100;
export const FENCE_PAUSE_MS = 150;

/** semaphore-race: clients, slots, how long each holds its slot. */
export const SEM_CLIENTS = 20;
export const SEM_LIMIT = 3;
export const SEM_HOLD_MS = 10;

/** How many workers are inside a critical section right now, and the most there ever were at once. */
export class Occupancy {
  inside = 0;
  max = 0;
  entries = 0;
  /** Times a worker entered while another was still inside. */
  overlaps = 0;

  enter(): void {
    if (this.inside > 0) this.overlaps++;
    this.inside++;
    this.entries++;
    this.max = Math.max(this.max, this.inside);
  }

  leave(): void {
    this.inside--;
  }
}
