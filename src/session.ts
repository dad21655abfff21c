// Opens the sandbox for a command: connect, print where we are, and close it on return, on a signal or a lost server.
import { ConnectionError } from './errors.js';
import { connectRedis, describeTarget } from './redis/connect.js';
import { DEFAULT_NAMESPACE, Sandbox } from './redis/sandbox.js';
import { endRun, hookSignals, onShutdown, shuttingDown } from './shutdown.js';
import { c } from './ui/theme.js';

export { onInterrupt } from './shutdown.js';

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

/** Sandboxes open now: a connection that ends while its sandbox is in here is a lost server. */
const open = new Set<Sandbox>();
/** Each sandbox closes once: the command's own close and an early end's share one promise. */
const closing = new WeakMap<Sandbox, Promise<void>>();
let registered = false;

function close(sb: Sandbox): Promise<void> {
  // Out of `open` first: the end of its connection is then not reported as a lost server.
  open.delete(sb);
  let done = closing.get(sb);
  if (!done) {
    done = sb.close();
    closing.set(sb, done);
  }
  return done;
}

function registerShutdown(): void {
  if (registered) return;
  registered = true;
  hookSignals();
  onShutdown(() => Promise.allSettled([...open].map(close)));
}

export async function openSession(g: GlobalOptions, opts: SessionOptions = {}): Promise<Sandbox> {
  registerShutdown();
  const conn = await connectRedis({ url: g.url, private: g.private, learnerUser: g.learnerUser });
  let sb: Sandbox;
  try {
    sb = await Sandbox.open(conn, g.namespace || DEFAULT_NAMESPACE);
  } catch (err) {
    await conn.close();
    throw err;
  }
  if (shuttingDown() !== null) {
    // A signal arrived while connecting: the clean-up has already closed what was open; this one goes too.
    await close(sb);
    throw new ConnectionError('stopped before the session opened');
  }
  open.add(sb);
  // A server that disappears mid-run ends the run with one line (progress is saved step by step).
  conn.client.on('end', () => {
    if (open.has(sb)) endRun(1, `redis-learn: ${new ConnectionError('lost the connection to Redis; progress is saved').message}\n`);
  });
  if (!opts.quiet) {
    const line = c.dim(describeTarget(conn.target, sb.ns));
    if (opts.json) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }
  return sb;
}

export function closeSession(sb: Sandbox): Promise<void> {
  return close(sb);
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
