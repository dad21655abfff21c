// The server matrix: which redis-server the private server (and the test suite) runs. `system` is the one on PATH
// (or REDIS_SERVER_BIN); `redis-8` and `valkey-8` come from Debian 13 packages unpacked with debootstrap into a
// cache directory and run through that tree's own dynamic loader: no registry, no Docker, no chroot.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../errors.js';

export const SERVER_NAMES = ['system', 'redis-8', 'valkey-8'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** How to start a server binary: the command, and arguments that go before the server's own. */
export interface ServerLaunch {
  name: ServerName;
  command: string;
  prefix: string[];
  /** What a person would call it: the binary's path, or "redis-server 8 from Debian 13 (…/trixie)". */
  label: string;
}

/** Packages unpacked into the shared Debian 13 tree, and each matrix server's binary in it. */
const TRIXIE_PACKAGES = ['redis-server', 'redis-tools', 'valkey-server', 'valkey-tools'];
const TRIXIE_BINARIES: Record<Exclude<ServerName, 'system'>, string> = {
  'redis-8': 'usr/bin/redis-server',
  'valkey-8': 'usr/bin/valkey-server',
};

/** Where prepared servers live: REDIS_LEARN_SERVERS_DIR, else $XDG_CACHE_HOME/redis-learn/servers (~/.cache/…). */
export function serversDir(): string {
  if (process.env.REDIS_LEARN_SERVERS_DIR) return process.env.REDIS_LEARN_SERVERS_DIR;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'redis-learn', 'servers');
}

function trixieDir(): string {
  return join(serversDir(), 'trixie');
}

export function isServerName(s: string): s is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(s);
}

/** The server chosen for this run: --server (stored in REDIS_LEARN_SERVER so child processes agree), default system. */
export function selectedServer(): ServerName {
  const s = process.env.REDIS_LEARN_SERVER || 'system';
  if (!isServerName(s)) throw new UsageError(`unknown server "${s}" (REDIS_LEARN_SERVER). Servers: ${SERVER_NAMES.join(', ')}`);
  return s;
}

export function selectServer(name: string): void {
  if (!isServerName(name)) throw new UsageError(`unknown server "${name}". Servers: ${SERVER_NAMES.join(', ')}`);
  process.env.REDIS_LEARN_SERVER = name;
}

function systemBinary(): string | null {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** How to run `name`, or null when it is not installed / not prepared. */
export function serverLaunch(name: ServerName = selectedServer()): ServerLaunch | null {
  if (name === 'system') {
    const bin = systemBinary();
    return bin ? { name, command: bin, prefix: [], label: bin } : null;
  }
  const root = trixieDir();
  const bin = join(root, TRIXIE_BINARIES[name]);
  const loader = join(root, 'lib64', 'ld-linux-x86-64.so.2');
  if (!existsSync(bin) || !existsSync(loader)) return null;
  const libs = ['usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu'].map((d) => join(root, d)).join(':');
  // The loader runs the tree's binary with the tree's libraries; argv[0] stays the binary's own name, which
  // redis-server (a link to redis-check-rdb) needs to start as a server.
  return { name, command: loader, prefix: ['--library-path', libs, bin], label: `${name} from Debian 13 (${root})` };
}

/** The version a server reports (`redis-server --version`), or null. */
export function serverVersion(launch: ServerLaunch | null): string | null {
  if (!launch) return null;
  const r = spawnSync(launch.command, [...launch.prefix, '--version'], { encoding: 'utf8', timeout: 5000 });
  return /v=(\S+)/.exec(r.stdout ?? '')?.[1] ?? null;
}

export interface ServerStatus {
  name: ServerName;
  available: boolean;
  version: string | null;
  where: string | null;
}

export function serverStatuses(): ServerStatus[] {
  // A tree being unpacked (setup.sh starts `servers prepare` in the background) is named, with its log.
  const preparing = existsSync(serversDir()) && readdirSync(serversDir()).some((f) => f.startsWith('trixie.tmp-'));
  return SERVER_NAMES.map((name) => {
    const launch = serverLaunch(name);
    const where = launch?.label ?? (name !== 'system' && preparing ? `being prepared (${join(serversDir(), 'prepare.log')})` : null);
    return { name, available: Boolean(launch), version: serverVersion(launch), where };
  });
}

export function notPreparedMessage(name: ServerName): string {
  return name === 'system'
    ? 'redis-server is not installed (set REDIS_SERVER_BIN or install it: sudo apt-get install -y redis-server)'
    : `${name} is not prepared here: run \`redis-learn servers prepare\` (Debian 13 packages via debootstrap, about 230 MB, as root)`;
}

/** The mirror apt already uses (deb822 or one-line sources), else Debian's own. */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const uri = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

/**
 * Unpacks Debian 13's redis-server and valkey-server into the cache (idempotent: a prepared tree returns at once).
 * Needs root and debootstrap (installed with apt-get when missing). Built in a temp dir and renamed into place, so a
 * run cut short never leaves half a tree.
 */
export async function prepareServers(say: (line: string) => void): Promise<void> {
  if (serverLaunch('redis-8') && serverLaunch('valkey-8')) {
    say(`already prepared in ${trixieDir()}`);
    return;
  }
  if (process.getuid?.() !== 0) throw new UsageError('preparing servers needs root (debootstrap unpacks a Debian tree): run it with sudo');
  if (spawnSync('sh', ['-c', 'command -v debootstrap'], { encoding: 'utf8' }).status !== 0) {
    say('installing debootstrap with apt-get…');
    await run('apt-get', ['install', '-y', '-qq', 'debootstrap'], { DEBIAN_FRONTEND: 'noninteractive' });
  }
  mkdirSync(serversDir(), { recursive: true });
  const tmp = `${trixieDir()}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const mirror = debianMirror();
  say(`debootstrap trixie from ${mirror} (about 30 s)…`);
  try {
    await run('debootstrap', ['--variant=minbase', `--include=${TRIXIE_PACKAGES.join(',')}`, 'trixie', tmp, mirror]);
    rmSync(trixieDir(), { recursive: true, force: true });
    renameSync(tmp, trixieDir());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const s of serverStatuses().filter((x) => x.name !== 'system')) say(`${s.name}: ${s.version ?? 'not runnable'}`);
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed (exit ${code}): ${err.trim().split('\n').slice(-2).join(' ')}`)),
    );
  });
}
