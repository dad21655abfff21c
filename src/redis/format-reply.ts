// Prints replies the way redis-cli does: (integer) 1, "value", (nil), numbered arrays, (error).
import { escapeString } from './tokenize.js';

/** Status replies ioredis cannot tell apart from bulk strings; shown bare like redis-cli. */
const STATUS = new Set(['OK', 'PONG', 'QUEUED']);

export function isErrorReply(reply: unknown): reply is Error {
  return reply instanceof Error;
}

function scalar(reply: unknown): string {
  if (reply === null || reply === undefined) return '(nil)';
  if (reply instanceof Error) return `(error) ${reply.message}`;
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

/** The full multi-line form, as redis-cli prints it. */
export function formatReply(reply: unknown, indent = 0): string {
  const arr = asArray(reply);
  if (!arr) return scalar(reply);
  if (arr.length === 0) return '(empty array)';
  const width = String(arr.length).length;
  return arr
    .map((item, i) => {
      const label = `${String(i + 1).padStart(width)}) `;
      const body = formatReply(item, indent + label.length);
      return (i === 0 ? '' : ' '.repeat(indent)) + label + body;
    })
    .join('\n');
}

/** One line, shortened to maxLen, for the transcript beside the command. */
export function formatReplyInline(reply: unknown, maxLen = 40): string {
  const arr = asArray(reply);
  let s: string;
  if (!arr) s = scalar(reply);
  else if (arr.length === 0) s = '(empty array)';
  else {
    const parts: string[] = [];
    for (let i = 0; i < arr.length; i++) {
      const item = arr[i];
      const inner = asArray(item);
      parts.push(`${i + 1}) ${inner ? `[${inner.map((x) => scalar(x)).join(' ')}]` : scalar(item)}`);
      if (parts.join(' ').length > maxLen) break;
    }
    s = parts.join(' ');
    if (parts.length < arr.length) s += ` … (${arr.length} items)`;
  }
  if (s.length > maxLen) s = `${s.slice(0, Math.max(0, maxLen - 1))}…`;
  return s;
}

/** A JSON-safe copy of a reply for --json output. */
export function replyToJson(reply: unknown): unknown {
  if (reply === undefined) return null;
  if (reply instanceof Error) return { error: reply.message };
  if (Buffer.isBuffer(reply)) return reply.toString();
  if (typeof reply === 'bigint') return reply.toString();
  if (Array.isArray(reply)) return reply.map(replyToJson);
  if (reply && typeof reply === 'object') {
    return Object.fromEntries(Object.entries(reply as Record<string, unknown>).map(([k, v]) => [k, replyToJson(v)]));
  }
  return reply;
}
