// `redis-learn lab up|status|down`: a topology in the foreground for free play, seen and stopped from other terminals.
// Only the wiring is loaded with the CLI; the lab itself is imported by the action that runs.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import { usageErrors } from './usage-errors.js';
import type { NodeHealth } from '../lab/probe.js';
import type { LabRecord, LabState } from '../lab/state.js';
import type { Topology } from '../lab/topology.js';

const TOPOLOGY_LIST = 'single, replication, sentinel or cluster';

export interface LabUpOptions {
  json?: boolean;
}

export interface LabStatusOptions {
  json?: boolean;
}

export interface LabDownOptions {
  json?: boolean;
}

/** The global options a lab command reads: which redis-server build, colour; --url names a server the lab never uses. */
interface LabGlobals {
  url?: string;
  server?: string;
  color?: boolean;
}

async function applyGlobals(cmd: { optsWithGlobals(): unknown }): Promise<void> {
  const g = cmd.optsWithGlobals() as LabGlobals;
  if (g.url) throw new UsageError('the lab runs its own redis-servers: --url does not apply (lab up prints their addresses)');
  if (g.server) {
    const { selectServer } = await import('../redis/servers.js');
    selectServer(g.server);
  }
  const { setColor } = await import('../ui/theme.js');
  setColor(g.color !== false && !process.env.NO_COLOR && Boolean(process.stdout.isTTY || process.env.FORCE_COLOR));
}

async function topologyArg(name: string, command: string): Promise<Topology> {
  const { isTopology } = await import('../lab/topology.js');
  if (!isTopology(name)) throw new UsageError(`unknown topology "${name}" (${command} takes ${TOPOLOGY_LIST})`);
  return name;
}

/** Adds `lab` with `up`, `status` and `down` to the program. */
export function registerLabCommand(program: CommandUnknownOpts): void {
  const lab = program
    .command('lab')
    .description('real replicas, Sentinels and a Redis Cluster from your redis-server: lab up|status|down')
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Topologies:
  replication   a primary and two replicas
  sentinel      that, plus three Sentinels (quorum 2, down-after 1 s, failover 5 s)
  cluster       six cluster nodes: three primaries, a replica each, 16384 slots

Each node is a redis-server on a free port in a temp dir. Ctrl-C, SIGTERM or
\`lab down\` stop them all; a watchdog does if the lab's process is killed.`,
    )
    .action((_opts, cmd) => {
      if (cmd.args.length) throw new UsageError(`unknown lab command '${cmd.args[0]}' (lab takes: up, status, down)`);
      cmd.outputHelp();
    });

  lab
    .command('up')
    .description('start a topology and stay in the foreground until Ctrl-C, SIGTERM or `redis-learn lab down`')
    .argument('<topology>', TOPOLOGY_LIST)
    .option('--json', 'print one JSON object once the lab is up (then keep running)')
    .action(async (topology, opts, cmd) => {
      await applyGlobals(cmd);
      await labUpCommand(await topologyArg(topology, 'lab up'), opts);
    });

  lab
    .command('status')
    .description('the running lab: each node’s role, address and live health')
    .argument('[topology]', `only this topology (${TOPOLOGY_LIST})`)
    .option('--json', 'print the labs as JSON ({ "running": false } when none runs)')
    .action(async (topology, opts, cmd) => {
      await applyGlobals(cmd);
      await labStatusCommand(topology === undefined ? undefined : await topologyArg(topology, 'lab status'), opts);
    });

  lab
    .command('down')
    .description('stop the running lab (started by `lab up` in another terminal) and wait until its nodes are gone')
    .argument('[topology]', `only this topology (${TOPOLOGY_LIST})`)
    .option('--json', 'print what was stopped as JSON')
    .action(async (topology, opts, cmd) => {
      await applyGlobals(cmd);
      await labDownCommand(topology === undefined ? undefined : await topologyArg(topology, 'lab down'), opts);
    });

  usageErrors(lab, 'redis-learn lab');
  for (const sub of lab.commands) usageErrors(sub, `redis-learn lab ${sub.name()}`);
}

