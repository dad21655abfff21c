// A screen that reads like redis-cli (issue #9): reports as lines, arrays one element per line, errors whole with
// "did you mean", tables that fit 80 and 120 columns, progress bars that leave printed lines whole, and the REPL's
// echo, completion, `clear` and goodbye. Real replies from the suite's redis-server throughout.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { renderReport, summarise, type BenchReport, type Measurement } from '../src/benchmarks/report.js';
import { completions, keyCompletions } from '../src/commands/repl.js';
import { commandLine, keyTable, TRANSCRIPT_ITEMS, verdict } from '../src/engine/render.js';
import { commandTable, type CommandTable } from '../src/redis/capabilities.js';
import { formatReply, isReportCommand, reportLines } from '../src/redis/format-reply.js';
import { Recorder, type RecordedCommand } from '../src/redis/recorder.js';
import { didYouMean, editDistance, suggestCommand, suggestFor } from '../src/redis/suggest.js';
import { createProgressBar, printLine, useBarStreams } from '../src/ui/progress-bar.js';
import { fitColumns, renderTable } from '../src/ui/table.js';
import { displayWidth, setColor, stripSgr } from '../src/ui/theme.js';
import { CLI, runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 14;
const NS = 'learn:';
const WIDTHS = [80, 120];

/** Any character that can drive a terminal, newline allowed (multi-line output). */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

let redis: Redis;
let recorded: Redis;
let recorder: Recorder;
let table: CommandTable;

/** Sends one command on the recorded connection and returns what the recorder saw, as a transcript gets it. */
async function record(...args: string[]): Promise<RecordedCommand> {
  recorder.take();
  await recorded.call(args[0]!, ...args.slice(1)).catch(() => undefined);
  const { commands } = recorder.take();
  expect(commands).toHaveLength(1);
  return commands[0]!;
}

function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => displayWidth(stripSgr(l))));
}

beforeAll(async () => {
  setColor(false);
  redis = new Redis(serverUrl(DB));
  await redis.flushdb();
  recorded = new Redis(serverUrl(DB));
  table = await commandTable(recorded);
  recorder = new Recorder(table);
  recorder.attach(recorded);
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
  recorded.disconnect();
});

