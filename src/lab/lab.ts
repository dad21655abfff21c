// A lab: one topology's redis-server processes under one temp dir, with the private server's guarantees: stopped by
// stop(), on exit, on Ctrl-C / SIGTERM (shutdown.ts), and by a watchdog when the process that started it is SIGKILLed.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConnectionError, RedisLearnError, errorMessage } from '../errors.js';
import { freePort } from '../redis/private-server.js';
import { notPreparedMessage, selectedServer, serverLaunch, serverVersion, type ServerLaunch, type ServerName } from '../redis/servers.js';
import { onShutdown } from '../shutdown.js';
import { buildCluster, type ClusterCreate } from './cluster.js';
import { LabError } from './lab-error.js';
import { LabNode, type LabBuild, type NodeSpec } from './node-process.js';
import { probeNodes, type NodeHealth } from './probe.js';
import { adminCall, adminInfo } from './admin.js';
import { buildReplication } from './replication.js';
import { buildSentinel } from './sentinel.js';
import { buildSingle } from './single.js';
import type { NodeRole, Topology } from './topology.js';

export interface LabOptions {
  /** How long the whole topology may take to come up healthy (default 30 s). */
  upTimeoutMs?: number;
  /** What the lab is doing, a line at a time (starting nodes, waiting for the replicas…). */
  onProgress?: (line: string) => void;
  /** A node ended without the lab asking: killed from another terminal, crashed. */
  onNodeExit?: (node: LabNode, how: string) => void;
  /** The cluster topology only: form it with redis-cli (`auto`: when it is on the PATH) or by hand. */
  clusterCreate?: ClusterCreate;
}

/** A node, or its name. */
export type NodeRef = LabNode | string;

const live = new Set<Lab>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is all there is time for.
  process.on('exit', () => {
    for (const lab of live) lab.killNow();
  });
}

/**
 * The watchdog: polls the parent; once it is gone (SIGKILLed), ends every pid the lab recorded, checking first that
 * the pid is still a node of this lab (its title names the lab's dir), then removes the dir. A lab stopped normally
 * removes its dir first, and the watchdog leaves without touching anything.
 */
const WATCHDOG = `
parent=$1; dir=$2
# Alive and not a zombie (a zombie parent is dead, waiting only to be reaped).
running() { case "$(ps -o stat= -p "$1" 2>/dev/null)" in "" | Z*) return 1 ;; esac; }
while [ -d "$dir" ] && running "$parent"; do sleep 0.5; done
[ -d "$dir" ] || exit 0
pids=
for p in $(cat "$dir/pids" 2>/dev/null); do
  case "$(ps -o args= -p "$p" 2>/dev/null)" in *"$dir"*) pids="$pids $p" ;; esac
done
for p in $pids; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
i=0
while [ -n "$pids" ] && [ $i -lt 20 ]; do
  sleep 0.2
  alive=
  for p in $pids; do running "$p" && alive="$alive $p"; done
  pids=$alive; i=$((i+1))
done
for p in $pids; do kill -KILL "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; done
rm -rf "$dir"
`;

export class Lab {
  readonly nodes: LabNode[] = [];
  /** How long start took, from the first process to the topology's health check passing. */
  upMs = 0;
  /** For the cluster: whether redis-cli or the by-hand commands formed it. */
  clusterCreatedWith: 'redis-cli' | 'manual' | null = null;
  /** The redis-server build the nodes run, and its version. */
  readonly server: { name: ServerName; label: string; version: string | null };
  private watchdogPid: number | null = null;
  private stopping: Promise<void> | null = null;
  private readonly unregister: () => void;
  private readonly taken = new Set<number>();
  private readonly deadline: number;

  private constructor(
    readonly topology: Topology,
    readonly dir: string,
    private readonly launch: ServerLaunch,
    private readonly opts: LabOptions,
  ) {
    this.server = { name: launch.name, label: launch.label, version: serverVersion(launch) };
    this.deadline = Date.now() + (opts.upTimeoutMs ?? 30_000);
    installExitHook();
    live.add(this);
    this.unregister = onShutdown(() => this.stop());
    this.writePids();
    const watchdog = spawn('sh', ['-c', WATCHDOG, 'redis-learn-lab-watchdog', String(process.pid), dir], {
      stdio: 'ignore',
      detached: true,
    });
    watchdog.on('error', () => {});
    watchdog.unref();
    this.watchdogPid = watchdog.pid ?? null;
  }

