// How lesson output looks: command lines with reply and time, key tables, check verdicts.
import type { Redis } from 'ioredis';
import type { CommandTable } from '../redis/capabilities.js';
import { asReport, clipText, formatReply, formatReplyInline, safeText } from '../redis/format-reply.js';
import type { RecordedCommand } from '../redis/recorder.js';
import { didYouMean } from '../redis/suggest.js';
import { clipCell, renderTable } from '../ui/table.js';
import { c, displayWidth, sym, terminalWidth } from '../ui/theme.js';
import { plural } from '../util/plural.js';
import type { CheckResult } from './types.js';

const visible = (s: string): number => displayWidth(s);

const CMD_WIDTH = 46;
const REPLY_WIDTH = 26;
/** The widest reply shown beside a command; a longer one is cut (a scalar) or goes below, one element per line (an array). */
const MAX_REPLY = REPLY_WIDTH + 14;
const SHORT_REPLY = 14;
/** Top-level elements of an array reply shown under its command in a transcript; the rest are counted. */
export const TRANSCRIPT_ITEMS = 20;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Error) && !Buffer.isBuffer(x);
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

export { plural };

/** Words of `text` in lines of at most `width` columns, later lines starting with `hang` spaces; a longer word keeps its own line whole. */
function wrapWords(text: string, width: number, hang: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && visible(next) > width) {
      out.push(cur);
      cur = ' '.repeat(hang) + word;
    } else cur = next;
  }
  out.push(cur);
  return out;
}

export interface CommandLineOptions {
  /** Columns to lay the line out in (default: the terminal's, see terminalWidth). */
  width?: number;
  /** The server's command table (sb.table): an unknown command's error is followed by "did you mean HSET?". */
  commands?: CommandTable;
}

/**
 * One transcript entry, the way redis-cli would show the reply:
 * - a short reply: one line, `  ❯ SET k v        OK        0.18 ms`;
 * - an error: the command and time, then the whole error on its own line(s), never cut (and "did you mean …?");
 * - a report (INFO, CLIENT LIST, MEMORY DOCTOR…): its lines below the command, indented;
 * - an array too wide for the reply column: one element per line below the command, nested arrays indented as
 *   redis-cli does (the first TRANSCRIPT_ITEMS elements, the rest counted).
 * A command too long for the terminal keeps its own line(s) and the reply and time go on the next line, in their
 * column, so nothing is cut or wrapped mid-reply.
 */
export function commandLine(rec: RecordedCommand, prefix = `  ${sym.prompt} `, opts: CommandLineOptions = {}): string {
  // The recorder quotes and escapes arguments like redis-cli; escaping again here keeps any other source safe too.
  // On a lab of several nodes each line names the node it ran on, as redis-cli's prompt names its server.
  const cmd = clipText(safeText(rec.node === undefined ? rec.command : `[${rec.node}] ${rec.command}`), 400);
  const width = opts.width ?? terminalWidth();
  const time = c.dim(formatMs(rec.ms).padStart(9));
  const lead = visible(prefix);
  const indent = ' '.repeat(lead);
  /** Columns left for a reply on the command's own line (two spaces either side of it, then the time). */
  const sameLine = width - lead - cmd.length - 2 - 2 - 9;

  /**
   * The command, then `reply` and the time: on one line when they fit (the command padded to CMD_WIDTH when there is
   * room, so replies line up), else the command keeps its own line(s) and the reply and time go on the next.
   */
  const layout = (reply: string, replyColored = reply): string => {
    const r = visible(reply);
    if (r <= sameLine) {
      // Short replies share one column (room for SHORT_REPLY), so consecutive lines line up on a narrow terminal too.
      const cmdCol = Math.max(cmd.length + 2, Math.min(CMD_WIDTH, width - lead - Math.max(r, SHORT_REPLY) - 2 - 9));
      const pad = Math.max(2, Math.min(REPLY_WIDTH - r, width - lead - cmdCol - r - 9));
      return `${c.cyan(prefix)}${cmd.padEnd(cmdCol)}${replyColored}${' '.repeat(pad)}${time}`;
    }
    const at = Math.max(lead, Math.min(lead + CMD_WIDTH, width - r - 2 - 9));
    const pad = Math.max(2, Math.min(REPLY_WIDTH - r, width - at - r - 9));
    return `${c.cyan(prefix)}${cmd}\n${' '.repeat(at)}${replyColored}${' '.repeat(pad)}${time}`;
  };
  /** The command and its time, then `lines` below it, indented under the command. */
  const below = (lines: string[]): string => [layout(''), ...lines.map((l) => indent + l)].join('\n');

  const error = rec.error ?? (rec.reply instanceof Error ? rec.reply.message : undefined);
  if (error !== undefined) {
    const text = `(error) ${safeText(error)}`;
    const lines = wrapWords(text, Math.max(20, width - lead), 8).map((l) => c.red(l));
    const hint = opts.commands ? didYouMean(rec.args, error, opts.commands) : null;
    if (hint) lines.push(c.yellow(hint));
    return below(lines);
  }
  const report = asReport(rec.reply, rec.args);
  if (report) return below(report);

  const items = Array.isArray(rec.reply) ? rec.reply : isPlainObject(rec.reply) ? Object.entries(rec.reply).flat() : null;
  if (items && items.length > 0 && formatReplyInline(items, Number.MAX_SAFE_INTEGER).length > Math.min(MAX_REPLY, sameLine)) {
    const shown = items.length > TRANSCRIPT_ITEMS ? items.slice(0, TRANSCRIPT_ITEMS) : items;
    const lines = formatReply(shown)
      .split('\n')
      .map((l) => clipCell(l, Math.max(12, width - lead)));
    if (shown.length < items.length) lines.push(c.dim(`… ${plural(items.length - shown.length, 'more item')} (${items.length} in all)`));
    return below(lines);
  }
  // A scalar: whole when it fits beside the command, else cut to what the line has (at most MAX_REPLY columns).
  const whole = formatReplyInline(rec.reply, MAX_REPLY);
  const room = visible(whole) <= sameLine ? MAX_REPLY : Math.max(12, Math.min(MAX_REPLY, sameLine >= 20 ? sameLine : width - lead - 11));
  return layout(formatReplyInline(rec.reply, room));
}

