// The single topology: one data node of the lab's own, for drills that need a whole server (persistence, ACLs,
// latency and memory diagnosis) without touching the one the learner configured.
import type { LabBuild, LabNode } from './node-process.js';
import { dataNode } from './replication.js';

export async function buildSingle(b: LabBuild): Promise<LabNode> {
  b.progress('starting one node');
  const [node] = await b.addNodes([dataNode('node', 'primary')]);
  return node!;
}
