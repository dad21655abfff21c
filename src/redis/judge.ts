// Judges one learner command before it is sent: may it run here, which keys it touches (asked of the server), and why not.
//
// Rules, in order: commands that would break the session are refused everywhere; on a shared server only the
// allowlist runs (shared-allowlist.ts); every key the server says the command touches, every SORT BY/GET pattern,
// every pub/sub channel and SCAN's last MATCH must be inside the namespace; blocking commands wait at most 30 s,
// with their timeout read the way Redis reads it. On the private server the rest runs, risky commands after a
// confirmation.
import type { Redis } from 'ioredis';
import { reachesOutsideLab } from '../lab/reach.js';
import { errorMessage } from '../errors.js';
import { lookup, type CommandSpec, type CommandTable } from './capabilities.js';
import { findDangerous } from './dangerous-commands.js';
import { allowedOnShared, ALLOWED_MODULE_PREFIXES } from './shared-allowlist.js';

/** Longest wait a blocking command may ask for at the prompt, in seconds. */
export const MAX_BLOCK_SECONDS = 30;

/** Key names containing this are redis-learn's own bookkeeping, whatever namespace they sit in. */
export const RESERVED_MARK = '__redis-learn__';

export interface KeyUse {
  key: string;
  /** The command may change or delete it (server flags RW, OW, RM; or a write command without key flags). */
  write: boolean;
}

export type Judgement = { ok: true; keys: KeyUse[]; blocking: boolean; confirm?: string } | { ok: false; reason: string };

export interface JudgeContext {
  table: CommandTable;
  /** An unrecorded connection to ask COMMAND GETKEYSANDFLAGS on. */
  admin: Redis;
  ns: string;
  shared: boolean;
  /** Whether the server knows COMMAND GETKEYSANDFLAGS (Redis 7.0+, Valkey). */
  keyFlags: boolean;
  /**
   * A lab lesson's node: the ports of every node of the lab. The whole lab is the learner's, so the namespace and the
   * confirmations do not apply; what still does: nothing reaches a server outside the lab, nothing breaks the prompt.
   */
  labPorts?: ReadonlySet<number>;
}

/**
 * A seconds timeout as Redis reads it (strtold: decimals, exponents, hex floats such as 0x1p40, inf); null when
 * Redis would reject it itself (it then answers with an error and never blocks).
 */
export function parseRedisSeconds(raw: string): number | null {
  const s = raw.trim() === raw ? raw : '';
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(s);
  if (hex && (hex[2] || hex[3])) {
    const int = hex[2] ? parseInt(hex[2], 16) : 0;
    const frac = hex[3] ? [...hex[3]].reduce((acc, d, i) => acc + parseInt(d, 16) / 16 ** (i + 1), 0) : 0;
    const value = (int + frac) * 2 ** Number(hex[4] ?? 0);
    return hex[1] === '-' ? -value : value;
  }
  return null;
}

/** A milliseconds timeout as Redis reads it (a 64-bit integer); null when Redis would reject it. */
function parseRedisMillis(raw: string): number | null {
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : null;
}

/** Where each blocking command keeps its timeout, and in which unit. */
function blockingTimeout(args: readonly string[]): { raw: string; unit: 's' | 'ms' } | null {
  const name = String(args[0] ?? '').toUpperCase();
  if (/^(BLPOP|BRPOP|BZPOPMIN|BZPOPMAX|BLMOVE|BRPOPLPUSH)$/.test(name)) return { raw: String(args.at(-1) ?? ''), unit: 's' };
  if (/^(BLMPOP|BZMPOP)$/.test(name)) return { raw: String(args[1] ?? ''), unit: 's' };
  if (/^(XREAD|XREADGROUP)$/.test(name)) {
    const raw = lastOption(args, 'BLOCK', stopAtStreams(args));
    return raw === undefined ? null : { raw, unit: 'ms' };
  }
  if (name === 'WAIT') return { raw: String(args[2] ?? ''), unit: 'ms' };
  if (name === 'WAITAOF') return { raw: String(args[3] ?? ''), unit: 'ms' };
  return null;
}

/** Index of XREAD's STREAMS keyword: options after it are stream names and ids. */
function stopAtStreams(args: readonly string[]): number {
  const i = args.findIndex((a, j) => j > 0 && a.toUpperCase() === 'STREAMS');
  return i < 0 ? args.length : i;
}

/** The value of the last occurrence of an option (Redis keeps the last one), before index `end`. */
export function lastOption(args: readonly string[], option: string, end = args.length, from = 1): string | undefined {
  let value: string | undefined;
  for (let i = from; i < end - 1; i++) {
    if (args[i]!.toUpperCase() === option) value = args[i + 1];
  }
  return value;
}

