// The namespace and key ownership: the tool only ever changes keys it created, and can remove exactly those.
import type { Redis } from 'ioredis';
import { ConnectionError, SafetyError, UsageError, errorMessage } from '../errors.js';
import { commandTable, extractKeys, isWrite, versionAtLeast, type CommandTable } from './capabilities.js';
import type { Connection, RedisTarget } from './connect.js';
import { RESERVED_MARK, type JudgeContext } from './judge.js';
import { Ownership } from './ownership.js';
import type { LabLink } from './lab-link.js';
import { Recorder, type RecordedCommand } from './recorder.js';
import { globEscape, scanAll } from './scan.js';

export { globEscape };

export const DEFAULT_NAMESPACE = 'learn:';

export function isConnectionLoss(err: unknown): boolean {
  const msg = errorMessage(err);
  return (
    !(err instanceof Error && err.name === 'ReplyError') &&
    /Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|ECONNREFUSED|connection lost/i.test(msg)
  );
}

/**
 * A namespace is letters, digits and `: _ . -`, starting with a letter or digit: nothing a glob, a terminal or an ACL
 * rule would read specially, and never redis-learn's reserved bookkeeping mark.
 */
export function validateNamespace(ns: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9:_.-]{0,63}$/.test(ns) || ns.includes(RESERVED_MARK)) {
    throw new UsageError(`bad namespace "${ns.replace(/[^\x20-\x7e]/g, '?')}": use letters, digits and : _ . - (e.g. learn: or mine:)`);
  }
  return ns;
}

export class Sandbox {
  readonly recorder: Recorder;
  readonly ownership: Ownership;
  /** Keys written by commands queued in a MULTI that exec() sent, or null outside one. */
  private queuedWrites: string[] | null = null;

  private constructor(
    readonly conn: Connection,
    /** The recorded connection lessons send their own commands on. */
    readonly client: Redis,
    /** The recorded connection learner commands run on (a restricted ACL user where one is configured). */
    readonly learner: Redis,
    /** An unrecorded connection for bookkeeping and inspection. */
    readonly admin: Redis,
    readonly table: CommandTable,
    readonly ns: string,
    /**
     * Set for a lab lesson: the server is a lab node redis-learn started for this run and removes after it, so the
     * whole server is the learner's (no ownership bookkeeping, no namespace fence); only the lab's edges are guarded.
     */
    readonly lab: LabLink | null = null,
  ) {
    this.recorder = new Recorder(table);
    // In a lab of several nodes every command line names its node.
    const node = lab && lab.names.length > 1 ? lab.home : undefined;
    this.recorder.attach(client, node);
    if (learner !== client) this.recorder.attach(learner, node);
    this.ownership = new Ownership(admin, ns);
  }

  static async open(conn: Connection, namespace = DEFAULT_NAMESPACE, lab: LabLink | null = null): Promise<Sandbox> {
    validateNamespace(namespace);
    const admin = await conn.newClient();
    const table = await commandTable(admin);
    const sb = new Sandbox(conn, conn.client, conn.learnerClient, admin, table, namespace, lab);
    if (lab) return sb;
    for (const key of [sb.metaKey, sb.ownership.expiresKey]) {
      const type = await admin.type(key);
      if (type !== 'none' && type !== 'hash') {
        throw new SafetyError(`${key} exists and is not redis-learn's: choose another --namespace`);
      }
    }
    if (conn.learnerClient !== conn.client) await sb.checkLearnerReach();
    return sb;
  }

  /** The restricted learner user must reach this namespace, or every learner command would fail with NOPERM. */
  private async checkLearnerReach(): Promise<void> {
    try {
      await this.learner.exists(`${this.ns}probe`);
    } catch (err) {
      const learner = this.target.learner;
      if (learner?.source === 'compose') {
        // The compose user covers learn:* only: another namespace falls back to redis-learn's own judge.
        (this as { learner: Redis }).learner = this.client;
        this.target.learnerNote = `the compose user ${learner.user} cannot reach ${this.ns}* keys: your commands are checked by redis-learn alone`;
        delete this.target.learner;
        return;
      }
      throw new SafetyError(
        `the Redis user ${learner?.user ?? ''} cannot reach keys under ${this.ns} (${errorMessage(err).split('\n')[0]}): give it ~${this.ns}* or use its --namespace`,
      );
    }
  }

  get target(): RedisTarget {
    return this.conn.target;
  }

