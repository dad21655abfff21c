// A small cluster-aware client for the lab REPL, like `redis-cli -c`: one plain ioredis connection per node (opened on
// first use), a slot map learned from MOVED replies, and each MOVED or ASK redirection reported as it is followed.
import { Redis } from 'ioredis';

export const CLUSTER_SLOTS = 16384;

/** CRC16/XMODEM (polynomial 0x1021), the checksum Redis Cluster uses for key slots. */
export function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The slot of `key`: CRC16 of the hash tag (the part between the first `{` and the next `}`, if not empty), mod 16384. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key, 'utf8')) % CLUSTER_SLOTS;
}

/** Commands whose first argument is not a key: sent to the current node (a wrong guess costs only a MOVED). */
const KEYLESS = new Set([
  'acl',
  'asking',
  'auth',
  'bgrewriteaof',
  'bgsave',
  'client',
  'cluster',
  'command',
  'config',
  'dbsize',
  'debug',
  'echo',
  'eval',
  'eval_ro',
  'evalsha',
  'evalsha_ro',
  'fcall',
  'fcall_ro',
  'flushall',
  'flushdb',
  'function',
  'hello',
  'info',
  'keys',
  'lastsave',
  'latency',
  'lolwut',
  'memory',
  'module',
  'monitor',
  'multi',
  'exec',
  'discard',
  'object',
  'ping',
  'psubscribe',
  'publish',
  'pubsub',
  'punsubscribe',
  'quit',
  'randomkey',
  'readonly',
  'readwrite',
  'reset',
  'role',
  'save',
  'scan',
  'script',
  'select',
  'shutdown',
  'slowlog',
  'spublish',
  'ssubscribe',
  'subscribe',
  'swapdb',
  'sunsubscribe',
  'sync',
  'time',
  'unsubscribe',
  'unwatch',
  'wait',
  'xread',
  'xreadgroup',
  'blmpop',
  'bzmpop',
  'lmpop',
  'zmpop',
  'sintercard',
  'zdiff',
  'zinter',
  'zunion',
  'zintercard',
]);

/** The key that decides where `args` goes, or null for a command that names none (or one we do not guess). */
export function routingKey(args: readonly string[]): string | null {
  const name = args[0]?.toLowerCase();
  if (!name || KEYLESS.has(name) || args.length < 2) return null;
  return args[1]!;
}

export interface Redirection {
  kind: 'MOVED' | 'ASK';
  slot: number;
  /** host:port as the node sent it. */
  address: string;
}

/** A MOVED or ASK error reply, parsed; null for any other error. */
export function parseRedirection(message: string): Redirection | null {
  const m = /^(MOVED|ASK) (\d+) (\S+)$/.exec(message.trim());
  return m ? { kind: m[1] as 'MOVED' | 'ASK', slot: Number(m[2]), address: m[3]! } : null;
}

export interface ClusterReply {
  reply?: unknown;
  /** The error reply's text, when the command failed (after following redirections). */
  error?: string;
  /** The node that answered. */
  address: string;
}

/** At most this many redirections per command (a slot moving back and forth must not loop forever). */
export const MAX_REDIRECTIONS = 5;

export class LabClusterClient {
  private readonly conns = new Map<string, Redis>();
  private readonly slots = new Map<number, string>();
  /** Where a command without a key, or with a slot not learned yet, goes: the node of the last reply. */
  current: string;

  constructor(
    start: string,
    private readonly onRedirect: (r: Redirection) => void = () => {},
  ) {
    this.current = start;
  }

  private conn(address: string): Redis {
    let c = this.conns.get(address);
    if (!c) {
      const i = address.lastIndexOf(':');
      c = new Redis({
        host: address.slice(0, i),
        port: Number(address.slice(i + 1)),
        lazyConnect: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableReadyCheck: false,
        connectTimeout: 2000,
      });
      // An unreachable node shows up as the command's error; the event would otherwise be printed by ioredis.
      c.on('error', () => {});
      this.conns.set(address, c);
    }
    return c;
  }

  /** The node a command goes to first: the learned owner of its key's slot, else the current node. */
  route(args: readonly string[]): string {
    const key = routingKey(args);
    return (key !== null && this.slots.get(keySlot(key))) || this.current;
  }

  /** Runs `args` on the right node, following MOVED (learning the slot) and ASK (ASKING first) redirections. */
  async call(args: readonly string[]): Promise<ClusterReply> {
    let address = this.route(args);
    let asking = false;
    for (let hop = 0; ; hop++) {
      const c = this.conn(address);
      try {
        let reply: unknown;
        if (asking) {
          const res = await c
            .pipeline()
            .call('ASKING')
            .call(args[0]!, ...args.slice(1))
            .exec();
          const [err, value] = res![1]!;
          if (err) throw err;
          reply = value;
        } else {
          reply = await c.call(args[0]!, ...args.slice(1));
        }
        // An ASK is for this one command: the slot still belongs to the node that sent it.
        if (!asking) this.current = address;
        return { reply, address };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const r = parseRedirection(message);
        if (!r || hop >= MAX_REDIRECTIONS) {
          if (!r && !asking) this.current = address;
          return { error: message, address };
        }
        this.onRedirect(r);
        if (r.kind === 'MOVED') this.slots.set(r.slot, r.address);
        asking = r.kind === 'ASK';
        address = r.address;
      }
    }
  }

  close(): void {
    for (const c of this.conns.values()) c.disconnect();
    this.conns.clear();
  }
}
