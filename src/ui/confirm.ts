// The one way redis-learn asks before running a risky learner command: a person at a terminal types yes.
import type { LineReader } from './line-reader.js';

/** Asks `question` (see confirmQuestion) at the prompt; only a person at a TTY can answer, and only "yes"/"y" runs it. */
export async function confirmAtPrompt(input: LineReader | undefined, question: string): Promise<boolean> {
  if (!input?.tty) return false;
  const line = await input.next(`  ${question} `);
  return /^y(es)?$/i.test(line?.trim() ?? '');
}
