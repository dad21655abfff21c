// One way to run MULTI/EXEC and pipelines: replies in order, a WATCH abort as null, failed commands as one error.
import type { ChainableCommander } from 'ioredis';

/** One command inside EXEC (or a pipeline) that the server refused; the others still ran. */
export interface FailedCommand {
  index: number;
  error: Error;
}

/** Thrown when commands failed inside EXEC or a pipeline. Redis has no rollback: every other command was applied. */
export class TransactionError extends Error {
  constructor(readonly failed: readonly FailedCommand[]) {
    super(
      `${failed.length} command${failed.length === 1 ? '' : 's'} failed (the others were applied): ` +
        failed.map((f) => `#${f.index + 1} ${f.error.message}`).join('; '),
    );
    this.name = 'TransactionError';
  }
}

/**
 * Runs a MULTI (or a pipeline) and returns the replies in order. Returns null when EXEC was aborted because a WATCHed
 * key changed (nothing was applied: read again and retry). Throws TransactionError when any command failed at run time,
 * and rethrows EXECABORT (a command refused while queueing: nothing was applied).
 */
export async function execTransaction(tx: ChainableCommander): Promise<unknown[] | null> {
  const res = await tx.exec();
  if (res === null) return null;
  const failed: FailedCommand[] = [];
  const replies = res.map(([err, reply], index) => {
    if (err) failed.push({ index, error: err });
    return reply;
  });
  if (failed.length) throw new TransactionError(failed);
  return replies;
}

/** The same for a pipeline or MULTI that cannot be aborted by WATCH: the replies, never null. */
export async function execAll(tx: ChainableCommander): Promise<unknown[]> {
  const replies = await execTransaction(tx);
  if (replies === null) throw new Error('the transaction was aborted by WATCH, but nothing was watched');
  return replies;
}
