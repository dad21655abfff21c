// Where a benchmark run writes and how it leaves: a run prefix under the namespace, owned, cleared between strategies.
//
// A run writes up to millions of keys, too many to claim one by one. It claims one marker key instead,
// `{ns}bench:<runid>`, kept alive with a TTL while the run lasts; every data key starts with `<marker>:`.
// A later run that finds a claimed marker gone knows that run died and removes its keys.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { SafetyError } from '../errors.js';
import type { Sandbox } from '../redis/sandbox.js';

const SCOPE = 'bench';
const MARKER_TTL_S = 60;

/** Escapes glob characters so a literal prefix can be used in SCAN MATCH. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

async function info(sb: Sandbox, section: string): Promise<Record<string, string>> {
  const text = await sb.admin.info(section);
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Total CPU seconds the server process has used (user + system, all threads). */
export async function serverCpuSeconds(sb: Sandbox): Promise<number> {
  const i = await info(sb, 'cpu');
  return Number(i.used_cpu_user ?? 0) + Number(i.used_cpu_sys ?? 0);
}

export async function usedMemory(sb: Sandbox): Promise<number> {
  return Number((await info(sb, 'memory')).used_memory ?? 0);
}

/** Removes every key matching `pattern` with SCAN and batched UNLINK; returns how many. */
async function unlinkMatching(sb: Sandbox, pattern: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  const pending: Promise<number>[] = [];
  do {
    const [next, keys] = await sb.admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) pending.push(sb.admin.unlink(...keys));
    if (pending.length >= 16) for (const n of await Promise.all(pending.splice(0))) removed += n;
  } while (cursor !== '0');
  for (const n of await Promise.all(pending)) removed += n;
  return removed;
}

export class RunSpace {
  readonly runId = randomBytes(4).toString('hex');
  /** Every key of this run starts with it. */
  readonly prefix: string;
  private readonly marker: string;
  private heartbeat: NodeJS.Timeout | null = null;
  private opened = false;

  constructor(private readonly sb: Sandbox) {
    this.marker = `${sb.ns}bench:${this.runId}`;
    this.prefix = `${this.marker}:`;
  }

  /** On the private server the run may FLUSHDB and count with DBSIZE; elsewhere it touches only its prefix. */
  get exact(): boolean {
    return this.sb.target.private;
  }

  /**
   * Shared server: removes what dead runs left, refuses if someone else's keys sit under {ns}bench:,
   * then claims this run's marker. Private server: starts from an empty database.
   */
  async open(): Promise<{ staleRemoved: number }> {
    const { sb } = this;
    let staleRemoved = 0;
    if (this.exact) {
      await sb.admin.flushdb();
    } else {
      const live: string[] = [];
      let cursor = '0';
      do {
        const [next, flat] = await sb.admin.hscan(sb.metaKey, cursor, 'MATCH', `${globEscape(sb.ns)}bench:*`, 'COUNT', 1000);
        cursor = next;
        for (let i = 0; i < flat.length; i += 2) {
          const key = flat[i]!;
          if (flat[i + 1] !== SCOPE || key.includes(':', `${sb.ns}bench:`.length)) continue;
          if ((await sb.admin.exists(key)) === 1) {
            live.push(key);
          } else {
            staleRemoved += await unlinkMatching(sb, `${globEscape(key)}:*`);
            await sb.admin.hdel(sb.metaKey, key);
          }
        }
      } while (cursor !== '0');
      await this.assertNoForeign(live);
      await sb.claim(SCOPE, [this.marker]);
      await this.touch();
      this.heartbeat = setInterval(() => void this.touch().catch(() => {}), (MARKER_TTL_S * 1000) / 3);
      this.heartbeat.unref();
    }
    this.opened = true;
    return { staleRemoved };
  }

  private async touch(): Promise<void> {
    const owner = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() });
    await this.sb.admin.set(this.marker, owner, 'EX', MARKER_TTL_S);
  }

  /** Like Sandbox.assertNoForeign(['bench:*']), but the keys of runs still alive (their marker exists) are ours. */
  private async assertNoForeign(liveMarkers: string[]): Promise<void> {
    const { sb } = this;
    const ours = (k: string) => k === sb.metaKey || liveMarkers.some((m) => k === m || k.startsWith(`${m}:`));
    const bad: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await sb.admin.scan(cursor, 'MATCH', `${globEscape(sb.ns)}bench:*`, 'COUNT', 1000);
      cursor = next;
      bad.push(...(await sb.notOurs(keys.filter((k) => !ours(k)))));
    } while (cursor !== '0' && bad.length < 50);
    if (bad.length) {
      const list = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
      throw new SafetyError(
        `bench writes under ${sb.ns}bench:, where ${list} already exist${bad.length === 1 ? 's' : ''} and ` +
          `${bad.length === 1 ? 'was' : 'were'} not created by redis-learn. Nothing was changed. ` +
          `Use another namespace (--namespace mine:) or remove ${bad.length === 1 ? 'it' : 'them'} yourself.`,
      );
    }
  }

  /** Empties the run's keys so the next strategy starts equal, and waits until lazy freeing is done. */
  async clear(): Promise<void> {
    const { sb } = this;
    if (this.exact) await sb.admin.flushdb();
    else await unlinkMatching(sb, `${globEscape(this.prefix)}*`);
    // UNLINK frees big values in a background thread: let it finish before the next timed run.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const pending = Number((await info(sb, 'memory')).lazyfree_pending_objects ?? 0);
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Removes everything the run wrote, its marker and its claim. */
  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.clear();
    if (!this.exact) {
      const { sb } = this;
      await sb.admin.unlink(this.marker);
      await sb.admin.hdel(sb.metaKey, this.marker);
      if ((await sb.admin.hlen(sb.metaKey)) === 0) await sb.admin.unlink(sb.metaKey);
    }
  }
}
