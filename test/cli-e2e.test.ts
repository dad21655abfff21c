// The built CLI as a user runs it without a TTY: help, errors and exit codes, JSON output, piped answers, progress.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startPrivateServer, type PrivateServer } from '../src/redis/private-server.js';
import { CLI, runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 11;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(serverUrl(DB));
  await redis.flushdb();
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('without a TTY', () => {
  it('prints help and exits 0 instead of waiting for input', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: redis-learn/);
    expect(r.stdout).toMatch(/lesson/);
  });

  it('has --help on every command', async () => {
    for (const cmd of ['lessons', 'lesson', 'repl', 'quiz', 'bench', 'progress', 'reset', 'doctor']) {
      const r = await runCli([cmd, '--help']);
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      expect(r.stdout).toMatch(new RegExp(`Usage: redis-learn ${cmd}`));
    }
  });

  it('names an unknown command and lists the commands, exit 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "redis-learn: unknown command 'frobnicate'. Commands: lessons, lesson, repl, quiz, bench, progress, reset, doctor, servers, analyze, lab (redis-learn --help)",
    );
    // Subcommands still refuse stray words, in the same one-line form.
    const stray = await runCli(['lessons', 'extra']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toBe(
      "redis-learn: too many arguments for 'lessons'. Expected 0 arguments but got 1. (redis-learn lessons --help)\n",
    );
  });

  it('reports what commander rejects as one usage line, exit 2: unknown option, missing argument, bad choice', async () => {
    const cases: [string[], RegExp][] = [
      [['lesson', 'simple', '--frobnicate'], /^redis-learn: unknown option '--frobnicate' \(redis-learn lesson --help\)\n$/],
      [['lessons', '--jsn'], /^redis-learn: unknown option '--jsn' \(Did you mean --json\?\) \(redis-learn lessons --help\)\n$/],
      [['--frobnicate'], /^redis-learn: unknown option '--frobnicate' \(redis-learn --help\)\n$/],
      [['lesson'], /^redis-learn: missing required argument 'id' \(redis-learn lesson --help\)\n$/],
      [
        ['bench', '--workload', 'cars'],
        /^redis-learn: option '--workload <name>' argument 'cars' is invalid\. Allowed choices are users, set\. \(redis-learn bench --help\)\n$/,
      ],
      [
        ['quiz', '--count', '0'],
        /^redis-learn: option '--count <n>' argument '0' is invalid\. --count must be a positive whole number \(redis-learn quiz --help\)\n$/,
      ],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toMatch(line);
    }
  });

  it("shows the global options (--url, --private) in every command's --help", async () => {
    for (const cmd of ['lesson', 'quiz', 'repl', 'bench', 'doctor']) {
      const r = await runCli([cmd, '--help']);
      expect({ cmd, url: /--url <redis-url>/.test(r.stdout), priv: /--private/.test(r.stdout) }).toEqual({ cmd, url: true, priv: true });
    }
  });

  it('rejects an unknown lesson with the list of lessons and exit 2', async () => {
    const r = await runCli(['lesson', 'nope', '--url', serverUrl(DB)]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown lesson "nope".*simple/);
  });

  it('rejects a bad option with exit 2', async () => {
    const r = await runCli(['lesson', 'simple', '--step', 'zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^redis-learn: option '--step <n>' argument 'zero' is invalid\. --step must be a positive whole number \(redis-learn lesson --help\)\n$/,
    );
  });

  it('reports an unreachable --url in one line within 5 s, exit 1', async () => {
    const t0 = Date.now();
    const r = await runCli(['lesson', 'simple', '--auto', '--url', 'redis://127.0.0.1:1']);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it('says a password is wrong, without printing it', async () => {
    const locked = await startPrivateServer({ args: ['--requirepass', 'right-secret'] });
    try {
      const r = await runCli(['lesson', 'simple', '--auto', '--url', `redis://:wrong-secret@127.0.0.1:${locked.port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/rejected the username or password/);
      expect(r.stderr + r.stdout).not.toMatch(/wrong-secret|right-secret/);
      const ok = await runCli(['doctor', '--url', `redis://:right-secret@127.0.0.1:${locked.port}`]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1/);
      expect(ok.stdout).not.toMatch(/right-secret/);
    } finally {
      await locked.stop();
    }
  });
});

describe('output for people and scripts', () => {
  it('colours only when asked, and never with --no-color or NO_COLOR', async () => {
    const forced = await runCli(['lessons'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const plain = await runCli(['lessons', '--no-color'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    const noColorEnv = await runCli(['lessons'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColorEnv.stdout).not.toMatch(/\x1b\[/);
  });

  it('runs a REPL session from a pipe: replies like redis-cli, timings, keys, syntax from COMMAND DOCS', async () => {
    const home = tempConfigHome();
    const input = ['RPUSH repl:list a b', 'LRANGE repl:list 0 -1', 'help lpos', 'LPOS repl:list', ':keys', ':quit'].join('\n');
    const r = await runCli(['repl', '--url', serverUrl(DB), '--namespace', 'repl:'], { env: { XDG_CONFIG_HOME: home }, input });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(integer\) 2\n\s+[\d.]+ ms · keys: repl:list/);
    expect(r.stdout).toMatch(/1\) "a"\n2\) "b"/);
    expect(r.stdout).toMatch(/LPOS key element \[RANK rank\]/);
    expect(r.stdout).toMatch(/wrong number of arguments[\s\S]*usage: LPOS key element/);
    expect(r.stdout).toMatch(/repl:list\s+│ list/);
    const reset = await runCli(['reset', 'repl', '--url', serverUrl(DB), '--namespace', 'repl:'], { env: { XDG_CONFIG_HOME: home } });
    expect(reset.stdout).toMatch(/removed 1 key/);
    expect(await redis.exists('repl:list')).toBe(0);
  });
});

describe('lessons', () => {
  it('lists the catalogue as JSON', async () => {
    const r = await runCli(['lessons', '--json'], { env: { XDG_CONFIG_HOME: tempConfigHome() } });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; title: string; level: string; minutes: number; status: string; score: number }[];
    expect(list[0]).toMatchObject({ id: 'simple', level: 'Beginner', status: 'new', score: 0 });
    for (const l of list) expect(Object.keys(l)).toEqual(expect.arrayContaining(['id', 'title', 'level', 'minutes', 'status', 'score']));
    // Eleven lessons by level; within a level the core track first, then the pattern lessons.
    expect(list.map((l) => `${l.level}:${l.id}`)).toEqual([
      'Beginner:simple',
      'Beginner:sessions',
      'Intermediate:complex',
      'Intermediate:caching',
      'Intermediate:rate-limiting',
      'Intermediate:leaderboards',
      'Advanced:bulk',
      'Advanced:locks',
      'Advanced:messaging',
      'Advanced:probabilistic',
      'Advanced:persistence',
      'Advanced:replication',
      'Advanced:observability',
      'Expert:ecommerce',
      'Expert:sentinel',
      'Expert:cluster',
      'Expert:security',
    ]);
  });

  it('runs simple --auto --json: one JSON object on stdout with full marks, progress saved', async () => {
    const home = tempConfigHome();
    const r = await runCli(['lesson', 'simple', '--auto', '--json', '--url', serverUrl(DB), '--namespace', 'e2e:'], {
      env: { XDG_CONFIG_HOME: home },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      lesson: string;
      score: number;
      maxScore: number;
      server: { version: string; private: boolean };
      steps: { id: string; kind: string; passed: boolean; commands: { command: string; reply: unknown; ms: number; keys: string[] }[] }[];
    };
    expect(out.lesson).toBe('simple');
    expect(out.score).toBe(out.maxScore);
    expect(out.server.version).toMatch(/^\d+\.\d+/);
    expect(out.server.private).toBe(false);
    for (const ex of out.steps.filter((s) => s.kind === 'exercise')) expect(ex.commands.length).toBeGreaterThan(0);
    const cmd = out.steps.flatMap((s) => s.commands).find((c) => c.command.startsWith('SET '));
    expect(cmd).toBeDefined();
    expect(cmd!.keys[0]).toMatch(/^e2e:/);
    expect(typeof cmd!.ms).toBe('number');
    expect(r.stderr).toMatch(/Redis \d.* · keys live under e2e:/);

    const progress = await runCli(['progress', '--json'], { env: { XDG_CONFIG_HOME: home } });
    const p = JSON.parse(progress.stdout) as { lessons: { id: string; status: string; bestScore: number; maxScore: number }[] };
    const simple = p.lessons.find((l) => l.id === 'simple')!;
    expect(simple.status).toBe('done');
    expect(simple.bestScore).toBe(simple.maxScore);

    const reset = await runCli(['reset', 'simple', '--url', serverUrl(DB), '--namespace', 'e2e:'], { env: { XDG_CONFIG_HOME: home } });
    expect(reset.code).toBe(0);
    expect(await redis.keys('e2e:*')).toEqual([]);
  });

  it('grades answers piped on stdin, saves the step, and resumes there', async () => {
    const home = tempConfigHome();
    const env = { XDG_CONFIG_HOME: home };
    // No answers: the lesson stops at the first exercise with its progress saved.
    const first = await runCli(['lesson', 'simple', '--url', serverUrl(DB), '--namespace', 'pipe:'], { env, input: '' });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Exercise 1/);
    expect(first.stdout).toMatch(/Progress saved/);
    const p1 = JSON.parse((await runCli(['progress', '--json'], { env })).stdout) as {
      lessons: { id: string; currentStep: number; status: string }[];
    };
    const at = p1.lessons.find((l) => l.id === 'simple')!;
    expect(at.status).toBe('in progress');
    expect(at.currentStep).toBeGreaterThan(0);

    // A wrong answer is graded as not yet, :hint gives a hint, :skip moves on.
    const second = await runCli(
      ['lesson', 'simple', '--step', String(at.currentStep + 1), '--url', serverUrl(DB), '--namespace', 'pipe:'],
      {
        env,
        input: 'GET pipe:nothing\n:hint\n:skip\n',
      },
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/not yet: expected/);
    expect(second.stdout).toMatch(/hint 1:/);
    expect(second.stdout).toMatch(/skipped/);
    await runCli(['reset', 'simple', '--url', serverUrl(DB), '--namespace', 'pipe:'], { env });
  });

  it('lowers the points of an exercise solved after a hint', async () => {
    const home = tempConfigHome();
    const r = await runCli(['lesson', 'simple', '--url', serverUrl(DB), '--namespace', 'hint:'], {
      env: { XDG_CONFIG_HOME: home },
      input: ':hint\nSET hint:visits 1 EX 60\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hint 1:/);
    expect(r.stdout).toMatch(/✓ [\s\S]* 1\/2\s+pts/);
    await runCli(['reset', 'simple', '--url', serverUrl(DB), '--namespace', 'hint:'], { env: { XDG_CONFIG_HOME: home } });
  });

  it('keeps a corrupt progress file aside and tells the learner', async () => {
    const home = tempConfigHome();
    mkdirSync(join(home, 'redis-learn'), { recursive: true });
    writeFileSync(join(home, 'redis-learn', 'progress.json'), '{ not json');
    const r = await runCli(['lessons'], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^warning: progress file was invalid \(not JSON: .*\); kept it as /),
    ]);
    expect(readdirSync(join(home, 'redis-learn')).some((f) => f.startsWith('progress.json.corrupt-'))).toBe(true);
  });
});

describe('the private server', () => {
  it('is started with --private and stopped when the CLI exits', async () => {
    const r = await runCli(['doctor', '--private', '--json'], { env: { XDG_CONFIG_HOME: tempConfigHome() } });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { server: { kind: string; address: string; private: boolean } };
    expect(d.server.kind).toBe('private');
    const port = Number(new URL(d.server.address).port);
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });

  it('stops cleanly on SIGTERM mid-lesson: one line, exit 143, progress kept, its private server gone', async () => {
    const home = tempConfigHome();
    const child = spawn(process.execPath, [CLI, 'lesson', 'bulk', '--auto', '--private', '--records', '50000'], {
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((res) => child.on('close', res));
    for (let i = 0; i < 100 && !/── 3\//.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await code).toBe(143);
    expect(stderr.trim().split('\n')).toEqual(['terminated: progress saved, cleaning up']);
    const p = JSON.parse(readFileSync(join(home, 'redis-learn', 'progress.json'), 'utf8')) as {
      lessons: { bulk: { currentStep: number } };
    };
    expect(p.lessons.bulk.currentStep).toBeGreaterThan(0);
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });

  it('stops on SIGTERM before any session is open (a quiz waiting for its answer): one line, exit 143', async () => {
    const home = tempConfigHome();
    const quiz = spawn(process.execPath, [CLI, 'quiz', '--count', '1', '--seed', '3', '--topic', 'fundamentals', '--url', serverUrl(DB)], {
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    quiz.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    quiz.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const quizCode = new Promise<number | null>((res) => quiz.on('close', res));
    for (let i = 0; i < 100 && !/Question 1\/1/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/Question 1\/1/);
    quiz.kill('SIGTERM');
    expect(await quizCode).toBe(143);
    expect(stderr.trim().split('\n')).toEqual(['terminated: progress saved, cleaning up']);
  });

  it('ends a lesson whose Redis goes away with one line and exit 1, progress kept', async () => {
    const server: PrivateServer = await startPrivateServer();
    const home = tempConfigHome();
    const child = spawn(process.execPath, [CLI, 'lesson', 'simple', '--url', server.url], {
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((res) => child.on('close', res));
    for (let i = 0; i < 100 && !/Exercise 1/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/Exercise 1/);
    await server.stop();
    child.stdin.write('GET learn:x\n');
    expect(await code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/lost the connection to Redis/);
    expect(alive(server.pid)).toBe(false);
  });
});
