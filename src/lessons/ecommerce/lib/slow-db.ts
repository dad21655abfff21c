// The lesson's stand-in for a database: slow on purpose, and counting every load so the cache's savings show.
import { sleep } from '../../../patterns/index.js';

export interface Product {
  id: string;
  name: string;
  price: number;
  category: string;
}

/** Stands in for the database: every load waits `delayMs` and is counted, so a lesson can show what the cache saves. */
export class SlowProductDb {
  loads = 0;
  constructor(
    readonly delayMs: number,
    private readonly rows: ReadonlyMap<string, Product>,
  ) {}

  async load(id: string): Promise<Product | null> {
    this.loads++;
    await sleep(this.delayMs);
    return this.rows.get(id) ?? null;
  }

  async search(term: string): Promise<string[]> {
    this.loads++;
    await sleep(this.delayMs);
    const t = term.toLowerCase();
    return [...this.rows.values()].filter((p) => p.name.toLowerCase().includes(t)).map((p) => p.id);
  }
}