describe('reports print as lines, like redis-cli', () => {
  it('knows the commands redis-cli prints raw', () => {
    for (const args of [
      ['INFO'],
      ['info', 'server'],
      ['CLIENT', 'LIST'],
      ['client', 'info'],
      ['MEMORY', 'DOCTOR'],
      ['LATENCY', 'DOCTOR'],
    ]) {
      expect(isReportCommand(args), args.join(' ')).toBe(true);
    }
    for (const args of [['GET', 'k'], ['CLIENT', 'GETNAME'], ['LATENCY', 'DOCTOR', 'extra'], ['MEMORY', 'USAGE', 'k'], []]) {
      expect(isReportCommand(args), args.join(' ')).toBe(false);
    }
  });

  it('INFO, CLIENT LIST, MEMORY DOCTOR and LATENCY DOCTOR from the server: one line per line, unquoted, \\r\\n gone', async () => {
    const info = formatReply(await redis.info('server'), 0, ['INFO', 'server']);
    const lines = info.split('\n');
    expect(lines[0]).toBe('# Server');
    expect(lines).toContain('redis_version:7.0.15'.replace('7.0.15', (await redis.info('server')).match(/redis_version:(\S+)/)![1]!));
    expect(lines.length).toBeGreaterThan(10);
    expect(info).not.toMatch(/\\r|\\n|"/);
    expect(info).not.toMatch(RAW);

    const clients = formatReply(await redis.call('CLIENT', 'LIST'), 0, ['CLIENT', 'LIST']).split('\n');
    expect(clients.length).toBeGreaterThanOrEqual(2);
    for (const l of clients) expect(l).toMatch(/^id=\d+ addr=/);

    for (const args of [
      ['MEMORY', 'DOCTOR'],
      ['LATENCY', 'DOCTOR'],
    ]) {
      const text = (await redis.call(args[0]!, args[1]!)) as string;
      expect(text).toContain('\n');
      const shown = formatReply(text, 0, args);
      // As many lines as the report has, with no line end left escaped or quoted.
      expect(shown.split('\n')).toHaveLength(text.replace(/\r?\n$/, '').split(/\r?\n/).length);
      expect(shown).not.toMatch(/\\n|\\r/);
      expect(shown.startsWith('"')).toBe(false);
      expect(shown).not.toMatch(RAW);
    }
  });

  it('keeps every other control and bidi character escaped, a lone \\r included', () => {
    expect(reportLines('a\x1b[2J\r\nb\rc\u202e\n\tx\n')).toEqual(['a\\x1b[2J', 'b\\rc\\u202e', '\\tx']);
    expect(formatReply('x\ny\n', 2, ['INFO'])).toBe('x\n  y');
  });

  it('leaves a GET of a value with newlines as one escaped string', async () => {
    await redis.set(`${NS}nl`, 'one\ntwo');
    expect(formatReply(await redis.get(`${NS}nl`), 0, ['GET', `${NS}nl`])).toBe('"one\\ntwo"');
  });

  it.each(WIDTHS)('puts a report below its command in a transcript, indented (%i columns)', async (width) => {
    const rec = await record('INFO', 'server');
    const lines = commandLine(rec, '  ❯ ', { width }).split('\n');
    expect(lines[0]).toMatch(/^ {2}❯ INFO server\s+\d+\.\d+ ms$/);
    expect(lines[1]).toBe('    # Server');
    expect(lines.slice(1).every((l) => l.startsWith('    '))).toBe(true);
    expect(lines.some((l) => /^ {4}redis_version:/.test(l))).toBe(true);
  });
});

describe('arrays in a transcript', () => {
  it.each(WIDTHS)('a short array stays on one line; a long one goes one element per line below (%i columns)', async (width) => {
    await redis.del(`${NS}short`, `${NS}long`);
    await redis.rpush(`${NS}short`, 'a', 'b');
    await redis.rpush(`${NS}long`, ...Array.from({ length: 30 }, (_, i) => `element-${i}`));
    const short = commandLine(await record('LRANGE', `${NS}short`, '0', '-1'), '  ❯ ', { width });
    expect(short.split('\n')).toHaveLength(1);
    expect(short).toMatch(/1\) "a" 2\) "b"\s+\d+\.\d+ ms$/);

    const long = commandLine(await record('LRANGE', `${NS}long`, '0', '-1'), '  ❯ ', { width }).split('\n');
    expect(long[0]).toMatch(/^ {2}❯ LRANGE learn:long 0 -1\s+\d+\.\d+ ms$/);
    expect(long[1]).toBe('     1) "element-0"');
    expect(long[TRANSCRIPT_ITEMS]).toBe(`    ${TRANSCRIPT_ITEMS}) "element-${TRANSCRIPT_ITEMS - 1}"`);
    expect(long.at(-1)).toBe('    … 10 more items (30 in all)');
    expect(widest(long.join('\n'))).toBeLessThanOrEqual(width);
  });

  it('nests arrays the way redis-cli does', async () => {
    const rec = await record('EVAL', "return {'first', {'a', 'b'}, {'a-much-longer-element-to-overflow', {'deep'}}, 'last'}", '0');
    const all = commandLine(rec, '  ❯ ', { width: 80 }).split('\n');
    // A command this long keeps its own line and its time goes on the next; the elements follow.
    const start = all.findIndex((l) => l.startsWith('    1)'));
    expect(start).toBe(2);
    expect(all[1]).toMatch(/^\s+\d+\.\d+ ms$/);
    expect(all.slice(start)).toEqual([
      '    1) "first"',
      '    2) 1) "a"',
      '       2) "b"',
      '    3) 1) "a-much-longer-element-to-overflow"',
      '       2) 1) "deep"',
      '    4) "last"',
    ]);
  });
});

