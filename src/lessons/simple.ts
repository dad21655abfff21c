// Lesson 1 (Beginner): strings, counters, expiry, MSET/MGET, JSON-in-a-string, key naming and SCAN.
import type { Redis } from 'ioredis';
import { loadedModules } from '../redis/capabilities.js';
import { tokenize } from '../redis/tokenize.js';
import {
  all,
  noTtl,
  ranCommands,
  stringEquals,
  ttlBetween,
  writesSince,
  writesTo,
  writtenOnlyBy,
  type RanCommand,
  type Restart,
} from '../engine/checks.js';
import type { Check, Lesson, LessonContext } from '../engine/types.js';
import { incrementAtomically, incrementByReadWrite } from '../patterns/simple-counter.js';
import { watchExpiry } from '../patterns/simple-expiry-watch.js';
import { bumpHashField, bumpJsonField } from '../patterns/simple-json-doc.js';
import { scanAll } from '../patterns/simple-scan.js';

const RACE_CLIENTS = 50;
/** Increments per client in the races: enough interleaving that the naive version reliably loses some. */
const RACE_ROUNDS = 10;

const SET_TTL_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

function upper(a: unknown): string {
  return String(a).toUpperCase();
}

/** Options of a SET command line after `SET key value`. */
function setOptions(args: readonly string[]): string[] {
  return args.slice(3).map(upper);
}

/**
 * Retyping an exercise's setup line starts it over: a learner who made the mistake can put the key back the way it
 * was and do it right, and the writes before that no longer count against them.
 */
function retyped(setup: readonly string[]): Restart {
  return (c, ctx) =>
    setup.some((line) => {
      const args = tokenize(ctx.sb.expand(line));
      return args.length === c.args.length && upper(args[0]) === c.name && args.every((a, i) => i === 0 || a === c.args[i]);
    });
}

const DOWNLOADS_SETUP = ['SET {ns}downloads 41'];
const SESSION_SETUP = ['SET {ns}session:42 alice EX 600'];
const CART_SETUP = ['SET {ns}cart:77 items=2 EX 900'];

const EXPIRY_COMMANDS = new Set(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']);
const INCREMENTS = new Set(['INCR', 'INCRBY', 'DECR', 'DECRBY', 'INCRBYFLOAT']);

/** A SET (or SETEX/PSETEX) that writes the value and its TTL together. */
function setsValueAndTtl(c: RanCommand): boolean {
  return c.name === 'SETEX' || c.name === 'PSETEX' || (c.name === 'SET' && setOptions(c.args).some((o) => SET_TTL_OPTIONS.has(o)));
}

/** "you sent A ; B" for the commands that wrote a key. */
function sent(writes: readonly RanCommand[]): string {
  return `you sent ${writes.map((c) => c.command).join(' ; ')}`;
}

/**
 * The last command that wrote `name` in this exercise satisfies `pred`: state checks cannot tell "one command" from
 * "two commands" apart; the history can. `mistake` names what the learner did instead.
 */
function lastWriteTo(
  name: string,
  expected: string,
  pred: (c: RanCommand) => boolean,
  mistake: (writes: RanCommand[], key: string) => string,
): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const writes = writesTo(ctx, key);
    const last = writes.at(-1);
    const pass = last !== undefined && pred(last);
    return {
      pass,
      expected: expected.replaceAll('KEY', key),
      actual: pass ? last.command : writes.length ? mistake(writes, key) : `no command wrote ${key} yet`,
    };
  };
}

/** Value and TTL written by a single command: SET … EX/PX/EXAT/PXAT, SETEX or PSETEX. */
function valueAndTtlInOneCommand(name: string): Check {
  return lastWriteTo(name, 'one command that writes KEY and its TTL (SET … EX …)', setsValueAndTtl, (writes, key) => {
    const last = writes.at(-1)!;
    if (last.transaction !== null && EXPIRY_COMMANDS.has(last.name)) {
      return `${sent(writes)}: MULTI/EXEC makes the pair atomic, but one SET … EX does it without a transaction`;
    }
    return writes.length > 1 && writes.some((c) => EXPIRY_COMMANDS.has(c.name))
      ? `${sent(writes)}: ${writes.length} commands, so for a moment ${key} had no expiry`
      : `${sent(writes)}: it does not set the TTL`;
  });
}

/**
 * A TTL of about `seconds` (the check runs right after the command, so only a little has passed). A TTL far below it
 * usually means PX (milliseconds) where EX (seconds) was meant: the "found" text says so.
 */
