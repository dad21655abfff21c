// Progress bars on stderr when it is a terminal; silent otherwise so pipes and --json stay clean.
import type { SingleBar } from 'cli-progress';

export interface ProgressBar {
  tick(n?: number): void;
  stop(): void;
}

const silent: ProgressBar = { tick() {}, stop() {} };

export async function createProgressBar(total: number, label: string): Promise<ProgressBar> {
  if (!process.stderr.isTTY) return silent;
  const { default: cliProgress } = await import('cli-progress');
  const bar: SingleBar = new cliProgress.SingleBar(
    { format: `  ${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return {
    tick(n = 1) {
      done += n;
      bar.update(Math.min(done, total));
    },
    stop() {
      bar.stop();
    },
  };
}
