// The lab's vocabulary: the topologies, the node roles, and the timings each topology is started with.

export const TOPOLOGIES = ['single', 'replication', 'sentinel', 'cluster'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export function isTopology(s: string): s is Topology {
  return (TOPOLOGIES as readonly string[]).includes(s);
}

/** What a node is: a data node (primary or replica, cluster or not) or a Sentinel. */
export type NodeKind = 'redis' | 'sentinel';

/** A node's role: as started, or as the node itself reports it (INFO replication) once a failover has moved it. */
export type NodeRole = 'primary' | 'replica' | 'sentinel';

/** The name the Sentinels monitor the primary under: the one in Redis's docs and every client example. */
export const SENTINEL_MASTER_NAME = 'mymaster';

/** Sentinel timings short enough to watch a failover during a lesson (the defaults are 30 s and 3 min). */
export const SENTINEL_DOWN_AFTER_MS = 1000;
export const SENTINEL_FAILOVER_TIMEOUT_MS = 5000;
export const SENTINEL_QUORUM = 2;

/** How long a cluster node may be unreachable before it is flagged failing: a failover within a lesson's attention span. */
export const CLUSTER_NODE_TIMEOUT_MS = 2000;

/** The slots of a three-primary cluster, split as `redis-cli --cluster create` splits them. */
export const CLUSTER_SLOT_RANGES: readonly (readonly [number, number])[] = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

/** Where a node listens and what it is: what the state file records and `lab status` probes. */
export interface NodeAddress {
  name: string;
  kind: NodeKind;
  /** The role it was started in (a failover can change it: see NodeHealth.role for the live one). */
  role: NodeRole;
  host: string;
  port: number;
  /** Its process id, or null while it is not running (killed and not restarted). */
  pid: number | null;
}

/** What `lab up` starts, in a line. */
export const TOPOLOGY_SUMMARY: Record<Topology, string> = {
  single: 'one node of your own (persistence, security and observability drills)',
  replication: 'a primary and two replicas',
  sentinel: 'a primary, two replicas and three Sentinels (quorum 2)',
  cluster: 'six cluster nodes: three primaries with a replica each, 16384 slots',
};
