// `quiz --interview`: the mix of questions at a level (and what a thin level borrows), the time each answer took, the
// debrief's self-grades, the score arithmetic, the cards saved, and the CLI: --json, usage errors, no hang without input.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, learnerUsed, stringEquals, ttlBetween } from '../src/engine/checks.js';
import type { CardState, Progress } from '../src/progress/store.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { bankEntries, type BankEntry } from '../src/quiz/bank.js';
import type { QuizInput } from '../src/quiz/input.js';
import {
  formatDuration,
  interviewSummaryLines,
  parseKeyPointHits,
  planInterview,
  ratingForShare,
  runInterview,
  toStoredInterview,
  verdictLine,
  type InterviewPlan,
  type InterviewResult,
} from '../src/quiz/interview.js';
import type { Question, Topic } from '../src/quiz/types.js';
import { ROOT, openPrivateSandbox, runCli, scriptedInput, tempConfigHome, type CliResult } from './helpers.js';

const NS = 'quiztest:iv:';
const ns = (s: string) => s.replaceAll('{ns}', NS);
const emptyProgress = (): Progress => ({ version: 1, lessons: {}, quiz: { cards: {}, rounds: [] } });
const plain = (lines: string[]) => lines.join('\n').replace(/\x1b\[[0-9;]*m/g, '');

const points = (name: string) => [`${name} one`, `${name} two`, `${name} three`, `${name} four`];

const design: Topic = {
  id: 'system-design',
  title: 'System design',
  intro: 'Fixture design questions.',
  questions: [
    {
      id: 'sd-leaderboard',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Design a game leaderboard.',
      explanation: 'A sorted set per period, ZINCRBY on each score.',
      keyPoints: points('sd'),
    },
  ],
};

const gamma: Topic = {
  id: 'gamma',
  title: 'Gamma',
  intro: 'Fixture questions of every kind at two levels.',
  questions: [
    {
      id: 'g-open-1',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Explain one.',
      explanation: 'Model one.',
      keyPoints: points('g1'),
    },
    {
      id: 'g-open-2',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Explain two.',
      explanation: 'Model two.',
      keyPoints: points('g2'),
    },
    {
      id: 'g-open-3',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Explain three.',
      explanation: 'Model three.',
      keyPoints: points('g3'),
    },
    {
      id: 'g-command',
      kind: 'command',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Make `{ns}visits` hold 1 and expire in 60 seconds, in one command.',
      setup: [],
      check: all(stringEquals('visits', '1'), ttlBetween('visits', 1, 60), learnerUsed('SET')),
      answer: ['SET {ns}visits 1 EX 60'],
      wrong: ['SET {ns}visits 1'],
      explanation: 'SET with EX sets value and TTL atomically.',
    },
    {
      id: 'g-predict',
      kind: 'predict',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'What does the second INCR reply?',
      setup: ['SET {ns}n 5'],
      commands: ['INCR {ns}n', 'INCR {ns}n'],
      answer: '(integer) 7',
      explanation: 'INCR adds one each time.',
    },
    {
      id: 'g-predict-2',
      kind: 'predict',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'What does LPUSH on a string reply?',
      setup: ['SET {ns}s hello'],
      commands: ['LPUSH {ns}s x'],
      answer: '(error) WRONGTYPE Operation against a key holding the wrong kind of value',
      explanation: 'Each key has one type.',
    },
    {
      id: 'g-choice',
      kind: 'choice',
      versions: 'Redis 7.0+',
      level: 'advanced',
      question: 'Which command sets a string?',
      options: [
        { text: '`SET`', correct: true, why: 'SET writes a string value.' },
        { text: '`HSET`', correct: false, why: 'HSET writes a hash field.' },
      ],
      explanation: 'SET stores a string.',
    },
    {
      id: 'g-open-mid-1',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'intermediate',
      question: 'Mid one.',
      explanation: 'Mid model.',
      keyPoints: points('m1'),
    },
    {
      id: 'g-open-mid-2',
      kind: 'open',
      versions: 'Redis 7.0+',
      level: 'intermediate',
      question: 'Mid two.',
      explanation: 'Mid model.',
      keyPoints: points('m2'),
    },
    {
      id: 'g-predict-mid',
      kind: 'predict',
      versions: 'Redis 7.0+',
      level: 'intermediate',
      question: 'What does EXISTS reply for a missing key?',
      commands: ['EXISTS {ns}missing'],
      answer: '(integer) 0',
      explanation: 'EXISTS counts the keys that exist.',
    },
  ],
};

const TOPICS = [gamma, design];
/** The fixture bank without some questions: a level thin on one kind. */
const without = (...ids: string[]): Topic[] => TOPICS.map((t) => ({ ...t, questions: t.questions.filter((q) => !ids.includes(q.id)) }));
const kinds = (p: InterviewPlan) => p.entries.map((e) => e.question.kind);
const isLive = (q: Question) => q.kind === 'command' || q.kind === 'predict';

describe('the mix of an interview', () => {
  it('asks about half open questions and half live ones at the level, the design question last', () => {
    const p = planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 1, topics: TOPICS });
    expect(p.entries).toHaveLength(6);
    expect(p.entries.filter((e) => e.question.kind === 'open')).toHaveLength(3);
    expect(p.entries.filter((e) => isLive(e.question))).toHaveLength(3);
    expect(p.entries.every((e) => e.question.level === 'advanced')).toBe(true);
    expect(p.notes).toEqual([]);
    // A live question first, then explain and live in turn; the design question closes it.
    expect(
      kinds(p)
        .slice(0, 5)
        .map((k) => (k === 'open' ? 'open' : 'live')),
    ).toEqual(['live', 'open', 'live', 'open', 'live']);
    expect(p.entries.at(-1)!.question.id).toBe('sd-leaderboard');
    // The same seed plans the same interview; unpicked live questions are spares.
    expect(planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 1, topics: TOPICS }).entries).toEqual(p.entries);
    expect(p.spares.map((e) => e.question.id)).toEqual(['g-predict-mid']);
  });

  it('borrows open questions from the next level when the level has too few, and says so', () => {
    const p = planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 2, topics: without('g-open-1', 'g-open-2', 'g-open-3') });
    const opens = p.entries.filter((e) => e.question.kind === 'open');
    expect(opens.map((e) => e.question.level).sort()).toEqual(['advanced', 'intermediate', 'intermediate']);
    expect(p.notes).toEqual(['only 1 open question at advanced level: 2 from intermediate']);
  });

  it('fills a level short of live questions with at most one choice question, then the next level', () => {
    const p = planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 3, topics: without('g-command', 'g-predict-2') });
    expect(kinds(p).filter((k) => k === 'choice')).toHaveLength(1);
    expect(kinds(p)[0]).toBe('choice');
    expect(
      p.entries
        .filter((e) => isLive(e.question))
        .map((e) => e.question.id)
        .sort(),
    ).toEqual(['g-predict', 'g-predict-mid']);
    expect(p.notes).toEqual(['only 1 live question at advanced level: 1 from intermediate']);
  });

  it('asks fewer questions when a topic has too few, and never more than one choice', () => {
    const p = planInterview(emptyProgress(), { level: 'advanced', topic: 'gamma', count: 12, seed: 4, topics: TOPICS });
    expect(p.entries).toHaveLength(10);
    expect(kinds(p).filter((k) => k === 'choice')).toHaveLength(1);
    expect(p.entries.every((e) => e.topic.id === 'gamma')).toBe(true);
    expect(p.notes.at(-1)).toBe('only 10 questions to ask in gamma, not 12');
  });

  it('plans from the real bank: open and live questions at the level, a system-design question among them', () => {
    const p = planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 7 });
    expect(p.entries).toHaveLength(6);
    expect(p.entries.filter((e) => e.question.kind === 'open')).toHaveLength(3);
    expect(p.entries.filter((e) => isLive(e.question))).toHaveLength(3);
    expect(p.entries.every((e) => e.question.level === 'advanced')).toBe(true);
    expect(p.entries.at(-1)!.topic.id).toBe('system-design');
    expect(p.entries.at(-1)!.question.kind).toBe('open');
  });

  it('at beginner level, borrows open questions from intermediate if beginner has too few', () => {
    const beginnerOpen = bankEntries().filter((e) => e.question.level === 'beginner' && e.question.kind === 'open').length;
    const p = planInterview(emptyProgress(), { level: 'beginner', count: 6, seed: 1 });
    expect(p.entries).toHaveLength(6);
    expect(p.entries.filter((e) => e.question.kind === 'open')).toHaveLength(3);
    expect(p.entries.filter((e) => e.question.kind === 'choice').length).toBeLessThanOrEqual(1);
    if (beginnerOpen < 3) {
      expect(p.notes.join('\n')).toMatch(
        new RegExp(`^only ${beginnerOpen} open questions? at beginner level: ${3 - beginnerOpen} from intermediate`, 'm'),
      );
    }
  });
});

