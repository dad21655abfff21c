// The sentinel lab's layouts and how to bring the lab to one: who is primary, who replicates it, which node stands
// alone, and what the three Sentinels must agree on. Exercise setups call settle(); checks read the same state.
import { readFileSync } from 'node:fs';
import { adminCall, adminInfo, pairs } from '../../../lab/admin.js';
import type { Lab } from '../../../lab/lab.js';
import type { LabNode } from '../../../lab/node-process.js';
import { processState } from '../../../lab/probe.js';
import { SENTINEL_DOWN_AFTER_MS, SENTINEL_FAILOVER_TIMEOUT_MS, SENTINEL_MASTER_NAME, SENTINEL_QUORUM } from '../../../lab/topology.js';
import { sleep } from '../../../patterns/index.js';

export const MASTER = SENTINEL_MASTER_NAME;
export const SENTINELS = ['sentinel-1', 'sentinel-2', 'sentinel-3'] as const;
export const DATA_NODES = ['primary', 'replica-1', 'replica-2'] as const;
/** Sentinel's own TILT period (30 s), put back after the lab shortens it to leave TILT. */
const TILT_PERIOD_MS = 30_000;

/** Who is primary, who replicates it, and which data node stands alone (unknown to the Sentinels). */
export interface Layout {
  primary: string;
  replicas: string[];
  alone?: string[];
}

export const START: Layout = { primary: 'primary', replicas: ['replica-1', 'replica-2'] };

// The library's sleep, re-exported for this lesson's steps.
export { sleep };