/** Why a blocking command could hang the prompt (forever, or longer than MAX_BLOCK_SECONDS), or null. */
export function blocksTooLong(args: readonly string[]): string | null {
  const t = blockingTimeout(args);
  if (!t) return null;
  const value = t.unit === 's' ? parseRedisSeconds(t.raw) : parseRedisMillis(t.raw);
  if (value === null || Number.isNaN(value) || value < 0) return null; // Redis answers with an error, without blocking
  const seconds = t.unit === 's' ? value : value / 1000;
  const name = String(args[0]).toUpperCase();
  if (seconds === 0) return `${name} with timeout ${t.raw} would wait forever: use a timeout of at most ${MAX_BLOCK_SECONDS} seconds`;
  if (seconds > MAX_BLOCK_SECONDS) {
    return `${name} with timeout ${t.raw} (${Number.isFinite(seconds) ? `${formatSeconds(seconds)}` : 'forever'}) would hold the prompt: use at most ${MAX_BLOCK_SECONDS} seconds`;
  }
  return null;
}

function formatSeconds(s: number): string {
  return s >= 1e6 ? `${s.toExponential(2)} s` : `${Math.round(s * 1000) / 1000} s`;
}

const BLOCKING = /^(BLPOP|BRPOP|BZPOPMIN|BZPOPMAX|BLMOVE|BRPOPLPUSH|BLMPOP|BZMPOP|WAIT|WAITAOF)$/;

/** Whether the command can block (XREAD only with BLOCK). */
export function isBlocking(args: readonly string[]): boolean {
  const name = String(args[0] ?? '').toUpperCase();
  if (BLOCKING.test(name)) return true;
  if (name === 'XREAD' || name === 'XREADGROUP') return lastOption(args, 'BLOCK', stopAtStreams(args)) !== undefined;
  return false;
}

/** Whether argument counts fit the command's arity: a command that does not is rejected by Redis before it runs. */
function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** The keys the server says this command touches, with whether each may be written. */
async function serverKeys(ctx: JudgeContext, spec: CommandSpec, args: readonly string[]): Promise<KeyUse[] | string> {
  const hasKeys = spec.firstKey > 0 || spec.flags.has('movablekeys');
  if (!hasKeys) return [];
  const writeCommand = spec.flags.has('write');
  try {
    if (ctx.keyFlags) {
      const raw = (await ctx.admin.call('COMMAND', 'GETKEYSANDFLAGS', ...args)) as [string, string[]][];
      return raw.map(([key, flags]) => ({
        key: String(key),
        write: flags.some((f) => /^(RW|OW|RM)$/i.test(String(f))) || (writeCommand && flags.length === 0),
      }));
    }
    const raw = (await ctx.admin.call('COMMAND', 'GETKEYS', ...args)) as string[];
    return raw.map((key) => ({ key: String(key), write: writeCommand }));
  } catch (err) {
    const msg = errorMessage(err);
    if (/no key arguments/i.test(msg)) return [];
    return msg.replace(/^ERR /, '');
  }
}

const SECRET_SETTING = /pass|auth|user|acl|tls|key|cert|secret|token/i;

function label(args: readonly string[], spec: CommandSpec | undefined): string {
  const name = String(args[0]).toUpperCase();
  return spec?.subcommands && args[1] !== undefined ? `${name} ${String(args[1]).toUpperCase()}` : name;
}

/** Whether a key name is inside the sandbox: starts with the namespace and is not bookkeeping. */
export function insideNamespace(ns: string, key: string): boolean {
  return key.startsWith(ns) && !key.includes(RESERVED_MARK);
}

function outside(ns: string, key: string, what = 'key'): string {
  if (key.startsWith(ns)) return `${key} is redis-learn's own bookkeeping: it is out of reach of commands`;
  return `${what} ${key} is outside the sandbox: ${what === 'key' ? 'keys' : `${what}s`} here start with ${ns}`;
}

export async function judge(ctx: JudgeContext, args: readonly string[]): Promise<Judgement> {
  if (args.length === 0) return { ok: false, reason: 'empty command' };
  const { ns, shared } = ctx;
  const name = String(args[0]).toLowerCase();
  const top = ctx.table.get(name);
  const spec = lookup(ctx.table, args);
  const what = label(args, top);
  const danger = findDangerous(args);
  if (ctx.labPorts) return judgeOnLab(ctx.labPorts, args, what, danger);
  if (danger?.policy === 'refuse') return { ok: false, reason: `${what} is refused here: it ${danger.reason}` };

  // An unknown command, or a known one with the wrong number of arguments, is rejected by Redis before it runs:
  // send it so the learner sees the server's own error.
  if (!top || !spec) return { ok: true, keys: [], blocking: false };
  if (!arityOk(top, args.length) || (spec !== top && !arityOk(spec, args.length))) return { ok: true, keys: [], blocking: false };

  let confirm: string | undefined;
  if (shared) {
    const allowed = allowedOnShared(args, Boolean(top.subcommands));
    if (!allowed) {
      const why = danger ? `it ${danger.reason}` : "it is not on redis-learn's list of data commands for shared servers";
      return { ok: false, reason: `${what} is refused on a shared server: ${why}. Run with --private to use it on a private server` };
    }
    if (ALLOWED_MODULE_PREFIXES.some((p) => name.toUpperCase().startsWith(p)) && spec.firstKey <= 0 && !spec.flags.has('movablekeys')) {
      return {
        ok: false,
        reason: `${what} is refused on a shared server: it declares no keys, so it could reach any key. Run with --private to use it`,
      };
    }
  } else if (danger?.policy === 'confirm' && !(name === 'keys' && String(args[1] ?? '').startsWith(ns))) {
    confirm = `${what} ${danger.reason}`;
  }

  const forever = blocksTooLong(args);
  if (forever) return { ok: false, reason: forever };

  const keys = await serverKeys(ctx, spec, args);
  if (typeof keys === 'string') {
    return { ok: false, reason: `the server could not say which keys ${what} touches (${keys}): check it with help ${what}` };
  }
  for (const k of keys) if (!insideNamespace(ns, k.key)) return { ok: false, reason: outside(ns, k.key) };

  const extra = extraChecks(ctx, args, what);
  if (extra) return { ok: false, reason: extra };
  return { ok: true, keys, blocking: isBlocking(args), confirm };
}