describe('self-grades, ratings and verdicts', () => {
  it('reads the key points an answer hit', () => {
    expect(parseKeyPointHits('1 3 4', 4)).toEqual([1, 3, 4]);
    expect(parseKeyPointHits(' 3,1 ', 4)).toEqual([1, 3]);
    expect(parseKeyPointHits('b d', 4)).toEqual([2, 4]);
    expect(parseKeyPointHits('', 4)).toEqual([]);
    expect(parseKeyPointHits('none', 4)).toEqual([]);
    expect(parseKeyPointHits('all', 3)).toEqual([1, 2, 3]);
    expect(parseKeyPointHits('5', 4)).toBeNull();
    expect(parseKeyPointHits('most of them', 4)).toBeNull();
  });

  it('turns the share of key points into a card rating, and the score into a verdict', () => {
    expect([1, 0.75, 0.74, 0.4, 0.39, 0].map(ratingForShare)).toEqual([3, 3, 2, 2, 1, 1]);
    expect(verdictLine(80)).toMatch(/^Strong/);
    expect(verdictLine(60)).toMatch(/^Promising/);
    expect(verdictLine(40)).toMatch(/^Not yet/);
    expect(verdictLine(39)).toMatch(/^Keep practising/);
    expect([45, 200, 1200, 0].map(formatDuration)).toEqual(['45 s', '3 min 20 s', '20 min', '0 s']);
  });
});