/** Polls `probe` every 50 ms until it returns null or `ms` pass; returns the last reason (null: done). */
export async function until(ms: number, probe: () => Promise<string | null>): Promise<string | null> {
  const end = Date.now() + ms;
  let reason: string | null = 'not checked';
  for (;;) {
    try {
      reason = await probe();
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    if (reason === null || Date.now() >= end) return reason;
    await sleep(50);
  }
}

/** The node listening on `port`, by name (or `:port` when it is none of the lab's). */
export function nameOfPort(lab: Lab, port: number | string): string {
  return lab.nodes.find((n) => n.port === Number(port))?.name ?? `:${port}`;
}

/** What a Sentinel says of mymaster: address, flags, how many replicas and other Sentinels it knows, its quorum. */
export interface SentinelView {
  sentinel: string;
  port: number | null;
  flags: string;
  replicas: number;
  others: number;
  quorum: number;
  raw: Record<string, string>;
}

export async function sentinelView(lab: Lab, name: string, timeoutMs = 800): Promise<SentinelView | null> {
  try {
    const m = pairs(await adminCall(lab.node(name).port, ['SENTINEL', 'MASTER', MASTER], { timeoutMs }));
    return {
      sentinel: name,
      port: m.port ? Number(m.port) : null,
      flags: m.flags ?? '',
      replicas: Number(m['num-slaves'] ?? 0),
      others: Number(m['num-other-sentinels'] ?? 0),
      quorum: Number(m.quorum ?? 0),
      raw: m,
    };
  } catch {
    return null;
  }
}

/** INFO replication of a data node, or null when it does not answer. */
export async function replication(lab: Lab, name: string): Promise<Record<string, string> | null> {
  try {
    return await adminInfo(lab.node(name).port, 'replication', { timeoutMs: 800 });
  } catch {
    return null;
  }
}

/** The port the three Sentinels agree is the primary, or null when they do not agree (or one does not answer). */
export async function agreedPrimary(lab: Lab): Promise<number | null> {
  const views = await Promise.all(SENTINELS.map((s) => sentinelView(lab, s)));
  const ports = new Set(views.map((v) => v?.port ?? null));
  if (ports.size !== 1 || ports.has(null)) return null;
  return [...ports][0]!;
}

/** Null when `replica` replicates the node on `primaryPort` with its link up; else what it does. */
export async function linkedTo(lab: Lab, replica: string, primaryPort: number): Promise<string | null> {
  const info = await replication(lab, replica);
  if (!info) return `${replica} does not answer`;
  if (info.role !== 'slave') return `${replica} is a primary`;
  const port = Number(info.master_port);
  if (port !== primaryPort) return `${replica} replicates ${nameOfPort(lab, port)}`;
  if (info.master_link_status !== 'up') return `${replica} replicates ${nameOfPort(lab, port)}, link down`;
  return null;
}

/** Null when the data nodes are laid out as `layout` says, links up; else the first thing that differs. */
export async function dataMatches(lab: Lab, layout: Layout): Promise<string | null> {
  const p = await replication(lab, layout.primary);
  if (!p) return `${layout.primary} does not answer`;
  if (p.role !== 'master') return `${layout.primary} is a replica`;
  for (const r of layout.replicas) {
    const why = await linkedTo(lab, r, lab.node(layout.primary).port);
    if (why) return why;
  }
  for (const a of layout.alone ?? []) {
    const info = await replication(lab, a);
    if (info?.role !== 'master') return `${a} is not standing alone`;
  }
  return null;
}

/**
 * Null when every Sentinel names the layout's primary, flags it plain master, and knows exactly its replicas and the other
 * two (settings such as the quorum are put back by settle() whatever they are).
 */
export async function sentinelsMatch(lab: Lab, layout: Layout): Promise<string | null> {
  const want = lab.node(layout.primary).port;
  for (const s of SENTINELS) {
    const v = await sentinelView(lab, s);
    if (!v) return `${s} does not answer`;
    if (v.port !== want) return `${s} names ${v.port === null ? 'no primary' : nameOfPort(lab, v.port)}`;
    if (v.flags !== 'master') return `${s} flags it ${v.flags}`;
    if (v.replicas !== layout.replicas.length) return `${s} knows ${v.replicas} replicas`;
    if (v.others !== SENTINELS.length - 1) return `${s} knows ${v.others} other Sentinels`;
  }
  return null;
}

/** The lesson's Sentinel settings, as the lab started them. */
const SETTINGS = [
  'quorum',
  String(SENTINEL_QUORUM),
  'down-after-milliseconds',
  String(SENTINEL_DOWN_AFTER_MS),
  'failover-timeout',
  String(SENTINEL_FAILOVER_TIMEOUT_MS),
  'parallel-syncs',
  '1',
];

async function inTilt(node: LabNode): Promise<boolean> {
  const info = await adminInfo(node.port, 'sentinel', { timeoutMs: 800 }).catch(() => null);
  return info?.sentinel_tilt === '1';
}

/**
 * Brings a Sentinel out of TILT (a Sentinel paused for more than 2 s distrusts its clock for 30 s and acts on nothing):
 * a 1 ms TILT period ends it at its next tick, then the 30 s come back.
 */
export async function leaveTilt(lab: Lab): Promise<string[]> {
  const tilted: string[] = [];
  for (const s of SENTINELS) {
    const node = lab.node(s);
    if (!(await inTilt(node))) continue;
    tilted.push(s);
    await adminCall(node.port, ['SENTINEL', 'DEBUG', 'tilt-period', '1']);
    await until(2000, async () => ((await inTilt(node)) ? 'in TILT' : null));
    await adminCall(node.port, ['SENTINEL', 'DEBUG', 'tilt-period', String(TILT_PERIOD_MS)]);
  }
  return tilted;
}

/** Every node running and resumed: a killed node restarted, a paused one resumed. */
export async function reviveAll(lab: Lab): Promise<void> {
  for (const n of lab.nodes) {
    const state = processState(n.pid);
    if (state === 'gone') await lab.restart(n);
    else if (state === 'stopped' || n.paused) await lab.resume(n);
  }
}

/** replica-priority back to the default everywhere, at runtime and in the config file when a lesson step rewrote it. */
async function defaultPriorities(lab: Lab): Promise<void> {
  for (const name of DATA_NODES) {
    const n = lab.node(name);
    const got = (await adminCall(n.port, ['CONFIG', 'GET', 'replica-priority'])) as string[];
    if (got[1] !== '100') await adminCall(n.port, ['CONFIG', 'SET', 'replica-priority', '100']);
    let file = '';
    try {
      file = readFileSync(n.conf, 'utf8');
    } catch {
      /* no file: nothing to rewrite */
    }
    if (/^\s*(replica|slave)-priority\s+(?!100\b)/im.test(file)) await adminCall(n.port, ['CONFIG', 'REWRITE']);
  }
}

/**
 * Brings the lab to `layout`: every node up and resumed, default priorities, the Sentinels' settings as started and out
 * of TILT, the data nodes wired as the layout says, and the three Sentinels agreeing on it. When the Sentinels disagree
 * with the layout, they forget mymaster (SENTINEL REMOVE, all three first, so none reconfigures a node meanwhile) and
 * monitor it again: they then find the replicas (INFO) and each other (hello messages, every 2 s). Bounded: throws
 * after ~12 s with what is still wrong.
 */
export async function settle(lab: Lab, layout: Layout): Promise<void> {
  await reviveAll(lab);
  await leaveTilt(lab);
  await defaultPriorities(lab);
  const primary = lab.node(layout.primary);
  const sentinelsOk = (await sentinelsMatch(lab, layout)) === null;
  if (!sentinelsOk) {
    for (const s of SENTINELS) await adminCall(lab.node(s).port, ['SENTINEL', 'REMOVE', MASTER]).catch(() => undefined);
  } else {
    for (const s of SENTINELS) await adminCall(lab.node(s).port, ['SENTINEL', 'SET', MASTER, ...SETTINGS]);
  }
  const p = await replication(lab, layout.primary);
  if (p?.role !== 'master') await adminCall(primary.port, ['REPLICAOF', 'NO', 'ONE']);
  for (const r of layout.replicas) {
    const info = await replication(lab, r);
    if (info?.role !== 'slave' || Number(info.master_port) !== primary.port) {
      await adminCall(lab.node(r).port, ['REPLICAOF', primary.host, String(primary.port)]);
    }
  }
  for (const a of layout.alone ?? []) {
    const info = await replication(lab, a);
    if (info?.role !== 'master') await adminCall(lab.node(a).port, ['REPLICAOF', 'NO', 'ONE']);
  }
  const data = await until(6000, () => dataMatches(lab, layout));
  if (data) throw new Error(`the sentinel lab did not settle: ${data}`);
  if (!sentinelsOk) {
    for (const s of SENTINELS) {
      const port = lab.node(s).port;
      await adminCall(port, ['SENTINEL', 'MONITOR', MASTER, primary.host, String(primary.port), String(SENTINEL_QUORUM)]);
      await adminCall(port, ['SENTINEL', 'SET', MASTER, ...SETTINGS]);
    }
  }
  const seen = await until(8000, () => sentinelsMatch(lab, layout));
  if (seen) throw new Error(`the sentinel lab did not settle: ${seen}`);
}
