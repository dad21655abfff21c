// Every "try it in redis-learn repl:" line the quiz prints after a question runs as written: through the learner-command
// path the REPL uses, on a private server, inside the namespace, with no error reply unless the question is about that
// error. Lines for a shell, a Sentinel, a cluster or modules are labelled so, never offered for the REPL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankEntries } from '../src/quiz/bank.js';
import { endLearnerTurn, runLearnerCommand } from '../src/redis/learner-command.js';
import type { Sandbox } from '../src/redis/sandbox.js';
import { DEFAULT_NAMESPACE } from '../src/redis/sandbox.js';
import type { Question } from '../src/quiz/types.js';
import { openPrivateSandbox } from './helpers.js';

const questions = bankEntries().map((e) => e.question);
const replProofs = questions.filter((q): q is Question & { proof: string[] } => Boolean(q.proof?.length) && !q.proofOn);

/**
 * Lines whose reply is an error on purpose: the question is about that error (the test checks the question, its
 * explanation or its options name it). On a server that behaves otherwise (a module loaded) the line may also succeed.
 */
const EXPECTED_ERRORS: Record<string, { line: number; error: string }[]> = {
  'transactions-lua-no-rollback': [{ line: 5, error: 'WRONGTYPE' }],
  'security-auth-unknown-user': [{ line: 0, error: 'WRONGPASS' }],
  'security-lua-sandbox': [
    { line: 0, error: 'nonexistent global variable' },
    { line: 1, error: 'readonly table' },
  ],
  'modules-detect': [{ line: 2, error: 'unknown command' }],
};

/** Everything the learner reads about a question: where an expected error must be named. */
function questionText(q: Question): string {
  const options = q.kind === 'choice' ? q.options.map((o) => `${o.text} ${o.why}`).join(' ') : '';
  return `${q.question} ${q.explanation} ${options}`.toLowerCase();
}

/** Errors anywhere in a reply: a failed command, or an error inside EXEC's array. */
function errorsIn(reply: unknown): string[] {
  if (reply instanceof Error) return [reply.message];
  if (Array.isArray(reply)) return reply.flatMap(errorsIn);
  return [];
}

let sb: Sandbox;
let config: Map<string, string>;
let users: string[];

async function configSnapshot(): Promise<Map<string, string>> {
  const flat = (await sb.admin.call('CONFIG', 'GET', '*')) as string[];
  const m = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) m.set(flat[i]!, flat[i + 1]!);
  return m;
}

beforeAll(async () => {
  // The namespace a learner's REPL uses by default, as the lines are shown.
  sb = await openPrivateSandbox(DEFAULT_NAMESPACE);
  await sb.reset();
  config = await configSnapshot();
  users = (await sb.admin.call('ACL', 'USERS')) as string[];
});

afterAll(async () => {
  await sb.reset();
  await sb.close();
});

/** Puts back what a question's lines changed (CONFIG SET maxmemory-policy …, ACL users), so questions do not interact. */
async function restoreServer(): Promise<void> {
  for (const user of (await sb.admin.call('ACL', 'USERS')) as string[]) {
    if (!users.includes(user)) await sb.admin.call('ACL', 'DELUSER', user);
  }
  const now = await configSnapshot();
  for (const [k, v] of now) {
    const before = config.get(k);
    if (before !== undefined && before !== v) await sb.admin.call('CONFIG', 'SET', k, before).catch(() => undefined);
  }
}

describe('proof lines', () => {
  it('the bank offers REPL lines for most questions, and labels the rest', () => {
    expect(replProofs.length).toBeGreaterThan(100);
    for (const q of questions) {
      if (!q.proof?.length) continue;
      const shell = q.proof.filter((l) => /^(redis-cli|redis-benchmark|redis-server)\b/.test(l));
      if (q.proofOn === 'shell') expect(shell, `${q.id}: a shell proof runs shell tools`).toEqual(q.proof);
      else expect(shell, `${q.id}: shell commands are not REPL lines`).toEqual([]);
    }
    for (const [id, errors] of Object.entries(EXPECTED_ERRORS)) {
      const q = replProofs.find((x) => x.id === id);
      expect(q, `${id} has REPL lines`).toBeDefined();
      for (const e of errors) expect(e.line, `${id}: line ${e.line + 1} exists`).toBeLessThan(q!.proof.length);
    }
  });

  it.each(replProofs.map((q) => [q.id, q] as const))('%s: every line runs in the REPL as written', async (_id, q) => {
    await sb.reset('repl');
    const expected = EXPECTED_ERRORS[q.id] ?? [];
    for (const e of expected) expect(questionText(q), `${q.id} is about ${e.error}`).toContain(e.error.toLowerCase());
    try {
      for (const [i, line] of q.proof.entries()) {
        const shown = sb.expand(line);
        expect(shown, `${q.id}: ${line} names no key outside the namespace placeholder`).not.toContain('{ns}');
        const res = await runLearnerCommand(sb, shown, { scope: 'repl', confirm: () => Promise.resolve(true) });
        expect(res.status === 'refused' ? res.reason : 'ran', `${q.id} line ${i + 1}: ${shown}`).toBe('ran');
        if (res.status !== 'ran') continue;
        const errors = errorsIn(res.record.reply);
        const want = expected.find((e) => e.line === i);
        if (want) for (const e of errors) expect(e, `${q.id} line ${i + 1}: ${shown}`).toContain(want.error);
        else expect(errors, `${q.id} line ${i + 1}: ${shown}`).toEqual([]);
      }
    } finally {
      await endLearnerTurn(sb);
      await restoreServer();
      await sb.reset('repl');
    }
  });
});
