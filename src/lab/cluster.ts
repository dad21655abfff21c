// The cluster topology: six cluster nodes, three primaries with a replica each and all 16384 slots assigned, up when
// CLUSTER INFO says cluster_state:ok on every node. Created by `redis-cli --cluster create` when redis-cli is on the
// PATH, else by hand (CLUSTER ADDSLOTSRANGE, MEET, REPLICATE): the same cluster either way.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingToolError } from '../errors.js';
import { adminCall, adminInfo, adminString, parseClusterNodes, parseFields } from './admin.js';
import { dataNodeConfig, type LabBuild, type LabNode, type NodeSpec } from './node-process.js';
import { CLUSTER_NODE_TIMEOUT_MS, CLUSTER_SLOT_RANGES } from './topology.js';

/** How the cluster is formed: with redis-cli (`auto` when it is on the PATH) or by hand. */
export type ClusterCreate = 'auto' | 'redis-cli' | 'manual';

export const CLUSTER_SIZE = 6;

function clusterNode(name: string): NodeSpec {
  return {
    name,
    kind: 'redis',
    // Every node starts as an empty primary; the roles are read back once the cluster is formed.
    role: 'primary',
    clusterBus: true,
    config: ({ busPort }) => [
      ...dataNodeConfig(),
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      `cluster-node-timeout ${CLUSTER_NODE_TIMEOUT_MS}`,
      // A bus port of its own: the default (port + 10000) may be taken, or past 65535 for a high free port.
      `cluster-port ${busPort}`,
      // A replica counts in CLUSTER SLOTS once its replication offset is past 0, i.e. after the primary's first ping
      // down the link: every second instead of every 10 s, so the cluster is whole in seconds.
      'repl-ping-replica-period 1',
    ],
  };
}

export function findRedisCli(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'redis-cli'))) return join(dir, 'redis-cli');
  }
  return null;
}

function runRedisCli(cli: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = out
        .split('\n')
        .filter((l) => /\[ERR\]|error|err /i.test(l))
        .slice(-2)
        .join(' ')
        .trim();
      reject(
        new Error(
          `redis-cli --cluster create failed (${signal ? `killed after ${timeoutMs} ms` : `exit ${code}`})${why ? `: ${why}` : ''}`,
        ),
      );
    });
  });
}

/** The by-hand way: distinct config epochs, slots to the first three, MEET, then each replica REPLICATEs its primary. */
async function createByHand(b: LabBuild, nodes: readonly LabNode[]): Promise<void> {
  const primaries = nodes.slice(0, 3);
  const replicas = nodes.slice(3);
  // Distinct epochs before meeting: no epoch collision for the cluster to resolve first (redis-cli does the same).
  await Promise.all(nodes.map((n, i) => adminCall(n.port, ['CLUSTER', 'SET-CONFIG-EPOCH', i + 1])));
  await Promise.all(primaries.map((n, i) => adminCall(n.port, ['CLUSTER', 'ADDSLOTSRANGE', ...CLUSTER_SLOT_RANGES[i]!])));
  const first = nodes[0]!;
  await Promise.all(nodes.slice(1).map((n) => adminCall(first.port, ['CLUSTER', 'MEET', n.host, n.port, n.busPort!])));
  const ids = await Promise.all(primaries.map((n) => adminString(n.port, ['CLUSTER', 'MYID'])));
  b.progress('waiting for the nodes to meet');
  await b.waitFor('every replica to know its primary', async () => {
    for (const [i, r] of replicas.entries()) {
      const known = parseClusterNodes(await adminString(r.port, ['CLUSTER', 'NODES'])).find((l) => l.id === ids[i]);
      if (!known || known.flags.includes('handshake') || known.flags.includes('noaddr'))
        return `${r.name} does not know ${primaries[i]!.name} yet`;
    }
    return null;
  });
  await Promise.all(replicas.map((r, i) => adminCall(r.port, ['CLUSTER', 'REPLICATE', ids[i]!])));
}

/** Null when every node says cluster_state:ok with all slots and six nodes, three of them linked replicas; else why not. */
export async function clusterReady(nodes: readonly LabNode[]): Promise<string | null> {
  for (const n of nodes) {
    const ci = parseFields(await adminString(n.port, ['CLUSTER', 'INFO']));
    if (ci.cluster_state !== 'ok') return `${n.name}: cluster_state:${ci.cluster_state ?? '?'}`;
    if (ci.cluster_slots_assigned !== '16384') return `${n.name}: ${ci.cluster_slots_assigned ?? 0} slots assigned`;
    if (Number(ci.cluster_known_nodes) !== nodes.length) return `${n.name} knows ${ci.cluster_known_nodes ?? 0} nodes`;
  }
  // Every node's CLUSTER SLOTS, what cluster clients read, lists each range's replica once gossip has carried its
  // replication offset there.
  for (const n of nodes) {
    const slots = await adminCall(n.port, ['CLUSTER', 'SLOTS']);
    const bare = Array.isArray(slots) ? slots.filter((r) => !Array.isArray(r) || r.length < 4).length : -1;
    if (bare !== 0) return `${n.name}: CLUSTER SLOTS lists ${bare < 0 ? 'nothing' : `${bare} ranges without their replica`}`;
  }
  const view = parseClusterNodes(await adminString(nodes[0]!.port, ['CLUSTER', 'NODES']));
  const replicas = view.filter((l) => l.flags.includes('slave'));
  if (replicas.length !== nodes.length / 2) return `${replicas.length} replicas in the cluster`;
  for (const r of replicas) {
    const node = nodes.find((n) => n.port === r.port);
    if (!node) return `unknown node ${r.address} in the cluster`;
    const info = await adminInfo(node.port, 'replication');
    if (info.master_link_status !== 'up') return `${node.name}: master_link_status:${info.master_link_status ?? '?'}`;
  }
  return null;
}

/** Reads each node's role back from CLUSTER NODES. */
async function learnRoles(nodes: readonly LabNode[]): Promise<void> {
  const view = parseClusterNodes(await adminString(nodes[0]!.port, ['CLUSTER', 'NODES']));
  for (const n of nodes) {
    const line = view.find((l) => l.port === n.port);
    if (line) n.role = line.flags.includes('slave') ? 'replica' : 'primary';
  }
}

/** Starts six cluster nodes and forms the cluster; returns how it was formed. */
export async function buildCluster(b: LabBuild, how: ClusterCreate = 'auto'): Promise<'redis-cli' | 'manual'> {
  b.progress('starting six cluster nodes');
  const nodes = await b.addNodes(Array.from({ length: CLUSTER_SIZE }, (_, i) => clusterNode(`node-${i + 1}`)));
  const cli = how === 'manual' ? null : findRedisCli();
  if (how === 'redis-cli' && !cli) throw new MissingToolError('redis-cli');
  if (cli) {
    b.progress('redis-cli --cluster create --cluster-replicas 1');
    await runRedisCli(cli, ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes'], 30_000);
  } else {
    b.progress('assigning slots (CLUSTER ADDSLOTSRANGE), CLUSTER MEET, CLUSTER REPLICATE');
    await createByHand(b, nodes);
  }
  b.progress('waiting for cluster_state:ok on every node');
  await b.waitFor('cluster_state:ok on every node', () => clusterReady(nodes));
  await learnRoles(nodes);
  return cli ? 'redis-cli' : 'manual';
}
