// The sentinel topology: the replication topology watched by three Sentinels (quorum 2, lesson-sized timeouts), up
// when every Sentinel sees the primary, both replicas and the other two Sentinels.
import { adminCall, pairs } from './admin.js';
import type { LabBuild, LabNode, NodeSpec } from './node-process.js';
import { buildReplication } from './replication.js';
import { SENTINEL_DOWN_AFTER_MS, SENTINEL_FAILOVER_TIMEOUT_MS, SENTINEL_MASTER_NAME, SENTINEL_QUORUM } from './topology.js';

export function sentinelNode(name: string, primary: LabNode): NodeSpec {
  return {
    name,
    kind: 'sentinel',
    role: 'sentinel',
    config: () => [
      `sentinel monitor ${SENTINEL_MASTER_NAME} ${primary.host} ${primary.port} ${SENTINEL_QUORUM}`,
      `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${SENTINEL_DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${SENTINEL_MASTER_NAME} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
      `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
    ],
  };
}

/** Null when every Sentinel sees the primary up, both replicas and the other Sentinels; else why not. */
export async function sentinelsAgree(sentinels: readonly LabNode[], replicas: number): Promise<string | null> {
  for (const s of sentinels) {
    const m = pairs(await adminCall(s.port, ['SENTINEL', 'MASTER', SENTINEL_MASTER_NAME]));
    if (m.flags !== 'master') return `${s.name} flags the primary ${m.flags ?? '?'}`;
    if (Number(m['num-slaves']) < replicas) return `${s.name} sees ${m['num-slaves'] ?? 0} replicas`;
    if (Number(m['num-other-sentinels']) < sentinels.length - 1) return `${s.name} sees ${m['num-other-sentinels'] ?? 0} other Sentinels`;
  }
  return null;
}

export async function buildSentinel(b: LabBuild): Promise<void> {
  const { primary, replicas } = await buildReplication(b);
  b.progress('starting three Sentinels');
  const sentinels = await b.addNodes([1, 2, 3].map((i) => sentinelNode(`sentinel-${i}`, primary)));
  // Sentinels find each other through hello messages on the primary, every 2 s.
  b.progress('waiting for the Sentinels to find each other');
  await b.waitFor('every Sentinel to see the primary, its replicas and the other Sentinels', () =>
    sentinelsAgree(sentinels, replicas.length),
  );
}
