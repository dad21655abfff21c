// Reads the learner's lines from a TTY (history, completion) or from piped stdin, one queue for both; EOF is null.
import { createInterface, type Interface } from 'node:readline';

export interface LineReader {
  /** The next line, or null at end of input (Ctrl-D, Ctrl-C, or the pipe closing). */
  next(prompt: string): Promise<string | null>;
  readonly tty: boolean;
  close(): void;
}

export function createLineReader(opts: { completer?: (line: string) => [string[], string]; history?: string[] } = {}): LineReader {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl: Interface = createInterface({
    input: process.stdin,
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
    next(prompt: string) {
      if (queue.length) {
        const line = queue.shift()!;
        if (!tty) process.stdout.write(`${prompt}${line}\n`);
        return Promise.resolve(line);
      }
      if (ended) return Promise.resolve(null);
      if (tty) {
        rl.setPrompt(prompt);
        rl.prompt();
      }
      return new Promise((resolve) => {
        waiters.push((line) => {
          if (!tty && line !== null) process.stdout.write(`${prompt}${line}\n`);
          resolve(line);
        });
      });
    },
    close() {
      rl.close();
    },
  };
}
