// The walk: SCAN (the one walker, patterns/scan.ts) and, per page of keys, two pipelines of read-only commands, paced.
import type { Redis } from 'ioredis';
import { scanPages } from '../patterns/scan.js';
import { redisErrorCode, errorMessage } from '../errors.js';
import { COUNT_COMMAND, type KeyFacts } from './facts.js';
import type { Pacer } from './pacer.js';

/**
 * Every command the analysis itself sends on its connection, each a read. The test holds the server to this list
 * (INFO commandstats before and after), and nothing else may be added without adding it here.
 */
export const READ_COMMANDS = [
  'scan',
  'type',
  'memory|usage',
  'pttl',
  'object|encoding',
  ...Object.values(COUNT_COMMAND).map((c) => c.toLowerCase()),
  'dbsize',
  'info',
  'config|get',
  'ping',
] as const;

export interface WalkOptions {
  match?: string;
  /** Most keys to analyse; past it a walk with --match goes on counting matches only. */
  limit: number;
  /** SCAN's COUNT hint: the work one call asks of the server. */
  scanCount: number;
  /** Keys per pipeline. */
  batch: number;
  pacer: Pacer;
  onKey(facts: KeyFacts): void;
  /** After each SCAN call: keys analysed so far, SCAN calls so far. */
  onProgress?(analysed: number, scanCalls: number): void;
  /** True once the run is ending (Ctrl-C, a lost server): the walk stops at the next round trip. */
  stopped(): boolean;
  /** Once per command the server refused (an ACL without MEMORY, say): the figure is then missing, not wrong. */
  warn(message: string): void;
}

export interface WalkResult {
  /** Keys described (they existed when asked). */
  analysed: number;
  /** Keys SCAN returned that were gone when asked about (expired or deleted meanwhile). */
  vanished: number;
  /** Keys SCAN returned that this user may not read (TYPE refused: an ACL key pattern). */
  unreadable: number;
  /** Further matching keys the walk counted after the limit (with --match only); SCAN may count a key twice. */
  countedOnly: number;
  /** The walk went to the end of the keyspace (cursor 0). */
  complete: boolean;
  scanCalls: number;
}

type Replies = [Error | null, unknown][];

/**
 * Walks the keyspace (or the keys matching `match`) and describes each key once: TYPE, MEMORY USAGE (its default
 * sampling), PTTL and OBJECT ENCODING in one pipeline, the element count of each type (STRLEN, HLEN, LLEN, SCARD,
 * ZCARD, XLEN) in a second. Every round trip is paced. Without --match the walk stops at the limit (DBSIZE gives the
 * total); with --match it goes on counting the matches, so the share analysed is known.
 */
export async function walkKeyspace(redis: Redis, opts: WalkOptions): Promise<WalkResult> {
  const seen = new Set<string>();
  const refused = new Set<string>();
  const result: WalkResult = { analysed: 0, vanished: 0, unreadable: 0, countedOnly: 0, complete: false, scanCalls: 0 };
  const refuse = (command: string, err: Error) => {
    if (refused.has(command)) return;
    refused.add(command);
    opts.warn(`${command} was refused (${errorMessage(err).split('\n')[0]}): its figures are missing`);
  };

  const describe = async (keys: string[]) => {
    // Built before the clock starts: only the round trip counts as the server's time.
    const p1 = redis.pipeline();
    for (const k of keys) {
      p1.type(k);
      p1.call('MEMORY', 'USAGE', k);
      p1.pttl(k);
      p1.call('OBJECT', 'ENCODING', k);
    }
    const first = (await opts.pacer.timed(() => p1.exec())) as Replies;
    const facts: KeyFacts[] = [];
    keys.forEach((key, i) => {
      const [typeErr, type] = first[4 * i]!;
      const [memErr, memory] = first[4 * i + 1]!;
      const [ttlErr, ttl] = first[4 * i + 2]!;
      const [encErr, encoding] = first[4 * i + 3]!;
      if (typeErr) {
        result.unreadable++;
        // NOPERM is an ACL key pattern: counted as unreadable; anything else is worth a line.
        if (redisErrorCode(typeErr) !== 'NOPERM') refuse('TYPE', typeErr);
        return;
      }
      if (memErr) refuse('MEMORY USAGE', memErr);
      if (ttlErr) refuse('PTTL', ttlErr);
      if (encErr && !/no such key/i.test(encErr.message)) refuse('OBJECT ENCODING', encErr);
      if (type === 'none' || ttl === -2) {
        result.vanished++;
        return;
      }
      facts.push({
        key,
        type: String(type),
        memory: memErr || memory === null ? null : Number(memory),
        ttlMs: ttlErr ? -1 : Number(ttl),
        encoding: encErr || encoding === null ? null : String(encoding),
        elements: null,
      });
    });
    const counted = facts.filter((f) => COUNT_COMMAND[f.type]);
    if (counted.length) {
      const p2 = redis.pipeline();
      for (const f of counted) p2.call(COUNT_COMMAND[f.type]!, f.key);
      const second = (await opts.pacer.timed(() => p2.exec())) as Replies;
      counted.forEach((f, i) => {
        const [err, n] = second[i]!;
        // WRONGTYPE: the key was replaced by another type in between; its count is then unknown.
        if (err) {
          if (redisErrorCode(err) !== 'WRONGTYPE') refuse(COUNT_COMMAND[f.type]!, err);
        } else f.elements = Number(n);
      });
    }
    for (const f of facts) {
      result.analysed++;
      opts.onKey(f);
    }
  };

  const pages = scanPages(redis, { match: opts.match, count: opts.scanCount })[Symbol.asyncIterator]();
  const pending: string[] = [];
  try {
    while (!opts.stopped()) {
      const page = await opts.pacer.timed(() => pages.next());
      if (page.done) {
        result.complete = true;
        break;
      }
      result.scanCalls++;
      for (const key of page.value.items) {
        if (seen.has(key)) continue;
        if (seen.size < opts.limit) {
          seen.add(key);
          pending.push(key);
        } else result.countedOnly++;
      }
      while (pending.length >= opts.batch && !opts.stopped()) await describe(pending.splice(0, opts.batch));
      opts.onProgress?.(result.analysed, result.scanCalls);
      // Without --match the total is DBSIZE: no need to walk on once the sample is full.
      if (seen.size >= opts.limit && !opts.match) break;
    }
    if (pending.length && !opts.stopped()) await describe(pending);
    opts.onProgress?.(result.analysed, result.scanCalls);
  } finally {
    if (!result.complete) await pages.return?.(undefined);
  }
  return result;
}
