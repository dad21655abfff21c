// The replication topology: a primary and two replicas (REPLICAOF), up when both replicas' links are up.
import { adminCall, adminInfo } from './admin.js';
import { dataNodeConfig, type LabBuild, type LabNode, type NodeSpec } from './node-process.js';

export function dataNode(name: string, role: 'primary' | 'replica'): NodeSpec {
  return { name, kind: 'redis', role, config: () => dataNodeConfig() };
}

/** Makes `replica` replicate `primary`, in its config file too, so a restart from its own files stays a replica. */
export async function replicate(replica: LabNode, primary: LabNode): Promise<void> {
  await adminCall(replica.port, ['REPLICAOF', primary.host, primary.port]);
  await adminCall(replica.port, ['CONFIG', 'REWRITE']);
}

/** Null when every replica reports master_link_status:up to `primary` and the primary counts them; else why not. */
export async function replicasLinked(primary: LabNode, replicas: readonly LabNode[]): Promise<string | null> {
  for (const r of replicas) {
    const info = await adminInfo(r.port, 'replication');
    if (info.role !== 'slave' || Number(info.master_port) !== primary.port) return `${r.name} is not a replica of ${primary.name} yet`;
    if (info.master_link_status !== 'up') return `${r.name}: master_link_status:${info.master_link_status ?? '?'}`;
  }
  const p = await adminInfo(primary.port, 'replication');
  const n = Number(p.connected_slaves ?? 0);
  return n >= replicas.length ? null : `${primary.name} counts ${n} connected replicas`;
}

/** Starts the primary and the replicas together, then points the replicas at the primary. */
export async function buildReplication(b: LabBuild): Promise<{ primary: LabNode; replicas: LabNode[] }> {
  b.progress('starting a primary and two replicas');
  const [primary, ...replicas] = await b.addNodes([
    dataNode('primary', 'primary'),
    dataNode('replica-1', 'replica'),
    dataNode('replica-2', 'replica'),
  ]);
  await Promise.all(replicas.map((r) => replicate(r, primary!)));
  b.progress('waiting for both replicas to sync');
  await b.waitFor('both replicas to report master_link_status:up', () => replicasLinked(primary!, replicas));
  return { primary: primary!, replicas };
}
