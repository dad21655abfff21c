// The lab's own failures, each printed as one line by cli.ts.
import { RedisLearnError } from '../errors.js';

/** A lab that could not start, a node that cannot be restarted, a lab already running: exit code 1. */
export class LabError extends RedisLearnError {
  readonly exitCode = 1;
}
