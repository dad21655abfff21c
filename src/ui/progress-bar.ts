// Progress bars on stderr when it is a terminal; silent otherwise so pipes and --json stay clean.
import type { SingleBar } from 'cli-progress';

export interface ProgressBar {
  tick(n?: number): void;
  stop(): void;
}

const silent: ProgressBar = { tick() {}, stop() {} };

let active = 0;

/** Where bars draw and printLine writes; the process's streams unless a test passes its own. */
export interface BarStreams {
  bar: NodeJS.WriteStream | TerminalLike;
  out: { write(s: string): unknown };
}

/** The little of a TTY stream a bar uses. */
export interface TerminalLike {
  isTTY?: boolean;
  columns?: number;
  write(s: string, cb?: () => void): unknown;
}

let override: BarStreams | null = null;
const streams = (): BarStreams => override ?? { bar: process.stderr, out: process.stdout };

/** Tests draw bars and print lines on streams of their own; `null` goes back to stderr and stdout. */
export function useBarStreams(s: BarStreams | null): void {
  override = s;
}

/**
 * Prints a line on stdout; with a bar drawing on the same terminal, clears the bar's line first (it redraws below).
 * Line wrap stays on while a bar is shown (see createProgressBar), so a long line wraps whole instead of being cut.
 */
export function printLine(line: string): void {
  const to = streams();
  if (active > 0 && to.bar.isTTY) to.bar.write('\r\x1b[2K');
  to.out.write(`${line}\n`);
}

/** Cursor save and restore (DECSC/DECRC): cli-progress restores the position saved at start when it stops. */
const SAVE_RESTORE = /\x1b[78]/g;

/**
 * The bar's stream, minus cursor save/restore: lines printed while the bar runs move it down, so the position saved
 * at its start is stale by the time it stops, and jumping back there would draw over those lines.
 */
function barStream(target: TerminalLike): TerminalLike {
  return {
    get isTTY() {
      return target.isTTY;
    },
    get columns() {
      return target.columns;
    },
    write(s: string, cb?: () => void) {
      const kept = String(s).replace(SAVE_RESTORE, '');
      if (kept) return target.write(kept, cb);
      cb?.();
      return true;
    },
  };
}

export async function createProgressBar(total: number, label: string): Promise<ProgressBar> {
  const to = streams();
  if (!to.bar.isTTY) return silent;
  const { default: cliProgress } = await import('cli-progress');
  const bar: SingleBar = new cliProgress.SingleBar(
    {
      format: `  ${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`,
      stream: barStream(to.bar) as unknown as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: true,
      // Lines printed meanwhile erase the bar; redraw it on every tick, not only when the value changed.
      forceRedraw: true,
      // Keep the terminal's line wrap on (the default `false` sends ESC[?7l, which cuts every line printed while the
      // bar shows at the screen's edge): with `true`, cli-progress instead cuts the bar itself to the terminal width.
      linewrap: true,
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
