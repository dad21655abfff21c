// Where a benchmark run writes and how it leaves: a run prefix under the namespace, owned, cleared between strategies.
//
// A run writes up to millions of keys, too many to claim one by one. It claims one marker key instead,
// `{ns}bench:<runid>` (8 hex digits), refreshed with a TTL while the run lasts; every data key starts with `<marker>:`.
// The marker says which process owns the run. A run is dead when its marker is gone, when it names a process on this
// machine that no longer exists, or when nobody has refreshed it for STALE_MS. The next bench and `reset --all` remove
// a dead run's keys; a live run (another process still loading) is left alone.
//
// Ctrl-C / SIGTERM: abort() stops every connection and helper process of the run (see `writers`), waits until the
// server has let them go, then removes the run's keys, its marker and its claim.
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConnectionError, SafetyError } from '../errors.js';
import type { Sandbox } from '../redis/sandbox.js';
import { globEscape } from '../redis/scan.js';
import { writers } from './connections.js';
import { scanPages } from '../patterns/scan.js';

/** The scope a run's marker is claimed under. */
export const BENCH_SCOPE = 'bench';
const SCOPE = BENCH_SCOPE;
const MARKER_TTL_S = 60;
/** How often a live run refreshes its marker. */
const HEARTBEAT_MS = 5_000;
/** A marker not refreshed for this long belongs to a run that died (the heartbeat comes every HEARTBEAT_MS). */
export const STALE_MS = 30_000;
/**
 * An interrupted run stops removing this long after the signal: the process must say so before the session's 15 s
 * grace ends. REDIS_LEARN_ABORT_BUDGET_MS overrides it (tests use it to reach the out-of-time path).
 */
