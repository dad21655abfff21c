// Starts and always stops a private redis-server: free port, temp dir, no persistence, no orphans.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '../errors.js';
import { notPreparedMessage, selectedServer, serverLaunch, serverVersion } from './servers.js';

export interface PrivateServer {
  host: string;
  port: number;
  url: string;
  pid: number;
  dir: string;
  /** Stops the server and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface PrivateServerOptions {
  /** Extra redis-server arguments, e.g. ['--replicaof', '127.0.0.1', '6380']. */
  args?: string[];
  port?: number;
  /** How long to wait for "Ready to accept connections". */
  startTimeoutMs?: number;
}

const live = new Set<{ pid: number; watchdog?: number; dir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a signal is all we can send here.
  process.on('exit', () => {
    for (const s of live) {
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (s.watchdog) {
        try {
          process.kill(s.watchdog, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
}

/** The selected server's binary (see servers.ts: system, redis-8, valkey-8), or null when it is not available. */
export function findRedisServer(): string | null {
  return serverLaunch()?.label ?? null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`redis-server did not become ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) done();
      if (out.length > 64_000) out = out.slice(-16_000);
    };
    const onExit = (code: number | null) => {
      const why = out
        .split('\n')
        .filter((l) => /#|error|fatal/i.test(l))
        .slice(-2)
        .join(' ')
        .trim();
      done(new Error(`redis-server exited (code ${code})${why ? `: ${why}` : ''}`));
    };
    function done(err?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining stdout so the server never blocks on a full pipe.
      child.stdout?.resume();
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts a private redis-server on 127.0.0.1 and returns once it accepts connections. */
export async function startPrivateServer(opts: PrivateServerOptions = {}): Promise<PrivateServer> {
  const launch = serverLaunch();
  if (!launch) throw new ConnectionError(notPreparedMessage(selectedServer()), 'no-server');
  installExitHook();
  let lastErr: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = opts.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'redis-learn-'));
    const child = spawn(
      launch.command,
      [
        ...launch.prefix,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--logfile',
        '',
        '--databases',
        '16',
        // A runaway script answers BUSY (and accepts SCRIPT KILL) after 1 s instead of 5 s.
        '--lua-time-limit',
        '1000',
        ...(opts.args ?? []),
      ],
      // Its own process group: a Ctrl-C at the terminal reaches the CLI, which stops the server in order (after the
      // learner's progress is saved and a bench has removed its keys), instead of killing it mid-command.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.stderr?.resume();
    const pid = child.pid;
    if (pid === undefined) {
      rmSync(dir, { recursive: true, force: true });
      lastErr = new Error('could not spawn redis-server');
      continue;
    }
    // A watchdog outlives a SIGKILLed parent and stops the server, so no orphan survives.
    const watchdog = spawn(
      'sh',
      [
        '-c',
        `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill ${pid} 2>/dev/null; sleep 1; rm -rf '${dir}'`,
      ],
      { stdio: 'ignore', detached: true },
    );
    watchdog.unref();
    const entry = { pid, watchdog: watchdog.pid, dir };
    live.add(entry);
    try {
      await waitReady(child, opts.startTimeoutMs ?? 10_000);
    } catch (err) {
      lastErr = err;
      cleanup();
      if (opts.port !== undefined) break;
      continue;
    }
    child.unref();
    (child.stdout as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();
    let stopped: Promise<void> | null = null;
    function cleanup() {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
      if (entry.watchdog) {
        try {
          process.kill(entry.watchdog, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
      live.delete(entry);
    }
    return {
      host: '127.0.0.1',
      port,
      url: `redis://127.0.0.1:${port}`,
      pid,
      dir,
      stop() {
        stopped ??= new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            resolve();
            return;
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(timer);
            cleanup();
            resolve();
          });
          child.kill('SIGTERM');
        });
        return stopped;
      },
    };
  }
  throw new ConnectionError(
    `could not start a private redis-server: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`,
    'no-server',
    { cause: lastErr },
  );
}

/** The version printed by `redis-server --version`, or null. */
export function redisServerVersion(): string | null {
  return serverVersion(serverLaunch());
}