  /** Where the tool records which keys it created: one hash, field = key, value = scope. */
  get metaKey(): string {
    return this.ownership.metaKey;
  }

  judgeContext(): JudgeContext {
    return {
      table: this.table,
      admin: this.admin,
      ns: this.ns,
      shared: !this.target.private,
      keyFlags: versionAtLeast(this.target.version, '7.0'),
      labPorts: this.lab?.ports,
    };
  }

  key(name: string): string {
    return this.ns + name;
  }

  /** Replaces {ns} in lesson text and commands with the namespace. */
  expand(text: string): string {
    const out = text.replaceAll('{ns}', this.ns);
    if (!this.lab || !out.includes('{')) return out;
    return out.replace(/\{((?:port|id|bus):[a-z0-9-]+)\}/g, (m, name: string) => this.lab!.vars.get(name) ?? m);
  }

  /**
   * Claims keys `scope` is about to create: each only if it does not exist yet (or is ours). Throws SafetyError, and
   * claims nothing for them, when some exist and are not the tool's. A claim whose key is never created is dropped.
   */
  async claim(scope: string, keys: readonly string[]): Promise<void> {
    if (this.lab) return;
    await this.ownership.claimAbsent(scope, keys);
  }

  /** Keys among these that exist and that the tool did not create. */
  async notOurs(keys: readonly string[]): Promise<string[]> {
    return this.ownership.foreign(keys);
  }

  /** Existing keys matching namespace+pattern that the tool did not create. */
  async foreign(patterns: readonly string[]): Promise<string[]> {
    return [...(await this.owners(patterns))].filter(([, owner]) => owner === null).map(([key]) => key);
  }

  /** Existing keys matching namespace+pattern, with the scope that created each (null: not redis-learn's). */
  async owners(patterns: readonly string[]): Promise<Map<string, string | null>> {
    // A lab starts empty and is removed after the lesson: nothing on it belongs to anyone else.
    if (this.lab) return new Map();
    const keys = new Set<string>();
    for (const pattern of patterns) {
      const full = this.ns + pattern;
      if (!/[*?[]/.test(pattern)) {
        if (await this.admin.exists(full)) keys.add(full);
        continue;
      }
      for (const k of await scanAll(this.admin, globEscape(this.ns) + pattern)) if (!k.includes(RESERVED_MARK)) keys.add(k);
    }
    const status = await this.ownership.status([...keys]);
    const out = new Map<string, string | null>();
    for (const [k, st] of status) if (st.exists) out.set(k, st.owner);
    return out;
  }

  /** Removes these keys, if they are still the tool's, and forgets them. */
  async removeOwned(keys: readonly string[]): Promise<void> {
    if (this.lab) return;
    await this.ownership.removeOwned(keys);
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

  /**
   * Sends one of the tool's own command lines (a lesson's run step, an exercise's setup, a quiz question's setup) on
   * the recorded connection and returns its record: write keys are claimed first (only if absent or ours), and the
   * claims are brought up to date after. Reply errors become the record's error; a lost connection throws.
   */
  async exec(args: readonly string[], scope: string): Promise<RecordedCommand> {
    const keys = extractKeys(this.table, args);
    const write = isWrite(this.table, args) && keys.length > 0 && !this.lab;
    const name = String(args[0]).toUpperCase();
    if (write) await this.claim(scope, keys);
    // Inside the tool's own MULTI the writes happen at EXEC: their claims are brought up to date then.
    if (name === 'MULTI') this.queuedWrites = [];
    const queued = this.queuedWrites !== null && name !== 'MULTI' && name !== 'EXEC' && name !== 'DISCARD';
    if (queued && write) this.queuedWrites!.push(...keys);
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
    if (name === 'EXEC' || name === 'DISCARD') {
      const pending = this.queuedWrites ?? [];
      this.queuedWrites = null;
      if (!this.lab) await this.ownership.afterWrite(scope, pending, []);
    } else if (write && !queued) await this.ownership.afterWrite(scope, keys, []);
    return rec ?? { command: args.join(' '), args: [...args], reply: null, ms: 0, keys, write: false };
  }

  /** Removes the keys this scope created (all scopes when none is given); returns how many existed. */
  async reset(scope?: string): Promise<number> {
    if (this.lab) return 0;
    return this.ownership.removeScope(scope);
  }

  /** Extra unrecorded connections, for race steps and pub/sub. */
  async extraClients(n: number): Promise<Redis[]> {
    return Promise.all(Array.from({ length: n }, () => this.conn.newClient()));
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