/** Node rows for the table: role (live), address, pid, health, and a detail that names nodes rather than addresses. */
async function nodeTable(nodes: readonly NodeHealth[]): Promise<string> {
  const { renderTable } = await import('../ui/table.js');
  const { c } = await import('../ui/theme.js');
  const paint = (h: NodeHealth) => (h.ok ? c.green(h.health) : h.state === 'up' ? c.yellow(h.health) : c.red(h.health));
  // An address followed by no further digit: :6379 must not match inside :63790.
  const named = (detail: string) =>
    nodes.reduce((d, n) => d.replace(new RegExp(`${n.address.replace(/\./g, '\\.')}(?!\\d)`, 'g'), n.name), detail);
  return renderTable(
    ['node', 'role', 'address', 'pid', 'health', 'detail'],
    nodes.map((h) => [h.name, h.role ?? h.startedAs, h.address, h.pid ?? '-', paint(h), named(h.detail)]),
    {
      indent: 2,
      columns: [
        { priority: 5 },
        { priority: 4, minWidth: 8 },
        { priority: 5 },
        { priority: 1, drop: true },
        { priority: 4 },
        { priority: 0, minWidth: 20 },
      ],
    },
  );
}

/** How to reach the lab from redis-cli, per topology. */
function connectHint(topology: Topology, nodes: readonly { name: string; port: number; kind: string }[]): string {
  const first = nodes.find((n) => n.kind === 'redis');
  const sentinel = nodes.find((n) => n.kind === 'sentinel');
  if (topology === 'cluster') return `redis-cli -c -p ${first?.port}`;
  if (topology === 'sentinel' && sentinel) return `redis-cli -p ${sentinel.port} SENTINEL get-master-addr-by-name mymaster`;
  return `redis-cli -p ${first?.port}`;
}

function seconds(ms: number | null): string {
  return ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`;
}

/** A record found with its process gone: removed, in one line on stderr. */
async function dropStale(rec: LabRecord): Promise<void> {
  const { removeStaleRecord } = await import('../lab/state.js');
  removeStaleRecord(rec);
  const who = rec.state ? `(pid ${rec.state.pid} is gone)` : '(not a lab record)';
  process.stderr.write(`removed the stale record of a ${rec.topology} lab ${who}\n`);
}

export async function labUpCommand(topology: Topology, opts: LabUpOptions): Promise<void> {
  const { startLab, LabError, TOPOLOGY_SUMMARY } = await import('../lab/index.js');
  const { claimLabState, labStatePath, readLabRecords, removeLabState, writeLabState, LAB_STATE_VERSION } = await import('../lab/state.js');
  const { onShutdown, sayOnSignal } = await import('../shutdown.js');
  const { c, sym } = await import('../ui/theme.js');
  sayOnSignal('stopping every node of the lab');
  const { emitJson } = await import('./output.js');

  const startedAt = new Date().toISOString();
  const record: LabState = {
    version: LAB_STATE_VERSION,
    topology,
    pid: process.pid,
    startedAt,
    upMs: null,
    dir: null,
    server: null,
    nodes: [],
  };
  // Claimed before anything starts: a second `lab up` of the same topology sees it and stops at once.
  while (!claimLabState(record)) {
    const [rec] = readLabRecords(topology);
    if (rec?.alive) {
      throw new LabError(
        `a ${topology} lab is already running (pid ${rec.state!.pid}): see it with \`redis-learn lab status\`, stop it with \`redis-learn lab down\``,
      );
    }
    if (rec) await dropStale(rec);
  }
  const forget = () => removeLabState(topology, process.pid);
  process.on('exit', forget);
  onShutdown(() => Promise.resolve(forget()));

  const say = (line: string) => process.stderr.write(c.dim(`${line}…\n`));
  say(`${topology} lab: ${TOPOLOGY_SUMMARY[topology]}`);
  let lab;
  try {
    lab = await startLab(topology, {
      onProgress: say,
      onNodeExit: (node, how) => process.stderr.write(`${c.yellow(sym.fail)} ${node.name} (${node.address}) exited: ${how}\n`),
    });
  } catch (err) {
    forget();
    throw err;
  }
  writeLabState({
    ...record,
    upMs: Math.round(lab.upMs),
    dir: lab.dir,
    server: lab.server,
    nodes: lab.nodes.map((n) => ({ name: n.name, kind: n.kind, role: n.role, host: n.host, port: n.port, pid: n.pid })),
  });
  const health = await lab.health();
  if (opts.json) {
    emitJson({
      running: true,
      topology,
      pid: process.pid,
      startedAt,
      upMs: Math.round(lab.upMs),
      server: lab.server,
      clusterCreatedWith: lab.clusterCreatedWith,
      dir: lab.dir,
      stateFile: labStatePath(topology),
      nodes: health,
    });
  } else {
    const build = lab.server.name === 'system' ? 'redis-server' : lab.server.name;
    const version = lab.server.version ? `${build} ${lab.server.version}` : lab.server.label;
    process.stdout.write(
      `${c.bold(`${topology} lab`)} ${sym.dot} ${TOPOLOGY_SUMMARY[topology]} ${sym.dot} ${version} ${sym.dot} up in ${seconds(lab.upMs)}\n`,
    );
    process.stdout.write(`${await nodeTable(health)}\n`);
    process.stdout.write(`  connect: ${connectHint(topology, lab.nodes)}\n`);
    process.stdout.write(
      c.dim(`  stops on Ctrl-C here, or \`redis-learn lab down\` from another terminal (lab status shows live health)\n`),
    );
  }
  // In the foreground until a signal: shutdown.ts ends the run and the lab's closer stops every node.
  setInterval(() => {}, 1 << 30);
  await new Promise<never>(() => {});
}

