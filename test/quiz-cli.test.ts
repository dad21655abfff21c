// `redis-learn quiz` end to end, built and run without a TTY: --list needs no Redis, bad filters exit 2, a piped
// round grades every answer and saves cards and the round, end of input still prints the summary, --review follows.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../src/progress/store.js';
import { bankEntries } from '../src/quiz/bank.js';
import { TOPICS } from '../src/quiz/bank/index.js';
import { normaliseReply } from '../src/quiz/grading.js';
import { selectRound } from '../src/quiz/select.js';
import type { Question } from '../src/quiz/types.js';
import { CLI, ROOT, runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 8;
const NS = 'quiztest:cli:';
let redis: Redis;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // `npm test` builds first; when run alone, build only if the sources changed since the last build.
  const built = join(ROOT, 'dist', 'commands', 'quiz.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(ROOT, 'src'))) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, `npm run build failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  }
  redis = new Redis(serverUrl(DB));
}, 300_000);

afterAll(async () => {
  const [, left] = await redis.scan('0', 'MATCH', `${NS}*`, 'COUNT', 10000);
  redis.disconnect();
  expect(left).toEqual([]);
});

const ns = (s: string) => s.replaceAll('{ns}', NS);

function rightAnswer(q: Question): string {
  switch (q.kind) {
    case 'choice':
      return q.options.flatMap((o, i) => (o.correct ? [i + 1] : [])).join(',');
    case 'command':
      return q.answer.map(ns).join(' ; ');
    case 'predict':
      return q.answer;
    case 'open':
      return 'good';
  }
}

function wrongAnswer(q: Question): string {
  switch (q.kind) {
    case 'choice':
      return String(q.options.findIndex((o) => !o.correct) + 1);
    case 'command':
      return q.wrong.map(ns).join(' ; ');
    case 'predict':
      return normaliseReply(q.answer) === 'nil' ? '(integer) 0' : '(nil)';
    case 'open':
      return 'again';
  }
}

const emptyProgress = (): Progress => ({ version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } });
const round = (count: number, seed: number) =>
  selectRound(emptyProgress(), { filter: {}, count, seed }).map((it) => (it.type === 'question' ? it.entry.question : null)!);
const common = ['--url', serverUrl(DB), '--namespace', NS];

describe('quiz --list', () => {
  it('prints the bank as a JSON array without touching Redis', async () => {
    const r = await runCli(['quiz', '--list', '--json', '--url', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    expect(rows).toHaveLength(bankEntries().length);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'topic', 'level', 'kind', 'question']);
    expect(rows[0]!.topic).toBe(TOPICS[0]!.id);
  });

  it('filters by topic and level, and prints a table without --json', async () => {
    const topic = TOPICS[0]!;
    const r = await runCli(['quiz', '--list', '--topic', topic.id, '--level', 'beginner', '--json']);
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    expect(rows.length).toBe(topic.questions.filter((q) => q.level === 'beginner').length);
    expect(rows.every((x) => x.topic === topic.id && x.level === 'beginner')).toBe(true);
    const t = await runCli(['quiz', '--list', '--topic', topic.id]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(topic.questions[0]!.id);
  });

  it('rejects an unknown topic or level with the valid values and exit 2', async () => {
    const r = await runCli(['quiz', '--topic', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`unknown topic "nope": choose one of ${TOPICS.map((t) => t.id).join(', ')}`));
    const l = await runCli(['quiz', '--list', '--level', 'guru']);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/unknown level "guru": choose one of beginner, intermediate, advanced/);
  });
});

describe('a piped round', () => {
  const home = tempConfigHome();
  const env = { XDG_CONFIG_HOME: home };
  const asked = round(5, 1);

  it('grades five right answers as right and prints one JSON object', async () => {
    const input = asked.map(rightAnswer).join('\n') + '\n';
    const r = await runCli(['quiz', '--count', '5', '--seed', '1', '--json', ...common], { env, input });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      asked: number;
      correct: number;
      score: number;
      seed: number;
      completed: boolean;
      questions: { id: string; correct: boolean; expected: string; actual?: string }[];
    };
    expect(out.questions.map((q) => q.id)).toEqual(asked.map((q) => q.id));
    expect(out.questions.filter((q) => !q.correct)).toEqual([]);
    expect(out).toMatchObject({ asked: 5, correct: 5, score: 100, seed: 1, completed: true });
    const p = JSON.parse(readFileSync(join(home, 'redis-learn', 'progress.json'), 'utf8')) as Progress;
    expect(Object.keys(p.quiz.cards).sort()).toEqual(asked.map((q) => q.id).sort());
    expect(p.quiz.rounds).toHaveLength(1);
    expect(p.quiz.rounds[0]).toMatchObject({ asked: 5, correct: 5 });
  });

  it('asks unseen questions in --review when nothing is due', async () => {
    const r = await runCli(['quiz', '--review', '--count', '3', '--seed', '2', '--json', ...common], { env, input: 'x\nx\nx\n' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { review: boolean; questions: { id: string }[] };
    expect(out.review).toBe(true);
    expect(out.questions).toHaveLength(3);
    for (const q of out.questions) expect(asked.map((a) => a.id)).not.toContain(q.id);
  });

  it('grades wrong answers as wrong, stops at end of input and still prints the summary', async () => {
    const other = tempConfigHome();
    const input = asked.slice(0, 2).map(wrongAnswer).join('\n') + '\n';
    const r = await runCli(['quiz', '--count', '5', '--seed', '1', ...common], { env: { XDG_CONFIG_HOME: other }, input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Question 1/5`);
    expect(r.stdout).toContain('input ended');
    expect(r.stdout).toMatch(/Score 0\/2 \(0 %\)/);
    expect(r.stdout).toMatch(/Weakest topic: /);
    expect(r.stdout).toMatch(/Next review: in 10 min/);
    const p = JSON.parse(readFileSync(join(other, 'redis-learn', 'progress.json'), 'utf8')) as Progress;
    expect(Object.keys(p.quiz.cards)).toHaveLength(2);
    expect(p.quiz.rounds[0]).toMatchObject({ asked: 2, correct: 0 });
  });

  it('ends at once on empty input, without waiting', async () => {
    const started = Date.now();
    const r = await runCli(['quiz', '--count', '3', '--seed', '5', ...common], { env: { XDG_CONFIG_HOME: tempConfigHome() }, input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No questions answered/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('gives up on a pipe that stays open but sends nothing, instead of waiting forever', async () => {
    const child = spawn(process.execPath, [CLI, 'quiz', '--count', '2', '--seed', '5', ...common], {
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: tempConfigHome(), REDIS_LEARN_INPUT_TIMEOUT_MS: '1500' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (c) => {
        clearTimeout(killer);
        resolve(c);
      });
    });
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(stdout).toMatch(/no input for 2 s: stopping/);
    expect(stdout).toMatch(/No questions answered/);
  });
});
