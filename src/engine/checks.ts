// State assertions for exercises, codecrafters-style: each shows expected vs actual.
import type { Check, CheckResult, LessonContext } from './types.js';

function result(pass: boolean, expected: string, actual: string): CheckResult {
  return { pass, expected, actual };
}

const show = (v: unknown): string => (v === null || v === undefined ? '(nil)' : JSON.stringify(v));

async function typeOf(ctx: LessonContext, key: string): Promise<string> {
  return ctx.unrecorded.type(key);
}

function wrongType(key: string, want: string, got: string): CheckResult {
  return result(false, `${key} to be a ${want}`, got === 'none' ? `${key} does not exist` : `${key} is a ${got}`);
}

/** All checks must pass; reports the first failure. */
/** A check that reads only the learner's commands (ctx.history), not the server: it needs nothing awaited. */
export function fromHistory(fn: (ctx: LessonContext) => CheckResult): Check {
  return (ctx) => Promise.resolve().then(() => fn(ctx));
}

export function all(...checks: Check[]): Check {
  return async (ctx) => {
    const passed: string[] = [];
    for (const c of checks) {
      const r = await c(ctx);
      if (!r.pass) return r;
      passed.push(r.actual);
    }
    return result(true, 'all conditions', passed.join('; '));
  };
}

export function exists(name: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const n = await ctx.unrecorded.exists(key);
    return result(n === 1, `${key} to exist`, n === 1 ? `${key} exists` : `${key} does not exist`);
  };
}

export function notExists(name: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const n = await ctx.unrecorded.exists(key);
    return result(n === 0, `${key} not to exist`, n === 0 ? `${key} is gone` : `${key} still exists`);
  };
}

export function stringEquals(name: string, value: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    if (t !== 'string') return wrongType(key, 'string', t);
    const v = await ctx.unrecorded.get(key);
    return result(v === value, `${key} = ${show(value)}`, `${key} = ${show(v)}`);
  };
}

/** TTL in seconds within [min, max]. */
export function ttlBetween(name: string, min: number, max: number): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const pttl = await ctx.unrecorded.pttl(key);
    const actual =
      pttl === -2 ? `${key} does not exist` : pttl === -1 ? `${key} TTL -1 (no expiry)` : `${key} TTL ${(pttl / 1000).toFixed(1)} s`;
    const s = pttl / 1000;
    return result(pttl >= 0 && s >= min - 1 && s <= max, `${key} TTL ${min}..${max} s`, actual);
  };
}

export function noTtl(name: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const ttl = await ctx.unrecorded.ttl(key);
    const actual = ttl === -2 ? `${key} does not exist` : ttl === -1 ? `${key} has no expiry` : `${key} TTL ${ttl} s`;
    return result(ttl === -1, `${key} to exist with no expiry`, actual);
  };
}

/** The hash holds these fields with these values (other fields allowed). */
export function hashHas(name: string, fields: Record<string, string>): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    if (t !== 'hash') return wrongType(key, 'hash', t);
    const names = Object.keys(fields);
    const vals = await ctx.unrecorded.hmget(key, ...names);
    for (let i = 0; i < names.length; i++) {
      if (vals[i] !== fields[names[i]!]) {
        return result(false, `${key} field ${names[i]} = ${show(fields[names[i]!])}`, `${names[i]} = ${show(vals[i])}`);
      }
    }
    return result(true, `${key} fields ${names.join(', ')}`, `${key} has ${names.map((n) => `${n}=${fields[n]}`).join(', ')}`);
  };
}

/** The hash does not have this field. */
export function hashLacks(name: string, field: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const has = await ctx.unrecorded.hexists(key, field);
    return result(has === 0, `${key} without field ${field}`, has ? `${key} still has ${field}` : `${key} has no ${field}`);
  };
}

/** The list holds exactly these items, in order. */
export function listEquals(name: string, items: string[]): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    if (t !== 'list') return wrongType(key, 'list', t);
    const got = await ctx.unrecorded.lrange(key, 0, -1);
    return result(show(got) === show(items), `${key} = ${show(items)}`, `${key} = ${show(got)}`);
  };
}

/** The set holds exactly these members. */
export function setEquals(name: string, members: string[]): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    if (t !== 'set') return wrongType(key, 'set', t);
    const got = (await ctx.unrecorded.smembers(key)).sort();
    const want = [...members].sort();
    return result(show(got) === show(want), `${key} = {${want.join(', ')}}`, `${key} = {${got.join(', ')}}`);
  };
}

/** The sorted set holds exactly these members with these scores, in rank order. */
export function zsetEquals(name: string, entries: [string, number][]): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    if (t !== 'zset') return wrongType(key, 'zset', t);
    const flat = await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES');
    const got: string[] = [];
    for (let i = 0; i < flat.length; i += 2) got.push(`${flat[i]}:${Number(flat[i + 1])}`);
    const want = entries.map(([m, s]) => `${m}:${s}`);
    return result(show(got) === show(want), `${key} = ${want.join(' ')}`, `${key} = ${got.join(' ') || '(empty)'}`);
  };
}