function ttlAbout(name: string, seconds: number): Check {
  const min = seconds - Math.max(2, seconds / 10);
  return async (ctx) => {
    const key = ctx.key(name);
    const pttl = await ctx.unrecorded.pttl(key);
    const shown = `${key} TTL ${(pttl / 1000).toFixed(pttl < 10_000 ? 3 : 1)} s`;
    const actual =
      pttl === -2
        ? `${key} does not exist`
        : pttl === -1
          ? `${key} TTL -1 (no expiry)`
          : pttl <= seconds
            ? `${shown}: PX counts milliseconds, EX counts seconds`
            : shown;
    return { pass: pttl >= min * 1000 && pttl <= seconds * 1000, expected: `${key} TTL ${seconds} s`, actual };
  };
}

/** The value changed by commands that keep the expiry (SET … KEEPTTL, SETRANGE, APPEND), never one that drops or renews it. */
function keptExpiry(name: string, restart: Restart): Check {
  const keeps = (c: RanCommand) =>
    (c.name === 'SET' && setOptions(c.args).includes('KEEPTTL')) || c.name === 'SETRANGE' || c.name === 'APPEND';
  return async (ctx) => {
    const key = ctx.key(name);
    const writes = writesSince(ctx, key, restart);
    const bad = writes.filter((c) => !keeps(c));
    const renewed = bad.find((c) => EXPIRY_COMMANDS.has(c.name) || setsValueAndTtl(c));
    return {
      pass: bad.length === 0 && writes.length > 0,
      expected: `${key} changed with SET … KEEPTTL, keeping the expiry it had`,
      actual: renewed
        ? `${sent(bad)}: ${EXPIRY_COMMANDS.has(renewed.name) ? renewed.name : 'its TTL option'} gives it a fresh expiry instead of keeping the one it had`
        : bad.length
          ? `you rewrote it with ${bad[0]!.command}, which drops the expiry`
          : writes.length
            ? writes.map((c) => c.command).join(' ; ')
            : `no command wrote ${key} yet`,
    };
  };
}

/** A SET … GET (or GETSET) on `name` replied with the value it replaced: the read and the write were one command. */
function swappedInOneCommand(name: string, old: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const ran = ranCommands(ctx.history).filter((c) => c.keys.includes(key));
    const swap = ran.find((c) => c.reply === old && (c.name === 'GETSET' || (c.name === 'SET' && setOptions(c.args).includes('GET'))));
    const read = ran.find((c) => c.name === 'GET' || c.name === 'GETDEL' || c.name === 'GETEX');
    const write = ran.find((c) => c.write && c.name !== 'GETDEL');
    return {
      pass: Boolean(swap),
      expected: `one SET … GET (or GETSET) on ${key} whose reply is the old token ${JSON.stringify(old)}`,
      actual: swap
        ? `${swap.command} → ${JSON.stringify(swap.reply)}`
        : read && write
          ? `you read it (${read.command}) and wrote it (${write.command}) in two commands: another client could write in between`
          : write
            ? `${write.command} replied ${JSON.stringify(write.reply)}: the old token was not returned`
            : `no command wrote ${key} yet`,
    };
  };
}

/** One MSET (or an MSETNX that wrote) set every key of `values` to its value. */
function oneMset(values: Record<string, string>): Check {
  return async (ctx) => {
    const want = Object.entries(values).map(([k, v]) => [ctx.key(k), v] as const);
    const ran = ranCommands(ctx.history);
    const hit = ran.find((c) => {
      if (c.name !== 'MSET' && !(c.name === 'MSETNX' && Number(c.reply) === 1)) return false;
      const pairs = new Map<string, string>();
      for (let i = 1; i + 1 < c.args.length; i += 2) pairs.set(c.args[i]!, c.args[i + 1]!);
      return want.every(([k, v]) => pairs.get(k) === v);
    });
    const writes = ran.filter((c) => c.write && c.keys.some((k) => want.some(([w]) => w === k)));
    return {
      pass: Boolean(hit),
      expected: `one MSET that writes ${want.map(([k]) => k).join(', ')}`,
      actual: hit
        ? hit.command
        : writes.length
          ? `you sent ${writes.length} command${writes.length === 1 ? '' : 's'} (${writes.map((c) => c.name).join(', ')}): one MSET writes them all`
          : 'no command wrote them yet',
    };
  };
}

