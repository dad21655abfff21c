// Progress bars on stderr when it is a terminal; silent otherwise so pipes and --json stay clean.
import type { SingleBar } from 'cli-progress';

export interface ProgressBar {
  tick(n?: number): void;
  stop(): void;
}

const silent: ProgressBar = { tick() {}, stop() {} };

let active = 0;

/** Prints a line on stdout; with a bar drawing on the same terminal, clears the bar's line first (it redraws). */
export function printLine(line: string): void {
  if (active > 0 && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  process.stdout.write(`${line}\n`);
}

export async function createProgressBar(total: number, label: string): Promise<ProgressBar> {
  if (!process.stderr.isTTY) return silent;
  const { default: cliProgress } = await import('cli-progress');
  const bar: SingleBar = new cliProgress.SingleBar(
    {
      format: `  ${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      // Lines printed meanwhile erase the bar; redraw it on every tick, not only when the value changed.
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  active++;
  let done = 0;
  let stopped = false;
  return {
    tick(n = 1) {
      done += n;
      bar.update(Math.min(done, total));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      active--;
      bar.stop();
    },
  };
}
