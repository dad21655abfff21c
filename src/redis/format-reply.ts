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
 * Cuts s to at most max UTF-16 units ending in …, without splitting a surrogate pair or an escape this module
 * wrote (\x1b, \u202e, \n, \"): a cut escape would read as different text.
 */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
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
  return `${s.slice(0, end)}…`;
}

export function isErrorReply(reply: unknown): reply is Error {
  return reply instanceof Error;
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

/** The full multi-line form, as redis-cli prints it; arrays nested deeper than MAX_REPLY_DEPTH show as NESTED_DEEPER. */
export function formatReply(reply: unknown, indent = 0): string {
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