describe('an interview, answered', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await openPrivateSandbox(NS);
    await sb.reset();
  }, 60_000);
  afterAll(async () => {
    await sb.reset();
    await sb.close();
  });

  /** A learner typing `lines`; each line read moves the clock on by the next of `seconds` (10 s when they run out). */
  function learner(lines: string[], seconds: number[] = [], interactive = false) {
    const reader = scriptedInput(lines);
    const clock = { ms: Date.parse('2030-01-01T09:00:00Z') };
    const read = async (message: string) => {
      const line = await reader.next(message);
      clock.ms += (seconds.shift() ?? 10) * 1000;
      return line;
    };
    const input: QuizInput = {
      interactive,
      choice: read,
      text: read,
      draft: () => Promise.resolve(true),
      selfGrade: read,
      confirm: () => Promise.resolve(false),
      close: () => {},
    };
    return { input, prompts: reader.prompts, now: () => new Date(clock.ms) };
  }

  async function interview(
    plan: InterviewPlan,
    l: ReturnType<typeof learner>,
    minutes = 6,
  ): Promise<{ result: InterviewResult; cards: Record<string, CardState>; lines: string[] }> {
    const lines: string[] = [];
    const cards: Record<string, CardState> = {};
    const result = await runInterview({
      plan,
      input: l.input,
      seed: 1,
      level: 'advanced',
      count: 6,
      minutes,
      namespace: NS,
      sandbox: () => Promise.resolve(sb),
      out: (line) => lines.push(line),
      card: (id) => cards[id],
      saveCard: (id, card) => (cards[id] = card),
      now: l.now,
    });
    return { result, cards, lines };
  }

  const rightLive = (q: Question): string =>
    q.kind === 'command' ? ns(q.answer[0]!) : q.kind === 'predict' ? q.answer : q.kind === 'choice' ? '1' : '';
  const wrongLive = (q: Question): string => (q.kind === 'command' ? ns(q.wrong[0]!) : '(nil)');
  const plan = () => planInterview(emptyProgress(), { level: 'advanced', count: 6, seed: 1, topics: TOPICS });

  it('times each answer, saves the debrief for the end, and scores self-graded and live questions', async () => {
    const p = plan();
    const lines: string[] = [];
    const seconds: number[] = [];
    let firstLive = true;
    let firstOpen = true;
    for (const e of p.entries) {
      const q = e.question;
      if (q.kind === 'open') {
        // Two lines then the empty line that ends the answer; the first open answer takes 90 s of a 60 s budget.
        lines.push(`${q.id} first line`, `${q.id} second line`, '');
        seconds.push(firstOpen ? 60 : 10, 20, 10);
        firstOpen = false;
      } else {
        // The first live question is answered wrong, the others right.
        lines.push(firstLive ? wrongLive(q) : rightLive(q));
        seconds.push(30);
        firstLive = false;
      }
    }
    lines.push('1 3 4', '', 'all');
    const l = learner(lines, seconds);
    const { result, cards, lines: out } = await interview(p, l);
    const text = plain(out);

    expect(result).toMatchObject({ mode: 'interview', completed: true, asked: 6, budgetSeconds: 60, minutes: 6, overTime: 1 });
    const opens = result.questions.filter((q) => q.kind === 'open');
    const lives = result.questions.filter((q) => q.kind !== 'open');
    expect(opens.map((q) => q.hit)).toEqual([[1, 3, 4], [], [1, 2, 3, 4]]);
    expect(opens.map((q) => q.result)).toEqual(['3/4 key points', '0/4 key points', '4/4 key points']);
    expect(opens.map((q) => q.rating)).toEqual([3, 1, 3]);
    expect(opens[0]!.answer).toBe(`${opens[0]!.id} first line\n${opens[0]!.id} second line`);
    expect(opens[0]!.keyPoints).toHaveLength(4);
    expect(opens.map((q) => [q.seconds, q.overTime])).toEqual([
      [90, true],
      [40, false],
      [40, false],
    ]);
    expect(lives.map((q) => [q.passed, q.result, q.rating, q.seconds])).toEqual([
      [false, 'fail', 1, 30],
      [true, 'pass', 3, 30],
      [true, 'pass', 3, 30],
    ]);
    // (0.75 + 0 + 1) for the open questions, 2 of 3 live: 3.75 of 6 = 62.5 %.
    expect(result).toMatchObject({ points: 3.75, score: 63, totalSeconds: 260 });
    expect(result.verdict).toBe(verdictLine(63));

    // Every question became a card, rated as graded.
    expect(Object.keys(cards).sort()).toEqual(p.entries.map((e) => e.question.id).sort());
    for (const q of result.questions) expect(cards[q.id]).toMatchObject({ reps: 1, lastGrade: q.rating, due: q.due });

    // Asked with its budget, the time shown when answered; model answers only after the last question.
    expect(text).toMatch(/Mock interview · advanced · 6 questions · 6 min\nabout 1 min a question/);
    expect(text).toMatch(/Question 1\/6 · .* · 1 min ─/);
    expect(text).toMatch(/1 min 30 s · over time \(budget 1 min\)/);
    expect(text).toMatch(/40 s of 1 min/);
    const lastAsked = text.indexOf('Question 6/6');
    expect(text.indexOf('Debrief')).toBeGreaterThan(lastAsked);
    expect(text.search(/^ {2}Model answer$/m)).toBeGreaterThan(text.indexOf('Debrief'));
    expect(text.search(/^ {2}Key points$/m)).toBeGreaterThan(text.indexOf('Debrief'));
    expect(text).toMatch(/ {4}1\. sd one/);
    expect(l.prompts.filter((m) => m.startsWith('Key points your answer hit'))).toHaveLength(3);
    // The summary: one row a question, the overall score and the verdict.
    expect(text).toMatch(/│ 1 +│ \S+ +│ \w+ +│ 30 s +│ fail +│/);
    expect(text).toMatch(/1 min 30 s \(over\) │ 3\/4 key points/);
    expect(text).toMatch(/Overall 63 %/);
    expect(text).toContain(`Verdict: ${verdictLine(63)}`);

    // The quiz's keys are gone; the stored round counts questions whose card was not rated again.
    const [, left] = await sb.admin.scan('0', 'MATCH', `${NS}*`, 'COUNT', 1000);
    expect(left).toEqual([]);
    const stored = toStoredInterview(result, new Date(0));
    expect(stored).toMatchObject({ asked: 6, correct: 4 });
    expect(Object.values(stored.byTopic).reduce((n, t) => n + t.asked, 0)).toBe(6);
  });

  it('counts an unreadable piped self-grade as none, and asks again at a terminal', async () => {
    const one: InterviewPlan = { entries: [plan().entries.find((e) => e.question.kind === 'open')!], spares: [], notes: [] };
    const piped = await interview(one, learner(['my answer', '', 'most of them']));
    expect(piped.result.questions[0]).toMatchObject({ hit: [], score: 0, rating: 1, selfGrade: 'most of them' });
    expect(plain(piped.lines)).toMatch(/"most of them" is not a list of point numbers \(1–4\): counted as none/);

    const l = learner(['my answer', '', '9', 'two', '2 4'], [], true);
    const tty = await interview(one, l);
    expect(l.prompts.filter((m) => m.startsWith('Key points your answer hit'))).toHaveLength(3);
    expect(tty.result.questions[0]).toMatchObject({ hit: [2, 4], score: 0.5, rating: 2, result: '2/4 key points' });
  });

  it('stops when input ends, still debriefs what was answered, and never waits', async () => {
    const none = await interview(plan(), learner([]));
    expect(none.result).toMatchObject({ asked: 0, completed: false, score: 0, verdict: 'No questions answered.' });
    expect(Object.keys(none.cards)).toEqual([]);

    // An open answer cut off by the end of input keeps what was typed; with no self-grade it hits no key point.
    const p = plan();
    const firstOpen = p.entries.findIndex((e) => e.question.kind === 'open');
    const answers = p.entries.slice(0, firstOpen).map((e) => rightLive(e.question));
    const cut = await interview(p, learner([...answers, 'half an answer']));
    expect(cut.result).toMatchObject({ completed: false, asked: firstOpen + 1 });
    expect(cut.result.questions.at(-1)).toMatchObject({ kind: 'open', answer: 'half an answer', hit: [], rating: 1 });
    expect(plain(cut.lines)).toMatch(/input ended: the interview stops here/);
    expect(plain(cut.lines)).toMatch(/input ended: this and any answer left count as no key points hit/);
    expect(Object.keys(cut.cards)).toHaveLength(firstOpen + 1);
  });

  it('replaces a live question this server cannot run with a spare, leaving the foreign key alone', async () => {
    const p = plan();
    const predict = p.entries.find((e) => e.question.id === 'g-predict')!;
    const spare = p.spares[0]!;
    const one: InterviewPlan = { entries: [predict], spares: [spare], notes: [] };
    await sb.admin.set(`${NS}n`, 'precious');
    try {
      const { result, lines } = await interview(one, learner([rightLive(spare.question)]));
      expect(result.unavailable.map((u) => u.id)).toEqual(['g-predict']);
      expect(result.questions.map((q) => [q.id, q.passed])).toEqual([[spare.question.id, true]]);
      expect(plain(lines)).toMatch(/skipped: .*already existed and was not created by redis-learn.*another question takes its place/);
      expect(await sb.admin.get(`${NS}n`)).toBe('precious');
    } finally {
      await sb.admin.del(`${NS}n`);
    }
  });

  it('prints "No questions answered." as its summary when nothing was answered', () => {
    const r = { asked: 0, questions: [] } as unknown as InterviewResult;
    expect(plain(interviewSummaryLines(r))).toContain('No questions answered.');
  });
});

