// The server's own ceiling: redis-benchmark -P 100 -c 1 against the same server, in the same run.
import { spawn } from 'node:child_process';
import { trackProcess, type ServerAddress } from './connections.js';
import type { Ceiling } from './report.js';
import { findBinary } from './strategies.js';

export interface CeilingOptions {
  /** Distinct keys (-r). */
  keyspace: number;
  /** SETs to send (-n). */
  requests: number;
  /**
   * On a shared server the SETs must stay in our namespace: redis-benchmark then runs a custom
   * `SET <prefix>ceil:__rand_int__ xxx` instead of `-t set` (which writes key:…).
   */
  keyPrefix: string | null;
}

export type CeilingResult = { ok: true; ceiling: Ceiling } | { ok: false; reason: string };

export async function measureCeiling(addr: ServerAddress, opts: CeilingOptions): Promise<CeilingResult> {
  const bin = findBinary('redis-benchmark');
  if (!bin) return { ok: false, reason: 'redis-benchmark is not installed' };
  // redis-benchmark takes a password only on its command line, where other users of the machine can read it.
  if (addr.password !== undefined)
    return { ok: false, reason: 'the server needs a password, which redis-benchmark would show in the process list' };
  const shown = ['-P', '100', '-c', '1', '-r', String(opts.keyspace), '-n', String(opts.requests)];
  shown.push(...(opts.keyPrefix === null ? ['-t', 'set'] : ['SET', `${opts.keyPrefix}ceil:__rand_int__`, 'xxx']));
  const conn = ['-h', addr.host, '-p', String(addr.port), ...(addr.db ? ['--dbnum', String(addr.db)] : []), ...(addr.tls ? ['--tls'] : [])];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(bin, [...conn, '--csv', ...shown], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let untrack = () => {};
    try {
      untrack = trackProcess(child);
    } catch (stopped) {
      resolve({ code: -1, stdout: '', stderr: (stopped as Error).message });
      return;
    }
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ code: -1, stdout: out, stderr: e.message }));
    child.on('close', (c) => {
      untrack();
      resolve({ code: c, stdout: out, stderr: err });
    });
  });
  // CSV: a header line, then "test","rps",… per test.
  const row = stdout
    .trim()
    .split('\n')
    .map((l) => l.split(',').map((x) => x.replace(/^"|"$/g, '')))
    .find((cols) => cols.length > 1 && /^\d/.test(cols[1] ?? ''));
  const rps = row ? Number(row[1]) : NaN;
  if (code !== 0 || !Number.isFinite(rps) || rps <= 0) {
    const why = (stderr || stdout).trim().split('\n').at(-1) || `exit code ${code}`;
    return { ok: false, reason: `redis-benchmark failed: ${why}` };
  }
  return { ok: true, ceiling: { command: `redis-benchmark ${shown.join(' ')}`, setPerSec: Math.round(rps) } };
}