  /** Starts `topology` and resolves once it is healthy; on any failure everything started is stopped first. */
  static async start(topology: Topology, opts: LabOptions = {}): Promise<Lab> {
    const launch = serverLaunch();
    if (!launch) throw new ConnectionError(notPreparedMessage(selectedServer()), 'no-server');
    const t0 = performance.now();
    const lab = new Lab(topology, mkdtempSync(join(tmpdir(), 'redis-learn-lab-')), launch, opts);
    try {
      const b = lab.builder();
      if (topology === 'single') await buildSingle(b);
      else if (topology === 'replication') await buildReplication(b);
      else if (topology === 'sentinel') await buildSentinel(b);
      else lab.clusterCreatedWith = await buildCluster(b, opts.clusterCreate);
    } catch (err) {
      await lab.stop();
      if (err instanceof RedisLearnError) throw err;
      throw new LabError(`the ${topology} lab did not start: ${errorMessage(err)}`, { cause: err });
    }
    lab.upMs = performance.now() - t0;
    return lab;
  }

  /** The node called `name` (primary, replica-1, sentinel-2, node-3…). */
  node(ref: NodeRef): LabNode {
    if (typeof ref !== 'string') return ref;
    const n = this.nodes.find((x) => x.name === ref);
    if (!n) throw new LabError(`no node "${ref}" in the ${this.topology} lab (nodes: ${this.nodes.map((x) => x.name).join(', ')})`);
    return n;
  }

  /** The nodes started in `role` (the cluster's roles as formed; a failover may have moved them since: see health()). */
  byRole(role: NodeRole): LabNode[] {
    return this.nodes.filter((n) => n.role === role);
  }

  /** Every node's live health, asked of the nodes. */
  health(timeoutMs?: number): Promise<NodeHealth[]> {
    return probeNodes(this.nodes, timeoutMs);
  }

  /** SIGKILL, as a crash or `kill -9`: the node saves nothing. Resolves once its process is gone. */
  async kill(ref: NodeRef): Promise<void> {
    await this.node(ref).kill();
  }

  /** SIGSTOP: the process stays, its socket stays open, it answers nothing (a hung or partitioned node). */
  async pause(ref: NodeRef): Promise<void> {
    await this.node(ref).pause();
  }

  /** SIGCONT after pause(). */
  async resume(ref: NodeRef): Promise<void> {
    await this.node(ref).resume();
  }

