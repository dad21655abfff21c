// A Sentinel's own account of a failover: its Pub/Sub events (+sdown, +odown, +elected-leader, +switch-master…),
// heard on an unrecorded connection of our own and stamped with the time since the moment the lesson chose (a kill).
import type { Redis } from 'ioredis';
import type { Lab } from '../../../lab/lab.js';
import { adminCall } from '../../../lab/admin.js';
import { nameOfPort, sleep } from './topology.js';

export interface SentinelEvent {
  /** Milliseconds since the watch's zero (set by mark()). */
  ms: number;
  /** The channel: +sdown, +odown, +switch-master… */
  event: string;
  /** The message, with lab addresses replaced by node names. */
  detail: string;
  raw: string;
}

/**
 * A Sentinel message made readable: lab addresses ("127.0.0.1 6379", "127.0.0.1:6379") and Sentinel run ids as node
 * names, repeated names once, "slave" as replica, and +switch-master's two addresses as "old → new".
 */
export function named(lab: Lab, text: string, runIds: ReadonlyMap<string, string> = new Map(), event = ''): string {
  let t = text
    .replace(/\b[0-9a-f]{40}\b/g, (id) => runIds.get(id) ?? id.slice(0, 8))
    .replace(/127\.0\.0\.1[: ](\d{2,5})/g, (_m, port: string) => nameOfPort(lab, port))
    .replace(/(\S+) \1(?=\s|$)/g, '$1')
    .replace(/\bslave\b/g, 'replica');
  if (event === '+switch-master') t = t.replace(/^(\S+) (\S+) (\S+)$/, '$1: $2 → $3');
  if (event === '+vote-for-leader') t = t.replace(/^(\S+) (\d+)$/, '$1 (epoch $2)');
  return t;
}

/** Each Sentinel's id (SENTINEL MYID: how Sentinel messages name Sentinels) → its node name. */
export async function sentinelRunIds(lab: Lab): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const n of lab.nodes.filter((x) => x.kind === 'sentinel')) {
    const id = await adminCall(n.port, ['SENTINEL', 'MYID'], { timeoutMs: 800 }).catch(() => null);
    if (typeof id === 'string') map.set(id, n.name);
  }
  return map;
}

/** Subscribes to every event channel of one Sentinel; events are kept in order with their time. */
export class EventWatch {
  readonly events: SentinelEvent[] = [];
  private zero = performance.now();
  private readonly conn: Redis;
  private waiters: { want: (e: SentinelEvent) => boolean; done: (e: SentinelEvent) => void }[] = [];

  private constructor(
    private readonly lab: Lab,
    readonly sentinel: string,
    RedisClass: typeof Redis,
    private readonly runIds: ReadonlyMap<string, string>,
  ) {
    this.conn = new RedisClass({
      host: '127.0.0.1',
      port: lab.node(sentinel).port,
      protocol: 2,
      lazyConnect: true,
      retryStrategy: () => 100,
      enableReadyCheck: false,
    });
    this.conn.on('error', () => {});
    this.conn.on('pmessage', (_pattern: string, channel: string, message: string) => {
      if (channel.startsWith('__')) return;
      const e = {
        ms: Math.round(performance.now() - this.zero),
        event: channel,
        detail: named(this.lab, message, this.runIds, channel),
        raw: message,
      };
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => {
        if (!w.want(e)) return true;
        w.done(e);
        return false;
      });
    });
  }

  static async open(lab: Lab, sentinel: string): Promise<EventWatch> {
    const { Redis: RedisClass } = await import('ioredis');
    const w = new EventWatch(lab, sentinel, RedisClass, await sentinelRunIds(lab));
    await w.conn.connect();
    await w.conn.psubscribe('*');
    return w;
  }

  /** From now on, times count from here (and earlier events are forgotten). */
  mark(): void {
    this.zero = performance.now();
    this.events.length = 0;
  }

  /** Milliseconds since the mark. */
  now(): number {
    return Math.round(performance.now() - this.zero);
  }

  /** The first event (seen or to come) named `event` and matching `match`, or null after `ms`. */
  async wait(event: string, ms: number, match: (e: SentinelEvent) => boolean = () => true): Promise<SentinelEvent | null> {
    const want = (e: SentinelEvent) => e.event === event && match(e);
    const seen = this.events.find(want);
    if (seen) return seen;
    return new Promise((resolve) => {
      const waiter = { want, done: (e: SentinelEvent) => resolve(e) };
      this.waiters.push(waiter);
      void sleep(ms).then(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      });
    });
  }

  first(event: string): SentinelEvent | undefined {
    return this.events.find((e) => e.event === event);
  }

  close(): void {
    this.conn.disconnect();
  }
}
