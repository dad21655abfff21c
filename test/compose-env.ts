// docker-compose.yml run for real, with no registry: a private Docker daemon (no bridge, host network), an image
// imported from the Debian 13 root filesystem `redis-learn servers prepare` makes, and a compose file derived from
// docker-compose.yml (its redis service only). Everything started here is stopped here, even when a test fails.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serversDir } from '../src/redis/servers.js';
import { readCompose } from './compose-user.js';
import { CLI } from './helpers.js';

export const COMPOSE_IMAGE = 'redis-learn/redis:8-trixie';
export const COMPOSE_CONTAINER = 'redis-learn-redis';

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function trixieReady(): boolean {
  return existsSync(join(serversDir(), 'trixie', 'usr', 'bin', 'redis-server'));
}

/** Why the compose test cannot run here (null: it runs). Only a machine that truly cannot start the daemon skips. */
export function composeSkipReason(): string | null {
  if (process.platform !== 'linux') return `docker-compose test skipped: needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'docker-compose test skipped: needs root to start a private dockerd';
  for (const bin of ['dockerd', 'docker', 'docker-compose']) {
    if (!onPath(bin)) return `docker-compose test skipped: ${bin} is not installed (apt-get install docker.io docker-compose)`;
  }
  if (!trixieReady()) {
    // The image is imported from this tree: prepare it (debootstrap, minutes) rather than skip when we can.
    spawnSync(process.execPath, [CLI, 'servers', 'prepare'], { stdio: 'ignore', timeout: 20 * 60_000 });
    if (!trixieReady()) {
      return `docker-compose test skipped: ${join(serversDir(), 'trixie')} is missing and \`redis-learn servers prepare\` could not make it`;
    }
  }
  return null;
}

export interface ComposeEnv {
  /** unix://… of the private daemon. */
  dockerHost: string;
  project: string;
  /** The derived compose file. */
  file: string;
  /** Whether the image had to be imported (false: it was in the cached data-root). */
  imported: boolean;
  docker(args: string[]): string;
  compose(args: string[]): string;
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** down -v, stop the daemon, unmount, remove the temp dir. Idempotent, synchronous (safe in an exit hook). */
  cleanup(): void;
}

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Whether `pid` still runs: an exited child not yet reaped (the cleanup waits synchronously) is a zombie, not alive. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails unless nothing listens on 127.0.0.1:6379 (the compose Redis must be the only one there). */
export function assertPortFree(port = 6379): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `port ${port} is in use (${e.code}): the compose test needs 127.0.0.1:${port} free for docker-compose.yml's Redis; stop whatever listens there`,
        ),
      ),
    );
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve()));
  });
}

/** docker-compose.yml's redis service, made runnable with no registry and no bridge. */
export function derivedCompose(): string {
  const src = readCompose();
  const redis = src.services.redis as unknown as Record<string, unknown>;
  const command = [...(redis.command as string[]), '--dir', '/data'];
  const service = {
    image: COMPOSE_IMAGE,
    container_name: redis.container_name,
    network_mode: 'host',
    command,
    volumes: redis.volumes,
    healthcheck: redis.healthcheck,
  };
  // JSON is YAML, with every string quoted: docker-compose v1 reads YAML 1.1, where a bare `on` would be a boolean.
  return JSON.stringify(
    { version: '2.4', services: { redis: service }, volumes: { 'redis-data': src.volumes['redis-data'] ?? {} } },
    null,
    2,
  );
}