  /**
   * Starts the node again from its own files (config as it last rewrote it, its RDB/AOF, its nodes.conf), on the same
   * port; a running node is stopped first (SIGTERM). Resolves once it answers.
   */
  async restart(ref: NodeRef, timeoutMs = 10_000): Promise<void> {
    const n = this.node(ref);
    if (this.stopping) throw new LabError(`the ${this.topology} lab is stopping`);
    await n.terminate();
    try {
      await n.start(timeoutMs);
    } catch (err) {
      throw new LabError(`could not restart ${n.name}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /**
   * Cuts a replica off its primary, the way a network partition does: the replica is paused (SIGSTOP) and the primary
   * drops its link (CLIENT KILL TYPE replica). Writes made meanwhile pile up in the primary's backlog only; reconnect()
   * then shows a partial resync while the backlog still covers the gap, a full sync once it does not.
   */
  async cut(ref: NodeRef): Promise<void> {
    const replica = this.node(ref);
    const info = await adminInfo(replica.port, 'replication');
    if (info.role !== 'slave') throw new LabError(`${replica.name} is not a replica: there is no link to cut`);
    const primary = this.nodes.find((n) => n.port === Number(info.master_port));
    if (!primary) throw new LabError(`${replica.name} replicates a server outside the lab`);
    // The link's socket as the replica sees it (laddr of its master client) is the client address the primary lists.
    const own = String(await adminCall(replica.port, ['CLIENT', 'LIST', 'TYPE', 'master']));
    const local = /(?:^| )laddr=(\S+)/.exec(own)?.[1];
    if (!local) throw new LabError(`${replica.name} has no replication link up to cut`);
    await replica.pause();
    const links = String(await adminCall(primary.port, ['CLIENT', 'LIST', 'TYPE', 'replica']));
    for (const line of links.split('\n')) {
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      if (id && /(?:^| )addr=(\S+)/.exec(line)?.[1] === local) await adminCall(primary.port, ['CLIENT', 'KILL', 'ID', id]);
    }
  }

  /** Ends a cut(): the replica runs again, finds its link gone and reconnects (PSYNC). */
  async reconnect(ref: NodeRef): Promise<void> {
    await this.resume(ref);
  }

  /**
   * A disk budget for a node: files it (and its fork) writes may not grow past `bytes` (the soft RLIMIT_FSIZE, set
   * with prlimit on the running process). A save that needs more is killed by SIGXFSZ: BGSAVE fails, and with save
   * points set, writes answer MISCONF. `null` lifts the budget. The limit holds for every file the node writes, its
   * own log included: a budget below the log's size (plus what it will log) kills the node itself at its next line.
   */
  async diskBudget(ref: NodeRef, bytes: number | null): Promise<void> {
    const n = this.node(ref);
    if (n.pid === null) throw new LabError(`${n.name} is not running`);
    const limit = bytes === null ? 'unlimited' : String(Math.max(1, Math.floor(bytes)));
    await new Promise<void>((resolve, reject) =>
      execFile('prlimit', ['--pid', String(n.pid), `--fsize=${limit}:`], (err, _out, stderr) => {
        if (!err) return resolve();
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new LabError(
            missing
              ? 'the disk budget needs prlimit (util-linux): sudo apt-get install -y util-linux'
              : `could not set ${n.name}'s disk budget: ${String(stderr).trim() || errorMessage(err)}`,
          ),
        );
      }),
    );
  }

  /** Stops every process the lab started and removes its dir. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      await Promise.all(this.nodes.map((n) => n.terminate()));
      this.killWatchdog();
      rmSync(this.dir, { recursive: true, force: true });
      live.delete(this);
    })();
    return this.stopping;
  }

  /** The synchronous last resort, on process exit. */
  killNow(): void {
    for (const n of this.nodes) n.killNow();
    this.killWatchdog();
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  private killWatchdog(): void {
    if (this.watchdogPid === null) return;
    try {
      process.kill(this.watchdogPid, 'SIGKILL');
    } catch {
      /* gone */
    }
    this.watchdogPid = null;
  }

  /** The pids the watchdog ends if this process dies: rewritten whenever a node starts or ends. */
  private writePids(): void {
    if (this.stopping && !live.has(this)) return;
    const path = join(this.dir, 'pids');
    const tmp = `${path}.tmp`;
    try {
      writeFileSync(tmp, this.nodes.flatMap((n) => (n.pid === null ? [] : [`${n.pid}\n`])).join(''));
      renameSync(tmp, path);
    } catch {
      /* the dir is gone: the lab is stopped */
    }
  }

  private async freshPort(): Promise<number> {
    for (;;) {
      const p = await freePort();
      if (!this.taken.has(p)) {
        this.taken.add(p);
        return p;
      }
    }
  }

  /** Starts one node on free ports; a port another process took meanwhile fails the start, and it is tried again. */
  private async launchNode(node: LabNode): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.stopping) throw new LabError(`the ${this.topology} lab was stopped while starting`);
      node.writeConfig(await this.freshPort(), node.spec.clusterBus ? await this.freshPort() : null);
      try {
        await node.start(Math.max(1000, Math.min(10_000, this.deadline - Date.now())));
        return;
      } catch (err) {
        lastErr = err;
        await node.terminate(0);
        if (Date.now() > this.deadline) break;
      }
    }
    throw lastErr;
  }

  private builder(): LabBuild {
    const events = {
      changed: () => this.writePids(),
      exitedUnexpectedly: (node: LabNode, how: string) => this.opts.onNodeExit?.(node, how),
    };
    return {
      dir: this.dir,
      addNodes: async (specs: readonly NodeSpec[]) => {
        const nodes = specs.map((spec) => new LabNode(spec, this.dir, this.launch, events));
        this.nodes.push(...nodes);
        await Promise.all(nodes.map((n) => this.launchNode(n)));
        return nodes;
      },
      progress: (line: string) => this.opts.onProgress?.(line),
      waitFor: async (what: string, check: () => Promise<string | null>) => {
        for (;;) {
          if (this.stopping) throw new LabError(`the ${this.topology} lab was stopped while starting`);
          let reason: string | null;
          try {
            reason = await check();
          } catch (err) {
            reason = errorMessage(err);
          }
          if (reason === null) return;
          if (Date.now() > this.deadline) {
            const s = Math.round((this.opts.upTimeoutMs ?? 30_000) / 1000);
            throw new LabError(`the ${this.topology} lab did not come up within ${s} s: waiting for ${what} (${reason})`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
  }
}

/** Starts a lab of `topology` on free ports in a temp dir; see Lab. */
export function startLab(topology: Topology, opts?: LabOptions): Promise<Lab> {
  return Lab.start(topology, opts);
}
