// The namespace and key ownership: the tool only ever changes keys it created, and can remove exactly those.
import type { Redis } from 'ioredis';
import { ConnectionError, SafetyError, errorMessage } from '../errors.js';
import { commandTable, extractKeys, isWrite, type CommandTable } from './capabilities.js';
import type { Connection, RedisTarget } from './connect.js';
import { findDangerous } from './dangerous-commands.js';
import { Recorder, type RecordedCommand } from './recorder.js';
import { scanAll } from './scan.js';

export const DEFAULT_NAMESPACE = 'learn:';

export type GuardVerdict = { ok: true } | { ok: false; reason: string } | { ok: 'confirm'; reason: string };

export function isConnectionLoss(err: unknown): boolean {
  const msg = errorMessage(err);
  return (
    !(err instanceof Error && err.name === 'ReplyError') &&
    /Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|ECONNREFUSED|connection lost/i.test(msg)
  );
}

/** Longest wait a blocking command may ask for at the prompt, in seconds. */
export const MAX_BLOCK_SECONDS = 30;

/** Why a blocking command could hang the prompt (timeout 0 or very long), or null. */
export function blocksForever(args: readonly string[]): string | null {
  const name = String(args[0] ?? '').toUpperCase();
  let seconds: number | null = null;
  if (/^(BLPOP|BRPOP|BZPOPMIN|BZPOPMAX|BLMOVE|BRPOPLPUSH)$/.test(name)) seconds = Number(args.at(-1));
  else if (/^(BLMPOP|BZMPOP)$/.test(name)) seconds = Number(args[1]);
  else if (/^(XREAD|XREADGROUP)$/.test(name)) {
    const i = args.findIndex((a) => a.toUpperCase() === 'BLOCK');
    if (i > 0) seconds = Number(args[i + 1]) / 1000;
  } else if (name === 'WAIT') seconds = Number(args[2]) / 1000;
  if (seconds === null || Number.isNaN(seconds)) return null;
  if (seconds === 0 || seconds > MAX_BLOCK_SECONDS) {
    return `${name} with ${seconds === 0 ? 'timeout 0 would wait forever' : `a ${seconds} s timeout would hold the prompt`}: use a timeout of at most ${MAX_BLOCK_SECONDS} seconds`;
  }
  return null;
}

export function validateNamespace(ns: string): string {
  if (!ns || /\s/.test(ns) || /[*?[\]]/.test(ns)) {
    throw new SafetyError(`bad namespace "${ns}": use letters, digits and : (e.g. learn:)`);
  }
  return ns;
}

export class Sandbox {
  readonly recorder: Recorder;
  /** Where the tool records which keys it created: one hash, field = key, value = scope. */
  readonly metaKey: string;

  private constructor(
    readonly conn: Connection,
    /** The recorded connection: everything lessons and learners send goes through it. */
    readonly client: Redis,
    /** An unrecorded connection for bookkeeping and inspection. */
    readonly admin: Redis,
    readonly table: CommandTable,
    readonly ns: string,
  ) {
    this.recorder = new Recorder(table);
    this.recorder.attach(client);
    this.metaKey = `${ns}__redis-learn__:owned`;
  }

  static async open(conn: Connection, namespace = DEFAULT_NAMESPACE): Promise<Sandbox> {
    validateNamespace(namespace);
    const admin = await conn.newClient();
    const table = await commandTable(admin);
    const sb = new Sandbox(conn, conn.client, admin, table, namespace);
    const type = await admin.type(sb.metaKey);
    if (type !== 'none' && type !== 'hash') {
      throw new SafetyError(`${sb.metaKey} exists and is not redis-learn's: choose another --namespace`);
    }
    return sb;
  }

  get target(): RedisTarget {
    return this.conn.target;
  }

  key(name: string): string {
    return this.ns + name;
  }

  /** Replaces {ns} in lesson text and commands with the namespace. */
  expand(text: string): string {
    return text.replaceAll('{ns}', this.ns);
  }

  /** Records that `scope` created these keys; call before the write that creates them. */
  async claim(scope: string, keys: readonly string[]): Promise<void> {
    const fresh = keys.filter((k) => k !== this.metaKey);
    for (let i = 0; i < fresh.length; i += 1000) {
      const chunk = fresh.slice(i, i + 1000);
      await this.admin.hset(this.metaKey, Object.fromEntries(chunk.map((k) => [k, scope])));
    }
  }

