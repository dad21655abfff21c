// `redis-learn repl`: a redis-cli-like prompt inside the sandbox, with history, completion, syntax hints, timings and keys.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyTable, formatMs } from '../lessons/engine/render.js';
import { commandDoc } from '../redis/command-docs.js';
import { DANGEROUS_COMMANDS } from '../redis/dangerous-commands.js';
import { formatReply, safeText } from '../redis/format-reply.js';
import { insideNamespace } from '../redis/judge.js';
import { endLearnerTurn, runLearnerCommand } from '../redis/learner-command.js';
import { SHARED_ALLOWLIST } from '../redis/shared-allowlist.js';
import { configDir } from '../progress/store.js';
import { globEscape } from '../redis/sandbox.js';
import { withSession, type GlobalOptions } from '../session.js';
import { confirmAtPrompt } from '../ui/confirm.js';
import { createLineReader } from '../ui/line-reader.js';
import { c, sym } from '../ui/theme.js';

const META = [':help', ':quit', ':keys', ':docs', ':dangerous', ':allowed'];

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
    if (!sb.target.private) {
      const who = sb.target.learner ? `, as the restricted Redis user ${sb.target.learner.user}` : '';
      process.stdout.write(c.dim(`Shared server: only data commands run here${who} (:allowed lists them; --private allows everything).\n`));
    }
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
              const [next, batch] = await sb.admin.scan(cursor, 'MATCH', `${globEscape(sb.ns)}*`, 'COUNT', 500);
              cursor = next;
              keys.push(...batch.filter((k) => insideNamespace(sb.ns, k)));
            } while (cursor !== '0' && keys.length < 50);
            const table = await keyTable(sb.admin, keys.sort(), 50);
            process.stdout.write(`${table ?? `  no keys under ${sb.ns}`}\n`);
          } else if (meta === ':dangerous') {
            process.stdout.write(c.dim('  refuse: never sent · confirm: asked first on the private server, refused on a shared one\n'));
            for (const d of DANGEROUS_COMMANDS) {
              process.stdout.write(`  ${(d.sub ? `${d.command} ${d.sub}` : d.command).padEnd(18)} ${d.policy.padEnd(8)} ${d.reason}\n`);
            }
          } else if (meta === ':allowed') {
            process.stdout.write(c.dim('  on a shared server only these run (everything else is refused):\n'));
            for (const g of SHARED_ALLOWLIST) {
              process.stdout.write(`  ${c.bold(g.reason)}\n    ${g.commands.map((x) => x.replace('|', ' ')).join(' ')}\n`);
            }
          } else {
            process.stdout.write(
              '  :docs CMD   syntax, summary and complexity (also: help CMD)\n  :keys       the sandbox keys with type, TTL and memory\n  :dangerous  commands refused or confirmed here, and why\n  :allowed    the commands a shared server allows, and why\n  :quit       leave (Ctrl-D too)\n',
            );
          }
          continue;
        }
        const res = await runLearnerCommand(sb, trimmed, { scope: 'repl', confirm: (q) => confirmAtPrompt(input, q) });
        if (res.status === 'refused') {
          process.stdout.write(`${c.yellow(sym.fail)} ${safeText(res.reason)}\n`);
          continue;
        }
        const rec = res.record;
        sb.recorder.take();
        process.stdout.write(`${rec.error ? c.red(`(error) ${safeText(rec.error)}`) : formatReply(rec.reply)}\n`);
        if (res.note) process.stdout.write(`${c.dim(`  ${res.note}`)}\n`);
        const keys = rec.keys.length ? ` · keys: ${rec.keys.map(safeText).join(', ')}` : '';
        process.stdout.write(`${c.dim(`  ${formatMs(rec.ms)}${keys}`)}\n`);
        const args = rec.args;
        if (rec.error && /wrong number of arguments|syntax error/i.test(rec.error)) {
          const doc = await commandDoc(sb.admin, String(args[0]));
          if (doc) process.stdout.write(`${c.dim(`  usage: ${doc.syntax}`)}\n`);
        }
      }
    } finally {
      await endLearnerTurn(sb).catch(() => undefined);
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
