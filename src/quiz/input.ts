// Where quiz answers come from: @inquirer/prompts at a terminal, or piped standard input, one line per question.
import { createLineReader } from '../ui/line-reader.js';

export interface QuizInput {
  /** A person at a terminal (prompts), not a pipe. */
  readonly interactive: boolean;
  /** The picked option numbers as "1,3"; null at end of input. */
  choice(message: string, options: string[], multiple: boolean): Promise<string | null>;
  /** A typed line (a command, a predicted reply); null at end of input. */
  text(message: string): Promise<string | null>;
  /** Open questions: lets the learner draft an answer before the reveal (a pipe skips this). False at end of input. */
  draft(message: string): Promise<boolean>;
  /** again/hard/good/easy or 0–3; null at end of input. */
  selfGrade(message: string): Promise<string | null>;
  /** Whether to send a command the sandbox flags as risky; a pipe always says no. */
  confirm(message: string): Promise<boolean>;
  close(): void;
}

/** Reads one line per question from a non-interactive stdin and echoes prompt and answer so transcripts read well. */
export function pipedInput(echo: (line: string) => void, stream: NodeJS.ReadableStream = process.stdin): QuizInput {
  const reader = createLineReader({ input: stream, echo });
  const next = (message: string): Promise<string | null> => reader.next(`${message} `);

  return {
    interactive: false,
    choice: (message) => next(message),
    text: (message) => next(message),
    draft: () => Promise.resolve(true),
    selfGrade: (message) => next(message),
    confirm: () => Promise.resolve(false),
    close: () => reader.close(),
  };
}

/** The self-grade menu at a terminal, "again" first: what a bare Enter picks. */
export const SELF_GRADE_CHOICES = [
  { name: 'again — I did not know it (or did not answer)', value: 'again' },
  { name: 'hard — I got there, with effort', value: 'hard' },
  { name: 'good — I knew it', value: 'good' },
  { name: 'easy — I knew it cold', value: 'easy' },
] as const;

function cancelled(err: unknown): boolean {
  const name = err instanceof Error ? err.name : '';
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** Prompts at a terminal; Ctrl-C or Ctrl-D ends the round (null) instead of the process, so the summary still prints. */
export async function terminalInput(
  output: NodeJS.WritableStream = process.stdout,
  inputStream: NodeJS.ReadableStream = process.stdin,
): Promise<QuizInput> {
  const { checkbox, confirm, input, select } = await import('@inquirer/prompts');
  const ctx = { output, input: inputStream };
  const guard = async <T>(ask: () => Promise<T>): Promise<T | null> => {
    try {
      return await ask();
    } catch (err) {
      if (cancelled(err)) return null;
      throw err;
    }
  };
  return {
    interactive: true,
    choice: (message, options, multiple) =>
      guard(async () => {
        const choices = options.map((o, i) => ({ name: `${i + 1}. ${o}`, value: String(i + 1) }));
        if (multiple) return (await checkbox({ message, choices, required: true, pageSize: 12 }, ctx)).join(',');
        return select({ message, choices, pageSize: 12 }, ctx);
      }),
    text: (message) => guard(() => input({ message }, ctx)),
    draft: async (message) => (await guard(() => input({ message }, ctx))) !== null,
    // No default: Enter straight away picks the first choice, "again", so a skipped answer is never graded good.
    selfGrade: (message) => guard(() => select({ message, choices: [...SELF_GRADE_CHOICES] }, ctx)),
    confirm: async (message) => (await guard(() => confirm({ message, default: false }, ctx))) ?? false,
    close: () => {},
  };
}
