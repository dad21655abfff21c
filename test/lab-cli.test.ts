// `redis-learn lab up|status|down` from the built CLI, in child processes without a TTY: the lab stays up in the
// foreground, `lab status` in another process sees its nodes, and after `lab down`, SIGTERM, SIGINT and SIGKILL of
// the CLI (the watchdog) no redis-server of that lab remains. Each test has its own config dir (state files).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answersPing } from '../src/lab/admin.js';
import { processState } from '../src/lab/probe.js';
import { runCli, startCli, tempConfigHome, type RunningCli } from './helpers.js';

interface NodeJson {
  name: string;
  role: string;
  address: string;
  port: number;
  pid: number;
  ok: boolean;
  kind: string;
}

interface UpJson {
  running: true;
  topology: string;
  pid: number;
  upMs: number;
  dir: string;
  stateFile: string;
  nodes: NodeJson[];
}

const before = pgrepRedis();
/** Every lab started here, checked again at the end. */
const labs: { dir: string; pids: number[]; ports: number[] }[] = [];

function pgrepRedis(): string[] {
  return spawnSync('pgrep', ['-a', 'redis-server'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

function start(args: string[], env: Record<string, string>): RunningCli {
  return startCli(args, { env, timeoutMs: 60_000 });
}

async function poll<T>(
  what: string,
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The one JSON object `lab up --json` prints once the lab is up. */
async function upJson(run: RunningCli): Promise<UpJson> {
  const json = await poll('lab up --json to print the lab', () => {
    if (run.child.exitCode !== null) throw new Error(`lab up ended early (${run.child.exitCode}): ${run.out.stderr}`);
    try {
      return JSON.parse(run.out.stdout) as UpJson;
    } catch {
      return null;
    }
  });
  labs.push({ dir: json.dir, pids: json.nodes.map((n) => n.pid), ports: json.nodes.map((n) => n.port) });
  return json;
}

/** No process, port or dir of this lab is left (polled: the watchdog takes a moment). */
async function expectLabGone(lab: { dir: string; pids: number[]; ports: number[] }, ms = 6000): Promise<void> {
  await poll('every node of the lab to end', () => lab.pids.every((p) => processState(p) === 'gone'), ms);
  await poll('the lab dir to be removed', () => !existsSync(lab.dir), ms);
  for (const port of lab.ports) expect(await answersPing(port, 300)).toBe(false);
  expect(pgrepRedis().filter((l) => l.includes(lab.dir))).toEqual([]);
}

afterAll(async () => {
  for (const lab of labs) await expectLabGone(lab);
  const after = pgrepRedis().filter((l) => !before.includes(l));
  expect(after.filter((l) => labs.some((lab) => l.includes(lab.dir)))).toEqual([]);
});

describe('lab commands with no lab running', () => {
  it('status and down say so in one line and exit 0; bad topologies and commands exit 2', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    const status = await runCli(['lab', 'status'], { env });
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(/^no lab is running \(start one: redis-learn lab up <replication\|sentinel\|cluster>\)\n$/);
    const json = await runCli(['lab', 'status', '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ running: false });
    const down = await runCli(['lab', 'down'], { env });
    expect(down).toMatchObject({ code: 0, stdout: 'no lab is running\n' });
    for (const args of [
      ['lab', 'up', 'galaxy'],
      ['lab', 'status', 'galaxy'],
      ['lab', 'up'],
      ['lab', 'sideways'],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^redis-learn: /);
    }
    expect((await runCli(['lab', 'up', 'galaxy'], { env })).stderr).toMatch(/unknown topology "galaxy" .*replication, sentinel or cluster/);
    const help = await runCli(['lab'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/up \[options\] <topology>/);
  });
});

describe('lab up in the foreground', () => {
  it('is seen by lab status, refuses a second lab of the same topology, and ends with lab down from another process', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    const up = start(['lab', 'up', 'replication', '--json'], env);
    const lab = await upJson(up);
    expect(lab).toMatchObject({ running: true, topology: 'replication', pid: up.child.pid });
    expect(lab.nodes.map((n) => [n.name, n.role, n.ok])).toEqual([
      ['primary', 'primary', true],
      ['replica-1', 'replica', true],
      ['replica-2', 'replica', true],
    ]);
    expect(JSON.parse(readFileSync(lab.stateFile, 'utf8'))).toMatchObject({ pid: up.child.pid, topology: 'replication' });

    const status = await runCli(['lab', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as {
      running: boolean;
      labs: { topology: string; pid: number; healthy: boolean; nodes: NodeJson[] }[];
    };
    expect(s.running).toBe(true);
    expect(s.labs).toHaveLength(1);
    expect(s.labs[0]).toMatchObject({ topology: 'replication', pid: up.child.pid, healthy: true });
    expect(s.labs[0]!.nodes.map((n) => [n.name, n.role, n.address, n.ok])).toEqual(lab.nodes.map((n) => [n.name, n.role, n.address, true]));
    const text = await runCli(['lab', 'status'], { env });
    expect(text.stdout).toMatch(/replication lab/);
    for (const n of lab.nodes) expect(text.stdout).toContain(n.address);

    const again = await runCli(['lab', 'up', 'replication'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a replication lab is already running \(pid \d+\)/);

    const down = await runCli(['lab', 'down'], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/stopped the replication lab \(pid \d+\): its 3 nodes are gone/);
    // `lab down` returns once the nodes are gone: no polling needed here.
    expect(lab.nodes.every((n) => processState(n.pid) === 'gone')).toBe(true);
    const ended = await up.done;
    expect(ended.code).toBe(143);
    expect(existsSync(lab.stateFile)).toBe(false);
    await expectLabGone(labs.at(-1)!);
    expect(JSON.parse((await runCli(['lab', 'status', '--json'], { env })).stdout)).toEqual({ running: false });
  });

  it('SIGTERM stops a sentinel lab: no node remains', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    const up = start(['lab', 'up', 'sentinel', '--json'], env);
    const lab = await upJson(up);
    expect(lab.nodes.filter((n) => n.kind === 'sentinel' && n.ok)).toHaveLength(3);
    up.child.kill('SIGTERM');
    const ended = await up.done;
    expect(ended.code).toBe(143);
    expect(ended.stderr).toMatch(/terminated/);
    await expectLabGone(labs.at(-1)!);
    expect(existsSync(lab.stateFile)).toBe(false);
  });

  it('Ctrl-C (SIGINT) stops a lab printed as a table: no node remains', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    const up = start(['lab', 'up', 'replication'], env);
    await poll('the table', () => {
      if (up.child.exitCode !== null) throw new Error(`lab up ended early: ${up.out.stderr}`);
      return up.out.stdout.includes('connect: redis-cli -p ');
    });
    const lines = up.out.stdout.split('\n');
    expect(lines[0]).toMatch(/^replication lab · a primary and two replicas · redis-server \S+ · up in \d+\.\d s$/);
    for (const name of ['primary', 'replica-1', 'replica-2'])
      expect(lines.some((l) => l.includes(` ${name} `) && / ok /.test(l))).toBe(true);
    const state = JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME, 'redis-learn', 'labs', 'replication.json'), 'utf8')) as {
      dir: string;
      nodes: { pid: number; port: number }[];
    };
    const lab = { dir: state.dir, pids: state.nodes.map((n) => n.pid), ports: state.nodes.map((n) => n.port) };
    labs.push(lab);
    up.child.kill('SIGINT');
    const ended = await up.done;
    expect(ended.code).toBe(130);
    await expectLabGone(lab);
  });

  it('SIGKILL of the CLI: the watchdog ends a cluster lab, and lab status removes the stale record', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    const up = start(['lab', 'up', 'cluster', '--json'], env);
    const lab = await upJson(up);
    expect(lab.nodes.filter((n) => n.role === 'primary')).toHaveLength(3);
    expect(lab.nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
    expect(lab.nodes.every((n) => n.ok)).toBe(true);
    console.info(`cluster lab via the CLI: up in ${lab.upMs} ms`);
    up.child.kill('SIGKILL');
    await up.done;
    await expectLabGone(labs.at(-1)!);
    // The record outlived its process: status says nothing runs and removes it.
    expect(existsSync(lab.stateFile)).toBe(true);
    const status = await runCli(['lab', 'status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toEqual({ running: false });
    expect(status.stderr).toMatch(/removed the stale record of a cluster lab \(pid \d+ is gone\)/);
    expect(existsSync(lab.stateFile)).toBe(false);
  });
});
