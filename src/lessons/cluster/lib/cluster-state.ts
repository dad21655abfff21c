// The cluster lesson's view of its lab: the cluster as it was formed (which primary serves which range, which replica
// follows which primary, every node's id), each node's live view of slot ownership, and restoreCluster(), which brings
// the lab back to the formed cluster (nodes up, original primaries primary, slots home, no open migration, no keys).
import { adminCall, adminInfo, adminString, parseFields } from '../../../lab/admin.js';
import type { Lab } from '../../../lab/lab.js';
import type { LabNode } from '../../../lab/node-process.js';
import { CLUSTER_SLOT_RANGES } from '../../../lab/topology.js';
import { sleep } from '../../../patterns/index.js';

export const SLOTS = 16384;

/** The cluster as `lab` formed it. */
export interface Formed {
  /** Primary names in slot order: the first serves 0-5460, and so on. */
  primaries: string[];
  ranges: Map<string, readonly [number, number]>;
  /** Replica name → the primary it was formed to follow. */
  replicaOf: Map<string, string>;
  /** Node name → cluster node id. */
  ids: Map<string, string>;
  /** Cluster node id → node name. */
  names: Map<string, string>;
}

const formedByLab = new WeakMap<Lab, Promise<Formed>>();

// The library's sleep, re-exported for this lesson's steps.
export { sleep };

/** One line of a node's CLUSTER NODES, with the open-migration markers parseClusterNodes leaves out. */
export interface ViewLine {
  id: string;
  port: number;
  flags: string[];
  primaryId: string | null;
  /** "0-5460", "2466" */
  ranges: string[];
  /** On the `myself` line: slot → node id it is migrating to / importing from. */
  migrating: Map<number, string>;
  importing: Map<number, string>;
}

export function parseView(text: string): ViewLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', addr = '', flags = '', primary = '-', , , , , ...rest] = line.split(' ');
      const address = addr.split('@')[0]!;
      const migrating = new Map<number, string>();
      const importing = new Map<number, string>();
      for (const r of rest) {
        const m = /^\[(\d+)-([<>])-([0-9a-f]+)\]$/.exec(r);
        if (m) (m[2] === '>' ? migrating : importing).set(Number(m[1]), m[3]!);
      }
      return {
        id,
        port: Number(address.slice(address.lastIndexOf(':') + 1)),
        flags: flags.split(','),
        primaryId: primary === '-' ? null : primary,
        ranges: rest.filter((r) => !r.startsWith('[')),
        migrating,
        importing,
      };
    });
}

export async function viewOf(port: number, timeoutMs = 1000): Promise<ViewLine[]> {
  return parseView(await adminString(port, ['CLUSTER', 'NODES'], { timeoutMs }));
}

/** slot → owner id, as one node's CLUSTER NODES says. */
export function ownersIn(view: readonly ViewLine[]): (string | null)[] {
  const owners: (string | null)[] = new Array<string | null>(SLOTS).fill(null);
  for (const l of view) {
    for (const r of l.ranges) {
      const [a, b] = r.split('-').map(Number);
      for (let s = a!; s <= (b ?? a!); s++) owners[s] = l.id;
    }
  }
  return owners;
}

/** The cluster as formed, read once per lab (roles from the lab, pairs and ids from the cluster). */
export function formed(lab: Lab): Promise<Formed> {
  let p = formedByLab.get(lab);
  if (!p) {
    p = (async () => {
      const data = lab.nodes.filter((n) => n.kind === 'redis');
      const ids = new Map<string, string>();
      for (const n of data) ids.set(n.name, String(await adminCall(n.port, ['CLUSTER', 'MYID'])));
      const names = new Map([...ids].map(([n, id]) => [id, n]));
      const primaries = data.filter((n) => n.role === 'primary').map((n) => n.name);
      const ranges = new Map(primaries.map((n, i) => [n, CLUSTER_SLOT_RANGES[i]!]));
      const replicaOf = new Map<string, string>();
      // Pairs do not change with a failover (a pair swaps roles): read them from any node that answers.
      const view = await viewOf(lab.node(primaries[0]!).port);
      for (const n of data.filter((x) => x.role === 'replica')) {
        const mine = view.find((l) => l.id === ids.get(n.name));
        let partner = mine?.primaryId ? names.get(mine.primaryId) : undefined;
        partner ??= names.get(view.find((l) => l.primaryId === ids.get(n.name))?.id ?? '');
        if (partner) replicaOf.set(n.name, partner);
      }
      return { primaries, ranges, replicaOf, ids, names };
    })();
    formedByLab.set(lab, p);
    p.catch(() => formedByLab.delete(lab));
  }
  return p;
}

