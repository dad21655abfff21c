// Splits a command line the way redis-cli does: spaces separate, "double" and 'single' quotes group.
import { UsageError } from '../errors.js';

export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i]!)) i++;
    if (i >= n) break;
    let cur = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (i >= n) {
        if (inDouble || inSingle) throw new UsageError(`unbalanced quotes in: ${line}`);
        break;
      }
      const c = line[i]!;
      if (inDouble) {
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
          cur += map[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          inDouble = false;
          i++;
          if (i < n && !/\s/.test(line[i]!)) throw new UsageError(`closing quote must be followed by a space in: ${line}`);
          done = true;
          continue;
        }
        cur += c;
        i++;
      } else if (inSingle) {
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          inSingle = false;
          i++;
          if (i < n && !/\s/.test(line[i]!)) throw new UsageError(`closing quote must be followed by a space in: ${line}`);
          done = true;
          continue;
        }
        cur += c;
        i++;
      } else {
        if (/\s/.test(c)) {
          done = true;
        } else if (c === '"') {
          inDouble = true;
          i++;
        } else if (c === "'") {
          inSingle = true;
          i++;
        } else {
          cur += c;
          i++;
        }
      }
    }
    out.push(cur);
  }
  return out;
}

/** Quotes an argument for display when redis-cli would need quotes to read it back. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[^\s"'\\\x00-\x1f\x7f]+$/.test(arg)) return arg;
  return `"${escapeString(arg)}"`;
}

export function escapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

export function commandLine(args: readonly (string | number | Buffer)[]): string {
  return args.map((a) => quoteArg(Buffer.isBuffer(a) ? a.toString() : String(a))).join(' ');
}
