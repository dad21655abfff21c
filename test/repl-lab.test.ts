// `redis-learn repl --lab` from the built CLI without a TTY: a cluster lab started by `lab up cluster` in a child
// process (its own config dir, so its state file is the one the REPL reads); piped commands follow MOVED and ASK
// redirections and print them. Usage errors exit 2, no running lab exits 1; no redis-server of the lab remains.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../src/lab/admin.js';
import { reachesOutsideLab } from '../src/commands/repl-lab.js';
import { keySlot, parseRedirection } from '../src/lab/cluster-client.js';
import { CLI, runCli, tempConfigHome } from './helpers.js';

interface NodeJson {
  name: string;
  role: string;
  port: number;
  pid: number;
  kind: string;
}

function pgrepRedis(): string[] {
  return spawnSync('pgrep', ['-a', 'redis-server'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

const before = pgrepRedis();
const home = tempConfigHome();
const env = { XDG_CONFIG_HOME: home };
let lab: ChildProcess | null = null;
let labExit: Promise<number | null> = Promise.resolve(null);
let nodes: NodeJson[] = [];

beforeAll(async () => {
  const child = spawn(process.execPath, [CLI, 'lab', 'up', 'cluster', '--json'], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  lab = child;
  labExit = new Promise((resolve) => child.on('close', resolve));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.resume();
  const deadline = Date.now() + 45_000;
  // `lab up --json` prints one (indented) JSON object once the lab is up, then stays in the foreground.
  for (;;) {
    try {
      nodes = (JSON.parse(out) as { nodes: NodeJson[] }).nodes;
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`lab up cluster did not come up: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}, 60_000);

afterAll(async () => {
  if (lab && lab.exitCode === null) {
    lab.kill('SIGTERM');
    const t = setTimeout(() => lab!.kill('SIGKILL'), 15_000);
    await labExit;
    clearTimeout(t);
  }
  // The lab's nodes are gone. Other test files start servers of their own meanwhile: only this lab's ports count.
  const ours = () => pgrepRedis().filter((p) => !before.includes(p) && nodes.some((n) => p.includes(`127.0.0.1:${n.port} `)));
  for (let i = 0; i < 50; i++) {
    if (ours().length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(ours()).toEqual([]);
}, 30_000);

const repl = (lines: string[]) => runCli(['repl', '--lab', 'cluster'], { env, input: `${lines.join('\n')}\n`, timeoutMs: 30_000 });

describe('repl --lab cluster', () => {
  it('follows MOVED redirections, prints each one and the right replies', async () => {
    const r = await repl(['SET a 1', 'SET b 2', 'GET a', 'GET b']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const moved = r.stdout.split('\n').filter((l) => l.startsWith('-> MOVED '));
    expect(moved.length).toBeGreaterThanOrEqual(1);
    for (const l of moved) expect(l).toMatch(/^-> MOVED \d+ 127\.0\.0\.1:\d+ \(node-\d\)$/);
    // a (slot 15495) and b (slot 3300) live on different primaries: at least one of them is a redirection away.
    expect(r.stdout).toMatch(/▸ GET a\n"1"\n/);
    expect(r.stdout).toMatch(/▸ GET b\n"2"\n/);
    // Once learned, a slot's owner is asked directly: the GETs need no redirection.
    expect(r.stdout.split('▸ GET a')[1]).not.toContain('MOVED');
  });

  it('a key whose slot is migrating gets ASK: ASKING is sent to the importing node', async () => {
    const primaries = nodes.filter((n) => n.kind === 'redis' && n.role === 'primary');
    const [src, dst] = [primaries[0]!, primaries[1]!];
    // A key in the first primary's slots (0-5460), so the REPL's first node owns it.
    let key = '';
    for (let i = 0; !key; i++) if (keySlot(`ask:${i}`) <= 5460) key = `ask:${i}`;
    const slot = keySlot(key);
    const srcId = String(await adminCall(src.port, ['CLUSTER', 'MYID']));
    const dstId = String(await adminCall(dst.port, ['CLUSTER', 'MYID']));
    await adminCall(dst.port, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', srcId]);
    await adminCall(src.port, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', dstId]);
    try {
      const r = await repl([`SET ${key} moved-in`, `GET ${key}`]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`-> ASK ${slot} 127.0.0.1:${dst.port} (${dst.name})`);
      expect(r.stdout).toMatch(new RegExp(`▸ GET ${key}\\n-> ASK [^\\n]*\\n"moved-in"\\n`));
      expect(r.stdout).not.toContain('-> MOVED');
    } finally {
      await adminCall(src.port, ['CLUSTER', 'SETSLOT', slot, 'STABLE']);
      await adminCall(dst.port, ['CLUSTER', 'SETSLOT', slot, 'STABLE']);
    }
  });

  it('refuses commands that would reach a server outside the lab, and allows them between lab nodes', async () => {
    const r = await repl(['MIGRATE 127.0.0.1 6379 somekey 0 1000', 'REPLICAOF 10.0.0.9 6379', 'CLUSTER MEET 127.0.0.1 1', 'PING']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/\(refused\)/g)).toHaveLength(3);
    expect(r.stdout).toContain('PONG');
    const ports = new Set([7001, 7002]);
    expect(reachesOutsideLab(['MIGRATE', '127.0.0.1', '7002', 'k', '0', '1000'], ports)).toBeNull();
    expect(reachesOutsideLab(['REPLICAOF', 'NO', 'ONE'], ports)).toBeNull();
    expect(reachesOutsideLab(['replicaof', '127.0.0.1', '7001'], ports)).toBeNull();
    expect(reachesOutsideLab(['SENTINEL', 'MONITOR', 'x', '127.0.0.1', '6379', '2'], ports)).toMatch(/SENTINEL MONITOR/);
  });

  it('parses redirections', () => {
    expect(parseRedirection('MOVED 3999 127.0.0.1:7001')).toEqual({ kind: 'MOVED', slot: 3999, address: '127.0.0.1:7001' });
    expect(parseRedirection('ASK 1 127.0.0.1:7002')).toEqual({ kind: 'ASK', slot: 1, address: '127.0.0.1:7002' });
    expect(parseRedirection('ERR wrong')).toBeNull();
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
  });
});

describe('repl --lab errors', () => {
  it('no running lab: one line, exit 1', async () => {
    const r = await runCli(['repl', '--lab', 'replication'], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('redis-learn: no replication lab is running: start one with redis-learn lab up replication\n');
  });

  it('an unknown topology, --url or --private: one line, exit 2', async () => {
    for (const args of [
      ['repl', '--lab', 'nope'],
      ['--url', 'redis://127.0.0.1:1', 'repl', '--lab', 'cluster'],
      ['repl', '--lab', 'cluster', '--private'],
    ]) {
      const r = await runCli(args, { env, timeoutMs: 20_000 });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
