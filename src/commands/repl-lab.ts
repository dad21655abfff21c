// `redis-learn repl --lab <topology>`: a prompt on the running lab (started by `lab up` in another terminal). The
// lab's nodes are private, disposable servers, so commands go to them as typed (no sandbox). Replication and Sentinel:
// the primary. Cluster: every node, following MOVED and ASK redirections and printing each one, like `redis-cli -c`.
import { UsageError } from '../errors.js';
import { LabError } from '../lab/lab-error.js';
import { adminCall } from '../lab/admin.js';
import { readLabRecords, type LabState } from '../lab/state.js';
import { SENTINEL_MASTER_NAME, isTopology, type Topology } from '../lab/topology.js';
import { LabClusterClient, type Redirection } from '../lab/cluster-client.js';
import { formatReply, safeText } from '../redis/format-reply.js';
import { reachesOutsideLab } from '../lab/reach.js';
export { reachesOutsideLab };
import { tokenize } from '../redis/tokenize.js';
import { createLineReader } from '../ui/line-reader.js';
import { c, sym } from '../ui/theme.js';

export interface ReplLabFlags {
  lab: string;
  url?: string;
  private?: boolean;
}

/** The topology `--lab` names, checked together with the options it cannot go with (usage errors, exit 2). */
export function labTopology(flags: ReplLabFlags): Topology {
  if (flags.url) throw new UsageError('--lab connects to the running lab: it cannot be combined with --url');
  if (flags.private) throw new UsageError('--lab connects to the running lab: it cannot be combined with --private');
  if (!isTopology(flags.lab))
    throw new UsageError(`unknown topology "${flags.lab}" (repl --lab takes single, replication, sentinel or cluster)`);
  return flags.lab;
}

/** The running lab's record, or a one-line LabError (exit 1) saying how to start one. */
function runningLab(topology: Topology): LabState {
  const rec = readLabRecords(topology).find((r) => r.alive && r.state);
  if (!rec?.state) throw new LabError(`no ${topology} lab is running: start one with redis-learn lab up ${topology}`);
  if (rec.state.upMs === null || !rec.state.nodes.length) {
    throw new LabError(`the ${topology} lab is still starting: try again once \`redis-learn lab up ${topology}\` says it is up`);
  }
  return rec.state;
}

const addressOf = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

/** The primary's address now: for Sentinel, as the Sentinels report it (a failover may have moved it). */
async function primaryAddress(state: LabState): Promise<string> {
  if (state.topology === 'sentinel') {
    for (const s of state.nodes.filter((n) => n.kind === 'sentinel')) {
      try {
        const r = await adminCall(s.port, ['SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME], { host: s.host });
        if (Array.isArray(r) && r.length === 2) return `${String(r[0])}:${String(r[1])}`;
      } catch {
        /* try the next Sentinel */
      }
    }
  }
  const primary = state.nodes.find((n) => n.kind === 'redis' && n.role === 'primary');
  if (!primary) throw new LabError(`the ${state.topology} lab has no primary in its record`);
  return addressOf(primary);
}

export async function replLabCommand(flags: ReplLabFlags): Promise<void> {
  const topology = labTopology(flags);
  const state = runningLab(topology);
  const names = new Map(state.nodes.map((n) => [addressOf(n), n.name]));
  // Nodes announce 127.0.0.1; the record may say localhost: name both.
  for (const n of state.nodes) names.set(`127.0.0.1:${n.port}`, n.name);
  const nameOf = (address: string) => names.get(address) ?? address;
  const labPorts = new Set(state.nodes.map((n) => n.port));
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const start = topology === 'cluster' ? state.nodes.find((n) => n.kind === 'redis' && n.role === 'primary') : null;
  const first = start ? addressOf(start) : await primaryAddress(state);
  const redirect = (r: Redirection) => say(c.yellow(`-> ${r.kind} ${r.slot} ${r.address} (${nameOf(r.address)})`));
  const client = new LabClusterClient(first, topology === 'cluster' ? redirect : undefined);
  if (topology === 'cluster') {
    say(c.dim(`Connected to the cluster lab at ${nameOf(first)} (${first}): MOVED and ASK redirections are followed and shown.`));
  } else {
    const how = topology === 'sentinel' ? ' (as the Sentinels report it)' : '';
    say(c.dim(`Connected to ${nameOf(first)} (${first}), the ${topology} lab's primary${how}. quit or Ctrl-D to leave.`));
  }

  const input = createLineReader({ echo: process.stdin.isTTY ? () => {} : undefined });
  try {
    for (;;) {
      const line = await input.next(`${c.cyan(`${topology} ${nameOf(client.current)} ${sym.arrow}`)} `);
      if (line === null) {
        if (input.tty) process.stdout.write('\n');
        break;
      }
      const trimmed = line.trim();
      if (!trimmed) continue;
      if (/^(quit|exit|:q|:quit)$/i.test(trimmed)) break;
      let args: string[];
      try {
        args = tokenize(trimmed);
      } catch (err) {
        say(c.red(`(error) ${safeText(err instanceof Error ? err.message : String(err))}`));
        continue;
      }
      if (!args.length) continue;
      const outside = reachesOutsideLab(args, labPorts);
      if (outside) {
        say(c.red(`(refused) ${outside}`));
        continue;
      }
      const res = await client.call(args);
      say(res.error !== undefined ? c.red(`(error) ${safeText(res.error)}`) : formatReply(res.reply, 0, args));
    }
  } finally {
    input.close();
    client.close();
  }
}
