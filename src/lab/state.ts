// The record a foreground `lab up` keeps of itself, one file per topology under <configDir>/labs/: its pid and nodes,
// read by `lab status` and `lab down` in other terminals. A record whose process is gone is stale and removed.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from '../progress/store.js';
import { processArgs, processState } from './probe.js';
import { TOPOLOGIES, isTopology, type NodeAddress, type NodeKind, type NodeRole, type Topology } from './topology.js';

export const LAB_STATE_VERSION = 1;

export interface LabState {
  version: number;
  topology: Topology;
  /** The `lab up` process: `lab down` signals it. */
  pid: number;
  startedAt: string;
  /** Null while the lab is still starting. */
  upMs: number | null;
  dir: string | null;
  server: { name?: string; label: string; version: string | null } | null;
  nodes: NodeAddress[];
}

export function labsDir(): string {
  return join(configDir(), 'labs');
}

export function labStatePath(topology: Topology): string {
  return join(labsDir(), `${topology}.json`);
}

/** The name mkdtemp gives a lab's dir (see lab.ts). */
const LAB_DIR = /[\\/]redis-learn-lab-[A-Za-z0-9]{6}$/;

const KINDS: readonly NodeKind[] = ['redis', 'sentinel'];
const ROLES: readonly NodeRole[] = ['primary', 'replica', 'sentinel'];

function isNode(x: unknown): x is NodeAddress {
  if (typeof x !== 'object' || x === null) return false;
  const n = x as Record<string, unknown>;
  return (
    typeof n.name === 'string' &&
    KINDS.includes(n.kind as NodeKind) &&
    ROLES.includes(n.role as NodeRole) &&
    typeof n.host === 'string' &&
    Number.isInteger(n.port) &&
    (n.pid === null || Number.isInteger(n.pid))
  );
}

/** The record in `text`, or null when it is not one this version wrote. */
export function parseLabState(text: string): LabState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const s = data as Record<string, unknown>;
  if (s.version !== LAB_STATE_VERSION || typeof s.topology !== 'string' || !isTopology(s.topology)) return null;
  if (!Number.isInteger(s.pid) || (s.pid as number) <= 0 || typeof s.startedAt !== 'string') return null;
  if (!Array.isArray(s.nodes) || !s.nodes.every(isNode)) return null;
  return {
    version: LAB_STATE_VERSION,
    topology: s.topology,
    pid: s.pid as number,
    startedAt: s.startedAt,
    upMs: typeof s.upMs === 'number' ? s.upMs : null,
    // Only a lab's own temp dir: the dir is what a pid's title must name before `lab down` signals it.
    dir: typeof s.dir === 'string' && LAB_DIR.test(s.dir) ? s.dir : null,
    server:
      typeof s.server === 'object' && s.server !== null && typeof (s.server as { label?: unknown }).label === 'string'
        ? (s.server as { label: string; version: string | null })
        : null,
    nodes: s.nodes,
  };
}

/**
 * Claims the topology's record for this process (exclusive create: two `lab up` at once cannot both win). Returns
 * false when a record is already there: the caller reads it and decides (running, or stale and removed).
 */
export function claimLabState(state: LabState): boolean {
  mkdirSync(labsDir(), { recursive: true });
  try {
    writeFileSync(labStatePath(state.topology), `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Rewrites this process's record (atomically: write, rename). */
export function writeLabState(state: LabState): void {
  mkdirSync(labsDir(), { recursive: true });
  const path = labStatePath(state.topology);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Removes the topology's record if it is still `pid`'s (never another process's). */
export function removeLabState(topology: Topology, pid: number): void {
  const path = labStatePath(topology);
  try {
    const s = parseLabState(readFileSync(path, 'utf8'));
    if (s && s.pid !== pid) return;
    rmSync(path, { force: true });
  } catch {
    /* already gone */
  }
}

/** The `lab up` process of a record is alive: running (or stopped) and still a redis-learn lab, not a reused pid. */
export function labProcessAlive(pid: number): boolean {
  if (processState(pid) === 'gone') return false;
  const args = processArgs(pid);
  return args === null || /\blab\b/.test(args);
}

/** A node of the record still runs as that node: alive, and its title still names the lab's dir. */
export function nodeProcessAlive(state: LabState, node: NodeAddress): boolean {
  if (node.pid === null || processState(node.pid) === 'gone') return false;
  const args = processArgs(node.pid);
  if (args === null) return true;
  return state.dir ? args.includes(state.dir) : args.includes(`${node.host}:${node.port}`) && /redis|valkey/.test(args);
}

export interface LabRecord {
  topology: Topology;
  path: string;
  /** Null for a file that is not a record (corrupt, or another version's). */
  state: LabState | null;
  alive: boolean;
}

/** The records under labs/ (of one topology, or all), each with whether its process is alive. */
export function readLabRecords(topology?: Topology): LabRecord[] {
  const names = topology ? [topology] : TOPOLOGIES;
  let present: string[];
  try {
    present = readdirSync(labsDir());
  } catch {
    return [];
  }
  const out: LabRecord[] = [];
  for (const t of names) {
    if (!present.includes(`${t}.json`)) continue;
    const path = labStatePath(t);
    let state: LabState | null = null;
    try {
      state = parseLabState(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    out.push({ topology: t, path, state, alive: state !== null && labProcessAlive(state.pid) });
  }
  return out;
}

/** SIGKILLs the record's nodes that still run (its process died and the watchdog did not get to them). */
export function killLeftoverNodes(state: LabState): number {
  let n = 0;
  for (const node of state.nodes) {
    if (node.pid === null || !nodeProcessAlive(state, node)) continue;
    try {
      process.kill(node.pid, 'SIGKILL');
      n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

/** Removes a stale record (its process gone), ending any node it left behind (the watchdog's job, normally done). */
export function removeStaleRecord(rec: LabRecord): void {
  if (rec.state) killLeftoverNodes(rec.state);
  rmSync(rec.path, { force: true });
}