export async function labStatusCommand(topology: Topology | undefined, opts: LabStatusOptions): Promise<void> {
  const { readLabRecords } = await import('../lab/state.js');
  const { probeNodes } = await import('../lab/probe.js');
  const { TOPOLOGY_SUMMARY } = await import('../lab/topology.js');
  const { c, sym } = await import('../ui/theme.js');
  const { emitJson } = await import('./output.js');

  const running: { state: LabState; nodes: NodeHealth[] }[] = [];
  for (const rec of readLabRecords(topology)) {
    if (!rec.alive || !rec.state) await dropStale(rec);
    else running.push({ state: rec.state, nodes: await probeNodes(rec.state.nodes) });
  }
  const none = `no ${topology ? `${topology} ` : ''}lab is running (start one: redis-learn lab up <replication|sentinel|cluster>)`;
  if (opts.json) {
    if (!running.length) emitJson({ running: false });
    else
      emitJson({
        running: true,
        labs: running.map(({ state, nodes }) => ({
          topology: state.topology,
          pid: state.pid,
          startedAt: state.startedAt,
          upMs: state.upMs,
          server: state.server,
          dir: state.dir,
          starting: state.upMs === null,
          healthy: state.upMs !== null && nodes.every((n) => n.ok),
          nodes,
        })),
      });
    return;
  }
  if (!running.length) {
    process.stdout.write(`${none}\n`);
    return;
  }
  for (const { state, nodes } of running) {
    const since = new Date(state.startedAt).toLocaleTimeString();
    const head = `${c.bold(`${state.topology} lab`)} ${sym.dot} ${TOPOLOGY_SUMMARY[state.topology]} ${sym.dot} pid ${state.pid} ${sym.dot} since ${since}`;
    process.stdout.write(`${head}\n`);
    if (state.upMs === null) process.stdout.write('  starting…\n');
    else process.stdout.write(`${await nodeTable(nodes)}\n`);
  }
}

/** Waits until `done()` holds, polling, for at most `ms`; returns whether it held. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export async function labDownCommand(topology: Topology | undefined, opts: LabDownOptions): Promise<void> {
  const { readLabRecords, labProcessAlive, nodeProcessAlive, killLeftoverNodes, removeLabState } = await import('../lab/state.js');
  const { emitJson } = await import('./output.js');

  const stopped: { topology: Topology; pid: number; nodes: number }[] = [];
  const stale: { topology: Topology; pid: number | null }[] = [];
  const lines: string[] = [];
  for (const rec of readLabRecords(topology)) {
    if (!rec.alive || !rec.state) {
      await dropStale(rec);
      stale.push({ topology: rec.topology, pid: rec.state?.pid ?? null });
      continue;
    }
    const state = rec.state;
    const nodesGone = () => state.nodes.every((n) => !nodeProcessAlive(state, n));
    // SIGTERM: the lab's own process stops its nodes in order, removes its record and exits.
    try {
      process.kill(state.pid, 'SIGTERM');
    } catch {
      /* it ended meanwhile */
    }
    const ended = await until(() => !labProcessAlive(state.pid) && nodesGone(), 10_000);
    if (!ended && labProcessAlive(state.pid)) {
      // Stuck: SIGKILL it; its watchdog ends the nodes.
      try {
        process.kill(state.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await until(() => !labProcessAlive(state.pid) && nodesGone(), 5000);
    }
    if (!nodesGone()) {
      killLeftoverNodes(state);
      await until(nodesGone, 3000);
    }
    removeLabState(state.topology, state.pid);
    stopped.push({ topology: state.topology, pid: state.pid, nodes: state.nodes.length });
    lines.push(
      state.nodes.length
        ? `stopped the ${state.topology} lab (pid ${state.pid}): its ${state.nodes.length} nodes are gone`
        : `stopped the ${state.topology} lab (pid ${state.pid}) while it was starting`,
    );
  }
  if (opts.json) {
    emitJson({ running: false, stopped, stale });
    return;
  }
  if (!stopped.length) lines.push(`no ${topology ? `${topology} ` : ''}lab is running`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
