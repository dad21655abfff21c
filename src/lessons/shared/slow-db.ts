// The lessons' stand-in for a database: slow on purpose, counting every query so the cache's savings (and a
// stampede's cost) show as numbers, and able to refuse a write so write-through and write-behind can fail live.
import { sleep } from '../../patterns/index.js';

/** A database in a Map: every query waits `delayMs` and is counted; `failing` makes saves of those ids throw. */
export class SlowDb<T> {
  /** Reads (loads) so far. */
  loads = 0;
  /** Writes accepted so far, oldest first. */
  readonly saved: { id: string; value: T }[] = [];
  /** Ids whose saves throw (the database is down for them, or refuses the value). */
  readonly failing = new Set<string>();
  private readonly rows: Map<string, T>;

  constructor(
    readonly delayMs: number,
    rows: Iterable<[string, T]> = [],
  ) {
    this.rows = new Map(rows);
  }

  /** Reads one row; null when there is no such row. */
  async load(id: string): Promise<T | null> {
    this.loads++;
    await sleep(this.delayMs);
    return this.rows.get(id) ?? null;
  }

  /** The ids of the rows `matches` accepts: one query over the whole table. */
  async search(matches: (row: T) => boolean): Promise<string[]> {
    this.loads++;
    await sleep(this.delayMs);
    return [...this.rows].filter(([, row]) => matches(row)).map(([id]) => id);
  }

  /** Writes one row, or throws when `id` is failing. */
  async save(id: string, value: T): Promise<void> {
    await sleep(this.delayMs);
    if (this.failing.has(id)) throw new Error(`database refused the write of ${id}`);
    this.rows.set(id, value);
    this.saved.push({ id, value });
  }

  /** Changes a row behind the cache's back (another service, an admin tool): nobody tells the cache. */
  update(id: string, value: T): void {
    this.rows.set(id, value);
  }

  peek(id: string): T | null {
    return this.rows.get(id) ?? null;
  }
}
