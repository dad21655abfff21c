// Prints replies the way redis-cli does: (integer) 1, "value", (nil), numbered arrays, (error).
// Every string from the server is escaped before it reaches the terminal, and deep nesting is cut, never followed.
import { escapeString, escapeUnsafe } from './tokenize.js';

/** Status replies ioredis cannot tell apart from bulk strings; shown bare like redis-cli. */
const STATUS = new Set(['OK', 'PONG', 'QUEUED']);

/** How many levels of nested arrays are shown; anything deeper prints as NESTED_DEEPER. */
export const MAX_REPLY_DEPTH = 8;
export const NESTED_DEEPER = '(nested deeper: …)';

/**
 * Text from the server made safe for a terminal line: control characters (C0 including newline and tab, DEL, C1),
 * bidi overrides and isolates and line separators are shown escaped the way redis-cli shows them (\x1b, \n, \t,
 * \u202e); ordinary text, non-ASCII letters and emoji included, is left as is. No quotes are added.
 */
export function safeText(s: string): string {
  return escapeUnsafe(s);
}

/**
 * Where to cut s at or before `end` (UTF-16 units) so the cut splits neither a surrogate pair nor an escape this
 * module wrote (\x1b, \u202e, \n, \"): a cut escape would read as different text.
 */
export function safeCutIndex(s: string, end: number): number {
  if (end >= s.length) return s.length;
  end = Math.max(0, end);
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  for (let j = end - 1; j >= Math.max(0, end - 5); j--) {
    if (s[j] !== '\\') continue;
    let before = 0;
    while (j - before - 1 >= 0 && s[j - before - 1] === '\\') before++;
    // An odd run before it makes this the second half of \\, which ends inside the cut.
    if (before % 2 === 0) {
      const len = s[j + 1] === 'x' ? 4 : s[j + 1] === 'u' ? 6 : 2;
      if (j + len > end) end = j;
    }
    break;
  }
  return end;
}

