// Live health of lab nodes, asked of the nodes themselves: the role from INFO replication, the replica's link, the
// cluster's state and slots, what each Sentinel sees. Works from any process: `lab status` has only the state file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { adminCall, adminInfo, adminString, pairs, parseClusterNodes, parseFields, slotCount } from './admin.js';
import { SENTINEL_MASTER_NAME, type NodeAddress, type NodeKind, type NodeRole } from './topology.js';

/** What the process is doing: running, stopped by SIGSTOP, or gone (a zombie counts as gone). */
export type ProcessState = 'running' | 'stopped' | 'gone';

export function processState(pid: number | null): ProcessState {
  if (pid === null || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  let stat: string | undefined;
  try {
    // /proc/<pid>/stat: "pid (comm) S …": the state letter follows the last ')'.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    stat = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
  } catch {
    stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout?.trim()[0];
  }
  if (stat === 'Z' || stat === 'X') return 'gone';
  if (stat === 'T' || stat === 't') return 'stopped';
  return 'running';
}

/** The command line of a process (its title, for redis-server), or null when it is gone or unreadable. */
export function processArgs(pid: number): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    const r = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  }
}

export type NodeState = 'up' | 'paused' | 'not answering' | 'down';

export interface NodeHealth {
  name: string;
  kind: NodeKind;
  /** The role the node reports now (a failover moves it); null when it does not answer. */
  role: NodeRole | null;
  /** The role it was started in. */
  startedAs: NodeRole;
  host: string;
  port: number;
  address: string;
  pid: number | null;
  state: NodeState;
  /** Healthy for its place in the topology: up, linked, cluster ok, Sentinel seeing its primary. */
  ok: boolean;
  /** One or two words: ok, link down, cluster fail, paused, down… */
  health: string;
  /** The rest in a phrase: whom it replicates, its slots, what a Sentinel sees. */
  detail: string;
  replication?: { primary: string | null; link: 'up' | 'down' | null; replicas: number; offset: number };
  cluster?: { state: string; slots: string[]; slotCount: number; knownNodes: number; id: string };
  sentinel?: { primary: string | null; flags: string; replicas: number; sentinels: number; quorum: number };
}

function base(n: NodeAddress, state: NodeState): NodeHealth {
  const down = state === 'down';
  return {
    name: n.name,
    kind: n.kind,
    role: null,
    startedAs: n.role,
    host: n.host,
    port: n.port,
    address: `${n.host}:${n.port}`,
    pid: down ? null : n.pid,
    state,
    ok: false,
    health: state === 'paused' ? 'paused (SIGSTOP)' : state,
    detail: down ? 'process gone' : state === 'paused' ? 'its process is stopped: it answers nothing' : '',
  };
}

async function probeSentinel(h: NodeHealth, timeoutMs: number): Promise<void> {
  const m = pairs(await adminCall(h.port, ['SENTINEL', 'MASTER', SENTINEL_MASTER_NAME], { timeoutMs }));
  const others = Number(m['num-other-sentinels'] ?? 0);
  const s = {
    primary: m.ip && m.port ? `${m.ip}:${m.port}` : null,
    flags: m.flags ?? '',
    replicas: Number(m['num-slaves'] ?? 0),
    sentinels: others + 1,
    quorum: Number(m.quorum ?? 0),
  };
  h.sentinel = s;
  h.role = 'sentinel';
  h.ok = s.flags === 'master';
  h.health = h.ok ? 'ok' : s.flags.includes('o_down') ? 'primary down' : s.flags.includes('s_down') ? 'primary unreachable' : s.flags;
  h.detail = `sees ${s.primary ?? '?'}, ${s.replicas} replica${s.replicas === 1 ? '' : 's'}, ${others} other Sentinel${others === 1 ? '' : 's'}`;
}

async function probeRedis(h: NodeHealth, timeoutMs: number): Promise<void> {
  const info = parseFields(await adminString(h.port, ['INFO'], { timeoutMs }));
  const replica = info.role === 'slave';
  h.role = replica ? 'replica' : 'primary';
  const link = replica ? (info.master_link_status === 'up' ? 'up' : 'down') : null;
  h.replication = {
    primary: replica ? `${info.master_host}:${info.master_port}` : null,
    link,
    replicas: Number(info.connected_slaves ?? 0),
    offset: Number(info.master_repl_offset ?? 0),
  };
  h.ok = !replica || link === 'up';
  h.health = h.ok ? 'ok' : 'link down';
  h.detail = replica
    ? `replicates ${h.replication.primary} · link ${link}`
    : `${h.replication.replicas} replica${h.replication.replicas === 1 ? '' : 's'}`;
  if (info.cluster_enabled === '1') {
    const ci = parseFields(await adminString(h.port, ['CLUSTER', 'INFO'], { timeoutMs }));
    const me = parseClusterNodes(await adminString(h.port, ['CLUSTER', 'NODES'], { timeoutMs })).find((l) => l.flags.includes('myself'));
    const slots = me?.slots ?? [];
    h.cluster = {
      state: ci.cluster_state ?? '?',
      slots,
      slotCount: slotCount(slots),
      knownNodes: Number(ci.cluster_known_nodes ?? 0),
      id: me?.id ?? '',
    };
    if (h.cluster.state !== 'ok') {
      h.ok = false;
      h.health = `cluster ${h.cluster.state}`;
    }
    h.detail = replica
      ? `replicates ${h.replication.primary} · link ${link}`
      : `slots ${slots.length ? slots.join(',') : 'none'} (${h.cluster.slotCount})`;
  }
}

/** One node's live health. A paused node is not asked (it could not answer); a gone one is down. */
export async function probeNode(n: NodeAddress, timeoutMs = 800): Promise<NodeHealth> {
  const ps = processState(n.pid);
  if (ps === 'gone') return base(n, 'down');
  if (ps === 'stopped') return base(n, 'paused');
  const h = base(n, 'up');
  try {
    if (n.kind === 'sentinel') await probeSentinel(h, timeoutMs);
    else await probeRedis(h, timeoutMs);
  } catch (err) {
    h.state = 'not answering';
    h.ok = false;
    h.health = 'not answering';
    h.detail = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  }
  return h;
}

export function probeNodes(nodes: readonly NodeAddress[], timeoutMs?: number): Promise<NodeHealth[]> {
  return Promise.all(nodes.map((n) => probeNode(n, timeoutMs)));
}

/** INFO replication of a node, or null when it does not answer. */
export async function replicationInfo(port: number, timeoutMs = 800): Promise<Record<string, string> | null> {
  try {
    return await adminInfo(port, 'replication', { timeoutMs });
  } catch {
    return null;
  }
}
