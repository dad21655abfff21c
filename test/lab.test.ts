// The lab's topologies come up healthy on free ports and leave nothing behind: replication (two at once), Sentinel,
// Cluster (formed by redis-cli and by hand), the failure helpers (kill, pause/resume, restart from its own files),
// and the exit hook. Real redis-server processes; every check polls, none sleeps blindly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, adminInfo, answersPing, parseClusterNodes } from '../src/lab/admin.js';
import { findRedisCli } from '../src/lab/cluster.js';
import { startLab, type Lab } from '../src/lab/index.js';
import { processState } from '../src/lab/probe.js';
import { SENTINEL_MASTER_NAME } from '../src/lab/topology.js';
import { ROOT } from './helpers.js';

/** Every lab this file started: after each stop, and at the end, none of their processes, ports or dirs remain. */
const started: { dir: string; pids: number[]; ports: number[] }[] = [];
const before = pgrepRedis();

function pgrepRedis(): string[] {
  return spawnSync('pgrep', ['-a', 'redis-server'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

function track(lab: Lab): Lab {
  started.push({ dir: lab.dir, pids: lab.nodes.map((n) => n.pid!), ports: lab.nodes.map((n) => n.port) });
  return lab;
}

async function poll<T>(
  what: string,
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Nothing of these labs is left: no live pid (a zombie awaiting its reaper is gone), no port answering, no dir, no pgrep line. */
async function expectGone(labs: { dir: string; pids: number[]; ports: number[] }[]): Promise<void> {
  for (const l of labs) {
    await poll('the lab processes to end', () => l.pids.every((p) => processState(p) === 'gone'), 5000);
    for (const port of l.ports) expect(await answersPing(port, 300)).toBe(false);
    expect(existsSync(l.dir)).toBe(false);
    expect(pgrepRedis().filter((line) => line.includes(l.dir))).toEqual([]);
  }
}

afterAll(async () => {
  await expectGone(started);
  // Other test files' servers come and go meanwhile: what must be absent is any new line naming one of our labs.
  const after = pgrepRedis().filter((line) => !before.includes(line));
  expect(after.filter((line) => started.some((l) => line.includes(l.dir)))).toEqual([]);
});

describe('replication', () => {
  let a: Lab;
  let b: Lab;

  beforeAll(async () => {
    // Two labs at once: free ports, no collision.
    [a, b] = await Promise.all([startLab('replication'), startLab('replication')]);
    track(a);
    track(b);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('comes up with a primary and two linked replicas, and two labs use different ports', async () => {
    for (const lab of [a, b]) {
      const health = await lab.health();
      expect(health.map((h) => [h.name, h.role, h.ok])).toEqual([
        ['primary', 'primary', true],
        ['replica-1', 'replica', true],
        ['replica-2', 'replica', true],
      ]);
      const primary = lab.node('primary');
      expect(health[0]!.replication!.replicas).toBe(2);
      for (const h of health.slice(1)) expect(h.replication).toMatchObject({ primary: primary.address, link: 'up' });
    }
    const portsA = a.nodes.map((n) => n.port);
    const portsB = b.nodes.map((n) => n.port);
    expect(new Set([...portsA, ...portsB]).size).toBe(6);
    expect(a.dir).not.toBe(b.dir);
    console.info(`replication lab up in ${Math.round(a.upMs)} ms and ${Math.round(b.upMs)} ms (two at once)`);
  });

  it('replicates a write, and the failure helpers act on real processes', async () => {
    const primary = a.node('primary');
    await adminCall(primary.port, ['SET', 'lab:k', 'v1']);
    await poll('the write to reach replica-1', async () => (await adminCall(a.node('replica-1').port, ['GET', 'lab:k'])) === 'v1');

    // pause: the process is stopped, answers nothing; resume: it answers again.
    await a.pause('replica-1');
    const paused = (await a.health()).find((h) => h.name === 'replica-1')!;
    expect(paused).toMatchObject({ state: 'paused', ok: false });
    expect(await answersPing(a.node('replica-1').port, 300)).toBe(false);
    await a.resume('replica-1');
    await poll('replica-1 to answer after SIGCONT', () => answersPing(a.node('replica-1').port));

    // kill: SIGKILL, the pid is gone; restart: from its own files, a replica of the same primary again.
    const replica2 = a.node('replica-2');
    const oldPid = replica2.pid!;
    await a.kill(replica2);
    expect(processState(oldPid)).toBe('gone');
    expect(replica2.pid).toBeNull();
    expect((await a.health()).find((h) => h.name === 'replica-2')).toMatchObject({ state: 'down', ok: false });
    const port = replica2.port;
    await a.restart(replica2);
    expect(replica2.port).toBe(port);
    expect(replica2.pid).not.toBe(oldPid);
    started[0]!.pids.push(replica2.pid!);
    await poll('replica-2 to relink after its restart', async () => {
      const info = await adminInfo(replica2.port, 'replication');
      return info.role === 'slave' && Number(info.master_port) === primary.port && info.master_link_status === 'up';
    });
    expect(await adminCall(replica2.port, ['GET', 'lab:k'])).toBe('v1');
    // Left paused: stop() (afterAll) must still end it, SIGCONT then SIGTERM.
    await a.pause('replica-1');
  });

  it('stop() ends every process and removes the dir; a second stop() is harmless', async () => {
    const pids = b.nodes.map((n) => n.pid!);
    await b.stop();
    await b.stop();
    expect(pids.every((p) => processState(p) === 'gone')).toBe(true);
    await expectGone([started[1]!]);
  });
});

describe('sentinel', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = track(await startLab('sentinel'));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('comes up with three Sentinels that agree on the primary and see each other', async () => {
    const primary = lab.node('primary');
    const sentinels = lab.nodes.filter((n) => n.kind === 'sentinel');
    expect(sentinels.map((s) => s.name)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3']);
    for (const s of sentinels) {
      expect(await adminCall(s.port, ['SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME])).toEqual([
        primary.host,
        String(primary.port),
      ]);
      expect(await adminCall(s.port, ['SENTINEL', 'sentinels', SENTINEL_MASTER_NAME])).toHaveLength(2);
      expect(await adminCall(s.port, ['SENTINEL', 'replicas', SENTINEL_MASTER_NAME])).toHaveLength(2);
    }
    const health = await lab.health();
    expect(health.every((h) => h.ok)).toBe(true);
    expect(health.filter((h) => h.role === 'replica')).toHaveLength(2);
    expect(health.filter((h) => h.kind === 'sentinel').map((h) => h.sentinel)).toEqual(
      Array(3).fill({ primary: primary.address, flags: 'master', replicas: 2, sentinels: 3, quorum: 2 }),
    );
    console.info(`sentinel lab up in ${Math.round(lab.upMs)} ms`);
  });
});

// `auto` forms the cluster with redis-cli when it is on the PATH (it is wherever redis-server came from a package).
describe.each(['auto', 'manual'] as const)('cluster formed %s', (create) => {
  let lab: Lab;
  beforeAll(async () => {
    lab = track(await startLab('cluster', { clusterCreate: create }));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('has three primaries and three replicas, all 16384 slots covered, cluster_state:ok everywhere', async () => {
    expect(lab.clusterCreatedWith).toBe(create === 'auto' && findRedisCli() ? 'redis-cli' : 'manual');
    for (const n of lab.nodes) {
      const info = String(await adminCall(n.port, ['CLUSTER', 'INFO']));
      expect(info).toMatch(/cluster_state:ok/);
      expect(info).toMatch(/cluster_slots_assigned:16384/);
      expect(info).toMatch(/cluster_known_nodes:6/);
    }
    expect(lab.byRole('primary')).toHaveLength(3);
    expect(lab.byRole('replica')).toHaveLength(3);
    // CLUSTER SLOTS: ranges that tile 0..16383 exactly, each served by a primary and one replica.
    const slots = (await adminCall(lab.nodes[0]!.port, ['CLUSTER', 'SLOTS'])) as [number, number, ...[string, number, string][]][];
    const ranges = slots.map(([from, to, ...servers]) => ({ from, to, servers: servers.length })).sort((x, y) => x.from - y.from);
    expect(ranges[0]!.from).toBe(0);
    expect(ranges.at(-1)!.to).toBe(16383);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBe(ranges[i - 1]!.to + 1);
    expect(ranges.every((r) => r.servers === 2)).toBe(true);
    const health = await lab.health();
    expect(health.every((h) => h.ok && h.cluster?.state === 'ok')).toBe(true);
    expect(health.filter((h) => h.role === 'primary').reduce((sum, h) => sum + h.cluster!.slotCount, 0)).toBe(16384);
    console.info(`cluster lab (${lab.clusterCreatedWith}) up in ${Math.round(lab.upMs)} ms`);
  });

  it('a killed node restarted from its own nodes.conf rejoins the cluster', async () => {
    const replica = lab.byRole('replica')[0]!;
    const id = String(await adminCall(replica.port, ['CLUSTER', 'MYID']));
    await lab.kill(replica);
    await lab.restart(replica);
    started.at(-1)!.pids.push(replica.pid!);
    expect(String(await adminCall(replica.port, ['CLUSTER', 'MYID']))).toBe(id);
    await poll('the restarted node to rejoin as a linked replica', async () => {
      const me = parseClusterNodes(String(await adminCall(replica.port, ['CLUSTER', 'NODES']))).find((l) => l.flags.includes('myself'));
      const info = await adminInfo(replica.port, 'replication');
      return (
        me?.flags.includes('slave') &&
        info.master_link_status === 'up' &&
        /cluster_state:ok/.test(String(await adminCall(replica.port, ['CLUSTER', 'INFO'])))
      );
    });
  });
});

describe('the exit hook', () => {
  it('ends the lab when the process that started it exits without stopping it', async () => {
    const script = `import { startLab } from './src/lab/index.ts';
const lab = await startLab('replication');
console.log(JSON.stringify({ dir: lab.dir, pids: lab.nodes.map((n) => n.pid), ports: lab.nodes.map((n) => n.port) }));
process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lab = JSON.parse(out) as { dir: string; pids: number[]; ports: number[] };
    started.push(lab);
    await expectGone([lab]);
  });
});
