// Pattern tests: real connections to the suite's server (db 10), each test under its own key prefix, removed afterwards.
import { Redis } from 'ioredis';
import { serverUrl } from '../helpers.js';
import { unlinkMatching } from '../../src/patterns/scan.js';

export const PATTERN_DB = 10;

export interface PatternEnv {
  /** The main connection. */
  redis: Redis;
  /** `<prefix><name>`: every key a test uses goes through this. */
  key(name: string): string;
  prefix: string;
  /** Another connection of its own (for blocking commands, WATCH, subscribers, concurrent clients); closed by cleanup. */
  connect(): Promise<Redis>;
  /** `n` connections at once. */
  connectMany(n: number): Promise<Redis[]>;
  /** Unlinks every key under the prefix and closes every connection. */
  cleanup(): Promise<void>;
}

let counter = 0;

export async function patternEnv(name: string): Promise<PatternEnv> {
  const prefix = `pt:${name}:${process.pid}:${Date.now().toString(36)}:${counter++}:`;
  const clients: Redis[] = [];
  const connect = async () => {
    const c = new Redis(serverUrl(PATTERN_DB), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await c.connect();
    clients.push(c);
    return c;
  };
  const redis = await connect();
  return {
    redis,
    prefix,
    key: (n) => prefix + n,
    connect,
    connectMany: (n) => Promise.all(Array.from({ length: n }, connect)),
    async cleanup() {
      await unlinkMatching(redis, `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
