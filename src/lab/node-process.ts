// One lab node: its config file and directory, its redis-server process (started, signalled, restarted from its own
// files), and the lines every node's config carries.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerLaunch } from '../redis/servers.js';
import { adminCall, parseFields } from './admin.js';
import { processState, type ProcessState } from './probe.js';
import type { NodeAddress, NodeKind, NodeRole } from './topology.js';

/** What a topology asks for: a node's name, kind and role, and its own config lines. */
export interface NodeSpec {
  name: string;
  kind: NodeKind;
  role: NodeRole;
  /** Lines of its config file besides the ones every node gets (port, bind, dir, logfile, process title). */
  config: (ports: { port: number; busPort: number | null }) => string[];
  /** A cluster node also needs a free port for its cluster bus. */
  clusterBus?: boolean;
}

/** What a topology's builder gets from the lab: nodes started on free ports, a progress line, a bounded wait. */
export interface LabBuild {
  readonly dir: string;
  /** Starts these nodes in parallel, each on free ports (a port taken meanwhile is retried on others). */
  addNodes(specs: readonly NodeSpec[]): Promise<LabNode[]>;
  progress(line: string): void;
  /**
   * Polls `check` until it returns null (done); at the lab's deadline, fails naming `what` and the last reason
   * `check` gave.
   */
  waitFor(what: string, check: () => Promise<string | null>): Promise<void>;
}

/** The config lines of a data node (primary or replica): no persistence, like the private server, and quick full syncs. */
export function dataNodeConfig(): string[] {
  return [
    'save ""',
    'appendonly no',
    'databases 16',
    // A runaway script answers BUSY (and accepts SCRIPT KILL) after 1 s instead of 5 s.
    'lua-time-limit 1000',
    // A full sync starts at once instead of waiting 5 s for more replicas to join it.
    'repl-diskless-sync-delay 0',
  ];
}

/** What the lab hears from its nodes. */
export interface NodeEvents {
  /** A node's process started or ended: the lab rewrites its pid list (read by the watchdog). */
  changed(): void;
  /** A node ended without the lab asking (killed from outside, crashed): `how` says with what. */
  exitedUnexpectedly(node: LabNode, how: string): void;
}

