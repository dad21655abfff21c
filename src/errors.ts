// Errors the user can cause, each printed as one line by cli.ts with its exit code; checked by class, never by text.

/** The base of every error redis-learn expects: cli.ts prints its message as one line and exits with exitCode. */
export abstract class RedisLearnError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad usage: unknown lesson, bad option value, unknown command. Exit code 2. */
export class UsageError extends RedisLearnError {
  readonly exitCode = 2;
}

/** Why a connection failed, for callers that act on it (a compose Redis that wants a password is not skipped). */
export type ConnectionFailure = 'auth' | 'unreachable' | 'lost' | 'no-server' | 'other';

/** Redis unreachable, refused the password, or lost mid-run. Exit code 1. */
export class ConnectionError extends RedisLearnError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly reason: ConnectionFailure = 'other',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The tool refuses to act, to protect data it does not own. Exit code 1. */
export class SafetyError extends RedisLearnError {
  readonly exitCode = 1;
}

/** A program redis-learn runs (redis-cli, redis-benchmark) is not on this machine. Exit code 1. */
export class MissingToolError extends RedisLearnError {
  readonly exitCode = 1;
  constructor(readonly tool: string) {
    super(`${tool} is not installed`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error code a Redis error reply starts with (WRONGPASS, NOAUTH, NOPERM, BUSY, ERR), as the protocol defines it;
 * null for anything that is not an error reply (a socket error, our own errors).
 */
export function redisErrorCode(err: unknown): string | null {
  if (!(err instanceof Error) || err.name !== 'ReplyError') return null;
  return /^([A-Z]+)\b/.exec(err.message)?.[1] ?? null;
}

/** A terminal prompt (inquirer) cancelled with Ctrl-C or Ctrl-D: the run ends quietly. */
export function isPromptCancelled(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}
