// A lab lesson from the command line: it says in its header that it runs on its own nodes, never contacts the server
// the learner configured, and leaves no redis-server behind: after the lesson ends, after Ctrl-C, SIGTERM, and after
// kill -9 of the CLI (the lab's watchdog).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, serverUrl, tempConfigHome } from './helpers.js';

const LESSON = 'replication';
let redis: Redis;

beforeAll(() => {
  redis = new Redis(serverUrl(3));
});

afterAll(() => {
  redis.disconnect();
});

/** The node ports a lab lesson's header lists: "on 127.0.0.1: primary :33669 · replica-1 :42791 · … (stopped …". */
function headerPorts(text: string): number[] {
  const line = /on 127\.0\.0\.1: ([\s\S]*?)\(stopped/.exec(text)?.[1] ?? '';
  return [...line.matchAll(/:(\d+)/g)].map((m) => Number(m[1]));
}

/** Pids of redis-server processes listening on these ports (their process title names the address). */
function serversOn(ports: readonly number[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (/redis-server|redis-sentinel/.test(cmd) && ports.some((p) => cmd.includes(`127.0.0.1:${p}`))) out.push(Number(entry));
  }
  return out;
}

async function gone(ports: readonly number[], ms = 8000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = serversOn(ports);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = serversOn(ports);
  }
  return left;
}

/** Starts `lesson` with its stdin open (a learner at the prompt) and resolves once its first exercise is asked. */
async function atFirstExercise(home: string): Promise<{ child: ReturnType<typeof spawn>; ports: number[]; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'lesson', LESSON, '--restart'], {
    env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Exercise 1 /.test(text)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no exercise prompt:\n${text}`);
    // Enter moves past explain and run steps; the first exercise then waits for a command.
    child.stdin!.write('\n');
    await new Promise((r) => setTimeout(r, 200));
  }
  const ports = headerPorts(text);
  expect(ports.length).toBe(3);
  expect(serversOn(ports).length).toBe(3);
  return { child, ports, output: () => text };
}

function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('close', (code) => resolve(code));
  });
}

describe(`lesson ${LESSON} (a lab lesson) from the CLI`, () => {
  it('runs on its own nodes: the configured server is never contacted, and no node is left after it ends', async () => {
    const before = Number(/total_connections_received:(\d+)/.exec(await redis.info('stats'))?.[1]);
    const r = await runCli(['lesson', LESSON, '--auto', '--json', '--url', serverUrl(3)], {
      env: { XDG_CONFIG_HOME: tempConfigHome() },
      timeoutMs: 150_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/replication lab started for this lesson/);
    expect(r.stderr).toMatch(/runs on its own nodes: redis:\/\/127\.0\.0\.1:\d+\/3 is not used/);
    const out = JSON.parse(r.stdout) as { score: number; maxScore: number; server: { kind: string } };
    expect(out.score).toBe(out.maxScore);
    expect(out.server.kind).toBe('lab');
    const after = Number(/total_connections_received:(\d+)/.exec(await redis.info('stats'))?.[1]);
    expect(after).toBe(before);
    expect(await gone(headerPorts(r.stderr), 3000)).toEqual([]);
  }, 180_000);

  it('Ctrl-C at an exercise stops every node of the lab', async () => {
    const { child, ports } = await atFirstExercise(tempConfigHome());
    child.kill('SIGINT');
    await exited(child);
    expect(await gone(ports)).toEqual([]);
  }, 90_000);

  it('SIGTERM stops every node of the lab', async () => {
    const { child, ports } = await atFirstExercise(tempConfigHome());
    child.kill('SIGTERM');
    await exited(child);
    expect(await gone(ports)).toEqual([]);
  }, 90_000);

  it('kill -9 of the CLI: the watchdog stops every node of the lab', async () => {
    const { child, ports } = await atFirstExercise(tempConfigHome());
    child.kill('SIGKILL');
    await exited(child);
    expect(await gone(ports)).toEqual([]);
  }, 90_000);
});
