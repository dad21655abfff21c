// `redis-learn repl`: a redis-cli-like prompt inside the sandbox, with history, completion, syntax hints, timings and keys.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { keyTable, formatMs } from '../engine/render.js';
import type { CommandTable } from '../redis/capabilities.js';
import { commandDoc } from '../redis/command-docs.js';
import { DANGEROUS_COMMANDS } from '../redis/dangerous-commands.js';
import { formatReply, safeText } from '../redis/format-reply.js';
import { insideNamespace } from '../redis/judge.js';
import { endLearnerTurn, runLearnerCommand } from '../redis/learner-command.js';
import { SHARED_ALLOWLIST } from '../redis/shared-allowlist.js';
import { didYouMean } from '../redis/suggest.js';
import { quoteArg } from '../redis/tokenize.js';
import { configDir } from '../progress/store.js';
import { globEscape } from '../redis/sandbox.js';
import { withSession, type GlobalOptions } from '../session.js';
import { confirmAtPrompt } from '../ui/confirm.js';
import { createLineReader } from '../ui/line-reader.js';
import { c, sym } from '../ui/theme.js';
import { scanPages } from '../patterns/scan.js';

const META = [':help', ':quit', ':keys', ':docs', ':dangerous', ':allowed'];
/** Words the REPL answers itself, like redis-cli: never sent to Redis. */
const LOCAL = ['clear', 'quit', 'exit', 'help'];

/** Key names offered by Tab at most; the SCAN behind it stops after this many rounds of COUNT 1000. */
export const COMPLETE_KEYS = 100;
const COMPLETE_ROUNDS = 20;

/**
 * Keys inside the namespace that start with `partial`, for Tab: SCAN MATCH on the admin connection (unrecorded),
 * bounded in rounds and results. `partial` must start with the namespace or be the start of it (then every key of
 * the namespace is a candidate); keys that would need quoting (spaces, quotes, control characters) are left out,
 * since completion inserts them as typed.
 */
export async function keyCompletions(admin: Redis, ns: string, partial: string, limit = COMPLETE_KEYS): Promise<string[]> {
  let prefix: string;
  if (partial.startsWith(ns)) prefix = partial;
  else if (ns.startsWith(partial)) prefix = ns;
  else return [];
  const found = new Set<string>();
  let rounds = 0;
  for await (const page of scanPages(admin, { match: `${globEscape(prefix)}*`, count: 1000 })) {
    for (const k of page.items) if (insideNamespace(ns, k) && k.startsWith(partial) && quoteArg(k) === k) found.add(k);
    if (found.size >= limit || ++rounds >= COMPLETE_ROUNDS) break;
  }
  return [...found].sort().slice(0, limit);
}

/** Names offered for `partial`, in the case it was typed in (Redis reads either). */
function matching(pool: readonly string[], partial: string): string[] {
  const lower = partial !== '' && partial === partial.toLowerCase() && partial !== partial.toUpperCase();
  return pool.filter((n) => n.toLowerCase().startsWith(partial.toLowerCase())).map((n) => (lower ? n.toLowerCase() : n));
}

/**
 * What Tab offers for the line typed so far: command names (and :meta commands) for the first word, subcommands
 * (CLIENT LIST) for the second word of a container command, else key names under the namespace (keyCompletions).
 */
export async function completions(
  line: string,
  table: CommandTable,
  keys: (partial: string) => Promise<string[]>,
): Promise<[string[], string]> {
  const words = line.split(' ');
  const partial = words.at(-1) ?? '';
  const earlier = words.slice(0, -1).filter(Boolean);
  if (earlier.length === 0) {
    if (partial.startsWith(':')) return [META.filter((m) => m.startsWith(partial)), partial];
    const names = [...table.keys()].map((n) => n.toUpperCase()).filter((n) => quoteArg(n) === n);
    return [matching([...names, ...LOCAL.map((w) => w.toUpperCase())].sort(), partial), partial];
  }
  if (partial.startsWith('"') || partial.startsWith("'")) return [[], partial];
  const first = earlier[0]!.toLowerCase();
  const spec = table.get(first);
  if (earlier.length === 1 && spec?.subcommands) {
    const subs = matching([...spec.subcommands.keys()].map((n) => n.toUpperCase()).sort(), partial);
    if (subs.length) return [subs, partial];
  }
  if (earlier.length === 1 && (first === 'help' || first === ':docs')) {
    return [matching([...table.keys()].map((n) => n.toUpperCase()).sort(), partial), partial];
  }
  return [await keys(partial), partial];
}

/** Clears a terminal the way redis-cli's `clear` does (cursor home, erase the screen). */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

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
    // readline calls a completer with two parameters back (async), so Tab can SCAN for key names.
    const completer = (line: string, done: (err: Error | null, result: [string[], string]) => void): void => {
      completions(line, sb.table, (partial) => keyCompletions(sb.admin, sb.ns, partial)).then(
        (r) => done(null, r),
        () => done(null, [[], line]),
      );
    };
    const typed: string[] = [];
    const input = createLineReader({
      completer,
      history: loadHistory(),
      // Typed at a terminal, a line is already on screen: echoing it again (when stdout is piped) shows it twice.
      echo: process.stdin.isTTY ? () => {} : undefined,
    });
    process.stdout.write(
      c.dim(
        `Commands run inside the sandbox: keys must start with ${sb.ns}. Tab completes commands and keys, :docs CMD shows syntax, :help, :quit.\n`,
      ),
    );
    if (!sb.target.private) {
      const who = sb.target.learner ? `, as the restricted Redis user ${sb.target.learner.user}` : '';
      process.stdout.write(c.dim(`Shared server: only data commands run here${who} (:allowed lists them; --private allows everything).\n`));
    }
    try {
      for (;;) {
        const line = await input.next(`${c.cyan(`redis-learn ${sym.arrow}`)} `);
        if (line === null) {
          // Ctrl-D leaves the cursor after the prompt: end that line before saying goodbye.
          if (input.tty) process.stdout.write('\n');
          break;
        }
        const trimmed = line.trim();
        if (!trimmed) continue;
        typed.push(trimmed);
        if (/^(quit|exit)$/i.test(trimmed)) break;
        if (/^clear$/i.test(trimmed)) {
          if (process.stdout.isTTY) process.stdout.write(CLEAR_SCREEN);
          continue;
        }
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
            for await (const page of scanPages(sb.admin, { match: `${globEscape(sb.ns)}*`, count: 500 })) {
              keys.push(...page.items.filter((k) => insideNamespace(sb.ns, k)));
              if (keys.length >= 50) break;
            }
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
        process.stdout.write(`${rec.error ? c.red(`(error) ${safeText(rec.error)}`) : formatReply(rec.reply, 0, rec.args)}\n`);
        if (res.note) process.stdout.write(`${c.dim(`  ${res.note}`)}\n`);
        const keys = rec.keys.length ? ` · keys: ${rec.keys.map(safeText).join(', ')}` : '';
        process.stdout.write(`${c.dim(`  ${formatMs(rec.ms)}${keys}`)}\n`);
        const args = rec.args;
        const hint = didYouMean(args, rec.error, sb.table);
        if (hint) process.stdout.write(`${c.yellow(`  ${hint}`)}\n`);
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
    process.stdout.write(
      c.dim(
        sb.target.private
          ? 'The private server stops now: the keys you made go with it.\n'
          : `Keys you made stay on the server until: redis-learn reset repl\n`,
      ),
    );
  });
}
