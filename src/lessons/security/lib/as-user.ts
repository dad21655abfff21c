// Connecting AS a user, the way an application would (its own connection, AUTH with username and password), and
// trying commands there: the checks grade what the user can really do, not only what ACL GETUSER says.
import type { Redis, RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import { errorMessage } from '../../../errors.js';

/** Refusals for lack of permission, wherever they come from: a command, a key, a script's redis.call, a login. */
export const DENIED = /NOPERM|no permissions|can't access|can't run|NOAUTH|WRONGPASS|DENIED/i;

/** A reply, shown the way redis-cli would (short). */
export function show(reply: unknown): string {
  if (reply === null || reply === undefined) return '(nil)';
  if (Array.isArray(reply)) return reply.length ? `[${reply.map(show).join(', ')}]`.slice(0, 70) : '(empty array)';
  const s = String(reply);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** An error's first line, without ioredis's decoration and without the script's sha. */
export function errorLine(err: unknown): string {
  return errorMessage(err)
    .split('\n')[0]!
    .replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.?/, '')
    .trim();
}

export interface Session {
  client: Redis;
  /** null when the login worked, else the server's refusal (WRONGPASS, DENIED…) or the connection error. */
  loginError: string | null;
  close(): void;
}

/**
 * A fresh connection to 127.0.0.1:`port` that logs in as `user` with `password` (AUTH user password; no AUTH when
 * user is null: the default user, as a client with no credentials). `tls`: connect with these TLS options.
 */
export async function connectAs(port: number, user: string | null, password: string | null, tls?: ConnectionOptions): Promise<Session> {
  const { Redis } = await import('ioredis');
  const opts: RedisOptions = {
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 2000,
    protocol: 2,
    showFriendlyErrorStack: false,
    ...(tls ? { tls } : {}),
  };
  const client = new Redis(opts);
  let lastError: string | null = null;
  client.on('error', (err: unknown) => (lastError = errorLine(err)));
  const close = () => client.disconnect();
  try {
    await client.connect();
  } catch (err) {
    return { client, loginError: lastError ?? errorLine(err), close };
  }
  if (user === null) return { client, loginError: null, close };
  try {
    await client.call('AUTH', user, password ?? '');
    return { client, loginError: null, close };
  } catch (err) {
    return { client, loginError: errorLine(err), close };
  }
}

/** What one command did on a user's connection. */
export interface Tried {
  command: string;
  allowed: boolean;
  reply: string;
}

/** Sends `args` and says whether the server let it through (any reply that is not a permission refusal). */
export async function tryCommand(client: Redis, args: readonly string[]): Promise<Tried> {
  const command = args.join(' ');
  try {
    const reply: unknown = await client.call(args[0]!, ...args.slice(1));
    return { command, allowed: true, reply: show(reply) };
  } catch (err) {
    const line = errorLine(err);
    return { command, allowed: !DENIED.test(line), reply: `(error) ${line}` };
  }
}

/** A command a check expects a user to be allowed or refused. `dry`: judged by ACL DRYRUN (it would destroy data). */
export interface Expectation {
  args: string[];
  allowed: boolean;
  dry?: boolean;
}

export interface UserReport {
  pass: boolean;
  actual: string;
  tried: Tried[];
}

/**
 * Logs in as `user` and tries each expectation (the live ones on the user's own connection, the `dry` ones with ACL
 * DRYRUN on `admin`); passes when the login works and every command is allowed or refused as expected. The actual
 * text names the first surprise and what the user could do.
 */
export async function checkUser(
  admin: Redis,
  port: number,
  user: string,
  password: string,
  expectations: readonly Expectation[],
  opts: { tls?: ConnectionOptions; loginHint?: string } = {},
): Promise<UserReport> {
  const s = await connectAs(port, user, password, opts.tls);
  try {
    if (s.loginError) {
      return {
        pass: false,
        actual: `${user} cannot log in with its password: ${s.loginError}${opts.loginHint ? ` (${opts.loginHint})` : ''}`,
        tried: [],
      };
    }
    // A user with nopass (or the wrong password list) lets anyone in: a wrong password must be refused too.
    const wrong = await connectAs(port, user, `${password}-wrong`, opts.tls);
    wrong.close();
    if (!wrong.loginError) {
      return {
        pass: false,
        actual: `${user} also logs in with a wrong password: it has nopass (anyone who knows the name gets in)`,
        tried: [],
      };
    }
    const tried: Tried[] = [];
    for (const e of expectations) {
      if (e.dry) {
        const r = await admin.call('ACL', 'DRYRUN', user, ...e.args).then(
          (v) => String(v),
          (err: unknown) => `(error) ${errorLine(err)}`,
        );
        tried.push({ command: e.args.join(' '), allowed: r === 'OK', reply: r === 'OK' ? 'allowed (ACL DRYRUN)' : r });
      } else tried.push(await tryCommand(s.client, e.args));
    }
    const bad = tried.findIndex((t, i) => t.allowed !== expectations[i]!.allowed);
    if (bad >= 0) {
      const t = tried[bad]!;
      const wanted = expectations[bad]!.allowed;
      return {
        pass: false,
        actual:
          `as ${user}: ${t.command} → ${t.reply}: ` +
          (wanted
            ? 'refused, but the user needs it'
            : `it went through${/WRONGTYPE/.test(t.reply) ? ' (WRONGTYPE: the ACL let it reach the key)' : ''}, and it must be refused`),
        tried,
      };
    }
    const yes = tried.filter((t) => t.allowed).map((t) => t.command.split(' ')[0]);
    const no = tried.filter((t) => !t.allowed).length;
    return {
      pass: true,
      actual: `${user} logged in; ${yes.length} allowed (${[...new Set(yes)].join(', ')}), ${no} refused, as expected`,
      tried,
    };
  } finally {
    s.close();
  }
}