/** A config value in the form redis.conf reads: quoted, with backslashes and quotes escaped. */
export function confValue(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The last lines of a node's log that say why it stopped (warnings `#` and errors), for a one-line message. */
function logReason(path: string): string {
  let text = '';
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      const len = Math.min(size, 8192);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
  return text
    .split('\n')
    .filter((l) => /\s#\s|error|fatal|failed|abort/i.test(l))
    .slice(-2)
    .map((l) => l.replace(/^\d+:[A-Z] [^*#]*[*#] /, '').trim())
    .join(' ');
}

export class LabNode implements NodeAddress {
  readonly host = '127.0.0.1';
  readonly name: string;
  readonly kind: NodeKind;
  /** The role it was started in; a topology that learns the real one (the cluster) sets it. */
  role: NodeRole;
  port = 0;
  /** The cluster bus port of a cluster node, else null. */
  busPort: number | null = null;
  pid: number | null = null;
  /** Stopped with SIGSTOP by the lab (pause) and not yet continued. */
  paused = false;
  /** Its directory: config file, log, and whatever it persists (RDB, AOF, nodes.conf). */
  readonly dir: string;
  readonly conf: string;
  readonly log: string;
  private child: ChildProcess | null = null;
  /** Set while the lab itself ends the process: that exit is not news. */
  private ending = false;
  private exitWaiters: (() => void)[] = [];

  constructor(
    readonly spec: NodeSpec,
    labDir: string,
    private readonly launch: ServerLaunch,
    private readonly events: NodeEvents,
  ) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.role = spec.role;
    this.dir = join(labDir, spec.name);
    this.conf = join(this.dir, spec.kind === 'sentinel' ? 'sentinel.conf' : 'redis.conf');
    this.log = join(this.dir, spec.kind === 'sentinel' ? 'sentinel.log' : 'redis.log');
    mkdirSync(this.dir, { recursive: true });
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Its process is alive (running or paused). */
  get running(): boolean {
    return this.child !== null;
  }

  /** Writes its config file for these ports (a fresh start; a restart reuses the file the node may have rewritten). */
  writeConfig(port: number, busPort: number | null): void {
    this.port = port;
    this.busPort = busPort;
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${confValue(this.dir)}`,
      `logfile ${confValue(this.log)}`,
      'daemonize no',
      // The config file's path in the process title: the watchdog checks it before it signals a pid it recorded.
      `proc-title-template ${confValue('{title} {listen-addr} {server-mode} {config-file}')}`,
      ...this.spec.config({ port, busPort }),
    ];
    writeFileSync(this.conf, `${lines.join('\n')}\n`);
  }

  /** Starts redis-server from its config file and resolves once it answers PING. */
  async start(timeoutMs: number): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const args = [...this.launch.prefix, this.conf, ...(this.kind === 'sentinel' ? ['--sentinel'] : [])];
    // Its own process group: a Ctrl-C at the terminal reaches the CLI, which stops the lab in order.
    const child = spawn(this.launch.command, args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) throw await spawnError;
    this.child = child;
    this.pid = child.pid;
    this.paused = false;
    this.ending = false;
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (this.child === child) {
        this.child = null;
        this.pid = null;
        this.paused = false;
        this.events.changed();
        if (!this.ending) this.events.exitedUnexpectedly(this, exited);
      }
      const waiters = this.exitWaiters;
      this.exitWaiters = [];
      for (const w of waiters) w();
    });
    this.events.changed();
    const deadline = Date.now() + timeoutMs;
    while (!(await this.answersAsItself())) {
      if (exited !== null) {
        const why = [logReason(this.log), stderr.trim().split('\n').slice(-1)[0] ?? ''].filter(Boolean).join(' ');
        throw new Error(`${this.name} (port ${this.port}) did not start: ${exited}${why ? `: ${why}` : ''}`);
      }
      if (Date.now() > deadline) {
        await this.terminate(0);
        throw new Error(`${this.name} (port ${this.port}) did not answer within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Started: its stderr is drained but no longer keeps this process alive, nor does the child itself.
    child.stderr?.removeAllListeners('data');
    child.stderr?.resume();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    child.unref();
  }

  /**
   * This very process answers on its port, done loading. Another server that took the port first would answer PING
   * too: INFO's process_id tells them apart.
   */
  private async answersAsItself(): Promise<boolean> {
    try {
      const info = parseFields(String(await adminCall(this.port, ['INFO'], { timeoutMs: 300 })));
      return Number(info.process_id) === this.pid && info.loading !== '1';
    } catch {
      return false;
    }
  }

  /**
   * Sends a signal to its process (no-op when it is not running). SIGKILL goes to its whole process group (it was
   * started detached, so the group is its own): a save or rewrite child it forked dies with it instead of living on,
   * orphaned, and renaming its temp file over the dump after the node is gone.
   */
  signal(sig: NodeJS.Signals): void {
    if (!this.child || this.pid === null) return;
    if (sig === 'SIGKILL') {
      try {
        process.kill(-this.pid, sig);
        return;
      } catch {
        /* no group of its own: the process alone */
      }
    }
    try {
      process.kill(this.pid, sig);
    } catch {
      /* already gone */
    }
  }

  /** Resolves true once its process has ended, false if it is still alive after `ms`. */
  waitExit(ms: number): Promise<boolean> {
    if (!this.child) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!this.child), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** SIGKILL, as a crash: nothing is saved. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.ending = true;
    this.signal('SIGKILL');
    await this.waitExit(5000);
  }

  /** Ends the process: SIGCONT (a paused node cannot act on SIGTERM) and SIGTERM, SIGKILL after `graceMs`. */
  async terminate(graceMs = 3000): Promise<void> {
    if (!this.child) return;
    this.ending = true;
    if (graceMs > 0) {
      this.signal('SIGCONT');
      this.signal('SIGTERM');
      if (await this.waitExit(graceMs)) return;
    }
    this.signal('SIGKILL');
    await this.waitExit(5000);
  }

  /** The synchronous last resort (process exit): SIGKILL without waiting. */
  killNow(): void {
    this.ending = true;
    this.signal('SIGKILL');
  }

  /** SIGSTOP, resolved once the kernel shows the process stopped (the signal is delivered asynchronously). */
  async pause(): Promise<void> {
    if (!this.child) throw new Error(`${this.name} is not running`);
    this.signal('SIGSTOP');
    this.paused = true;
    await this.untilState((s) => s !== 'running');
  }

  /** SIGCONT, resolved once the process runs again. */
  async resume(): Promise<void> {
    if (!this.child) throw new Error(`${this.name} is not running`);
    this.signal('SIGCONT');
    this.paused = false;
    await this.untilState((s) => s !== 'stopped');
  }

  private async untilState(done: (s: ProcessState) => boolean, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(processState(this.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }
}