/**
 * The CLI as a learner runs it, without a TTY: the build when it is newer than this feature's sources (as `npm test`
 * leaves it), else the sources through tsx, so this file never needs a build of its own.
 */
function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const sources = ['src/quiz/interview.ts', 'src/commands/quiz.ts', 'src/cli.ts'].map((f) => statSync(join(ROOT, f)).mtimeMs);
  const built = join(ROOT, 'dist', 'quiz', 'interview.js');
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return runCli(args, opts);
  return new Promise((resolve) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'dev.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      input: opts.input ?? '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    resolve({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  });
}

describe('redis-learn quiz --interview', () => {
  it.each([
    [['--interview', '--review'], /^redis-learn: --interview cannot be combined with --review \(redis-learn quiz --help\)\n$/],
    [['--interview', '--list'], /^redis-learn: --interview cannot be combined with --list \(redis-learn quiz --help\)\n$/],
    [['--minutes', '5'], /^redis-learn: --minutes is the time budget of --interview/],
    [['--interview', '--minutes', '0'], /^redis-learn: .*--minutes must be a positive whole number/],
  ])('quiz %j is a usage error: exit 2, one line', async (args, message) => {
    const r = await cli(['quiz', ...args, '--url', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is described by --help', async () => {
    const r = await cli(['quiz', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--interview +a timed mock interview/);
    expect(r.stdout).toMatch(/--minutes <m> +with --interview: the time budget/);
  });

  it('runs a piped interview and prints one JSON object with answers, times, self-grades and the score', async () => {
    const home = tempConfigHome();
    const p = planInterview(emptyProgress(), { level: 'intermediate', count: 2, seed: 3 });
    const input: string[] = [];
    for (const e of p.entries) {
      const q = e.question;
      if (q.kind === 'open') input.push('It depends on the workload.', 'Measure first.', '');
      else if (q.kind === 'command') input.push(q.answer.map((a) => a.replaceAll('{ns}', 'learn:')).join(' ; '));
      else if (q.kind === 'predict') input.push(q.answer);
      else input.push('1');
    }
    const opens = p.entries.filter((e) => e.question.kind === 'open');
    opens.forEach(() => input.push('1 2'));
    const r = await cli(
      ['quiz', '--interview', '--level', 'intermediate', '--count', '2', '--minutes', '4', '--seed', '3', '--json', '--private'],
      {
        env: { XDG_CONFIG_HOME: home },
        input: input.join('\n') + '\n',
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as InterviewResult & { due: number };
    expect(out).toMatchObject({
      mode: 'interview',
      seed: 3,
      level: 'intermediate',
      minutes: 4,
      budgetSeconds: 120,
      completed: true,
      asked: 2,
    });
    expect(out.questions.map((q) => q.id)).toEqual(p.entries.map((e: BankEntry) => e.question.id));
    for (const q of out.questions) {
      expect(q).toHaveProperty('seconds');
      expect(q.budgetSeconds).toBe(120);
      expect(typeof q.overTime).toBe('boolean');
      if (q.kind === 'open') {
        expect(q).toMatchObject({ answer: 'It depends on the workload.\nMeasure first.', hit: [1, 2], selfGrade: '1 2' });
        expect(q.score).toBeCloseTo(2 / q.keyPoints!.length);
      } else expect(typeof q.passed).toBe('boolean');
    }
    const sum = out.questions.reduce((n, q) => n + q.score, 0);
    expect(out.score).toBe(Math.round((sum / 2) * 100));
    // The person-readable transcript went to stderr; the cards and the round were saved.
    expect(r.stderr).toMatch(/Mock interview · intermediate · 2 questions · 4 min/);
    expect(r.stderr).toMatch(/Debrief/);
    const saved = JSON.parse(readFileSync(join(home, 'redis-learn', 'progress.json'), 'utf8')) as Progress;
    expect(Object.keys(saved.quiz.cards).sort()).toEqual(out.questions.map((q) => q.id).sort());
    expect(saved.quiz.rounds).toHaveLength(1);
  });

  it('ends at once with no input, as the normal quiz does', async () => {
    const started = Date.now();
    const r = await cli(['quiz', '--interview', '--seed', '5', '--private', '--json'], { env: { XDG_CONFIG_HOME: tempConfigHome() } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ asked: 0, completed: false, questions: [] });
    expect(r.stderr).toMatch(/No questions answered/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