/** Commands the table refuses everywhere that a lab node may run: they change only the lab (reachesOutsideLab guards its edges). */
const LAB_ALLOWED = new Set(['REPLICAOF', 'SLAVEOF', 'FAILOVER', 'MIGRATE', 'CONFIG REWRITE', 'MOVE', 'SWAPDB']);

/** Why a lab lesson's own nodes still refuse SHUTDOWN: the lesson stops, kills and restarts nodes itself. */
const LAB_SHUTDOWN = 'SHUTDOWN is refused here: the lesson stops and restarts its nodes itself (the failure steps kill them for you)';

function judgeOnLab(
  ports: ReadonlySet<number>,
  args: readonly string[],
  what: string,
  danger: ReturnType<typeof findDangerous>,
): Judgement {
  const name = String(args[0]).toUpperCase();
  if (name === 'SHUTDOWN') return { ok: false, reason: LAB_SHUTDOWN };
  if (danger?.policy === 'refuse' && !LAB_ALLOWED.has(danger.sub ? `${danger.command} ${danger.sub}` : danger.command)) {
    return { ok: false, reason: `${what} is refused here: it ${danger.reason}` };
  }
  const outside = reachesOutsideLab(args, ports);
  if (outside) return { ok: false, reason: `${outside}: refused` };
  const forever = blocksTooLong(args);
  if (forever) return { ok: false, reason: forever };
  return { ok: true, keys: [], blocking: isBlocking(args) };
}

/** What the server's key list cannot tell: patterns and channels that name keys or reach other people. */
function extraChecks(ctx: JudgeContext, args: readonly string[], what: string): string | null {
  const { ns, shared } = ctx;
  const name = String(args[0]).toUpperCase();
  const sub = String(args[1] ?? '').toUpperCase();
  if (name === 'SORT' || name === 'SORT_RO') {
    for (let i = 2; i < args.length - 1; i++) {
      const opt = args[i]!.toUpperCase();
      if (opt === 'LIMIT') {
        i += 2;
        continue;
      }
      if (opt !== 'BY' && opt !== 'GET') continue;
      const pattern = args[++i]!;
      // GET # is the element itself; a BY pattern without * means "do not sort" and reads no key.
      if ((opt === 'GET' && pattern === '#') || (opt === 'BY' && !pattern.includes('*'))) continue;
      if (!insideNamespace(ns, pattern)) return `SORT ${opt} ${pattern} reads keys outside the sandbox: patterns here start with ${ns}`;
    }
  }
  if (name === 'SCAN' && shared) {
    const match = lastOption(args, 'MATCH', args.length, 2);
    if (match === undefined || !match.startsWith(ns)) {
      return `on a shared server SCAN must stay in the sandbox: give MATCH ${ns}* (the last MATCH is the one Redis uses)`;
    }
  }
  if (name === 'KEYS' && !String(args[1] ?? '').startsWith(ns)) {
    return `KEYS ${args[1] ?? ''} would list keys outside the sandbox: use SCAN 0 MATCH ${ns}*`;
  }
  if (name === 'PUBLISH' || name === 'SPUBLISH') {
    if (!insideNamespace(ns, String(args[1]))) return outside(ns, String(args[1]), 'channel');
  }
  if (name === 'PUBSUB' && shared) {
    if (sub === 'CHANNELS' || sub === 'SHARDCHANNELS') {
      if (args[2] === undefined || !String(args[2]).startsWith(ns)) return `${what} must name a pattern inside the sandbox: ${what} ${ns}*`;
    }
    if (sub === 'NUMSUB' || sub === 'SHARDNUMSUB') {
      const bad = args.slice(2).find((ch) => !insideNamespace(ns, ch));
      if (bad !== undefined) return outside(ns, bad, 'channel');
    }
  }
  if (name === 'CONFIG' && sub === 'GET' && shared) {
    const bad = args.slice(2).find((p) => /[*?[\]]/.test(p) || SECRET_SETTING.test(p));
    if (bad !== undefined) return `CONFIG GET ${bad} is refused on a shared server: ask for one setting by name, not a pattern or a secret`;
  }
  if (name === 'COPY' && shared && args.slice(3).some((a) => a.toUpperCase() === 'DB')) {
    return 'COPY … DB is refused on a shared server: it writes into another database. Run with --private to use it';
  }
  return null;
}