describe('errors are whole, with a suggestion for an unknown command', () => {
  it('finds the nearest command by edit distance', () => {
    expect(editDistance('HSETT', 'HSET')).toBe(1);
    expect(editDistance('HGTE', 'HGET')).toBe(1); // a swap counts once
    expect(editDistance('kitten', 'sitting')).toBe(3);
    const names = [...table.keys()];
    expect(suggestCommand('HSETT', names)).toBe('HSET');
    expect(suggestCommand('hgte', names)).toBe('HGET');
    expect(suggestCommand('ZRANGEBYSCOR', names)).toBe('ZRANGEBYSCORE');
    expect(suggestCommand('LPUSSH', names)).toBe('LPUSH');
    expect(suggestCommand('GET', names)).toBeNull(); // known: nothing to suggest
    expect(suggestCommand('XYZZYQ', names)).toBeNull(); // nothing close
  });

  it('suggests from the server’s own error: unknown command and unknown subcommand', async () => {
    const cmd = await record('HSETT', `${NS}h`, 'f', 'v');
    expect(cmd.error).toMatch(/unknown command 'HSETT'/);
    expect(suggestFor(cmd.args, cmd.error, table)).toBe('HSET');
    const sub = await record('CLIENT', 'LIS');
    expect(sub.error).toMatch(/unknown subcommand/);
    expect(didYouMean(sub.args, sub.error, table)).toBe('did you mean CLIENT LIST?');
    const arity = await record('GET');
    expect(didYouMean(arity.args, arity.error, table)).toBeNull();
  });

  it.each(WIDTHS)('prints the error on its own line(s), never cut (%i columns)', async (width) => {
    const rec = await record('HSETT', 'a', 'b', 'c');
    const text = commandLine(rec, '  ❯ ', { width, commands: table });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ {2}❯ HSETT a b c\s+\d+\.\d+ ms$/);
    expect(text).not.toContain('…');
    expect(lines.slice(1).join(' ').replace(/\s+/g, ' ')).toContain(
      "(error) ERR unknown command 'HSETT', with args beginning with: 'a' 'b' 'c'",
    );
    expect(lines.at(-1)).toBe('    did you mean HSET?');
    expect(widest(text)).toBeLessThanOrEqual(width);
  });

  it('keeps a hostile error escaped', async () => {
    const rec = await record('EVAL', 'return redis.error_reply(ARGV[1])', '0', 'ERR bad \x1b]0;pwned\x07 \u202e');
    const text = commandLine(rec, '  ❯ ', { width: 80, commands: table });
    expect(text).toContain('ERR bad \\x1b]0;pwned\\a \\u202e');
    expect(text).not.toMatch(RAW);
  });
});

