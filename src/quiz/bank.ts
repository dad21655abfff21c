// Access to the question bank: flat entries, lookup by id, --topic/--level filters that reject unknown values.
import { UsageError } from '../errors.js';
import { TOPICS } from './bank/index.js';
import type { ProofPlace, Question, QuestionKind, QuizLevel, Topic } from './types.js';

export const QUIZ_LEVELS: readonly QuizLevel[] = ['beginner', 'intermediate', 'advanced'];

export interface BankEntry {
  topic: Topic;
  question: Question;
  /** 1-based position in its topic, as numbered in the guide. */
  number: number;
}

export interface BankFilter {
  topic?: string;
  level?: string;
}

export interface ValidFilter {
  topic?: string;
  level?: QuizLevel;
}

export function bankEntries(topics: readonly Topic[] = TOPICS): BankEntry[] {
  return topics.flatMap((topic) => topic.questions.map((question, i) => ({ topic, question, number: i + 1 })));
}

export function findEntry(id: string, topics: readonly Topic[] = TOPICS): BankEntry | undefined {
  return bankEntries(topics).find((e) => e.question.id === id);
}

/** Checks --topic and --level against the bank; a bad value is a UsageError that lists the valid ones. */
export function validateFilter(f: BankFilter, topics: readonly Topic[] = TOPICS): ValidFilter {
  const out: ValidFilter = {};
  if (f.topic !== undefined) {
    const id = f.topic.trim().toLowerCase();
    if (!topics.some((t) => t.id === id)) {
      throw new UsageError(`unknown topic "${f.topic}": choose one of ${topics.map((t) => t.id).join(', ') || '(the bank is empty)'}`);
    }
    out.topic = id;
  }
  if (f.level !== undefined) {
    const level = f.level.trim().toLowerCase();
    if (!(QUIZ_LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`unknown level "${f.level}": choose one of ${QUIZ_LEVELS.join(', ')}`);
    }
    out.level = level as QuizLevel;
  }
  return out;
}

export function filterEntries(entries: readonly BankEntry[], f: ValidFilter): BankEntry[] {
  return entries.filter((e) => (!f.topic || e.topic.id === f.topic) && (!f.level || e.question.level === f.level));
}

/** Command and predict questions run against the sandbox; choice and open questions need no Redis. */
export function needsRedis(q: Question): boolean {
  return q.kind === 'command' || q.kind === 'predict';
}

export const KIND_LABELS: Record<QuestionKind, string> = {
  choice: 'multiple choice',
  command: 'write the command',
  predict: 'predict the reply',
  open: 'open question',
};

/** Where a question's proof lines run, as the quiz and the guide introduce them. */
export const PROOF_PLACES: Record<ProofPlace | 'repl', string> = {
  repl: 'try it in redis-learn repl',
  shell: 'try it in a shell (redis-cli and redis-benchmark come with redis-server)',
  sentinel: 'try it against a Sentinel (redis-cli -p 26379)',
  cluster: 'try it on a Redis Cluster (redis-cli -c)',
  modules: 'try it in redis-learn repl on Redis 8 or Redis Stack (--url)',
};

export function correctIndexes(q: Question): number[] {
  return q.kind === 'choice' ? q.options.flatMap((o, i) => (o.correct ? [i + 1] : [])) : [];
}
