// Quiz topics caching, locks, messaging, security, memory-operations, modules and system-design: well-formed, and every
// predict and command question proven against the real server through the quiz's own live runner.
import { expectedReply } from '../src/quiz/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topic as caching } from '../src/quiz/bank/caching.js';
import { topic as locks } from '../src/quiz/bank/locks.js';
import { topic as memoryOperations } from '../src/quiz/bank/memory-operations.js';
import { topic as messaging } from '../src/quiz/bank/messaging.js';
import { topic as modules } from '../src/quiz/bank/modules.js';
import { topic as security } from '../src/quiz/bank/security.js';
import { topic as systemDesign } from '../src/quiz/bank/system-design.js';
import { QUIZ_SCOPE, gradeCommandQuestion, runPredictQuestion } from '../src/quiz/live.js';
import type { CommandQuestion, PredictQuestion, Question, Topic } from '../src/quiz/types.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { openPrivateSandbox } from './helpers.js';
import { scanAll } from '../src/redis/scan.js';

const TOPICS: Topic[] = [caching, locks, messaging, security, memoryOperations, modules, systemDesign];
const NS = 'qb:';

const questions: Question[] = TOPICS.flatMap((t) => t.questions);
const predicts = questions.filter((q): q is PredictQuestion => q.kind === 'predict');
const commands = questions.filter((q): q is CommandQuestion => q.kind === 'command');

describe('quiz bank topics (b): shape', () => {
  it('has the seven topics with unique kebab-case ids', () => {
    expect(TOPICS.map((t) => t.id)).toEqual(['caching', 'locks', 'messaging', 'security', 'memory-operations', 'modules', 'system-design']);
    const ids = questions.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(TOPICS.map((t) => [t.id, t] as const))('%s: enough questions, mixed levels and kinds, prefixed ids', (_id, t) => {
    expect(t.title.length).toBeGreaterThan(5);
    expect(t.intro.length).toBeGreaterThan(100);
    expect(t.questions.length).toBeGreaterThanOrEqual(8);
    const prefix = t.id === 'memory-operations' ? 'memory-ops-' : `${t.id}-`;
    for (const q of t.questions) expect(q.id.startsWith(prefix), q.id).toBe(true);
    expect(new Set(t.questions.map((q) => q.level)).size).toBe(3);
    const kinds = new Set(t.questions.map((q) => q.kind));
    expect(kinds.has('choice') && kinds.has('open')).toBe(true);
    // Plain 7.0 has no modules, so that topic sends nothing; every other topic runs something live.
    if (t.id === 'modules') expect([...kinds].sort()).toEqual(['choice', 'open']);
    else expect(kinds.has('predict') || kinds.has('command')).toBe(true);
  });

  it.each(questions.map((q) => [q.id, q] as const))('%s is well-formed', (_id, q) => {
    expect(q.question.trim().length).toBeGreaterThan(10);
    // 2–5 sentences; abbreviations such as "e.g." are not sentence ends.
    const sentences = q.explanation
      .replace(/\b(e\.g|i\.e|etc|vs)\./g, '$1')
      .split(/[.!?](?:\s|$)/)
      .filter((s) => s.trim()).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(5);
    if (q.kind === 'choice') {
      expect(q.options.length).toBeGreaterThanOrEqual(3);
      expect(q.options.length).toBeLessThanOrEqual(5);
      expect(q.options.some((o) => o.correct)).toBe(true);
      expect(q.options.some((o) => !o.correct)).toBe(true);
      for (const o of q.options) expect(o.why.trim().length).toBeGreaterThan(10);
    }
    if (q.kind === 'open') expect(q.keyPoints.length).toBeGreaterThanOrEqual(3);
    if (q.kind === 'command') {
      expect(q.answer.length).toBeGreaterThan(0);
      expect(q.wrong.length).toBeGreaterThan(0);
      // The runner joins answer lines with ';', so a line must not contain one outside quotes.
      for (const line of [...q.answer, ...q.wrong]) expect(line.replace(/"[^"]*"|'[^']*'/g, '')).not.toContain(';');
    }
    if (q.kind === 'predict') expect(q.commands.length).toBeGreaterThan(0);
  });
});

describe('quiz bank topics (b): live on a real server', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await openPrivateSandbox(NS);
  });

  afterAll(async () => {
    await sb.reset();
    await sb.close();
  });

  async function leftovers(): Promise<string[]> {
    return scanAll(sb.admin, `${NS}*`);
  }

  it.each(predicts.map((q) => [q.id, q] as const))('%s: the last reply is the stated answer', async (_id, q) => {
    const run = await runPredictQuestion(sb, q);
    expect(run.records.filter((r) => r.error).length).toBeLessThanOrEqual(1);
    expect(run.reply).toBe(expectedReply(q, sb.target.product));
    await sb.reset(QUIZ_SCOPE);
    expect(await leftovers()).toEqual([]);
  });

  it.each(commands.map((q) => [q.id, q] as const))('%s: setup alone fails, the answer passes, the wrong answer fails', async (_id, q) => {
    const nothing = await gradeCommandQuestion(sb, q, '');
    expect(nothing.pass, `starting state already passes: ${nothing.actual}`).toBe(false);

    const good = await gradeCommandQuestion(sb, q, q.answer.map((l) => sb.expand(l)).join(' ; '));
    expect(good.run.refused).toBeUndefined();
    expect(
      good.run.ran.every((r) => !r.error),
      good.run.ran.map((r) => r.error ?? 'ok').join(', '),
    ).toBe(true);
    expect(good.pass, `expected ${good.expected}, got ${good.actual}`).toBe(true);

    const bad = await gradeCommandQuestion(sb, q, q.wrong.map((l) => sb.expand(l)).join(' ; '));
    expect(bad.run.refused).toBeUndefined();
    expect(bad.pass, `the wrong answer passed: ${bad.actual}`).toBe(false);

    await sb.reset(QUIZ_SCOPE);
    expect(await leftovers()).toEqual([]);
  });
});