/** Starts the private daemon, imports the image if the cache lacks it, checks :6379 is free, `up -d`, waits healthy. */
export async function startCompose(): Promise<ComposeEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-docker-'));
  const dataRoot = join(serversDir(), 'docker-data');
  mkdirSync(dataRoot, { recursive: true });
  const sock = join(dir, 'docker.sock');
  const dockerHost = `unix://${sock}`;
  const project = `rltest${process.pid}x${Date.now().toString(36)}`;
  const file = join(dir, 'docker-compose.yml');
  const pidfile = join(dir, 'dockerd.pid');
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  let daemonPid: number | null = null;
  let composeUp = false;
  let cleaned = false;

  const docker = (args: string[]) =>
    check(spawnSync('docker', ['-H', dockerHost, ...args], { encoding: 'utf8', timeout: 120_000 }), `docker ${args[0]}`);
  const compose = (args: string[]) =>
    check(
      spawnSync('docker-compose', ['-p', project, '-f', file, ...args], { encoding: 'utf8', env, timeout: 120_000 }),
      `docker-compose ${args.join(' ')}`,
    );

  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    process.removeListener('exit', cleanup);
    if (composeUp) {
      try {
        compose(['down', '-v', '-t', '5']);
      } catch (e) {
        console.warn(`compose test cleanup: ${(e as Error).message}`);
        spawnSync('docker', ['-H', dockerHost, 'rm', '-f', COMPOSE_CONTAINER], { stdio: 'ignore', timeout: 30_000 });
      }
    }
    if (daemonPid !== null && pidAlive(daemonPid)) {
      process.kill(daemonPid, 'SIGTERM');
      const until = Date.now() + 20_000;
      while (pidAlive(daemonPid) && Date.now() < until) sleepSync(100);
      if (pidAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
      const hard = Date.now() + 5_000;
      while (pidAlive(daemonPid) && Date.now() < hard) sleepSync(50);
    }
    // The default network namespace stays mounted after dockerd exits and blocks removing the exec-root.
    const netns = join(dir, 'exec', 'netns', 'default');
    if (existsSync(netns)) spawnSync('umount', [netns], { stdio: 'ignore', timeout: 10_000 });
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      console.warn(`compose test cleanup: could not remove ${dir}: ${(e as Error).message}`);
    }
  };
  process.on('exit', cleanup);

  try {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const child = spawn(
      'dockerd',
      [
        '--host',
        dockerHost,
        '--data-root',
        dataRoot,
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        pidfile,
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
    closeSync(log);
    child.unref();
    daemonPid = child.pid ?? null;
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const until = Date.now() + 30_000;
    for (;;) {
      if (spawnSync('docker', ['-H', dockerHost, 'info'], { stdio: 'ignore', timeout: 10_000 }).status === 0) break;
      if (exited !== undefined || Date.now() > until) {
        const tail = existsSync(join(dir, 'dockerd.log')) ? readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000) : '';
        throw new Error(`dockerd did not become ready (${exited !== undefined ? `exited ${exited}` : 'timeout'}):\n${tail}`);
      }
      await sleep(200);
    }

    // A run that crashed before its cleanup may have left containers or volumes in the cached data-root.
    const stale = docker(['ps', '-aq']).split('\n').filter(Boolean);
    if (stale.length) docker(['rm', '-f', ...stale]);
    const vols = docker(['volume', 'ls', '-q']).split('\n').filter(Boolean);
    if (vols.length) docker(['volume', 'rm', '-f', ...vols]);

    let imported = false;
    if (spawnSync('docker', ['-H', dockerHost, 'image', 'inspect', COMPOSE_IMAGE], { stdio: 'ignore' }).status !== 0) {
      const r = spawnSync(
        'sh',
        ['-c', `tar -C "$1" -c . | docker -H "$2" import - "$3"`, 'sh', join(serversDir(), 'trixie'), dockerHost, COMPOSE_IMAGE],
        { encoding: 'utf8', timeout: 300_000 },
      );
      check(r, 'docker import of the trixie tree');
      imported = true;
    }

    writeFileSync(file, derivedCompose());
    await assertPortFree(6379);
    composeUp = true;
    compose(['up', '-d']);

    const waitHealthy = async (timeoutMs = 60_000) => {
      const end = Date.now() + timeoutMs;
      let status = '';
      while (Date.now() < end) {
        status = docker(['inspect', '-f', '{{.State.Health.Status}}', COMPOSE_CONTAINER]).trim();
        if (status === 'healthy') return;
        await sleep(500);
      }
      throw new Error(`${COMPOSE_CONTAINER} is not healthy after ${timeoutMs} ms (last: ${status})`);
    };
    await waitHealthy();
    return { dockerHost, project, file, imported, docker, compose, waitHealthy, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
