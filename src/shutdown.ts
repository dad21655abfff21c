// How a run ends early: the first of a signal or a lost server sets the exit code and says the one line; clean-up runs once.
type Work = () => Promise<unknown>;

let code: number | null = null;
let finished: Promise<void> = Promise.resolve();
let hooked = false;
/** Work to finish (within a few seconds) before anything closes when a signal ends the run (a bench removes its keys). */
const interruptHooks = new Set<Work>();
/** What closes what is open (the session's sandboxes, their private servers): run by every early end. */
const closers = new Set<Work>();

/** How long clean-up may take before the process exits anyway: a hung clean-up must not keep it alive. */
const GRACE_MS = 3000;
const INTERRUPT_GRACE_MS = 15_000;

/** The exit code of the early end under way (130 Ctrl-C, 143 SIGTERM, 1 lost server), or null while the run goes on. */
export function shuttingDown(): number | null {
  return code;
}

/** Resolves once the clean-up of the early end under way is over (at once when there is none). */
export function shutdownFinished(): Promise<void> {
  return finished;
}

/** Registers work to finish when Ctrl-C or SIGTERM ends the run, before anything closes; returns the unregister. */
export function onInterrupt(fn: Work): () => void {
  interruptHooks.add(fn);
  return () => interruptHooks.delete(fn);
}

/** Registers what closes open resources on an early end (the session's sandboxes); returns the unregister. */
export function onShutdown(fn: Work): () => void {
  closers.add(fn);
  return () => closers.delete(fn);
}

/**
 * Ends the run early with `exitCode`, once: the first caller's line is printed (on stderr) and its code stands; the
 * interrupt hooks (for a signal) then the closers run, and the process exits when they are done or the grace is up.
 * Returns false, doing nothing, when the run is already ending: whoever came second stays silent.
 */
export function endRun(exitCode: number, line: string, opts: { interrupt?: boolean } = {}): boolean {
  if (code !== null) return false;
  code = exitCode;
  process.stderr.write(line);
  const hooks = opts.interrupt ? [...interruptHooks] : [];
  setTimeout(() => process.exit(exitCode), hooks.length ? INTERRUPT_GRACE_MS : GRACE_MS).unref();
  finished = (async () => {
    await Promise.allSettled(hooks.map((fn) => fn()));
    await Promise.allSettled([...closers].map((fn) => fn()));
  })();
  // The work the end cut short may be waiting for input that never comes: exit once clean-up is done.
  void finished.then(() => process.exit(exitCode));
  return true;
}

const SIGNALS: [NodeJS.Signals, number, string][] = [
  ['SIGINT', 130, 'interrupted'],
  ['SIGTERM', 143, 'terminated'],
  ['SIGHUP', 129, 'terminated'],
];

/** What the line printed on a signal says after "interrupted:": what this command does while it ends. */
let signalWords = 'progress saved, cleaning up';

/** Sets what a signal's line says (e.g. `lab up`: "stopping every node of the lab"). */
export function sayOnSignal(words: string): void {
  signalWords = words;
}

/** Ctrl-C, SIGTERM and SIGHUP end the run through endRun; a second signal exits at once. Installed by main() first. */
export function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const [signal, exitCode, word] of SIGNALS) {
    process.on(signal, () => {
      if (!endRun(exitCode, `\n${word}: ${signalWords}\n`, { interrupt: true })) process.exit(code ?? exitCode);
    });
  }
}