describe('tables fit the terminal', () => {
  it('shrinks the least important columns first, then hides droppable ones, and gives room back', () => {
    // natural widths, heads of 3: 20 + 30 + 10 content, 3 × 2 padding, 4 borders = 70.
    expect(fitColumns([20, 30, 10], [], [3, 3, 3], 70)).toEqual([20, 30, 10]);
    // Default: the widest column is cut.
    expect(fitColumns([20, 30, 10], [], [3, 3, 3], 60)).toEqual([20, 20, 10]);
    // The low-priority column goes to its minimum first, then a droppable one is hidden and the room given back.
    const specs = [{ priority: 5 }, { priority: 0, minWidth: 12 }, { priority: 1, drop: true }];
    expect(fitColumns([20, 30, 10], specs, [3, 3, 3], 62)).toEqual([20, 22, 10]);
    expect(fitColumns([20, 30, 10], specs, [3, 3, 3], 44)).toEqual([20, 17, null]);
  });

  it.each(WIDTHS)('renderTable: no line wider than %i columns, one line per row, cells cut with …', (width) => {
    const rows = [
      ['1', 'x'.repeat(300), 'short', '日本語'.repeat(30)],
      ['2', 'line one\nline two\r\nthree', '🙂'.repeat(50), 'café'],
    ];
    const t = renderTable(['#', 'long', 'emoji', 'cjk'], rows, { indent: 2, width });
    const lines = t.split('\n');
    expect(lines).toHaveLength(rows.length + 3);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    // Borders line up: every line is as wide as the top border.
    for (const l of lines) expect(displayWidth(l)).toBe(displayWidth(lines[0]!));
    expect(t).toContain('…');
    expect(t).toContain('line one\\nline two\\r\\nthree'.slice(0, 8));
    expect(t).not.toMatch(RAW);
  });

  it.each(WIDTHS)('the race table (default specs) fits %i columns', (width) => {
    const t = renderTable(
      ['version', '50 clients', 'expected', 'actual', 'difference', 'time'],
      [
        ['GET then SET from each client (read-modify-write in the application)', 'naive', '50 views', '9 views', '✗ -41 views', '3.21 ms'],
        ['INCR (one atomic command)', 'atomic', '50 views', '50 views', '✓ exact', '1.10 ms'],
      ],
      { indent: 2, width },
    );
    expect(widest(t)).toBeLessThanOrEqual(width);
    expect(t).toContain('✗ -41 views');
    expect(t).toContain('✓ exact');
  });

  it.each(WIDTHS)('keyTable fits %i columns; previews that leave members out end with …', async (width) => {
    const long = `${NS}user:1001:profile:with:a:rather:long:descriptive:name`;
    const p = redis.pipeline();
    p.hset(long, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field${i}`, `v${i}`])));
    p.del(`${NS}list`, `${NS}one`, `${NS}set`, `${NS}zset`, `${NS}str`, `${NS}stream`);
    p.rpush(`${NS}list`, ...Array.from({ length: 50 }, (_, i) => `item${i}`));
    p.rpush(`${NS}one`, 'only');
    p.sadd(`${NS}set`, ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    p.zadd(`${NS}zset`, ...Array.from({ length: 15 }, (_, i) => [i, `z${i}`]).flat());
    p.set(`${NS}str`, `${'long text '.repeat(30)}\nwith a newline`);
    p.xadd(`${NS}stream`, '*', 'f', 'v');
    await p.exec();
    const keys = [long, `${NS}list`, `${NS}one`, `${NS}set`, `${NS}zset`, `${NS}str`, `${NS}stream`, `${NS}nl`];
    const t = (await keyTable(redis, keys, 50, width))!;
    const lines = t.split('\n');
    expect(lines).toHaveLength(keys.length + 3);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    expect(t).toContain(long.slice(0, 20));
    expect(t).not.toMatch(RAW);
    // Wide enough to read the previews whole: dropped members show as …, a newline stays escaped, "1 item".
    const wide = (await keyTable(redis, keys, 50, 400))!;
    expect(wide).toMatch(/50 items: item0, item1, item2, …/);
    expect(wide).toMatch(/10 fields: field0=v0 field1=v1 field2=v2 …/);
    expect(wide).toMatch(/20 members: \S+, \S+, \S+, …/);
    expect(wide).toMatch(/15 members: z0:0 z1:1 z2:2 …/);
    expect(wide).toMatch(/1 item: only +│/);
    expect(wide).toMatch(/1 entry +│/);
    expect(wide).toContain('"one\\ntwo"'.slice(1, -1));
    expect(wide.split('\n')).toHaveLength(keys.length + 3);
  });

  it('keyTable and verdicts count in words that agree with the number', async () => {
    const keys = Array.from({ length: 3 }, (_, i) => `${NS}k${i}`);
    await redis.mset(Object.fromEntries(keys.map((k) => [k, 'v'])));
    expect(await keyTable(redis, keys, 2, 80)).toMatch(/… and 1 more key$/);
    expect(await keyTable(redis, [...keys, `${NS}str`], 2, 80)).toMatch(/… and 2 more keys$/);
    expect(verdict({ pass: true, expected: '', actual: 'ok' }, { earned: 1, max: 1 })).toMatch(/1\/1 pt$/);
    expect(verdict({ pass: true, expected: '', actual: 'ok' }, { earned: 1, max: 2 })).toMatch(/1\/2 pts$/);
  });

  it.each(WIDTHS)('the bench table and chart fit %i columns and keep what a reader compares', (width) => {
    const m = (over: Partial<Measurement>): Measurement => ({
      strategy: 'pipeline',
      batch: 1000,
      records: 100_000,
      commands: 500_000,
      seconds: 0.5,
      latenciesMs: [1, 2, 3],
      clientCpuS: 0.4,
      serverCpuS: 0.1,
      usedMemoryDelta: 6_000_000,
      verified: true,
      ...over,
    });
    const report: BenchReport = {
      workload: 'set',
      records: 100_000,
      server: { version: '7.0.15', private: true },
      results: [
        summarise(m({ strategy: 'sequential', batch: null, seconds: 20 })),
        summarise(m({ batch: 10_000 })),
        summarise(m({ strategy: 'lua-script', batch: 1000, seconds: 0.8 })),
        summarise(m({ strategy: 'raw', batch: null, seconds: 0.3 })),
      ],
      ceiling: { command: 'redis-benchmark -P 100 -c 1 -r 100000 -n 100000 -t set -q --csv', setPerSec: 1_234_567 },
    };
    const text = renderReport(report, 'keys', width);
    expect(widest(text)).toBeLessThanOrEqual(width);
    for (const h of ['strategy', 'keys/s', '× sequential', 'verified']) expect(text).toContain(h);
    expect(text).toMatch(/raw +█+/);
    if (width === 80) expect(text).toMatch(/hidden to\s+fit 80 columns; --json has every column/);
  });

  for (const width of WIDTHS) {
    it(`\`lessons\` and \`quiz --list\` fit ${width} columns`, async () => {
      const env = { XDG_CONFIG_HOME: tempConfigHome(), COLUMNS: String(width) };
      for (const args of [['lessons'], ['quiz', '--list']]) {
        const r = await runCli(args, { env });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('│');
        expect(widest(r.stdout), args.join(' ')).toBeLessThanOrEqual(width);
      }
    });
  }
});

describe('progress bars', () => {
  it('keep line wrap on and never jump back over lines printed meanwhile', async () => {
    const drawn: string[] = [];
    const printed: string[] = [];
    const bar = { isTTY: true, columns: 60, write: (s: string) => drawn.push(s) };
    useBarStreams({ bar, out: { write: (s: string) => printed.push(s) } });
    try {
      const b = await createProgressBar(5, 'a label long enough to push the bar past the edge of the screen');
      const line = `a long line ${'0123456789'.repeat(12)} END`;
      for (let i = 0; i < 5; i++) {
        printLine(line);
        b.tick();
      }
      b.stop();
      expect(printed).toEqual(Array(5).fill(`${line}\n`));
      const all = drawn.join('');
      expect(all).not.toContain('\x1b[?7l'); // line wrap never turned off
      expect(all).not.toMatch(/\x1b[78]/); // no cursor save/restore
      expect(all).toContain('\r\x1b[2K'); // printLine cleared the bar's line first
      // What the bar draws is cut to the terminal's width, so it never wraps itself.
      const texts = all.split(/\r|\x1b\[[0-9;?]*[A-Za-z]/);
      expect(texts.some((t) => t.includes('a label'))).toBe(true);
      for (const t of texts) expect(displayWidth(t)).toBeLessThanOrEqual(60);
    } finally {
      useBarStreams(null);
    }
  });
});

describe('the REPL', () => {
  it('completes command names, subcommands and keys inside the namespace only', async () => {
    const p = redis.pipeline();
    for (const k of ['tab:1', 'tab:2', 'tabs', 'other']) p.set(`${NS}${k}`, 'x');
    p.set('outside:tab:3', 'x');
    p.set(`${NS}tab: spaced`, 'x');
    p.set(`${NS}tab:\x1b[2J`, 'x');
    await p.exec();
    const keys = (partial: string) => keyCompletions(redis, NS, partial);
    // Redis 8 adds HSETEX: every command that starts with what was typed, in lower case as typed.
    const [hse, typed] = await completions('hse', table, keys);
    expect(typed).toBe('hse');
    expect(hse).toEqual(expect.arrayContaining(['hset', 'hsetnx']));
    expect(hse.every((n) => n.startsWith('hse'))).toBe(true);
    expect((await completions('HGETA', table, keys))[0]).toEqual(['HGETALL']);
    expect((await completions('CLIENT LI', table, keys))[0]).toEqual(['LIST']);
    expect((await completions(':k', table, keys))[0]).toEqual([':keys']);
    expect((await completions('cle', table, keys))[0]).toContain('clear');
    expect(await completions('GET learn:ta', table, keys)).toEqual([['learn:tab:1', 'learn:tab:2', 'learn:tabs'], 'learn:ta']);
    // The start of the namespace offers keys under it; nothing outside it, nothing that would need quoting.
    const all = (await completions('GET le', table, keys))[0];
    expect(all).toContain('learn:other');
    expect(all.every((k) => k.startsWith(NS) && !/[\s\x00-\x1f]/.test(k))).toBe(true);
    expect((await completions('GET outside:', table, keys))[0]).toEqual([]);
    expect((await completions('SET learn:x "quoted', table, keys))[0]).toEqual([]);
    // Bounded: at most `limit` names.
    expect(await keyCompletions(redis, NS, NS, 2)).toHaveLength(2);
  });

  it('piped: each line echoed once, reports as lines, errors whole with a suggestion, `clear` not sent', async () => {
    const input = 'SET learn:echo 1\nHSETT a b c\nclear\nINFO server\n';
    const r = await runCli(['repl', '--url', serverUrl(DB)], { env: { XDG_CONFIG_HOME: tempConfigHome() }, input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/SET learn:echo 1/g)).toHaveLength(1);
    expect(r.stdout).toContain("(error) ERR unknown command 'HSETT', with args beginning with: 'a' 'b' 'c'");
    expect(r.stdout).toContain('did you mean HSET?');
    expect(r.stdout).not.toMatch(/unknown command 'clear'/i);
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(r.stdout).toMatch(/\n# Server\nredis_version:/);
    // A shared server keeps the keys: say how to remove them.
    expect(r.stdout).toContain('stay on the server until: redis-learn reset repl');
  });

  it('on a private server: suggests subcommands, says the keys go with it, and `quit` leaves', async () => {
    const input = 'SET learn:p 1\nCLIENT LIS\nquit\nGET learn:p\n';
    const r = await runCli(['repl', '--private'], { env: { XDG_CONFIG_HOME: tempConfigHome() }, input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(error) ERR unknown subcommand 'LIS'. Try CLIENT HELP.");
    expect(r.stdout).toContain('did you mean CLIENT LIST?');
    expect(r.stdout).toContain('The private server stops now: the keys you made go with it.');
    expect(r.stdout).not.toContain('reset repl');
    expect(r.stdout).not.toContain('GET learn:p');
  });

  it('typed at a terminal with stdout piped, a line shows once (the terminal’s echo), not twice', async () => {
    // `script` gives the REPL a real terminal on stdin while its stdout goes through a pipe (| cat).
    const home = tempConfigHome();
    const child = spawn('script', ['-qec', `"${process.execPath}" "${CLI}" repl --url "${serverUrl(DB)}" | cat`, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const seen: (() => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const f of seen) f();
    });
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${JSON.stringify(out)}`)), 20_000);
        const check = () => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          seen.splice(seen.indexOf(check), 1);
          resolve();
        };
        seen.push(check);
        check();
      });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(/Tab completes/);
    child.stdin.write('SET learn:tty 1\r');
    await waitFor(/keys: learn:tty/);
    child.stdin.write('\x04');
    expect(await closed).toBe(0);
    expect(out.match(/SET learn:tty 1/g), JSON.stringify(out)).toHaveLength(1);
    expect(out).toMatch(/\bOK\b/);
  });
});
