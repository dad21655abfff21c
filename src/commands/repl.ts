// `redis-learn repl`: a redis-cli-like prompt inside the sandbox, with history, completion, syntax hints, timings and keys.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyTable, formatMs } from '../lessons/engine/render.js';
import { commandDoc } from '../redis/command-docs.js';
import { DANGEROUS_COMMANDS } from '../redis/dangerous-commands.js';
import { formatReply } from '../redis/format-reply.js';
import { tokenize } from '../redis/tokenize.js';
import { configDir } from '../progress/store.js';
import { withSession, type GlobalOptions } from '../session.js';
import { createLineReader } from '../ui/line-reader.js';
import { c, sym } from '../ui/theme.js';

const META = [':help', ':quit', ':keys', ':docs', ':dangerous'];

function historyFile(): string {
  return join(configDir(), 'repl_history');
}

function loadHistory(): string[] {
  try {
    return readFileSync(historyFile(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

export async function replCommand(g: GlobalOptions): Promise<void> {
  await withSession(g, {}, async (sb) => {
    const names = [...sb.table.keys()].map((n) => n.toUpperCase()).sort();
    const completer = (line: string): [string[], string] => {
      if (line.includes(' ')) return [[], line];
      const pool = line.startsWith(':') ? META : names;
      const hits = pool.filter((n) => n.toLowerCase().startsWith(line.toLowerCase()));
      return [hits, line];
    };
    const typed: string[] = [];
    const input = createLineReader({ completer, history: loadHistory() });
    process.stdout.write(
      c.dim(`Commands run inside the sandbox: keys must start with ${sb.ns}. Tab completes, :docs CMD shows syntax, :help, :quit.\n`),
    );
    try {
      for (;;) {
        const line = await input.next(`${c.cyan(`redis-learn ${sym.arrow}`)} `);
        if (line === null) break;
        const trimmed = line.trim();
        if (!trimmed) continue;
        typed.push(trimmed);
        if (trimmed.startsWith(':') || /^help\b/i.test(trimmed)) {
          const [meta, ...rest] = trimmed.replace(/^help\b/i, ':docs').split(/\s+/);
          if (meta === ':quit' || meta === ':q' || meta === ':exit') break;
          if (meta === ':docs') {
            if (!rest.length) {
              process.stdout.write('usage: :docs COMMAND (e.g. :docs ZADD)\n');
              continue;
            }
            const doc = await commandDoc(sb.admin, rest.join(' '));
            process.stdout.write(
              doc
                ? `  ${c.bold(doc.syntax)}\n  ${doc.summary}${doc.complexity ? ` · ${doc.complexity}` : ''}${doc.since ? ` · since ${doc.since}` : ''}\n`
                : `  no docs for ${rest.join(' ')}\n`,
            );
          } else if (meta === ':keys') {
            const keys: string[] = [];
            let cursor = '0';
            do {
              const [next, batch] = await sb.admin.scan(cursor, 'MATCH', `${sb.ns}*`, 'COUNT', 500);
              cursor = next;
              keys.push(...batch.filter((k) => k !== sb.metaKey));
            } while (cursor !== '0' && keys.length < 50);
            const table = await keyTable(sb.admin, keys.sort(), 50);
            process.stdout.write(`${table ?? `  no keys under ${sb.ns}`}\n`);
          } else if (meta === ':dangerous') {
            for (const d of DANGEROUS_COMMANDS) {
              process.stdout.write(`  ${(d.sub ? `${d.command} ${d.sub}` : d.command).padEnd(18)} ${d.policy.padEnd(14)} ${d.reason}\n`);
            }
          } else {
            process.stdout.write(
              '  :docs CMD   syntax, summary and complexity (also: help CMD)\n  :keys       the sandbox keys with type, TTL and memory\n  :dangerous  commands refused or confirmed here, and why\n  :quit       leave (Ctrl-D too)\n',
            );
          }
          continue;
        }
        let args: string[];
        try {
          args = tokenize(trimmed);
        } catch (err) {
          process.stdout.write(`${c.red('(error)')} ${(err as Error).message}\n`);
          continue;
        }
        const verdict = await sb.guard(args);
        if (verdict.ok === false) {
          process.stdout.write(`${c.yellow(sym.fail)} ${verdict.reason}\n`);
          continue;
        }
        if (verdict.ok === 'confirm') {
          const answer = input.tty ? await input.next(`${verdict.reason}. Type yes to run it on the private server: `) : null;
          if (answer?.trim().toLowerCase() !== 'yes') {
            process.stdout.write(`${c.yellow(sym.fail)} not run\n`);
            continue;
          }
        }
        const rec = await sb.exec(args, 'repl');
        sb.recorder.take();
        process.stdout.write(`${rec.error ? c.red(`(error) ${rec.error}`) : formatReply(rec.reply)}\n`);
        const keys = rec.keys.length ? ` · keys: ${rec.keys.join(', ')}` : '';
        process.stdout.write(`${c.dim(`  ${formatMs(rec.ms)}${keys}`)}\n`);
        if (rec.error && /wrong number of arguments|syntax error/i.test(rec.error)) {
          const doc = await commandDoc(sb.admin, String(args[0]));
          if (doc) process.stdout.write(`${c.dim(`  usage: ${doc.syntax}`)}\n`);
        }
      }
    } finally {
      input.close();
      if (typed.length) {
        try {
          mkdirSync(configDir(), { recursive: true });
          const old = existsSync(historyFile()) ? readFileSync(historyFile(), 'utf8') : '';
          writeFileSync(historyFile(), (old + typed.join('\n') + '\n').split('\n').slice(-1000).join('\n'));
        } catch {
          /* history is a convenience */
        }
      }
    }
    process.stdout.write(c.dim(`Keys you made stay until: redis-learn reset repl\n`));
  });
}
