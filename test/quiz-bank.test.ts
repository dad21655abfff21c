// The question bank is sound: every topic registered, unique ids, explained choices, and every command and predict
// question proven against a real server (its reference answer passes, its wrong answer fails).
import { expectedReply } from '../src/quiz/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/redis/sandbox.js';
import { TOPICS } from '../src/quiz/bank/index.js';
import { bankEntries } from '../src/quiz/bank.js';
import { gradePredict, normaliseReply, splitCommands } from '../src/quiz/grading.js';
import { QUIZ_SCOPE, gradeCommandQuestion, runPredictQuestion } from '../src/quiz/live.js';
import type { CommandQuestion, PredictQuestion } from '../src/quiz/types.js';
import { openPrivateSandbox } from './helpers.js';

const TOPIC_ORDER = [
  'fundamentals',
  'internals',
  'data-types',
  'expiry-eviction',
  'persistence',
  'replication-sentinel',
  'replication-operations',
  'sentinel-operations',
  'cluster',
  'cluster-operations',
  'transactions-lua',
  'pipelining-performance',
  'caching',
  'client-side-caching',
  'locks',
  'messaging',
  'streams',
  'security',
  'memory-operations',
  'latency-memory',
  'modules',
  'system-design',
  'ecosystem',
];

const entries = bankEntries();
const questions = entries.map((e) => e.question);

describe('bank integrity', () => {
  it('registers every topic file, in the guide order', () => {
    expect(TOPICS.map((t) => t.id)).toEqual(TOPIC_ORDER);
  });

  it('has at least 320 questions over at least 20 topics of at least 8 questions, 30 % of them live (issue #16)', () => {
    expect(questions.length).toBeGreaterThanOrEqual(320);
    expect(TOPICS.length).toBeGreaterThanOrEqual(20);
    const live = questions.filter((q) => q.kind === 'command' || q.kind === 'predict').length;
    expect(live / questions.length).toBeGreaterThanOrEqual(0.3);
    for (const t of TOPICS) {
      expect(t.questions.length, `topic ${t.id} has at least 8 questions`).toBeGreaterThanOrEqual(8);
      expect(t.title.trim(), `topic ${t.id} title`).not.toBe('');
      expect(t.intro.trim().length, `topic ${t.id} intro`).toBeGreaterThan(40);
      expect(t.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('gives every question a unique, stable kebab-case id', () => {
    const seen = new Map<string, number>();
    for (const q of questions) seen.set(q.id, (seen.get(q.id) ?? 0) + 1);
    const dupes = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    expect(dupes).toEqual([]);
    const bad = questions.filter((q) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(q.id)).map((q) => q.id);
    expect(bad).toEqual([]);
  });

  it('says for every question which servers and versions its answer holds for', () => {
    const missing = questions.filter((q) => !/^Redis \d+(\.\d+)?/.test(q.versions ?? '')).map((q) => q.id);
    expect(missing).toEqual([]);
  });

  it('gives every question a level, a question and an explanation', () => {
    for (const q of questions) {
      expect(['beginner', 'intermediate', 'advanced'], q.id).toContain(q.level);
      expect(q.question.trim().length, `${q.id} question`).toBeGreaterThan(10);
      expect(q.explanation.trim().length, `${q.id} explanation`).toBeGreaterThan(20);
    }
  });

  it('gives every choice question a correct option, a wrong one, and a why on every option', () => {
    const choices = questions.filter((q) => q.kind === 'choice');
    expect(choices.length).toBeGreaterThan(0);
    for (const q of choices) {
      expect(q.options.length, `${q.id} options`).toBeGreaterThanOrEqual(2);
      expect(
        q.options.some((o) => o.correct),
        `${q.id} has a correct option`,
      ).toBe(true);
      expect(
        q.options.some((o) => !o.correct),
        `${q.id} has a wrong option`,
      ).toBe(true);
      for (const [i, o] of q.options.entries()) {
        expect(o.text.trim(), `${q.id} option ${i + 1} text`).not.toBe('');
        expect(o.why.trim().length, `${q.id} option ${i + 1} why`).toBeGreaterThan(5);
      }
    }
  });

  it('gives every open question key points', () => {
    for (const q of questions) if (q.kind === 'open') expect(q.keyPoints.length, q.id).toBeGreaterThanOrEqual(2);
  });

  it('gives every command question a reference and a wrong answer, each typeable on one line', () => {
    for (const q of questions) {
      if (q.kind !== 'command') continue;
      expect(q.answer.length, `${q.id} answer`).toBeGreaterThan(0);
      expect(q.wrong.length, `${q.id} wrong`).toBeGreaterThan(0);
      // The learner types the whole answer on one line, commands separated by ";".
      expect(splitCommands(q.answer.join(' ; ')), `${q.id} answer on one line`).toEqual(q.answer.map((l) => l.trim()));
    }
  });

  it('gives every predict question commands and an answer', () => {
    for (const q of questions) {
      if (q.kind !== 'predict') continue;
      expect(q.commands.length, `${q.id} commands`).toBeGreaterThan(0);
      expect(normaliseReply(q.answer), `${q.id} answer`).not.toBe('');
    }
  });
});

/** An answer that must not be accepted for `answer`: a neighbouring integer, or nil. */
function differentAnswer(answer: string): string {
  const n = normaliseReply(answer);
  if (/^-?\d+$/.test(n)) return `(integer) ${BigInt(n) + 1n}`;
  return n === 'nil' ? '(integer) 0' : '(nil)';
}

describe('live: every command and predict question against a real server', () => {
  let sb: Sandbox;
  const yes = { confirm: () => Promise.resolve(true) };

  beforeAll(async () => {
    sb = await openPrivateSandbox('quiztest:bank:');
    await sb.reset();
  });

  afterAll(async () => {
    await sb.reset(QUIZ_SCOPE);
    const [, left] = await sb.admin.scan('0', 'MATCH', 'quiztest:bank:*', 'COUNT', 10000);
    await sb.close();
    expect(left).toEqual([]);
  });

  const commandQs = questions.filter((q): q is CommandQuestion => q.kind === 'command');
  const predictQs = questions.filter((q): q is PredictQuestion => q.kind === 'predict');

  it('the bank has command and predict questions', () => {
    expect(commandQs.length).toBeGreaterThan(0);
    expect(predictQs.length).toBeGreaterThan(0);
  });

  for (const q of commandQs) {
    it(`${q.id}: the reference answer passes and the wrong answer fails`, async () => {
      const right = await gradeCommandQuestion(
        sb,
        q,
        q.answer.map((l) => sb.expand(l)),
        yes,
      );
      expect(right.run.refused, `${q.id} reference answer refused`).toBeUndefined();
      expect(right.pass, `${q.id} reference answer: expected ${right.expected}, found ${right.actual}`).toBe(true);
      const wrong = await gradeCommandQuestion(
        sb,
        q,
        q.wrong.map((l) => sb.expand(l)),
        yes,
      );
      expect(wrong.pass, `${q.id} wrong answer passed: ${wrong.actual}`).toBe(false);
    });
  }

  for (const q of predictQs) {
    it(`${q.id}: the live reply is the stated answer, and another answer grades wrong`, async () => {
      const run = await runPredictQuestion(sb, q);
      const stated = expectedReply(q, sb.target.product);
      expect(gradePredict(run.reply, stated), `${q.id}: ${sb.target.product} replied ${run.reply}, bank says ${stated}`).toBe(true);
      expect(gradePredict(run.reply, differentAnswer(stated)), `${q.id}: ${differentAnswer(stated)} accepted`).toBe(false);
    });
  }
});
