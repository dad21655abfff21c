// Whether the process is stopping on a signal: errors raised by the work it interrupts are then not news.
let signalCode: number | null = null;

export function markShuttingDown(code: number): void {
  signalCode ??= code;
}

/** The exit code of the signal being handled, or null when no signal arrived. */
export function shuttingDown(): number | null {
  return signalCode;
}