/** Cuts s to at most max UTF-16 units ending in …, at a safe place (see safeCutIndex). */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, safeCutIndex(s, Math.max(0, max - 1)))}…`;
}

function scalar(reply: unknown): string {
  if (reply === null || reply === undefined) return '(nil)';
  if (reply instanceof Error) return `(error) ${safeText(reply.message)}`;
  if (typeof reply === 'number' || typeof reply === 'bigint') return `(integer) ${reply}`;
  if (Buffer.isBuffer(reply)) return `"${escapeString(reply.toString())}"`;
  if (typeof reply === 'string') return STATUS.has(reply) ? reply : `"${escapeString(reply)}"`;
  return `"${escapeString(String(reply))}"`;
}

function asArray(reply: unknown): unknown[] | null {
  if (Array.isArray(reply)) return reply;
  // ioredis turns HGETALL and friends into objects; show them as the flat array Redis sent.
  if (reply && typeof reply === 'object' && !(reply instanceof Error) && !Buffer.isBuffer(reply)) {
    return Object.entries(reply as Record<string, unknown>).flat();
  }
  return null;
}

function multiLine(reply: unknown, indent: number, depth: number): string {
  const arr = asArray(reply);
  if (!arr) return scalar(reply);
  if (arr.length === 0) return '(empty array)';
  if (depth >= MAX_REPLY_DEPTH) return NESTED_DEEPER;
  const width = String(arr.length).length;
  return arr
    .map((item, i) => {
      const label = `${String(i + 1).padStart(width)}) `;
      const body = multiLine(item, indent + label.length, depth + 1);
      return (i === 0 ? '' : ' '.repeat(indent)) + label + body;
    })
    .join('\n');
}

/**
 * Commands whose reply is a report, printed by redis-cli as plain lines instead of one quoted string (redis-cli.c
 * switches to raw output for these): [command, subcommand, exact argument count (0: any)].
 */
const REPORT_COMMANDS: readonly (readonly [string, string | null, number])[] = [
  ['INFO', null, 0],
  ['LOLWUT', null, 0],
  ['CLIENT', 'LIST', 0],
  ['CLIENT', 'INFO', 0],
  ['MEMORY', 'DOCTOR', 0],
  ['MEMORY', 'MALLOC-STATS', 0],
  ['LATENCY', 'DOCTOR', 2],
  ['LATENCY', 'GRAPH', 3],
  ['CLUSTER', 'NODES', 2],
  ['CLUSTER', 'INFO', 2],
  ['DEBUG', 'HTSTATS', 0],
  ['DEBUG', 'HTSTATS-KEY', 0],
  ['DEBUG', 'CLIENT-EVICTION', 0],
];

/** Whether redis-cli prints this command's reply as plain lines (INFO, CLIENT LIST, MEMORY DOCTOR, LATENCY DOCTOR…). */
export function isReportCommand(args: readonly (string | number | Buffer)[] | undefined): boolean {
  if (!args?.length) return false;
  const name = String(args[0]).toUpperCase();
  const sub = args.length > 1 ? String(args[1]).toUpperCase() : null;
  return REPORT_COMMANDS.some(([cmd, s, count]) => cmd === name && (s === null || s === sub) && (count === 0 || count === args.length));
}

/**
 * A report (see isReportCommand) as its lines: \r\n and \n end lines; every other control or bidi character, a
 * lone \r included, stays escaped (safeText). The final line end adds no empty line.
 */
export function reportLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines.map(safeText);
}

/** A reply shown as a report (plain lines): a string or buffer from a report command. */
export function asReport(reply: unknown, args: readonly (string | number | Buffer)[] | undefined): string[] | null {
  if (!isReportCommand(args)) return null;
  if (typeof reply === 'string') return reportLines(reply);
  if (Buffer.isBuffer(reply)) return reportLines(reply.toString());
  return null;
}

/**
 * The full multi-line form, as redis-cli prints it; arrays nested deeper than MAX_REPLY_DEPTH show as NESTED_DEEPER.
 * With the command's `args`, a report (INFO, CLIENT LIST, MEMORY DOCTOR…) prints as its lines, like redis-cli.
 * `indent`: spaces before every line but the first.
 */
export function formatReply(reply: unknown, indent = 0, args?: readonly (string | number | Buffer)[]): string {
  const report = asReport(reply, args);
  if (report) return report.join(`\n${' '.repeat(indent)}`);
  return multiLine(reply, indent, 0);
}

/** A nested array on one line, `[a b [c d]]`, stopping once it is longer than budget. */
function inlineNested(arr: unknown[], depth: number, budget: number): string {
  if (arr.length > 0 && depth >= MAX_REPLY_DEPTH) return `[${NESTED_DEEPER}]`;
  const parts: string[] = [];
  let used = 1;
  for (const item of arr) {
    if (used > budget) {
      parts.push('…');
      break;
    }
    const inner = asArray(item);
    const s = inner ? inlineNested(inner, depth + 1, budget - used) : scalar(item);
    parts.push(s);
    used += s.length + 1;
  }
  return `[${parts.join(' ')}]`;
}

/** One line, shortened to maxLen, for the transcript beside the command. */
export function formatReplyInline(reply: unknown, maxLen = 40): string {
  const arr = asArray(reply);
  let s: string;
  if (!arr) s = scalar(reply);
  else if (arr.length === 0) s = '(empty array)';
  else {
    const parts: string[] = [];
    let used = 0;
    for (let i = 0; i < arr.length; i++) {
      const item = arr[i];
      const inner = asArray(item);
      const label = `${i + 1}) `;
      const part = label + (inner ? inlineNested(inner, 1, maxLen - used - label.length) : scalar(item));
      parts.push(part);
      used += part.length + 1;
      if (used - 1 > maxLen) break;
    }
    s = parts.join(' ');
    if (parts.length < arr.length) s += ` … (${arr.length} items)`;
  }
  return clipText(s, maxLen);
}

/**
 * A JSON-safe copy of a reply for --json output: raw data (JSON escaping keeps it safe), with arrays nested deeper
 * than MAX_REPLY_DEPTH replaced by `{ "truncated": "(nested deeper: …)" }`.
 */
export function replyToJson(reply: unknown): unknown {
  return jsonCopy(reply, 0);
}

function jsonCopy(reply: unknown, depth: number): unknown {
  if (reply === undefined) return null;
  if (reply instanceof Error) return { error: reply.message };
  if (Buffer.isBuffer(reply)) return reply.toString();
  if (typeof reply === 'bigint') return reply.toString();
  if (Array.isArray(reply)) {
    if (depth >= MAX_REPLY_DEPTH && reply.length > 0) return { truncated: NESTED_DEEPER };
    return reply.map((item) => jsonCopy(item, depth + 1));
  }
  if (reply && typeof reply === 'object') {
    if (depth >= MAX_REPLY_DEPTH && Object.keys(reply).length > 0) return { truncated: NESTED_DEEPER };
    return Object.fromEntries(Object.entries(reply as Record<string, unknown>).map(([k, v]) => [k, jsonCopy(v, depth + 1)]));
  }
  return reply;
}

/** Characters JSON.stringify leaves raw that a terminal may still act on (DEL, C1 controls, bidi, line separators). */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify for output that may land on a terminal: the same JSON (every reader decodes the same data), with
 * DEL, C1 controls and bidi characters written as \uXXXX escapes as well (JSON.stringify already escapes C0).
 */
export function jsonText(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