export function zscoreEquals(name: string, member: string, score: number): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const s = await ctx.unrecorded.zscore(key, member);
    return result(s !== null && Number(s) === score, `${key} score of ${member} = ${score}`, `score of ${member} = ${s ?? '(nil)'}`);
  };
}

export function lengthIs(name: string, n: number): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const t = await typeOf(ctx, key);
    const len =
      t === 'list'
        ? await ctx.unrecorded.llen(key)
        : t === 'set'
          ? await ctx.unrecorded.scard(key)
          : t === 'zset'
            ? await ctx.unrecorded.zcard(key)
            : t === 'hash'
              ? await ctx.unrecorded.hlen(key)
              : t === 'stream'
                ? await ctx.unrecorded.xlen(key)
                : t === 'string'
                  ? await ctx.unrecorded.strlen(key)
                  : 0;
    return result(len === n, `${key} length ${n}`, t === 'none' ? `${key} does not exist` : `${key} length ${len}`);
  };
}

export function encodingIs(name: string, encoding: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const enc = (await ctx.unrecorded.call('OBJECT', 'ENCODING', key).catch(() => null)) as string | null;
    return result(enc === encoding, `${key} encoding ${encoding}`, enc ? `${key} encoding ${enc}` : `${key} does not exist`);
  };
}

/** Some command the learner typed in this exercise got a reply satisfying `pred`. */
export function learnerReply(description: string, pred: (reply: unknown, args: string[]) => boolean): Check {
  return fromHistory((ctx) => {
    const hit = ctx.history.find((c) => !c.error && pred(c.reply, c.args));
    const last = ctx.history.at(-1);
    return result(
      Boolean(hit),
      description,
      hit
        ? `${hit.command} → ${JSON.stringify(hit.reply)}`
        : last
          ? `last reply ${JSON.stringify(last.reply ?? last.error)}`
          : 'no command yet',
    );
  });
}

/** The learner used one of these commands (e.g. must use INCR, not GET + SET). */
export function learnerUsed(...commands: string[]): Check {
  const want = commands.map((c) => c.toUpperCase());
  return fromHistory((ctx) => {
    const used = ctx.history.map((c) => String(c.args[0]).toUpperCase());
    const ok = used.some((u) => want.includes(u));
    return result(ok, `the command ${want.join(' or ')}`, used.length ? `you used ${[...new Set(used)].join(', ')}` : 'no command yet');
  });
}

/** A custom check with a description. */
export function custom(
  expected: string,
  fn: (ctx: LessonContext) => Promise<{ pass: boolean; actual: string }> | { pass: boolean; actual: string },
): Check {
  return async (ctx) => {
    const r = await fn(ctx);
    return result(r.pass, expected, r.actual);
  };
}

// ── What the learner's commands did ────────────────────────────────────────────────────────────
// State alone cannot tell SET-then-PERSIST from PERSIST, or hand-typed SADDs from SINTERSTORE: these helpers read the
// learner's commands in the exercise (ctx.history) as they took effect.

type Recorded = LessonContext['history'][number];

/** A learner command as it took effect: typed alone, or queued after MULTI and run by EXEC (with its own reply). */
export interface RanCommand {
  /** The command name, upper case. */
  name: string;
  args: string[];
  command: string;
  reply: unknown;
  error?: string;
  keys: string[];
  write: boolean;
  /** Which EXEC ran it (1 for the first transaction of the exercise), or null when it ran alone. */
  transaction: number | null;
}

/** The learner's commands that ran: queued ones only once their EXEC committed; DISCARDed or aborted ones are left out. */
export function ranCommands(history: readonly Recorded[]): RanCommand[] {
  const out: RanCommand[] = [];
  let queued: Recorded[] | null = null;
  let transactions = 0;
  const ran = (c: Recorded, transaction: number | null, reply = c.reply, error = c.error): RanCommand => ({
    name: String(c.args[0]).toUpperCase(),
    args: c.args,
    command: c.command,
    reply,
    error,
    keys: c.keys,
    write: c.write,
    transaction,
  });
  for (const c of history) {
    const name = String(c.args[0]).toUpperCase();
    if (name === 'MULTI' && !c.error) queued = [];
    else if (name === 'DISCARD' && queued) queued = null;
    else if (name === 'EXEC' && queued) {
      const replies = Array.isArray(c.reply) && !c.error ? (c.reply as unknown[]) : null;
      if (replies) {
        transactions++;
        queued.forEach((q, i) => {
          const r = replies[i];
          out.push(ran(q, transactions, r, r instanceof Error ? r.message : undefined));
        });
      }
      queued = null;
    } else if (queued && c.reply === 'QUEUED' && !c.error) queued.push(c);
    else if (!c.error) out.push(ran(c, null));
  }
  return out;
}

