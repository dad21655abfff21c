// Proves the fundamentals-to-performance quiz topics against a real server: predictions match, command checks can fail and pass.
import { expectedReply } from '../src/quiz/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/engine/context.js';
import { formatReplyInline } from '../src/redis/format-reply.js';
import type { RecordedCommand } from '../src/redis/recorder.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { judgeLine } from '../src/redis/learner-command.js';
import { tokenize } from '../src/redis/tokenize.js';
import { TOPICS as BANK } from '../src/quiz/bank/index.js';
import type { CommandQuestion, PredictQuestion, Topic } from '../src/quiz/types.js';
import { openPrivateSandbox } from './helpers.js';

const NS = 'qa:';
const SCOPE = 'quiz';

const MINE = [
  'fundamentals',
  'data-types',
  'expiry-eviction',
  'persistence',
  'replication-sentinel',
  'cluster',
  'transactions-lua',
  'pipelining-performance',
];
const TOPICS: Topic[] = BANK.filter((t) => MINE.includes(t.id));

let sb: Sandbox;

beforeAll(async () => {
  sb = await openPrivateSandbox(NS);
});

afterAll(async () => {
  await clean();
  await sb.close();
});

/** Removes what the previous question left: the tool's claimed keys, and anything else in this test's own namespace. */
async function clean(): Promise<void> {
  await sb.reset(SCOPE);
  let cursor = '0';
  do {
    const [next, keys] = await sb.admin.scan(cursor, 'MATCH', `${NS}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await sb.admin.unlink(...keys);
  } while (cursor !== '0');
}

/** Sends one command line the way the quiz does: expanded, guarded, recorded. */
async function run(line: string): Promise<RecordedCommand> {
  const args = tokenize(sb.expand(line));
  const verdict = await judgeLine(sb, sb.expand(line));
  expect(verdict.ok, `judgement for: ${line}: ${verdict.ok ? '' : verdict.reason}`).toBe(true);
  return sb.exec(args, SCOPE);
}

function sentences(text: string): number {
  return (text.match(/[.!?](\s|$)/g) ?? []).length;
}

describe('quiz topics (content A): structure', () => {
  it('finds all eight of its topics in the bank', () => {
    expect(TOPICS.map((t) => t.id).sort()).toEqual([...MINE].sort());
  });

  it('has at least 9 questions per topic and unique, prefixed ids', () => {
    const seen = new Set<string>();
    for (const t of TOPICS) {
      expect(t.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(t.questions.length, t.id).toBeGreaterThanOrEqual(9);
      expect(t.intro.length).toBeGreaterThan(100);
      for (const q of t.questions) {
        expect(q.id.startsWith(`${t.id}-`), q.id).toBe(true);
        expect(q.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(seen.has(q.id), `duplicate id ${q.id}`).toBe(false);
        seen.add(q.id);
      }
    }
  });

  it('mixes levels and kinds in every topic', () => {
    for (const t of TOPICS) {
      const levels = new Set(t.questions.map((q) => q.level));
      const kinds = new Set(t.questions.map((q) => q.kind));
      expect([...levels].sort(), t.id).toEqual(['advanced', 'beginner', 'intermediate']);
      for (const k of ['choice', 'predict', 'command', 'open'] as const) expect(kinds.has(k), `${t.id} has ${k}`).toBe(true);
    }
  });

  it('explains every question in 2 to 5 sentences', () => {
    for (const t of TOPICS) {
      for (const q of t.questions) {
        const n = sentences(q.explanation);
        expect(n, `${q.id}: ${n} sentences`).toBeGreaterThanOrEqual(2);
        expect(n, `${q.id}: ${n} sentences`).toBeLessThanOrEqual(5);
      }
    }
  });

  it('gives choice questions 3 to 5 options, at least one correct, each with a why', () => {
    for (const t of TOPICS) {
      for (const q of t.questions) {
        if (q.kind !== 'choice') continue;
        expect(q.options.length, q.id).toBeGreaterThanOrEqual(3);
        expect(q.options.length, q.id).toBeLessThanOrEqual(5);
        expect(
          q.options.some((o) => o.correct),
          q.id,
        ).toBe(true);
        expect(
          q.options.some((o) => !o.correct),
          q.id,
        ).toBe(true);
        for (const o of q.options) expect(o.why.length, `${q.id}: ${o.text}`).toBeGreaterThan(10);
      }
    }
  });

  it('gives open questions key points, and never leaks the namespace into answers', () => {
    for (const t of TOPICS) {
      for (const q of t.questions) {
        if (q.kind === 'open') expect(q.keyPoints.length, q.id).toBeGreaterThanOrEqual(3);
        if (q.kind === 'predict') expect(q.answer.includes(NS), q.id).toBe(false);
      }
    }
  });
});

const predicts: [string, PredictQuestion][] = TOPICS.flatMap((t) =>
  t.questions.filter((q): q is PredictQuestion => q.kind === 'predict').map((q) => [q.id, q] as [string, PredictQuestion]),
);
const commands: [string, CommandQuestion][] = TOPICS.flatMap((t) =>
  t.questions.filter((q): q is CommandQuestion => q.kind === 'command').map((q) => [q.id, q] as [string, CommandQuestion]),
);

describe('quiz topics (content A): predict questions match a real server', () => {
  it.each(predicts)('%s', async (_id, q) => {
    await clean();
    for (const line of q.setup ?? []) await run(line);
    let last: RecordedCommand | undefined;
    for (const line of q.commands) last = await run(line);
    expect(last).toBeDefined();
    expect(formatReplyInline(last!.reply, 1000)).toBe(expectedReply(q, sb.target.product));
  });
});

describe('quiz topics (content A): command questions', () => {
  it.each(commands)('%s: fails on the start state and for the wrong answer, passes for the answer', async (_id, q) => {
    const write = () => {};

    await clean();
    for (const line of q.setup) await run(line);
    const start = createContext(sb, { scope: SCOPE, write });
    expect((await q.check(start)).pass, 'check must fail before any answer').toBe(false);

    const right = createContext(sb, { scope: SCOPE, write });
    for (const line of q.answer) right.history.push(await run(line));
    const passed = await q.check(right);
    expect(passed.pass, `answer: expected ${passed.expected}, got ${passed.actual}`).toBe(true);

    await clean();
    for (const line of q.setup) await run(line);
    const wrong = createContext(sb, { scope: SCOPE, write });
    for (const line of q.wrong) wrong.history.push(await run(line));
    const failed = await q.check(wrong);
    expect(failed.pass, `wrong answer must fail: ${failed.actual}`).toBe(false);
  });
});
