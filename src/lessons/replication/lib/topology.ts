// The replication lab's state as this lesson reads and restores it: each node's INFO replication in words, the
// primary's view of its replicas (slaveN lines), waiting for links and offsets, sync counters, new log lines, and
// restoreTopology, which every exercise's setup and every destructive step runs.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { adminCall, adminInfo } from '../../../lab/admin.js';
import type { Lab } from '../../../lab/lab.js';
import type { LabNode } from '../../../lab/node-process.js';
import { processState } from '../../../lab/probe.js';
import type { LessonContext } from '../../../engine/types.js';
import { sleep } from '../../../patterns/index.js';

export const PRIMARY = 'primary';
export const REPLICAS = ['replica-1', 'replica-2'] as const;
export const DATA_NODES = [PRIMARY, ...REPLICAS] as const;

/** The replication settings a lesson step or a learner may change, at Redis 7.0's defaults: restored before each exercise. */
export const DEFAULT_SETTINGS: readonly (readonly [string, string])[] = [
  ['min-replicas-to-write', '0'],
  ['min-replicas-max-lag', '10'],
  ['repl-backlog-size', '1048576'],
  ['repl-backlog-ttl', '3600'],
  ['replica-read-only', 'yes'],
  ['replica-serve-stale-data', 'yes'],
  ['replica-priority', '100'],
  ['repl-timeout', '60'],
  ['repl-ping-replica-period', '10'],
  ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
];

// The library's sleep, re-exported for this lesson's steps.
export { sleep };

export function labOf(ctx: LessonContext): Lab {
  if (!ctx.lab) throw new Error('the replication lesson runs on a replication lab');
  return ctx.lab.lab;
}

/** INFO replication of a node, or null when it is down, paused or not answering. */
export async function replInfo(node: LabNode, timeoutMs = 800): Promise<Record<string, string> | null> {
  if (processState(node.pid) !== 'running') return null;
  try {
    return await adminInfo(node.port, 'replication', { timeoutMs });
  } catch {
    return null;
  }
}

/** The lab node listening on `port`, by name (or the bare port when it is not the lab's). */
export function nameOfPort(lab: Lab, port: number | string | undefined): string {
  const n = lab.nodes.find((x) => x.port === Number(port));
  return n ? n.name : `:${port ?? '?'}`;
}

/** A node's replication state in a phrase: "a primary, 2 replicas", "replica of replica-1, link up", "down". */
export async function roleText(lab: Lab, name: string): Promise<string> {
  const node = lab.node(name);
  const st = processState(node.pid);
  if (st === 'gone') return `${name} is down`;
  if (st === 'stopped') return `${name} is paused`;
  const info = await replInfo(node);
  if (!info) return `${name} does not answer`;
  if (info.role === 'master') return `${name} is a primary (${info.connected_slaves ?? 0} replicas linked)`;
  return `${name} replicates ${nameOfPort(lab, info.master_port)}, link ${info.master_link_status ?? '?'}`;
}

/** One `slaveN:ip=…,port=…,state=…,offset=…,lag=…` line of the primary's INFO replication. */
export interface ReplicaLine {
  name: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

/** The replicas a primary lists in INFO replication, named after the lab's nodes. */
export function replicaLines(lab: Lab, info: Record<string, string>): ReplicaLine[] {
  const out: ReplicaLine[] = [];
  for (const [field, value] of Object.entries(info)) {
    if (!/^slave\d+$/.test(field)) continue;
    const kv = Object.fromEntries(value.split(',').map((p) => p.split('=') as [string, string]));
    out.push({
      name: nameOfPort(lab, kv.port),
      port: Number(kv.port),
      state: kv.state ?? '?',
      offset: Number(kv.offset ?? 0),
      lag: Number(kv.lag ?? 0),
    });
  }
  return out;
}

/** Polls `probe` every 25 ms until it returns true or `ms` pass; resolves with whether it did. */
export async function waitUntil(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() > end) return false;
    await sleep(25);
  }
}

/** `replica` reports a link up to `primary`. */
export async function linkedTo(lab: Lab, replica: string, primary: string): Promise<boolean> {
  const info = await replInfo(lab.node(replica));
  return info?.role === 'slave' && Number(info.master_port) === lab.node(primary).port && info.master_link_status === 'up';
}

/** Both replicas linked to the primary and at its offset: everything it has, they have. */
export async function inSync(lab: Lab): Promise<boolean> {
  const p = await replInfo(lab.node(PRIMARY));
  if (p?.role !== 'master') return false;
  const offset = Number(p.master_repl_offset);
  for (const r of REPLICAS) {
    const info = await replInfo(lab.node(r));
    if (!info || info.role !== 'slave' || Number(info.master_port) !== lab.node(PRIMARY).port) return false;
    if (info.master_link_status !== 'up' || Number(info.slave_repl_offset) < offset) return false;
  }
  return true;
}