function abortBudgetMs(): number {
  const env = Number(process.env.REDIS_LEARN_ABORT_BUDGET_MS);
  return Number.isFinite(env) && env >= 0 ? Math.min(env, 12_000) : 12_000;
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

/** One SCAN walk that UNLINKs every key matching `pattern` it meets; stops early (complete: false) past `deadline`. */
async function unlinkPass(sb: Sandbox, pattern: string, deadline: number): Promise<{ removed: number; complete: boolean }> {
  let removed = 0;
  let complete = false;
  const pending: Promise<number>[] = [];
  for await (const page of scanPages(sb.admin, { match: pattern, count: 1000 })) {
    if (Date.now() > deadline) break;
    complete = page.next === '0';
    if (page.items.length) pending.push(sb.admin.unlink(...page.items));
    if (pending.length >= 16) for (const n of await Promise.all(pending.splice(0))) removed += n;
  }
  for (const n of await Promise.all(pending)) removed += n;
  return { removed, complete };
}

/**
 * Removes every key matching `pattern`: SCAN walks with batched UNLINK until a walk finds none (the check walk is
 * cheap, the keyspace having shrunk). Stops early (complete: false) past `deadline`.
 */
async function unlinkMatching(sb: Sandbox, pattern: string, deadline = Infinity): Promise<{ removed: number; complete: boolean }> {
  let removed = 0;
  for (let pass = 0; pass < 10; pass++) {
    const r = await unlinkPass(sb, pattern, deadline);
    removed += r.removed;
    if (!r.complete) return { removed, complete: false };
    if (r.removed === 0) return { removed, complete: true };
  }
  return { removed, complete: false };
}

/** Who runs a benchmark: the marker's value. */
export interface RunOwner {
  pid: number;
  host: string;
  /** Linux pid namespace (containers on one host share its name but not its pids); null elsewhere. */
  pidns: string | null;
  started: string;
}

function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

function ownerHere(): RunOwner {
  return { pid: process.pid, host: hostname(), pidns: pidNamespace(), started: new Date().toISOString() };
}

function parseOwner(value: string | null): RunOwner | null {
  if (value === null) return null;
  try {
    const o = JSON.parse(value) as Partial<RunOwner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0 || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, pidns: typeof o.pidns === 'string' ? o.pidns : null, started: String(o.started ?? '') };
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists here (EPERM: it does, as another user's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A benchmark run redis-learn recorded, and whether it still runs. */
export interface BenchRun {
  marker: string;
  alive: boolean;
  /** Why it counts as alive or dead, for people. */
  why: string;
  owner: RunOwner | null;
  /** The marker key exists and is the run's own (a TTL and an owner): only then is it removed with the run. */
  markerIsOurs: boolean;
}

/**
 * Judges one recorded run from its marker's value and PTTL (-2: no key, -1: no TTL). `here` is this process's
 * host and pid namespace; `exists` tells whether a pid runs here.
 */
export function judgeRun(
  marker: string,
  value: string | null,
  pttlMs: number,
  here: { host: string; pidns: string | null } = ownerHere(),
  exists: (pid: number) => boolean = processExists,
): BenchRun {
  if (value === null || pttlMs === -2) return { marker, alive: false, why: 'its marker is gone', owner: null, markerIsOurs: false };
  const owner = parseOwner(value);
  if (!owner || pttlMs < 0) {
    // Something else sits at the marker's name: the run is over, and that key is not ours to remove.
    return { marker, alive: false, why: 'its marker was replaced', owner, markerIsOurs: false };
  }
  if (owner.host === here.host && owner.pidns === here.pidns && !exists(owner.pid)) {
    return { marker, alive: false, why: `its process ${owner.pid} has ended`, owner, markerIsOurs: true };
  }
  const silentMs = MARKER_TTL_S * 1000 - pttlMs;
  if (silentMs > STALE_MS) {
    return { marker, alive: false, why: `not refreshed for ${Math.round(silentMs / 1000)} s`, owner, markerIsOurs: true };
  }
  return { marker, alive: true, why: `process ${owner.pid} on ${owner.host} is still running it`, owner, markerIsOurs: true };
}

/** The benchmark runs recorded in the namespace (claimed markers of the form {ns}bench:<8 hex digits>), judged. */
export async function benchRuns(sb: Sandbox): Promise<BenchRun[]> {
  const base = `${sb.ns}bench:`;
  const markers: string[] = [];
  for await (const page of scanPages(sb.admin, { command: 'HSCAN', key: sb.metaKey, match: `${globEscape(base)}*`, count: 1000 })) {
    for (const [key, scope] of page.pairs ?? []) {
      // Only what a run claimed: a marker name is exactly the base and a run id.
      if (scope === SCOPE && key.startsWith(base) && /^[0-9a-f]{8}$/.test(key.slice(base.length))) markers.push(key);
    }
  }
  const unique = [...new Set(markers)];
  const runs: BenchRun[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const p = sb.admin.pipeline();
    for (const m of chunk) p.get(m).pttl(m);
    const res = (await p.exec()) ?? [];
    chunk.forEach((m, j) => {
      const [getErr, value] = res[2 * j] ?? [null, null];
      const [, pttl] = res[2 * j + 1] ?? [null, -2];
      // A marker that is not a string (WRONGTYPE) was replaced by someone else's key.
      runs.push(judgeRun(m, getErr ? '' : ((value as string | null) ?? null), Number(pttl)));
    });
  }
  return runs;
}

/** Removes a dead run: every key under `<marker>:`, the marker if it is the run's own, and the claim. */
async function removeRun(sb: Sandbox, run: BenchRun): Promise<number> {
  let { removed } = await unlinkMatching(sb, `${globEscape(run.marker)}:*`);
  if (run.markerIsOurs) removed += await sb.admin.unlink(run.marker);
  await sb.ownership.forget([run.marker]);
  return removed;
}

export interface DeadRunsRemoved {
  /** Keys removed, markers included. */
  removed: number;
  /** Dead runs removed. */
  runs: number;
  /** Runs still going in another process: left alone. */
  live: BenchRun[];
}

/** Removes what dead benchmark runs left in the namespace; leaves live runs and everything else alone. */
export async function removeDeadRuns(sb: Sandbox): Promise<DeadRunsRemoved> {
  const out: DeadRunsRemoved = { removed: 0, runs: 0, live: [] };
  for (const run of await benchRuns(sb)) {
    if (run.alive) {
      out.live.push(run);
      continue;
    }
    out.removed += await removeRun(sb, run);
    out.runs++;
  }
  if (out.runs) await sb.ownership.dropIfEmpty();
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RunSpace {
  readonly runId = randomBytes(4).toString('hex');
  /** Every key of this run starts with it. */
  readonly prefix: string;
  /** CLIENT SETNAME of every connection the run opens. */
  readonly connectionName: string;
  private readonly marker: string;
  private heartbeat: NodeJS.Timeout | null = null;
  private opened = false;
  private aborting = false;
  private stopping: Promise<void> | null = null;
  private closing: Promise<{ removed: number; complete: boolean }> | null = null;
  /** When an interrupted run stops removing. */
  private deadline = Infinity;

  constructor(private readonly sb: Sandbox) {
    this.marker = `${sb.ns}bench:${this.runId}`;
    this.prefix = `${this.marker}:`;
    this.connectionName = `redis-learn-bench-${this.runId}`;
  }

  /** On the private server the run may FLUSHDB and count with DBSIZE; elsewhere it touches only its prefix. */
  get exact(): boolean {
    return this.sb.target.private;
  }

  /** True once Ctrl-C / SIGTERM asked the run to stop. */
  get aborted(): boolean {
    return this.aborting;
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
      const dead = await removeDeadRuns(sb);
      staleRemoved = dead.removed;
      await this.assertNoForeign(dead.live.map((r) => r.marker));
      if (this.aborting) throw new ConnectionError('the benchmark was interrupted');
      // Claimed while absent (the claim fails on an existing key that is not ours), then created, never over a key.
      await sb.claim(SCOPE, [this.marker]);
      const set = await sb.admin.set(this.marker, JSON.stringify(ownerHere()), 'EX', MARKER_TTL_S, 'NX');
      if (set === null) {
        // Someone else's key took the name in between: drop the claim, leave the key.
        await sb.ownership.forget([this.marker]);
        throw new SafetyError(`${this.marker} appeared as the run started: run the benchmark again (it picks another run id)`);
      }
      this.opened = true;
      // Another redis-learn that judged runs in between saw a claim without a marker and dropped it: start afresh.
      if ((await sb.admin.hget(sb.metaKey, this.marker)) !== SCOPE) {
        throw new ConnectionError('another redis-learn was cleaning up benchmark runs as this one started: run the benchmark again');
      }
      this.heartbeat = setInterval(() => void this.touch().catch(() => {}), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
    this.opened = true;
    return { staleRemoved };
  }

  /** Refreshes the marker; if a cleaner took the run for dead meanwhile, claims it again. */
  private async touch(): Promise<void> {
    if (this.aborting || !this.opened) return;
    const owner = JSON.stringify(ownerHere());
    const kept = await this.sb.admin.set(this.marker, owner, 'EX', MARKER_TTL_S, 'XX');
    if (kept === null) {
      await this.sb.claim(SCOPE, [this.marker]);
      await this.sb.admin.set(this.marker, owner, 'EX', MARKER_TTL_S, 'NX');
    }
  }

  /** Like Sandbox.assertNoForeign(['bench:*']), but the keys of runs still alive (their marker exists) are ours. */
  private async assertNoForeign(liveMarkers: string[]): Promise<void> {
    const { sb } = this;
    const ours = (k: string) => k === sb.metaKey || liveMarkers.some((m) => k === m || k.startsWith(`${m}:`));
    const bad: string[] = [];
    for await (const page of scanPages(sb.admin, { match: `${globEscape(sb.ns)}bench:*`, count: 1000 })) {
      bad.push(...(await sb.notOurs(page.items.filter((k) => !ours(k)))));
      if (bad.length >= 50) break;
    }
    if (bad.length) {
      const list = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
      throw new SafetyError(
        `bench writes under ${sb.ns}bench:, where ${list} already exist${bad.length === 1 ? 's' : ''} and ` +
          `${bad.length === 1 ? 'was' : 'were'} not created by redis-learn. Nothing was changed. ` +
          `Use another namespace (--namespace mine:) or remove ${bad.length === 1 ? 'it' : 'them'} yourself.`,
      );
    }
  }

  /** Empties the run's keys so the next strategy starts equal, and waits until lazy freeing is done; returns how many. */
  async clear(): Promise<number> {
    const { sb } = this;
    let removed = 0;
    if (this.exact) await sb.admin.flushdb();
    else removed = (await unlinkMatching(sb, `${globEscape(this.prefix)}*`)).removed;
    // UNLINK frees big values in a background thread: let it finish before the next timed run.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const pending = Number((await info(sb, 'memory')).lazyfree_pending_objects ?? 0);
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return removed;
  }

  /**
   * Ctrl-C / SIGTERM: stops every writer of the run, waits until the server has let them go, then removes the run's
   * keys, marker and claim, reporting progress through `say`. `estimate` is about how many keys the run holds.
   */
  async abort(say: (line: string) => void, estimate: number): Promise<void> {
    if (!this.aborting) this.deadline = Date.now() + abortBudgetMs();
    this.aborting = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.stopping ??= this.stopWriters();
    if (!this.opened || this.exact) {
      // The private server goes away with the session: nothing to remove there.
      await this.stopping;
      return;
    }
    const int = (n: number) => n.toLocaleString('en-US');
    say(`removing ${estimate > 0 ? `about ${int(estimate)} ` : ''}benchmark keys (${this.prefix}*)…`);
    const { removed, complete } = await this.close();
    const keys = `${int(removed)} benchmark key${removed === 1 ? '' : 's'}`;
    say(
      complete
        ? `removed ${keys}; nothing else was touched`
        : `removed ${keys}, then ran out of time: \`redis-learn reset --all\` (same --url and --namespace) removes the rest`,
    );
  }

  /** Cuts every connection and helper of the run, then waits until the server no longer lists them. */
  private async stopWriters(): Promise<void> {
    const { processes } = await writers.stopAll();
    const deadline = Math.min(Date.now() + 3000, this.deadline);
    try {
      for (;;) {
        const list = String(await this.sb.admin.client('LIST'));
        if (!list.includes(`name=${this.connectionName} `) || Date.now() > deadline) break;
        await sleep(20);
      }
    } catch {
      // CLIENT LIST may be refused (ACL): give the server a moment to drop the closed connections.
      await sleep(300);
    }
    // redis-benchmark's connection has no name; killed, it can have at most one pipeline (-P 100) in flight.
    if (processes) await sleep(100);
  }

  /** Removes everything the run wrote, its marker and its claim; the same promise for every caller. */
  close(): Promise<{ removed: number; complete: boolean }> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<{ removed: number; complete: boolean }> {
    if (!this.opened) return { removed: 0, complete: true };
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.stopping) await this.stopping;
    if (this.exact) {
      // After an interrupt the private server is stopped with the session; FLUSHDB of millions of keys would only delay it.
      if (!this.aborting) await this.clear();
      return { removed: 0, complete: true };
    }
    const { sb } = this;
    let removed: number;
    let complete = true;
    if (this.aborting) {
      ({ removed, complete } = await unlinkMatching(sb, `${globEscape(this.prefix)}*`, this.deadline));
    } else {
      removed = await this.clear();
    }
    removed += await sb.admin.unlink(this.marker);
    // Out of time: the marker is gone, so the run reads as dead at once; the claim stays for `reset --all`.
    if (complete) {
      await sb.ownership.forget([this.marker]);
      await sb.ownership.dropIfEmpty();
    }
    return { removed, complete };
  }
}
