// How lesson output looks: command lines with reply and time, key tables, check verdicts.
import type { Redis } from 'ioredis';
import { clipText, formatReplyInline, safeText } from '../../redis/format-reply.js';
import type { RecordedCommand } from '../../redis/recorder.js';
import { renderTable } from '../../ui/table.js';
import { c, sym } from '../../ui/theme.js';
import type { CheckResult } from './types.js';

const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

const CMD_WIDTH = 46;
const REPLY_WIDTH = 26;

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/**
 * One transcript line: `  ❯ SET k v        OK        0.18 ms`. A command too long for the terminal keeps its
 * own line(s) and the reply and time go on the next line, in their column, so nothing is cut or wrapped mid-reply.
 */
export function commandLine(rec: RecordedCommand, prefix = `  ${sym.prompt} `): string {
  // The recorder quotes and escapes arguments like redis-cli; escaping again here keeps any other source safe too.
  const cmd = clipText(safeText(rec.command), 400);
  const width = process.stdout.columns || 100;
  const time = c.dim(formatMs(rec.ms).padStart(9));
  const lead = visible(prefix);
  const fits = cmd.length < CMD_WIDTH || lead + cmd.length + 2 + 20 + 9 <= width;
  const cmdCell = !fits ? '' : cmd.length < CMD_WIDTH ? cmd.padEnd(CMD_WIDTH) : `${cmd}  `;
  // The reply gets what the line has left (at most 40 columns): a wide reply must not push the time off screen.
  const room = Math.max(12, Math.min(REPLY_WIDTH + 14, width - (fits ? lead + cmdCell.length : lead + CMD_WIDTH) - 11));
  const reply = formatReplyInline(rec.reply, room);
  const replyColored = rec.error ? c.red(reply) : reply;
  const used = fits ? lead + cmdCell.length : lead + CMD_WIDTH;
  const pad = Math.max(2, Math.min(REPLY_WIDTH - reply.length, width - used - reply.length - 9));
  const tail = `${replyColored}${' '.repeat(pad)}${time}`;
  if (fits) return `${c.cyan(prefix)}${cmdCell}${tail}`;
  return `${c.cyan(prefix)}${cmd}\n${' '.repeat(lead + CMD_WIDTH)}${tail}`;
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
function clip(s: string, n = 36): string {
  return clipText(safeText(s), n);
}

/** A table of the given keys: type, encoding, TTL, MEMORY USAGE and a short preview (read on an unrecorded connection). */
export async function keyTable(admin: Redis, keys: string[], limit = 8): Promise<string | null> {
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
    else if (type === 'hash') previews.hscan(key, '0', 'COUNT', '3');
    else if (type === 'list') previews.lrange(key, 0, 2);
    else if (type === 'set') previews.sscan(key, '0', 'COUNT', '3');
    else if (type === 'zset') previews.zrange(key, '0', '2', 'WITHSCORES');
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
    let preview = '';
    if (k.type === 'string') {
      const str = String(raw ?? '');
      // HyperLogLogs are strings of binary registers: name them instead of printing bytes.
      preview = str.startsWith('HYLL') ? 'HyperLogLog' : str;
    } else if (k.type === 'hash') {
      const flat = ((raw as [string, string[]])?.[1] ?? []).slice(0, 6);
      const pairs: string[] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push(`${flat[j]}=${flat[j + 1]}`);
      preview = `${len} fields: ${pairs.join(' ')}`;
    } else if (k.type === 'list') preview = `${len} items: ${(raw as string[]).join(', ')}`;
    else if (k.type === 'set') preview = `${len} members: ${((raw as [string, string[]])?.[1] ?? []).slice(0, 3).join(', ')}`;
    else if (k.type === 'zset') {
      const flat = raw as string[];
      const pairs: string[] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push(`${flat[j]}:${flat[j + 1]}`);
      preview = `${len} members: ${pairs.join(' ')}`;
    } else if (k.type === 'stream') preview = `${len} entries`;
    // Every server string (names, members, values, even type and encoding) is escaped before it reaches the terminal.
    rows.push([clip(k.key, 200), clip(k.type, 12), clip(k.enc, 16), formatTtl(k.ttl), formatBytes(k.mem), clip(preview)]);
  });
  const more = keys.length > limit ? `\n  ${c.dim(`… and ${keys.length - limit} more keys`)}` : '';
  return renderTable(['key', 'type', 'encoding', 'ttl', 'memory', 'value'], rows, { indent: 2 }) + more;
}

export function verdict(r: CheckResult, points?: { earned: number; max: number }): string {
  if (r.pass) {
    const pts = points ? ` ${c.dim('—')} ${points.earned}/${points.max} pts` : '';
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
export function wrap(text: string, width = Math.min(process.stdout.columns || 88, 100) - 2): string {
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
