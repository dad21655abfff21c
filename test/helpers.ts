// Shared test helpers: a sandbox on the suite's server in its own db and namespace, and the built CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { connectRedis } from '../src/redis/connect.js';
import { Sandbox } from '../src/redis/sandbox.js';
import type { LineReader } from '../src/ui/line-reader.js';
import { runLesson, type StepResult } from '../src/engine/runner.js';
import type { Lesson } from '../src/engine/types.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'bin', 'redis-learn.js');

/** The suite server's URL for database `db` (each test file uses its own db so files can run in parallel). */
export function serverUrl(db = 0): string {
  return `${inject('redisUrl')}/${db}`;
}

export async function openSandbox(db: number, namespace = 'learn:'): Promise<Sandbox> {
  const conn = await connectRedis({ url: serverUrl(db) });
  return Sandbox.open(conn, namespace);
}

/**
 * A sandbox on a private server of its own, started by the product's own code: where everything runs (scripts,
 * CONFIG SET), as for a learner without --url. Content tests use it; safety tests use the shared suite server.
 */
export async function openPrivateSandbox(namespace = 'learn:'): Promise<Sandbox> {
  const conn = await connectRedis({ private: true });
  return Sandbox.open(conn, namespace);
}

export function tempConfigHome(): string {
  return mkdtempSync(join(tmpdir(), 'redis-learn-test-'));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process without a TTY. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A CLI run still going: its process, what it printed so far, and its end. */
export interface RunningCli {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  done: Promise<CliResult>;
}

/** Starts the built CLI without a TTY and returns at once, for tests that signal or watch it while it runs. */
export function startCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...out });
    }),
  );
  return { child, out, done };
}

/** A learner typing `lines`, one per prompt, then input ends; the prompts shown are kept to check what was asked. */
export function scriptedInput(lines: readonly string[]): LineReader & { prompts: string[] } {
  const queue = [...lines];
  const prompts: string[] = [];
  return {
    tty: false,
    prompts,
    next: (prompt: string) => {
      prompts.push(prompt);
      return Promise.resolve(queue.length ? queue.shift()! : null);
    },
    close() {},
  };
}

/**
 * Runs one exercise of `lesson` the way `redis-learn lesson` does at a prompt, the learner typing `lines` (with {ns});
 * returns its result and the "not yet" lines, with wrapped feedback joined back into one line each.
 */
export async function asLearner(
  lesson: Lesson,
  sb: Sandbox,
  id: string,
  lines: string[],
): Promise<{ step: StepResult | undefined; completed: boolean; notYet: string[] }> {
  const step = lesson.steps.find((s) => s.id === id && s.kind === 'exercise');
  if (!step) throw new Error(`no exercise ${id} in ${lesson.id}`);
  const out: string[] = [];
  const r = await runLesson({ ...lesson, steps: [step] }, sb, {
    mode: 'interactive',
    input: scriptedInput(lines.map((l) => sb.expand(l))),
    out: (l) => out.push(l),
  });
  const plain = out.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n\s*/g, ' '));
  return { step: r.steps[0], completed: r.completed, notYet: plain.filter((l) => l.includes('not yet:')) };
}
