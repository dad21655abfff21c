// A client that knows only the Sentinels: it asks them where mymaster is, writes there in a loop, and across a
// failover reconnects wherever they point next. Every write is numbered (RPUSH of its number to one list), so what the
// client was told (OK or an error) can be compared with what the new primary holds.
import type { Redis } from 'ioredis';
import type { Lab } from '../../../lab/lab.js';
import { MASTER, SENTINELS, nameOfPort, sleep } from './topology.js';

export interface Write {
  n: number;
  /** When the reply (or the error) came, ms on the writer's clock (performance.now()). */
  at: number;
  ok: boolean;
  /** The node that acknowledged it (ok writes). */
  node?: string;
}

export class SentinelWriter {
  readonly writes: Write[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private next = 1;

  private constructor(
    private readonly lab: Lab,
    readonly client: Redis,
    private readonly key: string,
  ) {}

  /** A Sentinel-aware ioredis client (it knows the three Sentinels, not the primary), connected. */
  static async open(lab: Lab, key: string): Promise<SentinelWriter> {
    const { Redis } = await import('ioredis');
    const client = new Redis({
      sentinels: SENTINELS.map((s) => ({ host: '127.0.0.1', port: lab.node(s).port })),
      name: MASTER,
      protocol: 2,
      lazyConnect: true,
      // Fail fast while there is no primary, so each failed attempt is counted; retry the Sentinels every 50 ms.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 500,
      commandTimeout: 500,
      // A paused Sentinel accepts the connection and never answers: without this the client would wait on it forever.
      sentinelCommandTimeout: 300,
      retryStrategy: () => 50,
      sentinelRetryStrategy: () => 50,
      enableReadyCheck: false,
    });
    client.on('error', () => {});
    await client.connect();
    return new SentinelWriter(lab, client, key);
  }

  /** The node the client is connected to now (by the port its socket reaches). */
  where(): string {
    const port = (this.client as unknown as { stream?: { remotePort?: number } }).stream?.remotePort;
    return port ? nameOfPort(this.lab, port) : '?';
  }

  /** Starts writing one numbered entry at a time, `pauseMs` between failed attempts. */
  start(pauseMs = 20): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const n = this.next++;
        try {
          await this.client.rpush(this.key, String(n));
          this.writes.push({ n, at: performance.now(), ok: true, node: this.where() });
        } catch {
          this.writes.push({ n, at: performance.now(), ok: false });
          await sleep(pauseMs);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Waits until `n` more writes were acknowledged (or `ms` pass). */
  async acked(n: number, ms: number): Promise<boolean> {
    const target = this.writes.filter((w) => w.ok).length + n;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (this.writes.filter((w) => w.ok).length >= target) return true;
      await sleep(10);
    }
    return false;
  }

  close(): void {
    this.running = false;
    this.client.disconnect();
  }
}