  /** Keys among these that exist and that the tool did not create. */
  async notOurs(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const out: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const p = this.admin.pipeline();
      for (const k of chunk) p.exists(k);
      p.hmget(this.metaKey, ...chunk);
      const res = (await p.exec()) ?? [];
      const owners = (res[chunk.length]?.[1] as (string | null)[]) ?? [];
      chunk.forEach((k, j) => {
        if (Number(res[j]?.[1]) === 1 && owners[j] == null) out.push(k);
      });
    }
    return out;
  }

  /** Existing keys matching namespace+pattern that the tool did not create. */
  async foreign(patterns: readonly string[]): Promise<string[]> {
    return [...(await this.owners(patterns))].filter(([, owner]) => owner === null).map(([key]) => key);
  }

  /** Existing keys matching namespace+pattern, with the scope that created each (null: not redis-learn's). */
  async owners(patterns: readonly string[]): Promise<Map<string, string | null>> {
    const keys = new Set<string>();
    for (const pattern of patterns) {
      const full = this.ns + pattern;
      if (!/[*?[]/.test(pattern)) {
        if (await this.admin.exists(full)) keys.add(full);
        continue;
      }
      for (const k of await scanAll(this.admin, full)) if (k !== this.metaKey) keys.add(k);
    }
    const list = [...keys];
    const out = new Map<string, string | null>();
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      const owners = await this.admin.hmget(this.metaKey, ...chunk);
      chunk.forEach((k, j) => out.set(k, owners[j] ?? null));
    }
    return out;
  }

  /** Removes these keys, which the tool created, and forgets them. */
  async removeOwned(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      await this.admin.pipeline().unlink(...chunk).hdel(this.metaKey, ...chunk).exec();
    }
  }

  /** Refuses to go on when keys this scope will create already exist and are not the tool's. */
  async assertNoForeign(patterns: readonly string[], what: string): Promise<void> {
    const bad = await this.foreign(patterns);
    if (bad.length) {
      const list = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
      throw new SafetyError(
        `${what} would write ${list}, which already exist${bad.length === 1 ? 's' : ''} and ${bad.length === 1 ? 'was' : 'were'} not created by redis-learn. ` +
          `Nothing was changed. Use another namespace (--namespace mine:) or remove ${bad.length === 1 ? 'it' : 'them'} yourself.`,
      );
    }
  }

  /** Whether a learner's command may run here, and why not. */
  async guard(args: readonly string[]): Promise<GuardVerdict> {
    const danger = findDangerous(args);
    const shared = !this.target.private;
    if (danger) {
      const label = danger.sub ? `${danger.command} ${danger.sub}` : danger.command;
      if (danger.policy === 'refuse' || (danger.policy === 'refuse-shared' && shared)) {
        // KEYS confined to the namespace is harmless on a small sandbox.
        if (!(danger.command === 'KEYS' && String(args[1] ?? '').startsWith(this.ns))) {
          return { ok: false, reason: `${label} is refused here: it ${danger.reason}` };
        }
      } else if (!(danger.command === 'KEYS' && String(args[1] ?? '').startsWith(this.ns))) {
        return { ok: 'confirm', reason: `${label} ${danger.reason}` };
      }
    }
    const name = String(args[0] ?? '').toLowerCase();
    if (!this.table.has(name)) return { ok: true }; // the server answers "unknown command" itself
    if (shared && name === 'scan') {
      const i = args.findIndex((a) => a.toLowerCase() === 'match');
      if (i < 0 || !String(args[i + 1] ?? '').startsWith(this.ns)) {
        return { ok: false, reason: `on a shared server SCAN must stay in the sandbox: add MATCH ${this.ns}*` };
      }
    }
    const forever = blocksForever(args);
    if (forever) return { ok: false, reason: forever };
    const keys = extractKeys(this.table, args);
    const outside = keys.filter((k) => !k.startsWith(this.ns));
    if (outside.length) {
      return { ok: false, reason: `${outside[0]} is outside the sandbox: keys here start with ${this.ns}` };
    }
    if (keys.includes(this.metaKey)) return { ok: false, reason: `${this.metaKey} is redis-learn's own bookkeeping` };
    if (isWrite(this.table, args)) {
      const bad = await this.notOurs(keys);
      if (bad.length) return { ok: false, reason: `${bad[0]} already existed and was not created by redis-learn: it is left alone` };
    }
    return { ok: true };
  }

  /**
   * Sends one command on the recorded connection and returns its record. Reply errors become the
   * record's error; a lost connection throws ConnectionError.
   */
  async exec(args: readonly string[], scope: string): Promise<RecordedCommand> {
    const keys = extractKeys(this.table, args);
    if (isWrite(this.table, args) && keys.length) await this.claim(scope, keys);
    let rec: RecordedCommand | undefined;
    const off = this.recorder.onCommand((c) => {
      rec ??= c;
    });
    try {
      await this.client.call(String(args[0]), ...args.slice(1));
    } catch (err) {
      if (isConnectionLoss(err)) throw new ConnectionError('lost the connection to Redis');
    } finally {
      off();
    }
    return rec ?? { command: args.join(' '), args: [...args], reply: null, ms: 0, keys, write: false };
  }

  /** Removes the keys this scope created (all scopes when none is given); returns how many existed. */
  async reset(scope?: string): Promise<number> {
    const mine: string[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.admin.hscan(this.metaKey, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        if (scope === undefined || flat[i + 1] === scope) mine.push(flat[i]!);
      }
    } while (cursor !== '0');
    let removed = 0;
    for (let i = 0; i < mine.length; i += 500) {
      const chunk = mine.slice(i, i + 500);
      const p = this.admin.pipeline();
      p.unlink(...chunk);
      p.hdel(this.metaKey, ...chunk);
      const res = (await p.exec()) ?? [];
      removed += Number(res[0]?.[1] ?? 0);
    }
    if ((await this.admin.hlen(this.metaKey)) === 0) await this.admin.unlink(this.metaKey);
    return removed;
  }

  /** Extra unrecorded connections, for race steps and pub/sub. */
  async extraClients(n: number): Promise<Redis[]> {
    return Promise.all(Array.from({ length: n }, () => this.conn.newClient()));
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