/** How far a replica has applied its primary's stream (slave_repl_offset), or -1 when it does not answer. */
export async function replicaOffset(lab: Lab, name: string): Promise<number> {
  const info = await replInfo(lab.node(name));
  return Number(info?.slave_repl_offset ?? -1);
}

/** The primary's sync counters: full syncs it served, partial resyncs accepted and refused. */
export async function syncStats(node: LabNode): Promise<{ full: number; partialOk: number; partialErr: number }> {
  const s = await adminInfo(node.port, 'stats');
  return { full: Number(s.sync_full ?? 0), partialOk: Number(s.sync_partial_ok ?? 0), partialErr: Number(s.sync_partial_err ?? 0) };
}

/** Where a node's log ends now: pass it to logSince to read what the node logs after this moment. */
export function logMark(node: LabNode): number {
  try {
    return statSync(node.log).size;
  } catch {
    return 0;
  }
}

/** The node's log lines written after `mark`, without their pid/time prefix, that match `filter`. */
export function logSince(node: LabNode, mark: number, filter: RegExp): string[] {
  let text = '';
  try {
    const size = statSync(node.log).size;
    const len = Math.max(0, Math.min(size - mark, 64 * 1024));
    const fd = openSync(node.log, 'r');
    try {
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.replace(/^\d+:[A-Z] [^*#-]*[*#-] /, '').trim())
    .filter((l) => l && filter.test(l));
}

/**
 * Restarts a node the lesson killed, and waits, with the recorder paused, until every connection to it has
 * reconnected: ioredis greets a server with CLIENT SETINFO on each connect (an error on Redis 7.0), and that greeting
 * must not be printed as a lesson command, nor taken for the learner's next command.
 */
async function restartAndSettle(ctx: LessonContext, name: string): Promise<void> {
  await labOf(ctx).restart(name);
  const conns = [await ctx.lab!.client(name), await ctx.lab!.admin(name)];
  if (ctx.sb.lab) conns.push(await ctx.sb.lab.learnerConnection(name));
  await waitUntil(3000, () => Promise.resolve(conns.every((c) => c.status === 'ready')));
  await Promise.all(conns.map((c) => c.ping().catch(() => null)));
}

/**
 * The lesson's starting topology, from whatever a step or a learner left: every node running and resumed, the
 * replication settings at their defaults, `primary` a primary, both replicas linked to it and at its offset. Data
 * follows `primary` (a primary the lesson killed comes back empty: these nodes persist nothing).
 */
export async function restoreTopology(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  for (const name of DATA_NODES) {
    const node = lab.node(name);
    const st = processState(node.pid);
    if (st === 'stopped') await lab.resume(node);
    else if (st === 'gone') await ctx.sb.recorder.unrecorded(() => restartAndSettle(ctx, name));
  }
  for (const name of DATA_NODES) {
    const port = lab.node(name).port;
    for (const [param, value] of DEFAULT_SETTINGS) await adminCall(port, ['CONFIG', 'SET', param, value]);
  }
  const primary = lab.node(PRIMARY);
  const p = await replInfo(primary);
  if (p?.role !== 'master') await adminCall(primary.port, ['REPLICAOF', 'NO', 'ONE']);
  for (const r of REPLICAS) {
    const node = lab.node(r);
    const info = await replInfo(node);
    if (info?.role !== 'slave' || Number(info.master_port) !== primary.port) {
      await adminCall(node.port, ['REPLICAOF', primary.host, String(primary.port)]);
    }
  }
  if (!(await waitUntil(10_000, () => inSync(lab)))) {
    const states = await Promise.all(DATA_NODES.map((n) => roleText(lab, n)));
    throw new Error(`the replication lab did not come back in sync: ${states.join('; ')}`);
  }
}

/** Sends one command to a node on a bare socket; an error reply comes back as its message (never thrown). */
export async function tryCall(node: LabNode, args: (string | number)[]): Promise<{ ok: boolean; reply: string }> {
  try {
    const r = await adminCall(node.port, args, { timeoutMs: 1500 });
    return { ok: true, reply: r === null ? '(nil)' : Array.isArray(r) ? JSON.stringify(r) : String(r) };
  } catch (err) {
    return { ok: false, reply: err instanceof Error ? err.message : String(err) };
  }
}

/** How many of these keys a node holds (EXISTS counts each). */
export async function countKeys(node: LabNode, keys: readonly string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < keys.length; i += 500)
    n += Number(await adminCall(node.port, ['EXISTS', ...keys.slice(i, i + 500)], { timeoutMs: 3000 }));
  return n;
}

/** A byte count the way a person reads it: 1.2 KB, 3.5 MB. */
export function bytes(n: number): string {
  const fixed = (x: number) => x.toFixed(x >= 10 ? 0 : 1).replace(/\.0$/, '');
  if (n >= 1024 * 1024) return `${fixed(n / 1024 / 1024)} MB`;
  if (n >= 1024) return `${fixed(n / 1024)} KB`;
  return `${n} B`;
}