/**
 * Lesson prose is written in short source lines; the renderer wraps to the terminal, so lines of a
 * paragraph are joined. Lines indented by two spaces (tables of options) stay as they are.
 */
function prose(text: string): string {
  const out: string[] = [];
  let joinable = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      out.push('');
      joinable = false;
    } else if (line.startsWith('  ')) {
      out.push(line);
      joinable = false;
    } else if (joinable) {
      out[out.length - 1] += ` ${line}`;
    } else {
      out.push(line);
      joinable = true;
    }
  }
  return out.join('\n');
}

async function readNumber(redis: Redis, key: string): Promise<number> {
  return Number((await redis.get(key)) ?? '0');
}

function sayPageLimited(ctx: LessonContext, limit: number) {
  let shown = 0;
  return (line: string) => {
    if (shown < limit) ctx.say(line);
    else if (shown === limit) ctx.say('… (more pages, not shown)');
    shown++;
  };
}

export const simpleLesson: Lesson = {
  id: 'simple',
  title: 'Strings, counters and expiry',
  level: 'Beginner',
  minutes: 20,
  summary:
    'SET/GET and their options, atomic counters (and the lost update they prevent), TTLs watched live, MSET/MGET, ' +
    'why JSON in a string hurts partial updates, key naming, and SCAN instead of KEYS.',
  keys: [
    'greeting',
    'session:*',
    'feature:*',
    'visits',
    'lock:*',
    'page_views',
    'signups',
    'temperature',
    'race:*',
    'downloads',
    'otp',
    'coupon:*',
    'cart:*',
    'user:*',
    'config:*',
    'api:*',
  ],
  steps: [
    {
      id: 'intro',
      kind: 'explain',
      title: 'One key, one value',
      text: prose(`The string is Redis's simplest type: a key maps to a sequence of bytes, up to 512 MB. "String" is
a slight misnomer: the bytes can be text, a number, JSON, a serialized object or an image. GET and SET
are O(1), which makes strings the workhorse for caches, counters, feature flags, tokens and locks.

One fact carries this whole lesson: Redis executes commands one at a time. A single command never sees
another client's command half-done, so anything you can express as ONE command is atomic. Most bugs
you will meet here come from splitting one logical change into two commands.

Every key in this lesson lives under {ns}, so nothing outside that prefix is touched.`),
    },
    {
      id: 'set-get',
      kind: 'run',
      title: 'SET and GET',
      text: prose(`SET stores, GET reads. GET on a missing key is not an error: it replies (nil), which your client
turns into null/None. STRLEN and APPEND work on the bytes in place.

Watch the encoding column: a short string is "embstr" (value and header in one allocation, up to 44
bytes); APPEND turns it into "raw", the general form that can be modified in place.`),
      commands: [
        'SET {ns}greeting "hello, redis"',
        'GET {ns}greeting',
        'GET {ns}nothing-here',
        'STRLEN {ns}greeting',
        'APPEND {ns}greeting "!"',
      ],
    },
    {
      id: 'set-options',
      kind: 'run',
      title: 'SET options: EX, PX, NX, XX, GET',
      text: prose(`SET takes options that would otherwise need a second command:
  EX seconds / PX milliseconds   set a time to live together with the value
  NX                             only set if the key does NOT exist (create)
  XX                             only set if the key DOES exist (update)
  GET                            reply with the old value (replaces the deprecated GETSET)

When NX or XX stops the write, the reply is (nil) and the key is unchanged. Because value, TTL and
condition travel in one command, no other client can act in between: that is why "SET key value NX EX
10" is the classic way to take a simple lock, and why the old SETNX-then-EXPIRE pair is a bug (a crash
between the two leaves a lock that never expires).`),
      commands: [
        'SET {ns}session:abc user:1001 EX 1800',
        'TTL {ns}session:abc',
        'SET {ns}session:abc user:2002 NX',
        'GET {ns}session:abc',
        'SET {ns}feature:beta on XX',
        'SET {ns}greeting "hello again" GET',
      ],
    },
    {
      id: 'visits-ttl',
      kind: 'exercise',
      title: 'A counter that resets itself',
      text: prose(`A visitor counter that resets itself. Make {ns}visits hold 1 and expire in 60 seconds, in one
command (two commands would leave a window where the key has no expiry).`),
      points: 2,
      setup: ['DEL {ns}visits'],
      check: all(stringEquals('visits', '1'), ttlAbout('visits', 60), valueAndTtlInOneCommand('visits')),
      hints: ['SET can carry the expiry itself; no EXPIRE needed afterwards.', 'SET key value EX seconds   (or PX milliseconds)'],
      solution: ['SET {ns}visits 1 EX 60'],
      wrong: [
        // Two commands: between them the counter has no expiry (and never gets one if the client dies there).
        ['SET {ns}visits 1', 'EXPIRE {ns}visits 60'],
        ['INCR {ns}visits', 'EXPIRE {ns}visits 60'],
        // One command, but PX counts milliseconds.
        ['SET {ns}visits 1 PX 60'],
      ],
    },
    {
      id: 'nx-lock',
      kind: 'exercise',
      title: 'Take a lock only if it is free',
      text: prose(`Two workers want to build the same nightly report; only one may. Take the lock {ns}lock:report for
worker-1, but only if nobody holds it, and let it release itself after 10 seconds in case worker-1
crashes. One command. (If a try leaves the key without a TTL, NX will refuse every retry: that is the
stuck lock the TTL is there to prevent. DEL it and try again.)

(Releasing it safely means deleting it only if it still holds YOUR value. GET then DEL is a race, just
like GET then SET: the compare and the delete must run as one step, e.g. in a small Lua script.)`),
      points: 2,
      setup: ['DEL {ns}lock:report'],
      check: all(
        stringEquals('lock:report', 'worker-1'),
        ttlAbout('lock:report', 10),
        lastWriteTo(
          'lock:report',
          'SET KEY … NX with the TTL in the same command',
          (c) => c.name === 'SET' && setOptions(c.args).includes('NX') && setsValueAndTtl(c),
          (writes, key) => {
            const last = writes.at(-1)!;
            if (last.transaction !== null && EXPIRY_COMMANDS.has(last.name))
              return `${sent(writes)}: inside MULTI the EXPIRE runs even when the NX write finds the lock taken, extending another worker's lock`;
            if (writes.length > 1 && EXPIRY_COMMANDS.has(last.name))
              return `${sent(writes)}: a crash between the two leaves ${key} locked forever`;
            if (last.name === 'SETNX' || (last.name === 'SET' && setOptions(last.args).includes('NX')))
              return `${sent(writes)}: the lock has no TTL, so a crashed worker would hold it forever`;
            return `${sent(writes)}: without NX the SET takes the lock even while another worker holds it`;
          },
        ),
      ),
      hints: [
        'One SET can say "only if absent" and "expire after N seconds" at the same time.',
        'SET key value NX EX seconds   (NX: only if absent; the value names the owner)',
      ],
      solution: ['SET {ns}lock:report worker-1 NX EX 10'],
      wrong: [
        // The classic bug: SETNX then EXPIRE, two commands.
        ['SETNX {ns}lock:report worker-1', 'EXPIRE {ns}lock:report 10'],
        ['SET {ns}lock:report worker-1 NX', 'EXPIRE {ns}lock:report 10'],
        // Check, then take: another worker can take it in between, and this SET would overwrite theirs.
        ['EXISTS {ns}lock:report', 'SET {ns}lock:report worker-1 EX 10'],
        ['SET {ns}lock:report worker-1 NX PX 10'],
      ],
    },
    {
      id: 'counters',
      kind: 'run',
      title: 'Counters: INCR, INCRBY, DECR, INCRBYFLOAT',
      text: prose(`A string that holds an integer can be incremented on the server. INCR/INCRBY/DECR/DECRBY are O(1),
return the new value, and treat a missing key as 0, so there is no "create it first" step. The value is
a signed 64-bit integer, stored with the compact "int" encoding (see the table).

INCRBYFLOAT adds a decimal, but it computes in long double and prints the result as text, so rounding
artefacts can creep in: keep money as integer cents with INCRBY. Incrementing a value that is not a
number is an error, and the value is left alone.`),
      commands: [
        'SET {ns}page_views 10',
        'INCR {ns}page_views',
        'INCRBY {ns}page_views 5',
        'DECR {ns}page_views',
        'INCR {ns}signups',
        'SET {ns}temperature 21.5',
        'INCRBYFLOAT {ns}temperature -0.3',
        'INCR {ns}greeting',
      ],
    },
    {
      id: 'lost-updates',
      kind: 'race',
      title: 'Why INCR exists: 50 clients, one counter',
      text: prose(`The tempting way to count in application code is "read the value, add one, write it back": GET then
SET. Here ${RACE_CLIENTS} clients each count ${RACE_ROUNDS} times that way, all at once. Two clients that GET the same
value both write value+1, and one increment vanishes without an error.

Then the same ${RACE_CLIENTS} clients use INCR. The server does the read, add and write inside one command, so
no other command can run in between, and nothing is lost. This is the interview answer to "how do you
count page views from many servers": INCR, not GET+SET (and not a lock around GET+SET either).`),
      clients: RACE_CLIENTS,
      variants: [
        {
          label: 'GET then SET (read-modify-write in the client)',
          atomic: false,
          async setup(ctx) {
            await ctx.claim([ctx.key('race:naive')]);
            await ctx.redis.set(ctx.key('race:naive'), '0');
          },
          async worker(client, _i, ctx) {
            for (let r = 0; r < RACE_ROUNDS; r++) await incrementByReadWrite(client, ctx.key('race:naive'));
          },
          async measure(ctx) {
            return { expected: RACE_CLIENTS * RACE_ROUNDS, actual: await readNumber(ctx.unrecorded, ctx.key('race:naive')), unit: 'increments' };
          },
        },
        {
          label: 'INCR (atomic on the server)',
          atomic: true,
          async setup(ctx) {
            await ctx.claim([ctx.key('race:atomic')]);
            await ctx.redis.set(ctx.key('race:atomic'), '0');
          },
          async worker(client, _i, ctx) {
            for (let r = 0; r < RACE_ROUNDS; r++) await incrementAtomically(client, ctx.key('race:atomic'));
          },
          async measure(ctx) {
            return {
              expected: RACE_CLIENTS * RACE_ROUNDS,
              actual: await readNumber(ctx.unrecorded, ctx.key('race:atomic')),
              unit: 'increments',
            };
          },
        },
      ],
    },
    {
      id: 'atomic-counter',
      kind: 'exercise',
      title: 'Count on the server',
      text: prose(`{ns}downloads holds 41. Five more downloads just finished: add 5 to it on the server, so that
concurrent writers could not lose your update (no GET then SET).`),
      points: 2,
      setup: DOWNLOADS_SETUP,
      check: all(
        stringEquals('downloads', '46'),
        writtenOnlyBy(
          'downloads',
          'KEY changed on the server by INCRBY (or INCR), never written back from the client',
          (c) => INCREMENTS.has(c.name),
          (c) =>
            c.name === 'DEL' || c.name === 'UNLINK'
              ? `you deleted it (${c.command}) and counted again from zero: increments landing in between are lost`
              : `you wrote the number yourself (${c.command}): an increment landing after your read is lost`,
          retyped(DOWNLOADS_SETUP),
        ),
      ),
      hints: ['There is a counter command that adds any integer, not just 1.', 'INCRBY key increment   (O(1), returns the new value)'],
      solution: ['INCRBY {ns}downloads 5'],
      wrong: [
        ['GET {ns}downloads', 'SET {ns}downloads 46'],
        ['SET {ns}downloads 46'],
        ['INCR {ns}downloads', 'SET {ns}downloads 46'],
        ['DEL {ns}downloads', 'INCRBY {ns}downloads 46'],
      ],
    },
    {
      id: 'expiry',
      kind: 'run',
      title: 'EXPIRE, TTL, PERSIST and the SET that drops a TTL',
      text: prose(`EXPIRE gives an existing key a time to live (PEXPIRE in ms; EXPIREAT/PEXPIREAT take a Unix time).
TTL and PTTL read what is left: -1 means the key exists with no expiry, -2 means it does not exist.
PERSIST removes the expiry and keeps the value. Since Redis 7.0, EXPIRE also takes NX, XX, GT and LT
(only set if none / if one exists / if longer / if shorter).

The pitfall: a plain SET on a key that has a TTL discards the TTL. A session you "update" with SET
silently becomes immortal. KEEPTTL (Redis 6.0+) keeps the existing expiry while changing the value.`),
      commands: [
        'SET {ns}otp 481516',
        'EXPIRE {ns}otp 120',
        'TTL {ns}otp',
        'PERSIST {ns}otp',
        'TTL {ns}otp',
        'TTL {ns}no-such-key',
        'SET {ns}otp 271828 EX 300',
        'SET {ns}otp 314159',
        'TTL {ns}otp',
        'SET {ns}otp 161803 EX 300',
        'SET {ns}otp 141421 KEEPTTL',
        'TTL {ns}otp',
      ],
    },
    {
      id: 'watch-expiry',
      kind: 'code',
      title: 'Watch a key expire',
      text: prose(`A flash coupon lives for 1.2 seconds. The code below writes it with PX 1200, then polls PTTL every
300 ms until Redis says -2.

Redis expires keys two ways: lazily (a key past its deadline is deleted the moment someone touches it,
so a reader never sees it) and actively (about 10 times a second it samples keys that have a TTL and
deletes the expired ones). Either way the key is gone on time from a client's point of view, even if
its memory is reclaimed a little later.`),
      async run(ctx) {
        const key = ctx.key('coupon:flash');
        await ctx.claim([key]);
        const readings = await watchExpiry(ctx.redis, key, 'SAVE20', { ttlMs: 1200, intervalMs: 300, maxReadings: 8 }, (r) =>
          ctx.say(`t+${String(r.elapsedMs).padStart(4)} ms  PTTL ${r.pttl === -2 ? '-2 (gone)' : `${r.pttl} ms`}`),
        );
        const last = readings.at(-1);
        ctx.say(
          last?.pttl === -2
            ? `gone after about ${last.elapsedMs} ms: no cleanup job, no DEL, the server did it`
            : 'the key was still there at the last reading (a very busy server); it will be gone shortly',
        );
      },
    },
    {
      id: 'persist',
      kind: 'exercise',
      title: 'Remember me',
      text: prose(`{ns}session:42 holds "alice" and expires in 10 minutes. Alice ticked "remember me": make the session
permanent without rewriting its value.`),
      points: 2,
      setup: SESSION_SETUP,
      check: all(
        stringEquals('session:42', 'alice'),
        noTtl('session:42'),
        writtenOnlyBy(
          'session:42',
          'KEY made permanent with PERSIST, its value never rewritten',
          (c) => c.name === 'PERSIST' || (c.name === 'GETEX' && c.args.slice(2).some((a) => upper(a) === 'PERSIST')),
          (c) =>
            c.name === 'SET' || c.name === 'SETEX' || c.name === 'GETSET'
              ? `you rewrote the value with ${c.command}`
              : EXPIRY_COMMANDS.has(c.name)
                ? `you changed its expiry with ${c.command}`
                : `you changed it with ${c.command}`,
          retyped(SESSION_SETUP),
        ),
      ),
      hints: [
        "There is a command whose only job is to remove a key's expiry.",
        'PERSIST key   (replies 1 if it removed a TTL, 0 if there was none)',
      ],
      solution: ['PERSIST {ns}session:42'],
      wrong: [
        ['SET {ns}session:42 alice', 'PERSIST {ns}session:42'],
        // A plain SET drops the TTL too: by rewriting the value (a stale copy, if it changed meanwhile).
        ['GET {ns}session:42', 'SET {ns}session:42 alice'],
        // Long is not permanent.
        ['EXPIRE {ns}session:42 999999999'],
      ],
    },
    {
      id: 'keep-ttl',
      kind: 'exercise',
      title: 'Update a value, keep its expiry',
      text: prose(`The cart {ns}cart:77 holds "items=2" and expires in 15 minutes. The shopper adds an item: change the
value to "items=3" and keep the expiry it has. (A plain SET would make the cart live forever.)`),
      points: 2,
      setup: CART_SETUP,
      check: all(stringEquals('cart:77', 'items=3'), ttlBetween('cart:77', 1, 900), keptExpiry('cart:77', retyped(CART_SETUP))),
      hints: ['SET has an option that leaves the current TTL alone.', 'SET key value KEEPTTL   (Redis 6.0+)'],
      solution: ['SET {ns}cart:77 items=3 KEEPTTL'],
      wrong: [
        ['SET {ns}cart:77 items=3'],
        // A fresh 15 minutes is not the expiry it had.
        ['SET {ns}cart:77 items=3', 'EXPIRE {ns}cart:77 900'],
        ['SET {ns}cart:77 items=3 EX 900'],
        // Read what is left and write it back: two commands, and the deadline drifts.
        ['TTL {ns}cart:77', 'SET {ns}cart:77 items=3 EX 899'],
      ],
    },
    {
      id: 'mset-mget',
      kind: 'run',
      title: 'MSET and MGET: many keys, one round trip',
      text: prose(`Each command costs a network round trip, often far more than the O(1) work it does on the server.
MSET writes several keys and MGET reads several in one command: one round trip, and MSET is atomic
(other clients see all the values or none). MGET replies (nil) for a missing key, in its position.
MSETNX writes all only if none exists. Both are O(N) in the number of keys.

Note the names: object:id:field. In Redis Cluster, MSET/MGET only work when all keys hash to the same
slot; a hash tag such as {ns}{user:1}:name forces that.`),
      commands: [
        'MSET {ns}user:1:name Ada {ns}user:1:city London {ns}user:2:name Grace {ns}user:2:city Arlington',
        'MGET {ns}user:1:name {ns}user:2:name {ns}user:3:name',
        'MSETNX {ns}user:2:name Alan {ns}user:3:name Alan',
        'GET {ns}user:2:name',
      ],
    },
    {
      id: 'mset',
      kind: 'exercise',
      title: 'Save settings in one go',
      text: prose(`Save three settings in one command: {ns}config:theme = dark, {ns}config:lang = en and
{ns}config:tz = UTC.`),
      points: 2,
      setup: ['DEL {ns}config:theme {ns}config:lang {ns}config:tz'],
      check: all(
        stringEquals('config:theme', 'dark'),
        stringEquals('config:lang', 'en'),
        stringEquals('config:tz', 'UTC'),
        oneMset({ 'config:theme': 'dark', 'config:lang': 'en', 'config:tz': 'UTC' }),
      ),
      hints: ['One command takes key value key value … pairs.', 'MSET key value [key value …]'],
      solution: ['MSET {ns}config:theme dark {ns}config:lang en {ns}config:tz UTC'],
      wrong: [
        ['SET {ns}config:theme dark', 'SET {ns}config:lang en', 'SET {ns}config:tz UTC'],
        ['MSET {ns}config:theme dark {ns}config:lang en', 'SET {ns}config:tz UTC'],
      ],
    },
    {
      id: 'rotate-token',
      kind: 'exercise',
      title: 'Swap a value and get the old one back',
      text: prose(`{ns}api:token holds the current API token. Rotate it to "new-91bc" and get the old token back in the
same command, so that no other client can write between your read and your write.`),
      points: 2,
      setup: ['SET {ns}api:token old-7f3a'],
      check: all(stringEquals('api:token', 'new-91bc'), swappedInOneCommand('api:token', 'old-7f3a')),
      hints: ['The read you need is an option of SET, not a separate GET.', 'SET key value GET   (replies with the value it replaced)'],
      solution: ['SET {ns}api:token new-91bc GET'],
      wrong: [
        ['GET {ns}api:token', 'SET {ns}api:token new-91bc'],
        // Read and delete, then set: for a moment there is no token at all.
        ['GETDEL {ns}api:token', 'SET {ns}api:token new-91bc'],
      ],
    },
    {
      id: 'json-in-string',
      kind: 'code',
      title: 'JSON in a string: every change rewrites the whole value',
      text: prose(`Storing an object as a JSON string is common (one GET returns everything, and the cache layer does not
care about the shape). The cost shows up when one field changes: Redis sees only bytes, so the client
must GET the whole document, parse it, change the field and SET the whole document back. Below, one
counter inside a user document goes up by one.`),
      async run(ctx) {
        const key = ctx.key('user:7:json');
        await ctx.claim([key]);
        const doc = { name: 'Ada Lovelace', email: 'ada@example.com', city: 'London', plan: 'pro', visits: 0 };
        await ctx.redis.set(key, JSON.stringify(doc));
        const u = await bumpJsonField(ctx.redis, key, 'visits');
        ctx.say(`to add 1 to "visits" the client downloaded ${u.bytesRead} bytes and uploaded ${u.bytesWritten} bytes`);
        ctx.say('the bigger the document, the more every small change costs; and the GET…SET gap is a race (next step)');
        // The command table answers for modules and for Redis 8, where JSON ships built in.
        const hasJson = ctx.sb.table.has('json.numincrby') || (await loadedModules(ctx.unrecorded)).some((m) => /^(rejson|json)$/i.test(m));
        ctx.say(
          hasJson
            ? 'this server has the JSON module: JSON.NUMINCRBY would change that field on the server, atomically'
            : 'this server has no JSON module (Redis Stack / Redis 8 add one, with JSON.NUMINCRBY on a path); plain strings cannot do that',
        );
      },
    },
    {
      id: 'json-vs-hash',
      kind: 'race',
      title: 'A field update under load: JSON string vs hash',
      text: prose(`${RACE_CLIENTS} clients each add 1 to the visits field ${RACE_ROUNDS} times. With the JSON string every update is
GET, parse, SET: a client that read the document before another client's SET writes back its stale
copy, wiping out that increment (and any other field changed meanwhile). With a hash, HINCRBY changes one field on the server and touches nothing else.

Rule of thumb: read-mostly blobs that are replaced as a whole (a cached API response) fit a string; an
object whose fields change independently fits a hash. The complex lesson covers hashes in depth.`),
      clients: RACE_CLIENTS,
      variants: [
        {
          label: 'JSON string: GET, parse, SET',
          atomic: false,
          async setup(ctx) {
            const key = ctx.key('user:7:json');
            await ctx.claim([key]);
            await ctx.redis.set(key, JSON.stringify({ name: 'Ada Lovelace', city: 'London', visits: 0 }));
          },
          async worker(client, _i, ctx) {
            for (let r = 0; r < RACE_ROUNDS; r++) await bumpJsonField(client, ctx.key('user:7:json'), 'visits');
          },
          async measure(ctx) {
            const raw = (await ctx.unrecorded.get(ctx.key('user:7:json'))) ?? '{}';
            const visits = Number((JSON.parse(raw) as { visits?: number }).visits ?? 0);
            return { expected: RACE_CLIENTS * RACE_ROUNDS, actual: visits, unit: 'visits' };
          },
        },
        {
          label: 'hash: HINCRBY one field',
          atomic: true,
          async setup(ctx) {
            const key = ctx.key('user:7');
            await ctx.claim([key]);
            await ctx.redis.hset(key, { name: 'Ada Lovelace', city: 'London', visits: '0' });
          },
          async worker(client, _i, ctx) {
            for (let r = 0; r < RACE_ROUNDS; r++) await bumpHashField(client, ctx.key('user:7'), 'visits');
          },
          async measure(ctx) {
            const visits = Number((await ctx.unrecorded.hget(ctx.key('user:7'), 'visits')) ?? '0');
            return { expected: RACE_CLIENTS * RACE_ROUNDS, actual: visits, unit: 'visits' };
          },
        },
      ],
    },
    {
      id: 'naming-and-scan',
      kind: 'code',
      title: 'Key names, and finding keys with SCAN (not KEYS)',
      text: prose(`Redis has no tables, so the key name is your schema. The common convention is colon-separated,
general to specific: object-type:id:field, e.g. user:1:name, session:abc, rate:api-key-9:2024-06-01.
Keep names readable but short (every key costs memory), put a namespace or app prefix first (here {ns}),
and be consistent: a good convention is what makes "all keys of user 1" a pattern you can match.

To find keys by pattern, never use KEYS on a real server. KEYS walks the whole keyspace in one
command, O(N) in ALL keys of the database (the pattern does not narrow the work), and the server runs
nothing else meanwhile: with millions of keys that is a visible outage.

SCAN does the same walk in small steps. You start with cursor 0, each call returns the next cursor and
a batch, and the walk is over when the cursor comes back as 0 (not when a batch is empty: MATCH filters
after the step, so empty batches are normal). COUNT is a hint for how much work each call does, not
how many keys it returns. Every key present for the whole walk is returned at least once, but a key can
come back more than once (e.g. while the table resizes): deduplicate on the client.`),
      async run(ctx) {
        const keys = await ctx.unrecorded.dbsize();
        // A few pages on any keyspace: small enough to show cursor steps here, bounded on a big server.
        const count = Math.min(1000, Math.max(5, Math.ceil(keys / 4)));
        ctx.say(`this database holds ${keys} keys; walking it with SCAN … MATCH {ns}user:* COUNT ${count}`);
        const say = sayPageLimited(ctx, 8);
        const res = await scanAll(ctx.redis, ctx.key('user:*'), count, (p) =>
          say(`cursor ${p.cursor.padEnd(6)} → next ${p.next.padEnd(6)} ${p.keys.length} matching key${p.keys.length === 1 ? '' : 's'}`),
        );
        ctx.say(
          `${res.pages.length} call${res.pages.length === 1 ? '' : 's'}, ${res.keys.length} distinct keys` +
            (res.duplicates ? `, ${res.duplicates} returned twice (deduplicated)` : ', no duplicates this time'),
        );
        ctx.table(
          ['key'],
          res.keys.map((k) => [k]),
        );
      },
    },
  ],
};
