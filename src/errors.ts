// Errors the user can cause, each printed as one line by cli.ts with its exit code.

/** Bad usage: unknown lesson, bad option value. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Redis unreachable, refused the password, or lost mid-run. Exit code 1. */
export class ConnectionError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** The tool refuses to act, to protect data it does not own. Exit code 1. */
export class SafetyError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'SafetyError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
