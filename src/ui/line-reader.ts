// Reads the learner's lines from a TTY (history, completion) or from piped stdin, one queue for both; EOF is null.
import { createInterface, type AsyncCompleter, type Completer, type Interface } from 'node:readline';

export interface LineReader {
  /**
   * The next line, or null at end of input (Ctrl-D, Ctrl-C, the pipe closing, or a silent pipe timing out).
   * `echo: false`: a piped line is not echoed after its prompt (the caller prints its own transcript line).
   */
  next(prompt: string, opts?: { echo?: boolean }): Promise<string | null>;
  readonly tty: boolean;
  close(): void;
}

export interface LineReaderOptions {
  /** readline's completer: synchronous, or with a callback (so Tab can ask the server for key names). */
  completer?: Completer | AsyncCompleter;
  history?: string[];
  input?: NodeJS.ReadableStream;
  /** Where a piped line is echoed after its prompt, so transcripts read like a session. Default: stdout. */
  echo?: (line: string) => void;
}

/** A pipe that stays open but silent ends input after this long, so no run without a TTY can hang. */
export const PIPE_IDLE_MS = Number(process.env.REDIS_LEARN_INPUT_TIMEOUT_MS) || 60_000;

export function createLineReader(opts: LineReaderOptions = {}): LineReader {
  const input = opts.input ?? process.stdin;
  const tty = Boolean((input as { isTTY?: boolean }).isTTY && process.stdout.isTTY);
  const echo = opts.echo ?? ((line: string) => process.stdout.write(`${line}\n`));
  const rl: Interface = createInterface({
    input,
    output: tty ? process.stdout : undefined,
    terminal: tty,
    completer: tty ? opts.completer : undefined,
    history: opts.history,
    historySize: 500,
  });
  const queue: string[] = [];
  const waiters: ((line: string | null) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else queue.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiters.splice(0)) w(null);
  });
  // Ctrl-C at the prompt ends input like Ctrl-D: the caller saves progress and leaves.
  rl.on('SIGINT', () => {
    if (tty) process.stdout.write('^C\n');
    rl.close();
  });
  return {
    tty,
    next(prompt: string, nextOpts: { echo?: boolean } = {}) {
      const answer = (line: string | null) => {
        if (!tty && line !== null && nextOpts.echo !== false) echo(`${prompt}${line}`);
        return line;
      };
      if (queue.length) return Promise.resolve(answer(queue.shift()!));
      if (ended) return Promise.resolve(null);
      if (tty) {
        rl.setPrompt(prompt);
        rl.prompt();
      }
      return new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        waiters.push((line) => {
          if (timer) clearTimeout(timer);
          resolve(answer(line));
        });
        if (!tty) {
          timer = setTimeout(() => {
            echo(`(no input for ${Math.round(PIPE_IDLE_MS / 1000)} s: stopping)`);
            rl.close();
          }, PIPE_IDLE_MS);
        }
      });
    },
    close() {
      rl.close();
    },
  };
}