/** The formed primary serving `slot`. */
export function formedOwner(f: Formed, slot: number): string {
  for (const [name, [a, b]] of f.ranges) if (slot >= a && slot <= b) return name;
  throw new Error(`slot ${slot} is outside 0-16383`);
}

/** The replica formed to follow `primary`. */
export function replicaOfPrimary(f: Formed, primary: string): string {
  for (const [r, p] of f.replicaOf) if (p === primary) return r;
  throw new Error(`${primary} has no replica`);
}

/** Polls `probe` (null = done, else why not) every 50 ms until it passes or `timeoutMs` ends; returns the last reason. */
export async function waitUntil(probe: () => Promise<string | null>, timeoutMs: number, everyMs = 50): Promise<string | null> {
  const end = Date.now() + timeoutMs;
  let why: string | null = 'not checked';
  for (;;) {
    try {
      why = await probe();
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    if (why === null || Date.now() >= end) return why;
    await sleep(everyMs);
  }
}

async function role(port: number): Promise<Record<string, string>> {
  return adminInfo(port, 'replication', { timeoutMs: 1000 });
}

/**
 * Null when the cluster is as formed: every node up, the formed primaries primary with their replica linked, every
 * node's view giving each slot to its formed owner, no open migration, cluster_state ok everywhere. Else why not.
 */
export async function formedProblem(lab: Lab, f: Formed): Promise<string | null> {
  const data = lab.nodes.filter((n) => n.kind === 'redis');
  for (const n of data) if (!n.running || n.paused) return `${n.name} is ${n.paused ? 'paused' : 'down'}`;
  for (const n of data) {
    const info = await role(n.port);
    const wantPrimary = f.primaries.includes(n.name);
    if (wantPrimary && info.role !== 'master') return `${n.name} is a replica`;
    if (!wantPrimary) {
      const p = lab.node(f.replicaOf.get(n.name)!);
      if (info.role !== 'slave' || Number(info.master_port) !== p.port) return `${n.name} does not replicate ${p.name}`;
      if (info.master_link_status !== 'up') return `${n.name}: link to ${p.name} ${info.master_link_status ?? '?'}`;
    }
  }
  for (const n of data) {
    const view = await viewOf(n.port);
    const me = view.find((l) => l.flags.includes('myself'));
    if (me && (me.migrating.size || me.importing.size)) return `${n.name} has an open migration`;
    const owners = ownersIn(view);
    for (const [name, [a, b]] of f.ranges) {
      const id = f.ids.get(name);
      for (let s = a; s <= b; s++) if (owners[s] !== id) return `${n.name} sees slot ${s} on ${f.names.get(owners[s] ?? '') ?? 'nobody'}`;
    }
    const ci = parseFields(await adminString(n.port, ['CLUSTER', 'INFO']));
    if (ci.cluster_state !== 'ok') return `${n.name}: cluster_state:${ci.cluster_state ?? '?'}`;
  }
  return null;
}

/** Throws with `what` and the last reason when `probe` does not pass in time. */
async function mustReach(what: string, probe: () => Promise<string | null>, timeoutMs: number): Promise<void> {
  const why = await waitUntil(probe, timeoutMs);
  if (why !== null) throw new Error(`the cluster lab did not come back (${what}): ${why}`);
}

/**
 * Brings the lab back to the cluster as formed, idempotently: nodes running and resumed, each formed primary primary
 * again (CLUSTER FAILOVER on it, as the lesson teaches), every key gone (FLUSHALL on the primaries: the lab is this
 * lesson's own), open migrations closed (SETSLOT STABLE), slots given back to their formed owner (SETSLOT NODE on every
 * primary, then BUMPEPOCH on the owner so its claim outranks the old one), and cluster_state ok on every node.
 */
export async function restoreCluster(lab: Lab): Promise<void> {
  const f = await formed(lab);
  const data = lab.nodes.filter((n) => n.kind === 'redis');
  for (const n of data) if (n.paused) await lab.resume(n);
  const restarted: LabNode[] = [];
  for (const n of data) {
    if (!n.running) {
      await lab.restart(n);
      restarted.push(n);
    }
  }
  // A restarted node rejoins from its nodes.conf; once it has heard that its slots moved on, it is a replica.
  for (const n of restarted) {
    await mustReach(
      `${n.name} rejoining`,
      async () => {
        const ci = parseFields(await adminString(n.port, ['CLUSTER', 'INFO']));
        return ci.cluster_state === 'ok' ? null : `${n.name}: cluster_state:${ci.cluster_state ?? '?'}`;
      },
      15_000,
    );
  }

  for (const name of f.primaries) {
    const p = lab.node(name);
    if ((await role(p.port)).role === 'master') continue;
    // A coordinated failover back: the replica (the formed primary) catches up first, nothing is lost.
    await mustReach(
      `${name}'s link`,
      async () => ((await role(p.port)).master_link_status === 'up' ? null : `${name}: replication link not up yet`),
      10_000,
    );
    await adminCall(p.port, ['CLUSTER', 'FAILOVER']).catch(() => undefined);
    // Within 2 × cluster-node-timeout of the shard's last election the primaries refuse to vote again: then the
    // replica takes its role back without a vote (TAKEOVER; nobody writes during a setup).
    const why = await waitUntil(async () => ((await role(p.port)).role === 'master' ? null : `${name} still a replica`), 2000);
    if (why !== null) {
      await adminCall(p.port, ['CLUSTER', 'FAILOVER', 'TAKEOVER']);
      await mustReach(`${name} promoted`, async () => ((await role(p.port)).role === 'master' ? null : `${name} still a replica`), 6000);
    }
  }
  for (const [r, pName] of f.replicaOf) {
    const p = lab.node(pName);
    const info = await role(lab.node(r).port);
    if (info.role !== 'slave' || Number(info.master_port) !== p.port) {
      await mustReach(
        `${r} knowing ${pName} as a primary`,
        async () => {
          const mine = (await viewOf(lab.node(r).port)).find((l) => l.id === f.ids.get(pName));
          return mine?.flags.includes('master') ? null : `${r} does not see ${pName} as a primary yet`;
        },
        8000,
      );
      await adminCall(lab.node(r).port, ['CLUSTER', 'REPLICATE', f.ids.get(pName)!]);
    }
  }

  const primaries = f.primaries.map((n) => lab.node(n));
  await Promise.all(primaries.map((p) => adminCall(p.port, ['FLUSHALL'])));

  // Close open migrations, then put every slot back where it was formed, on every primary's own table.
  const wrong = new Set<number>();
  for (const p of primaries) {
    const view = await viewOf(p.port);
    const me = view.find((l) => l.flags.includes('myself'))!;
    for (const s of [...me.migrating.keys(), ...me.importing.keys()]) {
      await adminCall(p.port, ['CLUSTER', 'SETSLOT', s, 'STABLE']);
      wrong.add(s);
    }
    const owners = ownersIn(view);
    for (let s = 0; s < SLOTS; s++) if (owners[s] !== f.ids.get(formedOwner(f, s))) wrong.add(s);
  }
  if (wrong.size) {
    for (const p of primaries) {
      const owners = ownersIn(await viewOf(p.port));
      for (const s of wrong) {
        const id = f.ids.get(formedOwner(f, s))!;
        if (owners[s] !== id) await adminCall(p.port, ['CLUSTER', 'SETSLOT', s, 'NODE', id]);
      }
    }
    const owners = new Set([...wrong].map((s) => formedOwner(f, s)));
    for (const o of owners) await adminCall(lab.node(o).port, ['CLUSTER', 'BUMPEPOCH']);
  }
  await mustReach('as formed', () => formedProblem(lab, f), 15_000);
}

/** Which node (by name) answers for `slot` now, as `asked`'s CLUSTER NODES says. */
export async function ownerNow(lab: Lab, f: Formed, slot: number, asked = f.primaries[0]!): Promise<string | null> {
  const owners = ownersIn(await viewOf(lab.node(asked).port));
  return f.names.get(owners[slot] ?? '') ?? null;
}

/** CLUSTER COUNTKEYSINSLOT on a node (it counts what the node holds, whoever owns the slot). */
export async function countIn(port: number, slot: number): Promise<number> {
  return Number(await adminCall(port, ['CLUSTER', 'COUNTKEYSINSLOT', slot]));
}