/** S…STORE and Z…STORE write only their destination (the first key); other write commands may write every key they name. */
export function keysWrittenBy(c: RanCommand): string[] {
  if (!c.write || c.error) return [];
  if (/STORE$/.test(c.name) && c.name !== 'SORT') return c.args[1] !== undefined ? [c.args[1]] : [];
  if (c.name === 'COPY') return c.args[2] !== undefined ? [c.args[2]] : [];
  return c.keys;
}

/** The commands that ran and (may have) written the key, oldest first. */
export function writesTo(ctx: LessonContext, key: string): RanCommand[] {
  return ranCommands(ctx.history).filter((c) => keysWrittenBy(c).includes(key));
}

/** Tells a command that starts an exercise over (the learner retyped its setup, say): writes before it no longer count. */
export type Restart = (c: RanCommand, ctx: LessonContext) => boolean;

/** The writes to the key after the last one `restart` accepts (or all of them), oldest first. */
export function writesSince(ctx: LessonContext, key: string, restart?: Restart): RanCommand[] {
  const writes = writesTo(ctx, key);
  if (!restart) return writes;
  let last = -1;
  writes.forEach((c, i) => {
    if (restart(c, ctx)) last = i;
  });
  return writes.slice(last + 1);
}

/**
 * Every command that wrote the key is one `allowed` accepts, and at least one did: "make it permanent without
 * rewriting it", "let Redis compute it". `mistake` says what an offending command did wrong (the "found" text);
 * KEY in `expected` stands for the key. With `restart`, only the writes after the last restart count, so a learner
 * who made the mistake can start over.
 */
export function writtenOnlyBy(
  name: string,
  expected: string,
  allowed: (c: RanCommand) => boolean,
  mistake: (c: RanCommand, key: string) => string = (c) => `you wrote it with ${c.command}`,
  restart?: Restart,
): Check {
  return fromHistory((ctx) => {
    const key = ctx.key(name);
    const writes = writesSince(ctx, key, restart);
    const want = expected.replaceAll('KEY', key);
    const bad = writes.find((c) => !allowed(c));
    if (bad) return result(false, want, mistake(bad, key));
    const good = writes.filter(allowed);
    return good.length ? result(true, want, good.map((c) => c.command).join(' ; ')) : result(false, want, `no such command on ${key} yet`);
  });
}

/**
 * The writes that made the key what it is now: those after its last DEL or UNLINK, or from the last command that
 * replaced it whole (a …STORE or COPY into it, a SET that wrote). A learner may start over, or simply redo it right.
 */
export function writesThatMadeIt(ctx: LessonContext, key: string): RanCommand[] {
  const writes = writesTo(ctx, key);
  let from = 0;
  writes.forEach((c, i) => {
    if (c.name === 'DEL' || c.name === 'UNLINK') from = i + 1;
    else if (
      (/STORE$/.test(c.name) && c.name !== 'SORT') ||
      (c.name === 'COPY' && Number(c.reply) === 1) ||
      (c.name === 'SET' && c.reply === 'OK')
    )
      from = i;
  });
  return writes.slice(from);
}

/** Commands that take the data from the client: a result typed back in by hand instead of computed by the server. */
const HAND_TYPED = new Set(['SADD', 'ZADD', 'ZINCRBY', 'LPUSH', 'RPUSH', 'HSET', 'HMSET', 'PFADD', 'GEOADD']);

/**
 * "Let Redis compute it": none of the writes that made the key (writesThatMadeIt) took its data from the client (SADD,
 * ZADD…). With `oneCommand`, a single command made it. `teach` names the server-side command, for the message.
 */
export function builtOnServer(name: string, teach: string, opts: { oneCommand?: boolean } = {}): Check {
  return fromHistory((ctx) => {
    const key = ctx.key(name);
    const writes = writesThatMadeIt(ctx, key);
    const want = `${key} computed on the server${opts.oneCommand ? ' by one command' : ''} (${teach})`;
    const hand = writes.find((c) => HAND_TYPED.has(c.name));
    if (hand) {
      return result(
        false,
        want,
        `you typed the result in with ${hand.name}: the data went to your client and back, where the server could have computed it (${teach})`,
      );
    }
    if (!writes.length) return result(false, want, `no command of yours wrote ${key} yet`);
    if (opts.oneCommand && writes.length > 1) {
      return result(
        false,
        want,
        `${writes.length} commands built it (${writes.map((c) => c.name).join(', ')}), where ${teach} does it in one`,
      );
    }
    return result(true, want, `${key} made by ${writes.map((c) => c.command).join(' ; ')}`);
  });
}
