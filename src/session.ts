// Opens the sandbox for a command: connect, print where we are, and always clean up on exit or signal.
import { ConnectionError } from './errors.js';
import { connectRedis, describeTarget } from './redis/connect.js';
import { DEFAULT_NAMESPACE, Sandbox } from './redis/sandbox.js';
import { progressWarnings } from './progress/store.js';
import { markShuttingDown, shuttingDown } from './shutdown.js';
import { c } from './ui/theme.js';

export interface GlobalOptions {
  url?: string;
  private?: boolean;
  /** `user:password` of the restricted user learner commands run as (--learner-user). */
  learnerUser?: string;
  namespace: string;
  color: boolean;
}

export interface SessionOptions {
  /** When stdout carries JSON, the header goes to stderr. */
  json?: boolean;
  /** Print no header at all. */
  quiet?: boolean;
}

const open = new Set<Sandbox>();
let hooked = false;
/** Clean-up that must run before the sandboxes close when a signal ends the run (a bench removes its keys). */
const interruptHooks = new Set<() => Promise<void>>();

/** Registers work to finish (within a few seconds) when Ctrl-C or SIGTERM ends the run; returns the unregister. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  interruptHooks.add(fn);
  return () => interruptHooks.delete(fn);
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  const stop = (signal: NodeJS.Signals, code: number) => {
    process.once(signal, () => {
      markShuttingDown(code);
      process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: progress saved, cleaning up\n`);
      void Promise.allSettled([...interruptHooks].map((fn) => fn()))
        .then(() => {
          // Closing a sandbox ends its connection: take them out of `open` first, so that is not reported as a lost server.
          const closing = [...open];
          open.clear();
          return Promise.allSettled(closing.map((s) => s.close()));
        })
        .then(() => process.exit(code));
      // A second signal, or a hung clean-up, must not keep the process alive.
      setTimeout(() => process.exit(code), interruptHooks.size ? 15_000 : 3000).unref();
    });
  };
  stop('SIGINT', 130);
  stop('SIGTERM', 143);
  stop('SIGHUP', 129);
}

export async function openSession(g: GlobalOptions, opts: SessionOptions = {}): Promise<Sandbox> {
  hookSignals();
  const conn = await connectRedis({ url: g.url, private: g.private, learnerUser: g.learnerUser });
  let sb: Sandbox;
  try {
    sb = await Sandbox.open(conn, g.namespace || DEFAULT_NAMESPACE);
  } catch (err) {
    await conn.close();
    throw err;
  }
  open.add(sb);
  // A server that disappears mid-run ends the run with one line (progress is saved step by step).
  conn.client.on('end', () => {
    if (open.has(sb) && shuttingDown() === null) {
      open.delete(sb);
      process.stderr.write(`redis-learn: ${new ConnectionError('lost the connection to Redis; progress is saved').message}\n`);
      void conn.close().finally(() => process.exit(1));
    }
  });
  if (!opts.quiet) {
    const line = c.dim(describeTarget(conn.target, sb.ns));
    if (opts.json) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }
  for (const w of progressWarnings.splice(0)) process.stderr.write(`${c.yellow('warning:')} ${w}\n`);
  return sb;
}

export async function closeSession(sb: Sandbox): Promise<void> {
  open.delete(sb);
  await sb.close();
}

/** Runs fn inside a session and always closes it. */
export async function withSession<T>(g: GlobalOptions, opts: SessionOptions, fn: (sb: Sandbox) => Promise<T>): Promise<T> {
  const sb = await openSession(g, opts);
  try {
    return await fn(sb);
  } finally {
    await closeSession(sb);
  }
}
