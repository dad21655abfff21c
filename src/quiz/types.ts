// What a quiz question is. The bank (src/quiz/bank/) is the one source; REDIS_INTERVIEW_GUIDE.md is generated from it.
import type { Check } from '../engine/types.js';

export type QuizLevel = 'beginner' | 'intermediate' | 'advanced';
export type QuestionKind = 'choice' | 'command' | 'predict' | 'open';

interface QuestionBase {
  /** Unique across the bank, kebab-case, stable forever (it keys the learner's spaced-repetition card). */
  id: string;
  level: QuizLevel;
  /** The question as asked. Markdown inline code allowed. May contain {ns} (the namespace). */
  question: string;
  /** The explanation shown after answering, and the answer in the guide. Accurate for Redis 7.0+. */
  explanation: string;
  /**
   * Commands that demonstrate the answer, shown after the answer ("try it in redis-learn repl") and in the guide.
   * Keys use {ns}; each line runs as written in `redis-learn repl` on a private Redis 7 server (a test runs them all),
   * unless `proofOn` says where else they run.
   */
  proof?: string[];
  /** The proof needs something a plain Redis 7 at the REPL is not: a shell, a Sentinel, a cluster, modules. */
  proofOn?: ProofPlace;
  /**
   * The servers and versions the answer holds for, starting with Redis: 'Redis 2.6+ · Valkey 7.2+',
   * 'Redis 8.0+ (not in Valkey 8)'. Shown with the question and in the guide.
   */
  versions: string;
}

export type ProofPlace = 'shell' | 'sentinel' | 'cluster' | 'modules';

export interface ChoiceOption {
  text: string;
  correct: boolean;
  /** Why this option is right, or why it is wrong. */
  why: string;
}

/** One or several correct options. */
export interface ChoiceQuestion extends QuestionBase {
  kind: 'choice';
  options: ChoiceOption[];
}

/** "Write the command that…": the learner's command runs in the sandbox after setup; check grades state or reply. */
export interface CommandQuestion extends QuestionBase {
  kind: 'command';
  /** Command lines run (unprinted) before the learner answers; keys must use {ns}. */
  setup: string[];
  check: Check;
  /** A reference answer: command lines that pass the check. */
  answer: string[];
  /** A plausible wrong answer that must fail the check (the bank test proves the check can fail). */
  wrong: string[];
}

/** A short sequence runs; the learner predicts the last reply as redis-cli prints it. */
export interface PredictQuestion extends QuestionBase {
  kind: 'predict';
  setup?: string[];
  /** Shown to the learner; the reply of the last one is predicted. Keys use {ns}. */
  commands: string[];
  /** The reply as redis-cli prints it inline, e.g. `(integer) 2`, `"hello"`, `(nil)`, `OK`. Verified live by a test. */
  answer: string;
  /**
   * Where a server replies otherwise: the first entry whose `server` starts the server's name and version ("Valkey",
   * "Redis 8") gives the reply there. The test matrix verifies each on its server; the explanation must say so too.
   */
  answerOn?: { server: string; answer: string }[];
}

/** The reply a predict question expects from this server (`product`: "Redis 8.0.2", "Valkey 8.1.1"). */
export function expectedReply(q: PredictQuestion, product: string): string {
  return q.answerOn?.find((a) => product.startsWith(a.server))?.answer ?? q.answer;
}

/** Design and explain: the model answer is revealed, the learner grades themself. */
export interface OpenQuestion extends QuestionBase {
  kind: 'open';
  keyPoints: string[];
}

export type Question = ChoiceQuestion | CommandQuestion | PredictQuestion | OpenQuestion;

export interface Topic {
  /** kebab-case, used by `quiz --topic`. */
  id: string;
  title: string;
  /** A paragraph introducing the topic in the guide. */
  intro: string;
  questions: Question[];
}
