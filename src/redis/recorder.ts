// Sees every command a lesson, a pattern or the learner sends: command line, reply, round-trip time, keys.
import type { Redis } from 'ioredis';
import { extractKeys, isWrite, type CommandTable } from './capabilities.js';
import { commandLine } from './tokenize.js';

export interface RecordedCommand {
  /** The command line as redis-cli would echo it. */
  command: string;
  args: string[];
  reply: unknown;
  error?: string;
  /** Round-trip time in milliseconds, microsecond precision. */
  ms: number;
  keys: string[];
  write: boolean;
  /** The lab node it ran on, in a lab lesson with several nodes (shown before the command). */
  node?: string;
}

interface IoredisCommand {
  name: string;
  args: unknown[];
  promise: Promise<unknown>;
}

type Listener = (c: RecordedCommand) => void;

const ARG_PREVIEW = 200;
const MAX_SHOWN_ARGS = 24;

function argToString(a: unknown): string {
  if (Buffer.isBuffer(a)) return a.length > ARG_PREVIEW ? `${a.subarray(0, ARG_PREVIEW).toString()}…` : a.toString();
  const s = String(a);
  return s.length > ARG_PREVIEW ? `${s.slice(0, ARG_PREVIEW)}…` : s;
}

export class Recorder {
  private listeners = new Set<Listener>();
  private detail: RecordedCommand[] = [];
  private count = 0;
  private touched = new Set<string>();
  private written = new Set<string>();
  /** How many commands a step keeps in detail; the rest are only counted. */
  detailLimit = 500;

  constructor(readonly table: CommandTable) {}

  /** Routes every command of this client through the recorder (pipelines and MULTI included); `node` labels them. */
  attach(client: Redis, node?: string): void {
    const target = client as unknown as { sendCommand: (cmd: IoredisCommand, ...rest: unknown[]) => unknown };
    const original = target.sendCommand.bind(client);
    target.sendCommand = (cmd: IoredisCommand, ...rest: unknown[]) => {
      // Decided when the command is sent, not when its reply comes: housekeeping stays unrecorded however late it ends.
      if (this.paused) return original(cmd, ...rest);
      const start = process.hrtime.bigint();
      const result = original(cmd, ...rest);
      {
        const args = [String(cmd.name).toUpperCase(), ...cmd.args.map(argToString)];
        const finish = (reply: unknown, error?: string) => {
          const ms = Math.round(Number(process.hrtime.bigint() - start) / 1000) / 1000;
          this.push({
            // Variadic bulk commands can carry thousands of arguments: the shown line keeps the first ones.
            command:
              args.length > MAX_SHOWN_ARGS
                ? `${commandLine(args.slice(0, MAX_SHOWN_ARGS))} … (${args.length - MAX_SHOWN_ARGS} more arguments)`
                : commandLine(args),
            args,
            reply,
            error,
            ms,
            keys: extractKeys(this.table, args),
            write: isWrite(this.table, args),
            ...(node === undefined ? {} : { node }),
          });
        };
        cmd.promise.then(
          (reply) => finish(reply),
          (err: unknown) => finish(err instanceof Error ? err : new Error(String(err)), err instanceof Error ? err.message : String(err)),
        );
      }
      return result;
    };
  }

  /** While true, commands sent are not recorded (housekeeping the learner did not ask for). */
  paused = false;

  /** Records a command the caller sent itself (wrapped in MULTI/EXEC, or held until EXEC) as if it went alone. */
  record(rec: RecordedCommand): void {
    this.push(rec);
  }

  /** Runs fn with every command it sends unrecorded. */
  async unrecorded<T>(fn: () => Promise<T>): Promise<T> {
    const was = this.paused;
    this.paused = true;
    try {
      return await fn();
    } finally {
      this.paused = was;
    }
  }

  private push(rec: RecordedCommand): void {
    this.count++;
    for (const k of rec.keys) {
      this.touched.add(k);
      if (rec.write) this.written.add(k);
    }
    if (this.detail.length < this.detailLimit) this.detail.push(rec);
    for (const l of this.listeners) l(rec);
  }

  onCommand(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Everything recorded since the last take(), then starts afresh. */
  take(): { commands: RecordedCommand[]; total: number; touched: string[]; written: string[] } {
    const out = { commands: this.detail, total: this.count, touched: [...this.touched], written: [...this.written] };
    this.detail = [];
    this.count = 0;
    this.touched = new Set();
    this.written = new Set();
    return out;
  }
}