export function formatBytes(n: number | null): string {
  if (n === null || Number.isNaN(n)) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function formatTtl(pttl: number): string {
  if (pttl === -1) return '-1';
  if (pttl < 0) return '-';
  return pttl >= 10_000 ? `${Math.round(pttl / 1000)} s` : `${(pttl / 1000).toFixed(1)} s`;
}

/** Server text for a table cell: escaped (safeText), then cut to n columns. */
function clip(s: string, n = 60): string {
  return clipText(safeText(s), n);
}

/** Members shown in a value preview; a preview that leaves some out ends with …. */
const PREVIEW_ITEMS = 3;

/** How the key table gives way on a narrow terminal: the value preview is cut first, then memory and encoding are hidden. */
const KEY_COLUMNS = [
  { priority: 5, minWidth: 16 }, // key
  { priority: 4 }, // type
  { priority: 2, drop: true }, // encoding
  { priority: 3 }, // ttl
  { priority: 1, drop: true }, // memory
  { priority: 0, minWidth: 20 }, // value
];

/**
 * A table of the given keys: type, encoding, TTL, MEMORY USAGE and a short preview (read on an unrecorded
 * connection), fitted to `width` columns (default: the terminal's).
 */
export async function keyTable(admin: Redis, keys: string[], limit = 8, width?: number): Promise<string | null> {
  const shown = keys.slice(0, limit);
  if (shown.length === 0) return null;
  const p = admin.pipeline();
  for (const k of shown) {
    p.type(k);
    p.call('OBJECT', 'ENCODING', k);
    p.pttl(k);
    p.call('MEMORY', 'USAGE', k);
  }
  const res = (await p.exec()) ?? [];
  const rows: string[][] = [];
  const previews = admin.pipeline();
  const live: { key: string; type: string; enc: string; ttl: number; mem: number | null }[] = [];
  shown.forEach((key, i) => {
    const type = String(res[i * 4]?.[1] ?? 'none');
    if (type === 'none') return;
    live.push({
      key,
      type,
      enc: String(res[i * 4 + 1]?.[1] ?? '-'),
      ttl: Number(res[i * 4 + 2]?.[1] ?? -2),
      mem: res[i * 4 + 3]?.[1] == null ? null : Number(res[i * 4 + 3]?.[1]),
    });
    if (type === 'string') previews.call('GETRANGE', key, '0', '60');
    else if (type === 'hash') previews.hscan(key, '0', 'COUNT', String(PREVIEW_ITEMS));
    else if (type === 'list') previews.lrange(key, 0, PREVIEW_ITEMS - 1);
    else if (type === 'set') previews.sscan(key, '0', 'COUNT', String(PREVIEW_ITEMS));
    else if (type === 'zset') previews.zrange(key, '0', String(PREVIEW_ITEMS - 1), 'WITHSCORES');
    else previews.call('TYPE', key);
    previews.call(
      type === 'hash'
        ? 'HLEN'
        : type === 'list'
          ? 'LLEN'
          : type === 'set'
            ? 'SCARD'
            : type === 'zset'
              ? 'ZCARD'
              : type === 'stream'
                ? 'XLEN'
                : 'STRLEN',
      key,
    );
  });
  if (live.length === 0) return null;
  const pv = (await previews.exec()) ?? [];
  live.forEach((k, i) => {
    const raw = pv[i * 2]?.[1];
    const len = Number(pv[i * 2 + 1]?.[1] ?? 0);
    /** The members shown, then … when the key holds more. */
    const more = (parts: string[], sep: string) => parts.join(sep) + (len > parts.length ? `${sep}…` : '');
    let preview = '';
    if (k.type === 'string') {
      const str = String(raw ?? '');
      // HyperLogLogs are strings of binary registers: name them instead of printing bytes.
      preview = str.startsWith('HYLL') ? 'HyperLogLog' : len > Buffer.byteLength(str) ? `${str}…` : str;
    } else if (k.type === 'hash') {
      const flat = ((raw as [string, string[]])?.[1] ?? []).slice(0, PREVIEW_ITEMS * 2);
      const pairs: string[] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push(`${flat[j]}=${flat[j + 1]}`);
      preview = `${plural(len, 'field')}: ${more(pairs, ' ')}`;
    } else if (k.type === 'list') preview = `${plural(len, 'item')}: ${more(raw as string[], ', ')}`;
    else if (k.type === 'set') {
      const members = ((raw as [string, string[]])?.[1] ?? []).slice(0, PREVIEW_ITEMS);
      preview = `${plural(len, 'member')}: ${more(members, ', ')}`;
    } else if (k.type === 'zset') {
      const flat = raw as string[];
      const pairs: string[] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push(`${flat[j]}:${flat[j + 1]}`);
      preview = `${plural(len, 'member')}: ${more(pairs, ' ')}`;
    } else if (k.type === 'stream') preview = plural(len, 'entry', 'entries');
    // Every server string (names, members, values, even type and encoding) is escaped before it reaches the terminal.
    rows.push([clip(k.key, 200), clip(k.type, 12), clip(k.enc, 16), formatTtl(k.ttl), formatBytes(k.mem), clip(preview)]);
  });
  const rest = keys.length - limit;
  const more = rest > 0 ? `\n  ${c.dim(`… and ${plural(rest, 'more key')}`)}` : '';
  return renderTable(['key', 'type', 'encoding', 'ttl', 'memory', 'value'], rows, { indent: 2, width, columns: KEY_COLUMNS }) + more;
}

export function verdict(r: CheckResult, points?: { earned: number; max: number }): string {
  if (r.pass) {
    const pts = points ? ` ${c.dim('—')} ${points.earned}/${points.max} ${points.max === 1 ? 'pt' : 'pts'}` : '';
    return `${c.green(sym.ok)} ${safeText(r.actual)}${pts}`;
  }
  // Checks quote what the server holds: escape it like any reply.
  return `${c.yellow(sym.fail)} expected ${safeText(r.expected)}, found ${safeText(r.actual)}`;
}

/** Lines that start their own line in prose: code (indented), list items, blank lines. */
function standsAlone(line: string): boolean {
  return line.trim() === '' || line.startsWith('  ') || /^\s*([-*•]|\d+[.)])\s/.test(line);
}

/**
 * Reflows prose to the terminal width: consecutive plain lines join into one paragraph (so lesson files may
 * hard-wrap their text), while blank lines, indented code and list items keep their own lines.
 */
export function wrap(text: string, width = Math.min(terminalWidth(), 100) - 2): string {
  const paragraphs: string[] = [];
  for (const line of text.split('\n')) {
    const last = paragraphs.length - 1;
    if (last >= 0 && !standsAlone(line) && paragraphs[last] !== '' && !paragraphs[last]!.startsWith('  ')) {
      paragraphs[last] = `${paragraphs[last]} ${line.trim()}`;
    } else paragraphs.push(line);
  }
  return paragraphs
    .map((line) => {
      if (line.startsWith('  ') || visible(line) <= width) return line;
      const indent = /^\s*([-*•]|\d+[.)])\s/.test(line) ? ' '.repeat(/^\s*([-*•]|\d+[.)])\s/.exec(line)?.[0].length ?? 0) : '';
      const words = line.split(' ');
      const out: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && visible(`${cur} ${w}`) > width) {
          out.push(cur);
          cur = indent + w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      if (cur) out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}
