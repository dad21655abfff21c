// Terminal safety of everything the server sends: control characters, C1 controls and bidi overrides in keys and
// values are shown escaped the way redis-cli shows them, never written raw; replies nested too deep are cut, not a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { commandLine, keyTable, verdict } from '../src/engine/render.js';
import { commandTable } from '../src/redis/capabilities.js';
import {
  clipText,
  formatReply,
  formatReplyInline,
  jsonText,
  MAX_REPLY_DEPTH,
  NESTED_DEEPER,
  replyToJson,
  safeText,
} from '../src/redis/format-reply.js';
import { Recorder, type RecordedCommand } from '../src/redis/recorder.js';
import { commandLine as echo, quoteArg, tokenize } from '../src/redis/tokenize.js';
import { renderTable } from '../src/ui/table.js';
import { setColor } from '../src/ui/theme.js';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

const DB = 13;
const NS = 'learn:';

/** Each hostile string with the escaped form redis-cli would show. */
const EVIL: [name: string, raw: string, shown: string][] = [
  ['clear screen (CSI 2J)', '\x1b[2J', '\\x1b[2J'],
  ['retitle (OSC 0 … BEL)', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\a'],
  ['C1 CSI', '\u009b31m', '\\u009b31m'],
  ['right-to-left override', '\u202e', '\\u202e'],
  ['carriage return', '\r', '\\r'],
  ['newline', '\n', '\\n'],
  ['NUL', '\x00', '\\x00'],
  ['tab', '\t', '\\t'],
  ['DEL', '\x7f', '\\x7f'],
  ['bidi isolate', '\u2066', '\\u2066'],
  ['colour (SGR red)', '\x1b[31m', '\\x1b[31m'],
  ['backspace', '\b', '\\b'],
];

const PLAIN = ['café', '日本', '🙂'];

/** Any character that can drive a terminal or reorder a line. */
const RAW_INLINE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;
/** The same for multi-line output, where newline separates lines. */
const RAW_MULTILINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;
/** Our own colour sequences (the only escapes allowed, and only with colour on). */
const SGR = /\x1b\[[0-9;]*m/g;

function rawIn(s: string, re: RegExp): string | null {
  const m = re.exec(s);
  return m
    ? `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index} in ${JSON.stringify(s.slice(Math.max(0, m.index - 20), m.index + 20))}`
    : null;
}

const keyOf = (i: number) => `${NS}evil:${i}:${EVIL[i]![1]}`;
const valueOf = (i: number) => `<${EVIL[i]![1]}>`;

let redis: Redis;
let recorded: Redis;
let recorder: Recorder;

beforeAll(async () => {
  setColor(false);
  redis = new Redis(serverUrl(DB));
  await redis.flushdb();
  const p = redis.pipeline();
  EVIL.forEach((_, i) => p.set(keyOf(i), valueOf(i)));
  const all = EVIL.map(([, raw]) => raw);
  p.hset(`${NS}h:\x1b[2J`, Object.fromEntries(all.map((raw, i) => [`f${i}${raw}`, `v${raw}`])));
  p.rpush(`${NS}l:\x1b]0;pwned\x07`, ...all);
  p.sadd(`${NS}s:\u009b31m`, ...all);
  p.zadd(`${NS}z:\u202e`, ...all.flatMap((raw, i) => [i, `m${raw}`]));
  p.xadd(`${NS}x:\r`, '*', 'f\x1b[2J', 'v\x1b]0;pwned\x07');
  p.set(`${NS}evil`, EVIL.map(([, raw]) => raw).join(''));
  PLAIN.forEach((s) => p.set(`${NS}plain:${s}`, `${s}!`));
  await p.exec();
  recorded = new Redis(serverUrl(DB));
  recorder = new Recorder(await commandTable(recorded));
  recorder.attach(recorded);
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
  recorded.disconnect();
  setColor(false);
});

describe('safeText', () => {
  it.each(EVIL)('escapes %s like redis-cli', (_name, raw, shown) => {
    expect(safeText(raw)).toBe(shown);
    expect(safeText(`a${raw}b`)).toBe(`a${shown}b`);
    expect(rawIn(safeText(raw), RAW_INLINE)).toBeNull();
    // Escaping what is already escaped changes nothing: a second pass (another layer) cannot garble it.
    expect(safeText(safeText(raw))).toBe(shown);
  });

  it('escapes every C0, DEL, C1 and bidi control, and lone surrogates', () => {
    const controls = [
      ...Array.from({ length: 0x20 }, (_, i) => i),
      ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
      0x61c,
      0x200e,
      0x200f,
      0x2028,
      0x2029,
      0x202a,
      0x202b,
      0x202c,
      0x202d,
      0x202e,
      0x2066,
      0x2067,
      0x2068,
      0x2069,
    ];
    for (const code of controls) {
      const out = safeText(String.fromCodePoint(code));
      expect(rawIn(out, RAW_INLINE), `U+${code.toString(16)}`).toBeNull();
      expect(out.startsWith('\\'), `U+${code.toString(16)}`).toBe(true);
    }
    expect(safeText('a\ud800b')).toBe('a\\ud800b');
    expect(safeText('\udfff')).toBe('\\udfff');
  });

  it('leaves ordinary text as is: ASCII, backslashes, quotes, accents, CJK, emoji, combining marks', () => {
    for (const s of ['hello world', 'a\\x1b "quoted"', 'café', '日本', '🙂', '👩‍💻', 'e\u0301', 'עברית', 'Ω≈ç√']) {
      expect(safeText(s)).toBe(s);
    }
  });

  it('quotes command arguments holding any unsafe character, and they read back through tokenize', () => {
    for (const [, raw] of EVIL) {
      const q = quoteArg(`k${raw}`);
      expect(q.startsWith('"')).toBe(true);
      expect(rawIn(q, RAW_INLINE)).toBeNull();
      // ASCII escapes are the ones redis-cli (and our tokenizer) read back.
      if (raw.codePointAt(0)! < 0x80) expect(tokenize(`GET ${q}`)).toEqual(['GET', `k${raw}`]);
    }
    for (const s of PLAIN) expect(quoteArg(s)).toBe(s);
  });

  it('cuts a shown line before an escape, never inside one, and never inside a surrogate pair', () => {
    expect(clipText('abc\\x1b[2J', 6)).toBe('abc…');
    expect(clipText('abc\\u202e', 8)).toBe('abc…');
    expect(clipText('abc\\ndef', 5)).toBe('abc…');
    expect(clipText('ab\\\\cdef', 5)).toBe('ab\\\\…');
    expect(clipText('ab🙂cd', 4)).toBe('ab…');
    expect(clipText('short', 10)).toBe('short');
    const inline = formatReplyInline('\x1b[2J\x1b[2J\x1b[2J\x1b[2J', 12);
    expect(inline).toBe('"\\x1b[2J…');
  });
});

describe('replies from the server', () => {
  it('GET of every hostile key shows the value escaped and quoted, in the multi-line and inline forms', async () => {
    for (let i = 0; i < EVIL.length; i++) {
      const reply = await redis.get(keyOf(i));
      expect(reply).toBe(valueOf(i));
      const shown = EVIL[i]![2];
      const multi = formatReply(reply);
      const inline = formatReplyInline(reply, 200);
      expect(multi).toBe(`"<${shown}>"`);
      expect(inline).toBe(`"<${shown}>"`);
      expect(rawIn(multi, RAW_INLINE)).toBeNull();
      expect(rawIn(inline, RAW_INLINE)).toBeNull();
    }
  });

  it('KEYS, MGET, HGETALL, LRANGE, SMEMBERS, ZRANGE WITHSCORES, XRANGE and SCAN replies carry no raw control character', async () => {
    const replies: unknown[] = [
      await redis.keys(`${NS}*`),
      await redis.mget(EVIL.map((_, i) => keyOf(i))),
      await redis.hgetall(`${NS}h:\x1b[2J`),
      await redis.call('HGETALL', `${NS}h:\x1b[2J`),
      await redis.lrange(`${NS}l:\x1b]0;pwned\x07`, 0, -1),
      await redis.smembers(`${NS}s:\u009b31m`),
      await redis.zrange(`${NS}z:\u202e`, '0', '-1', 'WITHSCORES'),
      await redis.xrange(`${NS}x:\r`, '-', '+'),
      await redis.scan('0', 'MATCH', `${NS}*`, 'COUNT', 1000),
      await redis.get(`${NS}evil`),
    ];
    for (const reply of replies) {
      const multi = formatReply(reply);
      expect(rawIn(multi, RAW_MULTILINE)).toBeNull();
      for (const line of multi.split('\n')) expect(rawIn(line, RAW_INLINE)).toBeNull();
      expect(rawIn(formatReplyInline(reply, 10_000), RAW_INLINE)).toBeNull();
      expect(rawIn(formatReplyInline(reply, 40), RAW_INLINE)).toBeNull();
    }
    // Each hostile string shows in its escaped form: the list holds them all.
    const list = formatReply(replies[4]);
    for (const [, , shown] of EVIL) expect(list).toContain(`"${shown}"`);
    expect(formatReplyInline(replies[7], 10_000)).toContain('"f\\x1b[2J" "v\\x1b]0;pwned\\a"');
    // One multi-line reply has exactly one line per element: an embedded newline cannot add lines.
    expect(list.split('\n')).toHaveLength(EVIL.length);
  });

  it('escapes status and error replies too', async () => {
    const status = await redis.eval('return redis.status_reply(ARGV[1])', 0, 'fine\x1b[2J\u009b31m');
    expect(formatReply(status)).toBe('"fine\\x1b[2J\\u009b31m"');
    const err = await redis.eval('return redis.error_reply(ARGV[1])', 0, 'ERR bad \x1b]0;pwned\x07 \u202e').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const shown = formatReply(err);
    expect(shown).toMatch(/^\(error\) ERR bad \\x1b\]0;pwned\\a \\u202e$/);
    expect(rawIn(formatReplyInline(err, 200), RAW_INLINE)).toBeNull();
    expect(formatReply(['ok', err])).toContain('2) (error) ERR bad \\x1b]0;pwned\\a');
  });

  it('shows ordinary UTF-8 unchanged', async () => {
    for (const s of PLAIN) {
      const reply = await redis.get(`${NS}plain:${s}`);
      expect(formatReply(reply)).toBe(`"${s}!"`);
      expect(formatReplyInline(reply)).toBe(`"${s}!"`);
    }
    const keys = (await redis.keys(`${NS}plain:*`)).sort();
    expect(formatReply(keys)).toBe(
      PLAIN.map((s, i) => `${i + 1}) "${NS}plain:${s}"`)
        .sort()
        .join('\n'),
    );
  });

  it('keeps --json output raw data: the exact bytes stored, which JSON escaping makes safe', async () => {
    const reply = await redis.lrange(`${NS}l:\x1b]0;pwned\x07`, 0, -1);
    const json = replyToJson(reply);
    expect(json).toEqual(EVIL.map(([, raw]) => raw));
    const text = JSON.stringify(json);
    // JSON.stringify escapes C0 controls; DEL, C1 and bidi characters it keeps raw (jsonText escapes those too).
    expect(text).not.toMatch(/[\x00-\x1f]/);
    expect(JSON.parse(text)).toEqual(EVIL.map(([, raw]) => raw));
    // jsonText: the same JSON data, with nothing a terminal could act on even when --json output is not redirected.
    const safe = jsonText(json, 2);
    expect(rawIn(safe, RAW_MULTILINE)).toBeNull();
    expect(JSON.parse(safe)).toEqual(EVIL.map(([, raw]) => raw));
    expect(safe).toContain('"\\u009b31m"');
    expect(jsonText({ s: 'café 日本 🙂' })).toBe('{"s":"café 日本 🙂"}');
    expect(replyToJson(await redis.hgetall(`${NS}h:\x1b[2J`))).toEqual(
      Object.fromEntries(EVIL.map(([, raw], i) => [`f${i}${raw}`, `v${raw}`])),
    );
  });
});

describe('key tables', () => {
  async function table(): Promise<string> {
    const keys = (await redis.keys(`${NS}*`)).sort();
    // Wide enough for every preview: this test is about escaping; fitting the width is test/screen.test.ts.
    const t = await keyTable(redis, keys, 100, 240);
    expect(t).not.toBeNull();
    return t!;
  }

  it('shows key names, types and value previews of every type escaped, with no raw control character', async () => {
    const t = await table();
    expect(rawIn(t, RAW_MULTILINE)).toBeNull();
    // One line per key plus the borders and the header: an embedded newline cannot add rows.
    const keys = await redis.keys(`${NS}*`);
    expect(t.split('\n')).toHaveLength(keys.length + 3);
    for (let i = 0; i < EVIL.length; i++) {
      const [, , shown] = EVIL[i]!;
      expect(t).toContain(`${NS}evil:${i}:${shown}`);
      expect(t).toContain(`<${shown}>`);
    }
    expect(t).toContain(`${NS}h:\\x1b[2J`);
    expect(t).toContain(`${NS}l:\\x1b]0;pwned\\a`);
    expect(t).toContain(`${NS}s:\\u009b31m`);
    expect(t).toContain(`${NS}z:\\u202e`);
    expect(t).toContain(`${NS}x:\\r`);
    expect(t).toMatch(/\bf0\\x1b\[2J=v\\x1b\[2J/); // hash field=value
    expect(t).toMatch(/items: \\x1b\[2J, \\x1b\]0;pwned\\a/); // list items
    expect(t).toMatch(/members: m\\x1b\[2J:0 /); // zset members
    for (const s of PLAIN) {
      expect(t).toContain(`${NS}plain:${s}`);
      expect(t).toContain(`${s}!`);
    }
  });

  it('with colour on, lets only our own colour sequences through', async () => {
    setColor(true);
    try {
      const t = await table();
      expect(t).toMatch(SGR);
      expect(rawIn(t.replace(SGR, ''), RAW_MULTILINE)).toBeNull();
      // A key named with a colour sequence shows it as text, not as colour.
      expect(t).toContain(`${NS}evil:10:\\x1b[31m`);
      const r = renderTable(['name\x1b[2J'], [['\x1b[31mred\x1b]0;pwned\x07'], [`\u009b2J`]]);
      expect(rawIn(r.replace(SGR, ''), RAW_MULTILINE)).toBeNull();
    } finally {
      setColor(false);
    }
  });

  it('renderTable escapes every cell, so lesson tables of server values are safe too', () => {
    const rows = EVIL.map(([, raw], i) => [String(i), `x${raw}y`]);
    const t = renderTable(['#', 'value'], rows);
    expect(t).not.toMatch(/\x1b/);
    expect(rawIn(t, RAW_MULTILINE)).toBeNull();
    expect(t.split('\n')).toHaveLength(EVIL.length + 3);
    for (const [, , shown] of EVIL) expect(t).toContain(`x${shown}y`);
  });
});

describe('transcript lines and verdicts', () => {
  it('echo the command and its reply escaped, from what the recorder saw on a real connection', async () => {
    recorder.take();
    for (let i = 0; i < EVIL.length; i++) {
      await recorded.set(`${NS}echo:${EVIL[i]![1]}`, `v${EVIL[i]![1]}`);
      await recorded.get(`${NS}echo:${EVIL[i]![1]}`);
    }
    await recorded.hgetall(`${NS}h:\x1b[2J`);
    await recorded.lrange(`${NS}l:\x1b]0;pwned\x07`, 0, -1);
    await recorded.call('NOSUCHCOMMAND', '\x1b[2J').catch(() => undefined);
    const { commands } = recorder.take();
    expect(commands).toHaveLength(EVIL.length * 2 + 3);
    for (const rec of commands) {
      const line = commandLine(rec);
      for (const part of line.split('\n')) expect(rawIn(part, RAW_INLINE)).toBeNull();
    }
    for (let i = 0; i < EVIL.length; i++) {
      const [, , shown] = EVIL[i]!;
      expect(commandLine(commands[i * 2]!)).toContain(`SET "${NS}echo:${shown}" "v${shown}"`);
      const get = commandLine(commands[i * 2 + 1]!);
      expect(get).toContain(`GET "${NS}echo:${shown}"`);
      expect(get).toContain(`"v${shown}"`);
    }
    expect(commands.at(-1)!.error).toBeDefined();
    expect(rawIn(commandLine(commands.at(-1)!), RAW_MULTILINE)).toBeNull();
  });

  it('escape a command line that reached the transcript unescaped, and keep plain UTF-8', () => {
    const rec = (command: string, reply: unknown): RecordedCommand => ({ command, args: [], reply, ms: 0.1, keys: [], write: false });
    const line = commandLine(rec('GET \x1b[2J\x1b]0;pwned\x07', 'a\u009b31m\u202e'));
    expect(rawIn(line, RAW_INLINE)).toBeNull();
    expect(line).toContain('GET \\x1b[2J\\x1b]0;pwned\\a');
    expect(line).toContain('"a\\u009b31m\\u202e"');
    const plain = commandLine(rec(echo(['SET', 'café', '日本🙂']), 'OK'));
    expect(plain).toContain('SET café 日本🙂');
  });

  it('escape server values quoted in verdicts', () => {
    for (const [, raw, shown] of EVIL) {
      const fail = verdict({ pass: false, expected: `value ok`, actual: `value ${raw}` });
      const pass = verdict({ pass: true, expected: '', actual: `value ${raw}` }, { earned: 1, max: 1 });
      expect(rawIn(fail, RAW_INLINE)).toBeNull();
      expect(rawIn(pass, RAW_INLINE)).toBeNull();
      expect(fail).toContain(`found value ${shown}`);
      expect(pass).toContain(`value ${shown}`);
    }
    expect(verdict({ pass: true, expected: '', actual: 'café 日本 🙂' })).toContain('café 日本 🙂');
  });
});

describe('deep nesting', () => {
  function nested(depth: number, leaf: unknown = 'bottom'): unknown {
    let r: unknown = leaf;
    for (let i = 0; i < depth; i++) r = [r];
    return r;
  }

  it(`shows ${MAX_REPLY_DEPTH} levels in full and cuts the next one with an ellipsis`, () => {
    const fits = formatReply(nested(MAX_REPLY_DEPTH));
    expect(fits).not.toContain(NESTED_DEEPER);
    expect(fits).toBe(`${'1) '.repeat(MAX_REPLY_DEPTH)}"bottom"`);
    const cut = formatReply(nested(MAX_REPLY_DEPTH + 1));
    expect(cut).toBe(`${'1) '.repeat(MAX_REPLY_DEPTH)}${NESTED_DEEPER}`);
    expect(formatReplyInline(nested(MAX_REPLY_DEPTH), 200)).toBe(
      `1) ${'['.repeat(MAX_REPLY_DEPTH - 1)}"bottom"${']'.repeat(MAX_REPLY_DEPTH - 1)}`,
    );
    expect(formatReplyInline(nested(MAX_REPLY_DEPTH + 1), 200)).toContain(NESTED_DEEPER);
    expect(JSON.stringify(replyToJson(nested(MAX_REPLY_DEPTH)))).toBe(
      `${'['.repeat(MAX_REPLY_DEPTH)}"bottom"${']'.repeat(MAX_REPLY_DEPTH)}`,
    );
    expect(JSON.stringify(replyToJson(nested(MAX_REPLY_DEPTH + 1)))).toContain(`{"truncated":"${NESTED_DEEPER}"}`);
  });

  it('does not throw or blow the stack on an array nested 10,000 (and 200,000) levels deep', () => {
    for (const depth of [10_000, 200_000]) {
      const deep = nested(depth, '\x1b[2J');
      let multi = '';
      let inline = '';
      let json = '';
      expect(() => {
        multi = formatReply(deep);
        inline = formatReplyInline(deep, 80);
        json = JSON.stringify(replyToJson(deep));
      }).not.toThrow();
      expect(multi).toContain(NESTED_DEEPER);
      expect(multi.split('\n')).toHaveLength(1);
      expect(multi.length).toBeLessThan(100);
      expect(inline).toContain(NESTED_DEEPER);
      expect(inline.length).toBeLessThanOrEqual(80);
      expect(json).toContain(NESTED_DEEPER);
      expect(json.length).toBeLessThan(100);
    }
  });

  it('cuts deep branches of a wide reply, objects (HGETALL-style) included, and shows the rest', () => {
    const reply = ['top', nested(20, 'deep'), { field: nested(20, 'x') }, 'last\x1b[2J'];
    const multi = formatReply(reply);
    expect(multi.split('\n')[0]).toBe('1) "top"');
    expect(multi).toContain(NESTED_DEEPER);
    expect(multi).toContain('4) "last\\x1b[2J"');
    expect(rawIn(multi, RAW_MULTILINE)).toBeNull();
    const inline = formatReplyInline(reply, 10_000);
    expect(inline.startsWith('1) "top" 2) [[')).toBe(true);
    expect(inline).toContain('4) "last\\x1b[2J"');
    const json = replyToJson(reply) as unknown[];
    expect(json[0]).toBe('top');
    expect(json[3]).toBe('last\x1b[2J');
    expect(JSON.stringify(json)).toContain(NESTED_DEEPER);
  });

  it('cuts a nested Lua table the server really returns (EVAL, 200 and 1,000 levels)', async () => {
    for (const depth of [200, 1000]) {
      const reply = await redis.eval(`local t = {} local c = t for i=1,${depth} do local n = {} c[1] = n c = n end return t`, 0);
      let seen = 0;
      for (let r = reply; Array.isArray(r) && r.length > 0; r = r[0]) seen++;
      expect(seen).toBe(depth);
      expect(formatReply(reply)).toBe(`${'1) '.repeat(MAX_REPLY_DEPTH)}${NESTED_DEEPER}`);
      expect(formatReplyInline(reply, 80)).toContain(NESTED_DEEPER);
      expect(JSON.stringify(replyToJson(reply))).toContain(NESTED_DEEPER);
    }
    // A shallow table from a script still shows in full.
    const shallow = await redis.eval("return {'a', {'b', {'c\\27[2J'}}}", 0);
    expect(formatReply(shallow)).toBe('1) "a"\n2) 1) "b"\n   2) 1) "c\\x1b[2J"');
    expect(formatReplyInline(shallow)).toBe('1) "a" 2) ["b" ["c\\x1b[2J"]]');
  });
});

describe('the built CLI', () => {
  it('REPL: GET of a hostile value and :keys with a key named with escape sequences print no raw ESC', async () => {
    await redis.set(`${NS}\x1b[2J\x1b]0;pwned\x07`, 'name\x1b[2J');
    const home = tempConfigHome();
    // The hostile key name is typed the way redis-cli reads it: escapes inside double quotes.
    const input = 'GET learn:evil\n:keys\nGET "learn:\\x1b[2J\\x1b]0;pwned\\x07"\n:quit\n';
    const r = await runCli(['repl', '--url', serverUrl(DB)], { env: { XDG_CONFIG_HOME: home }, input });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    // NO_COLOR=1 is set by runCli: any ESC at all would be a leak.
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(rawIn(r.stdout, RAW_MULTILINE)).toBeNull();
    // GET shows the stored value escaped and quoted, like redis-cli.
    expect(r.stdout).toContain(`"${EVIL.map(([, , shown]) => shown).join('')}"`);
    // :keys lists the hostile key names and values escaped.
    expect(r.stdout).toContain(`${NS}\\x1b[2J\\x1b]0;pwned\\a`);
    expect(r.stdout).toContain('name\\x1b[2J');
    expect(r.stdout).toContain(`${NS}h:\\x1b[2J`);
    expect(r.stdout).toContain(`${NS}plain:café`);
    // The second GET replies with the value of the hostile key, and names that key escaped.
    expect(r.stdout).toContain('"name\\x1b[2J"');
    expect(r.stdout).toMatch(/keys: learn:\\x1b\[2J\\x1b\]0;pwned\\a/);
  });
});
