// Lesson 2 (Intermediate): hashes, lists, sets and sorted sets through real patterns, then batching and WATCH.
import { versionAtLeast } from '../redis/capabilities.js';
import { incrementBatch, type BatchRun, type BatchWay } from '../patterns/complex-batching.js';
import { pushActivity, recentActivity } from '../patterns/complex-feed.js';
import { addPoints, aroundMe, rankOf, topPlayers } from '../patterns/complex-leaderboard.js';
import { transfer, watchedHashIncrement } from '../patterns/complex-optimistic-lock.js';
import { popMostUrgent, pushJobs } from '../patterns/complex-priority-queue.js';
import { fieldKeys, memoryOf, saveProfileAsHash, saveProfileAsKeys, type Profile } from '../patterns/complex-profile-storage.js';
import { ackJob, claimJob, enqueue, requeueAll } from '../patterns/complex-reliable-queue.js';
import { tokenize } from '../redis/tokenize.js';
import {
  all,
  custom,
  hashHas,
  hashLacks,
  keysWrittenBy,
  lengthIs,
  listEquals,
  ranCommands,
  setEquals,
  stringEquals,
  writesSince,
  writtenOnlyBy,
  zsetEquals,
  type RanCommand,
  type Restart,
} from '../engine/checks.js';
import type { Check, Lesson, LessonContext } from '../engine/types.js';

const MEMORY_USERS = 100;
const BATCH_SIZE = 500;
const BATCH_REPEATS = 3;
const RACE_CLIENTS = 50;
const RACE_ROUNDS = 4;

const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Osaka', 'Lima', 'Tunis', 'Perth', 'Quebec'];
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];

/** A small, deterministic profile: the memory comparison should not depend on random data. */
function profileFor(i: number): Profile {
  const first = FIRST[i % FIRST.length]!;
  return {
    name: `${first} ${String.fromCharCode(65 + (i % 26))}.`,
    email: `${first.toLowerCase()}${i}@example.com`,
    city: CITIES[i % CITIES.length]!,
    plan: i % 3 === 0 ? 'pro' : 'free',
    joined: String(1_700_000_000 + i * 86_400),
  };
}

function bytes(n: number): string {
  return n >= 10_240 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

async function encodingOf(ctx: LessonContext, key: string): Promise<string> {
  return String(await ctx.unrecorded.call('OBJECT', 'ENCODING', key));
}

async function configValue(ctx: LessonContext, name: string, fallback: string): Promise<{ value: string; read: boolean }> {
  try {
    // RESP2 replies [name, value]; a RESP3 map may arrive as an object.
    const res = (await ctx.unrecorded.call('CONFIG', 'GET', name)) as string[] | Record<string, string>;
    const value = Array.isArray(res) ? res[1] : res[name];
    return value !== undefined ? { value: String(value), read: true } : { value: fallback, read: false };
  } catch {
    // Managed services often rename or forbid CONFIG: the default is then the best guess.
    return { value: fallback, read: false };
  }
}

// ── Checks that read what the learner typed: the state alone cannot tell the approach taught from the one it replaces ──

/**
 * Retyping an exercise's setup line starts it over: a learner who made the mistake can put the keys back the way
 * they were and do it right, and the writes before that no longer count against them.
 */
function retyped(setup: readonly string[]): Restart {
  return (c, ctx) =>
    setup.some((line) => {
      const args = tokenize(ctx.sb.expand(line));
      return args.length === c.args.length && args[0]!.toUpperCase() === c.name && args.every((a, i) => i === 0 || a === c.args[i]);
    });
}

const HASH_CREATE_SETUP = ['DEL {ns}user:2001'];
const HASH_UPDATE_SETUP = ['DEL {ns}user:2002', 'HSET {ns}user:2002 name Margaret karma 41 reset_token 7f3a9c'];
const FEED_SETUP = ['DEL {ns}feed:bob', 'RPUSH {ns}feed:bob commented:6 liked:5 followed:4 shared:3 posted:2 joined:1'];
const QUEUE_SETUP = ['DEL {ns}queue:emails {ns}queue:emails:processing', 'LPUSH {ns}queue:emails email:1 email:2 email:3'];
const LEADERBOARD_SETUP = ['DEL {ns}leaderboard:season', 'ZADD {ns}leaderboard:season 300 ana 250 ben 410 chen 280 dara'];
const TICKETS_SETUP = ['DEL {ns}pq:tickets', 'ZADD {ns}pq:tickets 3 printer-jam 1 site-down 2 login-slow 5 typo'];
const TRANSFER_SETUP = ['DEL {ns}account:carol {ns}account:dave', 'SET {ns}account:carol 100', 'SET {ns}account:dave 20'];

/** The commands after the last one `restart` accepts (all of them without one). */
function since(cs: readonly RanCommand[], restart: (c: RanCommand) => boolean): RanCommand[] {
  let last = -1;
  cs.forEach((c, i) => {
    if (restart(c)) last = i;
  });
  return cs.slice(last + 1);
}

/** "A ; B ; C" */
function commands(cs: readonly RanCommand[]): string {
  return cs.map((c) => c.command).join(' ; ');
}

/** Field/value pairs of an HSET or HMSET. */
function hashPairs(c: RanCommand): Map<string, string> {
  const pairs = new Map<string, string>();
  for (let i = 2; i + 1 < c.args.length; i += 2) pairs.set(c.args[i]!, c.args[i + 1]!);
  return pairs;
}

/** One HSET (or HMSET) wrote every field of `fields`; and no key per field (`name:field`) was written instead. */
function oneHashWrite(name: string, fields: Record<string, string>, restart: Restart): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const ran = ranCommands(ctx.history);
    // Keys per field the learner wrote and has not removed since.
    const written = [...new Set(ran.flatMap((c) => keysWrittenBy(c).filter((k) => k.startsWith(`${key}:`))))];
    const left = written.length ? await ctx.unrecorded.exists(...written) : 0;
    const hit = ran.find(
      (c) =>
        (c.name === 'HSET' || c.name === 'HMSET') &&
        c.args[1] === key &&
        Object.entries(fields).every(([f, v]) => hashPairs(c).get(f) === v),
    );
    const writes = writesSince(ctx, key, restart);
    const expected = `one HSET that writes ${Object.keys(fields).join(', ')} into the hash ${key}`;
    if (left) {
      return { pass: false, expected, actual: `you wrote one key per field (${written.join(', ')}): the profile belongs in one hash` };
    }
    const asString = writes.find((c) => /^(SET|SETNX|SETEX|PSETEX|MSET|GETSET|APPEND)$/.test(c.name));
    if (asString) {
      return {
        pass: false,
        expected,
        actual: `you stored it as a string (${asString.command}): Redis cannot change one field of that; a hash can`,
      };
    }
    return {
      pass: Boolean(hit),
      expected,
      actual: hit
        ? hit.command
        : writes.length > 1
          ? `you sent ${writes.length} commands (${commands(writes)}): one HSET takes all the fields`
          : writes.length
            ? `${commands(writes)} did not write all of ${Object.keys(fields).join(', ')}`
            : `no command wrote ${key} yet`,
    };
  };
}

const MOVES = new Set(['LMOVE', 'BLMOVE', 'RPOPLPUSH', 'BRPOPLPUSH']);
const POPS = new Set(['ZPOPMIN', 'BZPOPMIN', 'ZMPOP', 'BZMPOP']);
const INCREMENTS = new Set(['INCR', 'INCRBY', 'DECR', 'DECRBY', 'INCRBYFLOAT']);

/** `job` went from `from` to `to` in one move command, and nothing else wrote either list. */
function movedAtomically(fromName: string, toName: string, job: string, restart: Restart): Check {
  return async (ctx) => {
    const [from, to] = [ctx.key(fromName), ctx.key(toName)];
    const writes = since(
      ranCommands(ctx.history).filter((c) => keysWrittenBy(c).some((k) => k === from || k === to)),
      (c) => restart(c, ctx),
    );
    const isMove = (c: RanCommand) => MOVES.has(c.name) && c.args[1] === from && c.args[2] === to;
    const others = writes.filter((c) => !isMove(c));
    const hit = writes.find((c) => isMove(c) && c.reply === job);
    return {
      pass: Boolean(hit) && others.length === 0,
      expected: `one LMOVE (or BLMOVE, RPOPLPUSH) taking ${job} from ${from} into ${to}`,
      actual: others.length
        ? `you sent ${commands(writes)}: the job moved in ${writes.length} commands, and a crash in between loses it (or runs it twice)`
        : hit
          ? hit.command
          : writes.length
            ? `${commands(writes)} did not move ${job}`
            : 'no job moved yet',
    };
  };
}

/**
 * The set was last written by `command` (Redis computed it), with nothing typed in by hand after. A STORE replaces its
 * destination, so hand-typed members before the last one do not matter.
 */
function computedBy(name: string, command: string): Check {
  return async (ctx) => {
    const key = ctx.key(name);
    const writes = writesSince(ctx, key);
    const stored = writes.findLastIndex((c) => c.name === command);
    const after = writes.slice(stored + 1);
    const bad = after.find((c) => c.name === 'SADD') ?? after[0];
    return {
      pass: stored >= 0 && !bad,
      expected: `${key} stored by ${command}, computed by Redis`,
      actual:
        bad?.name === 'SADD'
          ? `you typed members into ${key} yourself (${bad.command}): ${command} computes and stores them`
          : bad
            ? `${key} was written by ${bad.command}, not ${command}`
            : stored >= 0
              ? writes[stored]!.command
              : `no ${command} into ${key} yet`,
    };
  };
}

/** Every write to both accounts ran inside one committed MULTI/EXEC, as relative changes (DECRBY/INCRBY). */
function oneTransaction(names: string[], restart: Restart): Check {
  return async (ctx) => {
    const keys = names.map((n) => ctx.key(n));
    const writes = since(
      ranCommands(ctx.history).filter((c) => keysWrittenBy(c).some((k) => keys.includes(k))),
      (c) => restart(c, ctx),
    );
    const expected = `the changes to ${keys.join(' and ')} queued after MULTI and run together by EXEC`;
    const alone = writes.find((c) => c.transaction === null);
    const absolute = writes.find((c) => !INCREMENTS.has(c.name));
    const transactions = new Set(writes.map((c) => c.transaction));
    const fail = (actual: string) => ({ pass: false, expected, actual });
    if (!writes.length) return fail('no transaction changed them yet');
    if (alone) {
      return fail(
        `you ran ${alone.command} outside MULTI/EXEC: until the other change ran, a client could see the coins in neither account`,
      );
    }
    if (absolute)
      return fail(`you wrote a balance computed in the client (${absolute.command}): a payment landing before EXEC would be lost`);
    if (transactions.size > 1) {
      return fail(
        `the changes ran in ${transactions.size} separate transactions: in between, a client could see the coins in neither account`,
      );
    }
    const untouched = keys.filter((k) => !writes.some((c) => keysWrittenBy(c).includes(k)));
    if (untouched.length) return fail(`the transaction did not change ${untouched.join(', ')}`);
    return { pass: true, expected, actual: `MULTI ; ${commands(writes)} ; EXEC` };
  };
}

/** Attempts the WATCH variant of the race needed; reset by its setup, reported by its measure. */
let watchAttempts = 0;

export const complexLesson: Lesson = {
  id: 'complex',
  title: 'Hashes, lists, sets and sorted sets',
  level: 'Intermediate',
  minutes: 35,
  summary:
    'Profiles in hashes (and what they save), feeds and reliable queues on lists, sets for tags and visitors, ' +
    'leaderboards and priority queues on sorted sets; then round trips vs pipelines vs MULTI, and WATCH under contention.',
  keys: [
    'user:*',
    'mem:*',
    'tasks:*',
    'feed:*',
    'queue:*',
    'tags:*',
    'visitors:*',
    'likes:*',
    'leaderboard:*',
    'pq:*',
    'rt:*',
    'account:*',
    'race:*',
  ],
  steps: [
    {
      id: 'intro',
      kind: 'explain',
      title: 'One key, a whole data structure',
      text:
        'In the first lesson every key held one string. Applications need more: objects with fields, timelines, ' +
        'memberships, rankings. Redis stores each of these as a native type under one key, and runs the operation ' +
        'next to the data: you ask "what is ben\'s rank?" and one number comes back, instead of fetching a collection ' +
        'and sorting it in your code.\n\n' +
        'Each type has a compact encoding for small values and a faster, bigger one for large values. The key table ' +
        'after every step shows it (OBJECT ENCODING) with the memory the key takes (MEMORY USAGE).\n\n' +
        'Keep the cost model in mind: reading or writing one element is O(1) or O(log N), but commands that return a ' +
        'whole collection (HGETALL, SMEMBERS, LRANGE 0 -1) are O(N). Redis runs commands one at a time, so an O(N) call ' +
        'on a million-element key stalls every other client while it runs.',
    },

    // ── Hashes ────────────────────────────────────────────────────────────────────────────────
    {
      id: 'hash-basics',
      kind: 'run',
      title: 'Hashes: a user profile in one key',
      text:
        'A hash maps field names to string values, like a row in a table. HSET takes any number of field/value pairs ' +
        '(HMSET, its old multi-field twin, is deprecated). HMGET returns nil for a missing field rather than failing. ' +
        'HINCRBY changes one numeric field atomically, so two clients counting visits never lose one. HGETALL returns ' +
        'everything: fine for a profile, a trap for a hash with a million fields (use HSCAN there).',
      commands: [
        'HSET {ns}user:1000 name "Grace Hopper" email grace@example.com city Arlington visits 0',
        'HGET {ns}user:1000 name',
        'HMGET {ns}user:1000 name city phone',
        'HINCRBY {ns}user:1000 visits 1',
        'HDEL {ns}user:1000 email',
        'HEXISTS {ns}user:1000 email',
        'HLEN {ns}user:1000',
        'HGETALL {ns}user:1000',
      ],
    },
    {
      id: 'hash-memory',
      kind: 'code',
      title: 'One hash, or one key per field? Measured',
      text:
        `The same ${MEMORY_USERS} user profiles (5 fields each) are written twice: once as one hash per user, once as ` +
        'one string key per field (user:1:name, user:1:email, …). Then MEMORY USAGE is summed over each layout. ' +
        'Every top-level key pays for its name, a value object and an entry in the keyspace dictionary; a small hash ' +
        'pays that once and packs its fields into one contiguous listpack.',
      async run(ctx) {
        const profiles = Array.from({ length: MEMORY_USERS }, (_, i) => profileFor(i + 1));
        const hashKeys = profiles.map((_, i) => ctx.key(`mem:hash:${i + 1}`));
        const prefixes = profiles.map((_, i) => ctx.key(`mem:str:${i + 1}`));
        const stringKeys = profiles.flatMap((p, i) => fieldKeys(prefixes[i]!, p));
        await ctx.claim([...hashKeys, ...stringKeys]);

        // User 1 on the recorded connection, so both shapes are on screen; the rest in one quiet pipeline.
        await saveProfileAsHash(ctx.redis, hashKeys[0]!, profiles[0]!);
        await saveProfileAsKeys(ctx.redis, prefixes[0]!, profiles[0]!);
        const p = ctx.unrecorded.pipeline();
        for (let i = 1; i < profiles.length; i++) {
          p.hset(hashKeys[i]!, profiles[i]!);
          p.mset(Object.fromEntries(Object.entries(profiles[i]!).map(([f, v]) => [`${prefixes[i]}:${f}`, v])));
        }
        await p.exec();
        ctx.say(`Users 2..${MEMORY_USERS} were written the same way on a second connection (not printed).`);

        const hashBytes = await memoryOf(ctx.unrecorded, hashKeys);
        const stringBytes = await memoryOf(ctx.unrecorded, stringKeys);
        const hashEnc = await encodingOf(ctx, hashKeys[0]!);
        const stringEnc = await encodingOf(ctx, stringKeys[0]!);
        ctx.table(
          ['layout', 'keys', 'MEMORY USAGE total', 'per user', 'encoding'],
          [
            ['one hash per user', hashKeys.length, bytes(hashBytes), bytes(Math.round(hashBytes / MEMORY_USERS)), hashEnc],
            ['one string key per field', stringKeys.length, bytes(stringBytes), bytes(Math.round(stringBytes / MEMORY_USERS)), stringEnc],
          ],
        );
        const ratio = stringBytes / hashBytes;
        ctx.say(
          ratio > 1
            ? `One key per field takes ${ratio.toFixed(1)}× the memory of one hash per user, for the same data.`
            : `Here the hashes took ${(1 / ratio).toFixed(1)}× the memory of separate keys: check the encodings above.`,
        );

        // Past hash-max-listpack-value (or -entries) the hash becomes a real hash table, and never goes back.
        const limit = await configValue(ctx, 'hash-max-listpack-value', '64');
        const max = Number(limit.value) || 64;
        // User 1 is a made-up profile ("Alan B."), so the bio is generic filler, not a famous person's.
        let bio = '';
        while (bio.length <= max) bio += 'Likes short round trips, small keys and long walks. ';
        const before = await memoryOf(ctx.unrecorded, [hashKeys[0]!]);
        await ctx.redis.hset(hashKeys[0]!, 'bio', bio.trim());
        const after = await memoryOf(ctx.unrecorded, [hashKeys[0]!]);
        const encAfter = await encodingOf(ctx, hashKeys[0]!);
        ctx.say(
          `Adding a ${bio.trim().length}-byte bio to user 1 crosses hash-max-listpack-value ` +
            `(${max}${limit.read ? '' : ', the default; CONFIG GET was not allowed'}): encoding ${hashEnc} → ${encAfter}, ` +
            `${bytes(before)} → ${bytes(after)}.`,
        );
        ctx.say(
          'Trade-offs: a hash field cannot have its own TTL before Redis 7.4 (HEXPIRE); a whole hash lives on one ' +
            'Cluster shard; and splitting a huge id → value mapping into many small hashes (bucketing: id 1234 goes to ' +
            'field 34 of hash bucket:12) is how large fleets keep millions of small values in listpack form.',
        );
      },
    },
    {
      id: 'ex-hash-create',
      kind: 'exercise',
      title: 'Create a profile hash',
      text: 'Store user 2001 as the hash {ns}user:2001 with name Linus, city Helsinki and karma 10, in a single command.',
      points: 2,
      setup: HASH_CREATE_SETUP,
      check: all(
        oneHashWrite('user:2001', { name: 'Linus', city: 'Helsinki', karma: '10' }, retyped(HASH_CREATE_SETUP)),
        hashHas('user:2001', { name: 'Linus', city: 'Helsinki', karma: '10' }),
        lengthIs('user:2001', 3),
      ),
      hints: ['One command can set several fields of a hash at once.', 'HSET key field value [field value …]'],
      solution: ['HSET {ns}user:2001 name Linus city Helsinki karma 10'],
      wrong: [
        ['HSET {ns}user:2001 name Linus', 'HSET {ns}user:2001 city Helsinki', 'HSET {ns}user:2001 karma 10'],
        // The layout the memory step measured against: one string key per field.
        ['MSET {ns}user:2001:name Linus {ns}user:2001:city Helsinki {ns}user:2001:karma 10'],
        // JSON in a string: one key, but Redis cannot change one field of it.
        [`SET {ns}user:2001 '{"name":"Linus","city":"Helsinki","karma":10}'`],
      ],
    },
    {
      id: 'ex-hash-update',
      kind: 'exercise',
      title: 'Update a field atomically, remove another',
      text:
        '{ns}user:2002 belongs to Margaret (karma 41). She earned a karma point: add it atomically (no read, no ' +
        'rewrite), and remove the used reset_token field. Her name must stay.',
      points: 3,
      setup: HASH_UPDATE_SETUP,
      check: all(
        hashHas('user:2002', { name: 'Margaret', karma: '42' }),
        hashLacks('user:2002', 'reset_token'),
        writtenOnlyBy(
          'user:2002',
          'KEY changed in place: HINCRBY on karma, HDEL of reset_token',
          (c) => ((c.name === 'HINCRBY' || c.name === 'HINCRBYFLOAT') && c.args[2] === 'karma') || c.name === 'HDEL',
          (c) =>
            (c.name === 'HSET' || c.name === 'HMSET' || c.name === 'HSETNX') && c.args.slice(2).includes('karma')
              ? `you set karma with ${c.command}: a value computed in the client, so a point earned meanwhile is lost`
              : `you rewrote the hash (${c.command}) instead of changing one field in place`,
          retyped(HASH_UPDATE_SETUP),
        ),
      ),
      hints: [
        'Reading 41 and writing 42 back can lose a concurrent update; one command can add to a field in place. Another removes a field.',
        'HINCRBY key field increment, then HDEL key field',
      ],
      solution: ['HINCRBY {ns}user:2002 karma 1', 'HDEL {ns}user:2002 reset_token'],
      wrong: [
        ['HGET {ns}user:2002 karma', 'HSET {ns}user:2002 karma 42', 'HDEL {ns}user:2002 reset_token'],
        // An empty value is still a field.
        ['HINCRBY {ns}user:2002 karma 1', 'HSET {ns}user:2002 reset_token ""'],
        // Rewriting the whole hash to drop one field.
        ['HINCRBY {ns}user:2002 karma 1', 'DEL {ns}user:2002', 'HSET {ns}user:2002 name Margaret karma 42'],
      ],
    },

    // ── Lists ─────────────────────────────────────────────────────────────────────────────────
    {
      id: 'list-queues',
      kind: 'run',
      title: 'Lists: FIFO queues and LIFO stacks',
      text:
        'A list is a sequence you push to and pop from at both ends in O(1). Push at one end and pop at the other and ' +
        'you have a FIFO queue; push and pop at the same end and you have a LIFO stack. Reaching into the middle ' +
        '(LINDEX, LINSERT, LREM) walks the list: O(N). Workers should not poll with LPOP in a loop: BLPOP/BRPOP block ' +
        'until an item arrives (or a timeout passes).',
      commands: [
        'RPUSH {ns}tasks:fifo job:1 job:2 job:3',
        'LPOP {ns}tasks:fifo',
        'LRANGE {ns}tasks:fifo 0 -1',
        'LPUSH {ns}tasks:stack page:1 page:2 page:3',
        'LPOP {ns}tasks:stack',
        'LRANGE {ns}tasks:stack 0 -1',
        'LLEN {ns}tasks:stack',
      ],
    },
    {
      id: 'feed',
      kind: 'code',
      title: 'An activity feed that keeps the newest N',
      text:
        'A feed is LPUSH (newest at the head) plus LTRIM 0 N-1 (drop everything older than the newest N). Sent together ' +
        'in MULTI they take one round trip and no reader ever sees the list longer than N. Trimming on every push ' +
        'removes about one element each time, so the cost stays O(1). Seven activities are pushed into a feed capped at 5.',
      async run(ctx) {
        const key = ctx.key('feed:grace');
        await ctx.claim([key]);
        const activities = ['joined', 'posted:1', 'liked:7', 'followed:ada', 'posted:2', 'commented:9', 'shared:2'];
        const rows: (string | number)[][] = [];
        for (const a of activities) {
          const len = await pushActivity(ctx.redis, key, a, 5);
          rows.push([a, len]);
        }
        ctx.table(['pushed', 'feed length after'], rows);
        const newest = await recentActivity(ctx.redis, key, 3);
        ctx.say(`The three newest: ${newest.join(', ')}. "joined" and "posted:1" were trimmed away.`);
      },
    },
    {
      id: 'ex-feed',
      kind: 'exercise',
      title: 'Push and cap a feed',
      text:
        "{ns}feed:bob holds bob's 6 latest activities, newest first. A new one, liked:7, arrives: put it at the head " +
        'and cut the feed down to the 5 newest entries.',
      points: 3,
      setup: FEED_SETUP,
      check: all(
        listEquals('feed:bob', ['liked:7', 'commented:6', 'liked:5', 'followed:4', 'shared:3']),
        writtenOnlyBy(
          'feed:bob',
          'KEY changed by LPUSH and capped by LTRIM',
          (c) => c.name === 'LPUSH' || c.name === 'LPUSHX' || c.name === 'LTRIM',
          (c) =>
            /^(RPOP|LPOP|LREM|BRPOP|BLPOP)$/.test(c.name)
              ? `you dropped entries one at a time (${c.command}): that needs the length first, LTRIM keeps the newest 5 whatever it is`
              : `you rebuilt the list in the client (${c.command}) instead of trimming it on the server`,
          retyped(FEED_SETUP),
        ),
        async (ctx) => {
          const trimmed = writesSince(ctx, ctx.key('feed:bob'), retyped(FEED_SETUP)).some((c) => c.name === 'LTRIM');
          return { pass: trimmed, expected: 'an LTRIM capping the feed', actual: trimmed ? 'LTRIM capped it' : 'no LTRIM yet' };
        },
      ),
      hints: [
        'Two commands: one pushes at the head, one keeps only a range of indexes.',
        'LPUSH key element, then LTRIM key start stop (indexes are inclusive, 0-based)',
      ],
      solution: ['LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4'],
      wrong: [
        ['RPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 4'],
        // LTRIM's stop index is inclusive.
        ['LPUSH {ns}feed:bob liked:7', 'LTRIM {ns}feed:bob 0 5'],
        ['LPUSH {ns}feed:bob liked:7', 'RPOP {ns}feed:bob', 'RPOP {ns}feed:bob'],
        ['LRANGE {ns}feed:bob 0 3', 'DEL {ns}feed:bob', 'RPUSH {ns}feed:bob liked:7 commented:6 liked:5 followed:4 shared:3'],
      ],
    },
    {
      id: 'reliable-queue',
      kind: 'code',
      title: 'A reliable queue: BLMOVE into a processing list',
      text:
        'With RPOP (or BRPOP) the job leaves Redis the moment a worker takes it: if the worker dies mid-job, the job is ' +
        'gone. The reliable version moves the job, atomically, onto a processing list (BLMOVE queue processing RIGHT ' +
        'LEFT, Redis 6.2+; BRPOPLPUSH before that) and removes it from there with LREM only once the work is done. ' +
        'Watch what happens to a job whose worker dies before acknowledging it.',
      async run(ctx) {
        const queue = ctx.key('queue:jobs');
        const processing = ctx.key('queue:jobs:processing');
        await ctx.claim([queue, processing]);
        const legacy = !versionAtLeast(ctx.sb.target.version, '6.2');
        if (legacy) ctx.say(`Redis ${ctx.sb.target.version} has no BLMOVE (6.2+): using BRPOPLPUSH, which does the same.`);

        await enqueue(ctx.redis, queue, ['send-welcome:1', 'resize-avatar:2', 'charge-card:3']);

        const first = await claimJob(ctx.redis, queue, processing, 1, { legacy });
        ctx.say(`Worker A took ${first}; it sits in the processing list while A works.`);
        await ackJob(ctx.redis, processing, first!);
        ctx.say(`A finished and acknowledged it with LREM: the processing list is empty again.`);

        const second = await claimJob(ctx.redis, queue, processing, 1, { legacy });
        ctx.say(`Worker B took ${second}… and crashed before acknowledging (no LREM is sent).`);
        const stuck = await ctx.redis.lrange(processing, 0, -1);
        ctx.say(
          `The processing list still holds [${stuck.join(', ')}]: the job was not lost. With RPOP it would exist ` +
            "only in the dead worker's memory.",
        );

        const moved = await requeueAll(ctx.redis, processing, queue);
        ctx.say(
          `A reaper put ${moved.join(', ')} back at the front of the queue (in production it acts when B's ` +
            'heartbeat key expires, and each worker has its own processing list).',
        );
        const retried = await claimJob(ctx.redis, queue, processing, 1, { legacy });
        await ackJob(ctx.redis, processing, retried!);
        ctx.say(`Worker C took ${retried} next and acknowledged it.`);

        const last = await claimJob(ctx.redis, queue, processing, 1, { legacy });
        await ackJob(ctx.redis, processing, last!);
        const t0 = performance.now();
        const none = await claimJob(ctx.redis, queue, processing, 0.2, { legacy });
        ctx.say(
          `After ${last}, the queue is empty: BLMOVE with a 0.2 s timeout waited ${Math.round(performance.now() - t0)} ms ` +
            `and returned ${none === null ? '(nil)' : none}. A timeout of 0 waits forever, holding the connection.`,
        );
        ctx.say(
          'This is at-least-once delivery: a worker that did the work but died before LREM gets its job redone, so ' +
            'jobs must be idempotent. Redis Streams with consumer groups (XREADGROUP, XACK, XAUTOCLAIM) build this in.',
        );
      },
    },
    {
      id: 'ex-reliable-claim',
      kind: 'exercise',
      title: 'Claim a job the reliable way',
      text:
        'Producers LPUSH onto {ns}queue:emails, so the oldest job (email:1) is at the right end. You are a worker: take ' +
        'it and, in the same atomic command, put it at the head of {ns}queue:emails:processing.',
      points: 3,
      setup: QUEUE_SETUP,
      check: all(
        listEquals('queue:emails:processing', ['email:1']),
        listEquals('queue:emails', ['email:3', 'email:2']),
        // RPOP then LPUSH reaches the same state, with a window where a crash loses the job.
        movedAtomically('queue:emails', 'queue:emails:processing', 'email:1', retyped(QUEUE_SETUP)),
      ),
      hints: [
        'Popping and then pushing in two commands leaves a moment where a crash loses the job. One command moves an element between lists.',
        'LMOVE source destination RIGHT LEFT (or BLMOVE … RIGHT LEFT timeout, which waits when the queue is empty)',
      ],
      solution: ['LMOVE {ns}queue:emails {ns}queue:emails:processing RIGHT LEFT'],
      wrong: [
        ['RPOP {ns}queue:emails', 'LPUSH {ns}queue:emails:processing email:1'],
        ['BRPOP {ns}queue:emails 1', 'LPUSH {ns}queue:emails:processing email:1'],
        // Copy first, then remove: a crash in between runs the job twice.
        ['LPUSH {ns}queue:emails:processing email:1', 'RPOP {ns}queue:emails'],
        // The newest job, not the oldest.
        ['LMOVE {ns}queue:emails {ns}queue:emails:processing LEFT LEFT'],
      ],
    },

    // ── Sets ──────────────────────────────────────────────────────────────────────────────────
    {
      id: 'sets',
      kind: 'run',
      title: 'Sets: tags, unique visitors, who likes both',
      text:
        'A set holds unique strings with no order. SADD of a member already present does nothing (it replies 0), which ' +
        'makes "unique visitors per day" one command per visit. Membership tests are O(1); SMISMEMBER (6.2+) asks about ' +
        'several members in one trip. SINTER, SUNION and SDIFF combine sets on the server: returning visitors, all ' +
        'visitors, new visitors. SMEMBERS order is arbitrary, and it is O(N): use SSCAN on big sets. For counting ' +
        'uniques in the millions, a HyperLogLog (PFADD/PFCOUNT) answers within ~1% in 12 KB. Encodings: small sets ' +
        'of integers are an intset; small sets of strings are a hashtable on 7.0 and a listpack from 7.2.',
      commands: [
        'SADD {ns}tags:post:1 redis databases caching',
        'SADD {ns}tags:post:1 redis',
        'SISMEMBER {ns}tags:post:1 caching',
        'SMISMEMBER {ns}tags:post:1 redis nosql caching',
        'SADD {ns}visitors:mon u1 u2 u3 u1 u2',
        'SADD {ns}visitors:tue u2 u3 u4',
        'SCARD {ns}visitors:mon',
        'SINTER {ns}visitors:mon {ns}visitors:tue',
        'SUNION {ns}visitors:mon {ns}visitors:tue',
        'SDIFF {ns}visitors:tue {ns}visitors:mon',
      ],
    },
    {
      id: 'ex-sets',
      kind: 'exercise',
      title: 'Users who like both',
      text:
        '{ns}likes:rust and {ns}likes:go hold the users who like each language. Store the users who like both in ' +
        '{ns}likes:both, and those who like Rust but not Go in {ns}likes:rust-only, letting Redis compute each.',
      points: 3,
      setup: [
        'DEL {ns}likes:rust {ns}likes:go {ns}likes:both {ns}likes:rust-only',
        'SADD {ns}likes:rust ana ben chen dara',
        'SADD {ns}likes:go ben dara eli',
      ],
      check: all(
        setEquals('likes:both', ['ben', 'dara']),
        setEquals('likes:rust-only', ['ana', 'chen']),
        computedBy('likes:both', 'SINTERSTORE'),
        computedBy('likes:rust-only', 'SDIFFSTORE'),
      ),
      hints: [
        'SINTER and SDIFF return a result; each has a twin that stores the result in a key instead.',
        'SINTERSTORE destination key [key …] and SDIFFSTORE destination key [key …] (SDIFF keeps members of the first key not in the others)',
      ],
      solution: ['SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go'],
      wrong: [
        ['SADD {ns}likes:both ben dara', 'SADD {ns}likes:rust-only ana chen'],
        // Redis computed it, the client copied it back.
        [
          'SINTER {ns}likes:rust {ns}likes:go',
          'SADD {ns}likes:both ben dara',
          'SDIFF {ns}likes:rust {ns}likes:go',
          'SADD {ns}likes:rust-only ana chen',
        ],
        ['SUNIONSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:rust {ns}likes:go'],
        // SDIFF keeps the members of its first key.
        ['SINTERSTORE {ns}likes:both {ns}likes:rust {ns}likes:go', 'SDIFFSTORE {ns}likes:rust-only {ns}likes:go {ns}likes:rust'],
      ],
    },

    // ── Sorted sets ───────────────────────────────────────────────────────────────────────────
    {
      id: 'zset-basics',
      kind: 'run',
      title: 'Sorted sets: a leaderboard',
      text:
        'A sorted set is a set whose members each carry a score, kept in score order: adding, updating and ranking are ' +
        'O(log N). ZINCRBY adds points atomically. Ranks are 0-based: ZREVRANK counts from the highest score, ZRANK ' +
        'from the lowest. Equal scores sort by member name (reversed in REV order). Since Redis 6.2, ZRANGE with REV ' +
        'or BYSCORE replaces ZREVRANGE and ZRANGEBYSCORE (still working, now deprecated). ZADD GT only ever raises a ' +
        'score: a "best score ever" board in one command.',
      commands: [
        'ZADD {ns}leaderboard:weekly 120 ana 95 ben 150 chen 95 dara 80 eli',
        'ZINCRBY {ns}leaderboard:weekly 40 ben',
        'ZREVRANGE {ns}leaderboard:weekly 0 2 WITHSCORES',
        'ZRANGE {ns}leaderboard:weekly 0 2 REV WITHSCORES',
        'ZREVRANK {ns}leaderboard:weekly ben',
        'ZRANK {ns}leaderboard:weekly ben',
        'ZSCORE {ns}leaderboard:weekly chen',
        'ZRANGEBYSCORE {ns}leaderboard:weekly 90 130 WITHSCORES',
        'ZRANGE {ns}leaderboard:weekly 90 130 BYSCORE WITHSCORES',
        'ZCOUNT {ns}leaderboard:weekly 100 +inf',
        'ZADD {ns}leaderboard:weekly GT CH 90 eli',
        'ZADD {ns}leaderboard:weekly GT CH 50 eli',
      ],
    },
    {
      id: 'around-me',
      kind: 'code',
      title: 'The top 3 and the players around me',
      text:
        'Games show the top of the board and the few players just above and below you. With a sorted set that is ' +
        'ZREVRANK (where am I?) and then ZRANGE … REV over rank-2..rank+2: O(log N) each, however large the board.',
      async run(ctx) {
        const key = ctx.key('leaderboard:global');
        await ctx.claim([key]);
        const players: (string | number)[] = [];
        for (let i = 1; i <= 25; i++) players.push((i * 7919) % 1000, `player:${String(i).padStart(2, '0')}`);
        await ctx.redis.zadd(key, ...players);

        const top = await topPlayers(ctx.redis, key, 3);
        ctx.table(
          ['rank', 'player', 'score'],
          top.map((e) => [e.rank, e.member, e.score]),
        );

        const me = 'player:07';
        const before = await rankOf(ctx.redis, key, me);
        await addPoints(ctx.redis, key, me, 100);
        const after = await rankOf(ctx.redis, key, me);
        const near = await aroundMe(ctx.redis, key, me, 2);
        ctx.say(
          `${me} won 100 points: ${before?.score} → ${after?.score}, rank ${before?.rank} → ${after?.rank} of 25 ` +
            '(ranks here count from 1; ZREVRANK itself counts from 0). Around them:',
        );
        ctx.table(
          ['rank', 'player', 'score'],
          near.map((e) => [e.rank, e.member === me ? `${e.member}  ◂ you` : e.member, e.score]),
        );
      },
    },
    {
      id: 'ex-leaderboard',
      kind: 'exercise',
      title: 'Score a match, then find the rank',
      text:
        'ben just won a match worth 45 points on {ns}leaderboard:season. Add them atomically, then ask Redis for ' +
        "ben's rank counting from the top (the leader is rank 0).",
      points: 3,
      setup: LEADERBOARD_SETUP,
      check: custom('ben at 295 points added by ZINCRBY, and a ZREVRANK reply matching his rank now', async (ctx) => {
        const key = ctx.key('leaderboard:season');
        const score = await ctx.unrecorded.zscore(key, 'ben');
        if (score === null || Number(score) !== 295) {
          return { pass: false, actual: `score of ben = ${score ?? '(nil)'}` };
        }
        // ZADD … INCR is ZINCRBY by another name; any other write set a score worked out in the client.
        const set = writesSince(ctx, key, retyped(LEADERBOARD_SETUP)).find(
          (c) => c.name !== 'ZINCRBY' && !(c.name === 'ZADD' && c.args.some((a) => a.toUpperCase() === 'INCR')),
        );
        if (set)
          return {
            pass: false,
            actual: `you set the score with ${set.command}: worked out in the client, so points won meanwhile are lost`,
          };
        const rank = await ctx.unrecorded.zrevrank(key, 'ben');
        const ran = ranCommands(ctx.history);
        const last = ran.filter((c) => c.name === 'ZREVRANK' && c.args[1] === key && c.args[2] === 'ben').at(-1);
        if (!last) {
          const other = ran.find(
            (c) => /^(ZRANK|ZRANGE|ZREVRANGE|ZRANGEBYSCORE|ZREVRANGEBYSCORE|ZSCAN)$/.test(c.name) && c.args[1] === key,
          );
          return {
            pass: false,
            actual:
              other?.name === 'ZRANK'
                ? `ben has 295 points; ${other.command} counts from the lowest score, not the top`
                : other
                  ? `ben has 295 points; ${other.command} lists the board for you to count: ZREVRANK asks Redis for the rank`
                  : 'ben has 295 points; no ZREVRANK of ben yet',
          };
        }
        // ZREVRANK … WITHSCORE (Redis 7.2+) replies [rank, score].
        const said = Array.isArray(last.reply) ? Number(last.reply[0]) : Number(last.reply);
        return {
          pass: said === rank,
          actual:
            said === rank
              ? `ZREVRANK replied ${said}, ben's rank`
              : `your last ZREVRANK of ben replied ${said}, but his rank now is ${rank}`,
        };
      }),
      hints: [
        'Add to the score in place (no read first), then ask for the rank in descending order.',
        'ZINCRBY key increment member, then ZREVRANK key member',
      ],
      solution: ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZREVRANK {ns}leaderboard:season ben'],
      wrong: [
        // Read, add in the client, write back.
        ['ZSCORE {ns}leaderboard:season ben', 'ZADD {ns}leaderboard:season 295 ben', 'ZREVRANK {ns}leaderboard:season ben'],
        ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZRANK {ns}leaderboard:season ben'],
        // Fetch the board and count in the client.
        ['ZINCRBY {ns}leaderboard:season 45 ben', 'ZREVRANGE {ns}leaderboard:season 0 -1 WITHSCORES'],
        // A rank asked before the points landed.
        ['ZREVRANK {ns}leaderboard:season ben', 'ZINCRBY {ns}leaderboard:season 45 ben'],
      ],
    },
    {
      id: 'priority-queue',
      kind: 'code',
      title: 'A priority queue with ZPOPMIN',
      text:
        'Make the score a priority (lower = more urgent) and ZPOPMIN takes the most urgent job and removes it in one ' +
        'atomic step: two workers can never get the same job. BZPOPMIN is the blocking form for idle workers. Equal ' +
        'scores pop in member-name order, not arrival order; for FIFO within a priority, put time in the score ' +
        '(priority × 10^13 + milliseconds since the epoch stays exact in a double).',
      async run(ctx) {
        const key = ctx.key('pq:jobs');
        await ctx.claim([key]);
        await pushJobs(ctx.redis, key, [
          { job: 'send-invoice', priority: 2 },
          { job: 'reset-password', priority: 1 },
          { job: 'weekly-digest', priority: 5 },
          { job: 'fraud-alert', priority: 0 },
          { job: 'resize-image', priority: 3 },
        ]);
        const rows: (string | number)[][] = [];
        for (let i = 1; i <= 3; i++) {
          const next = await popMostUrgent(ctx.redis, key);
          if (next) rows.push([i, next.job, next.priority]);
        }
        ctx.table(['popped', 'job', 'priority'], rows);
        ctx.say(`Still waiting: ${(await ctx.redis.zrange(key, '0', '-1')).join(', ')}.`);
      },
    },
    {
      id: 'ex-priority',
      kind: 'exercise',
      title: 'Take the most urgent ticket',
      text:
        '{ns}pq:tickets is a support queue scored by priority (1 = most urgent). Take the most urgent ticket off the ' +
        'queue in one atomic command, the way a worker would (so no other worker can take it too).',
      points: 2,
      setup: TICKETS_SETUP,
      check: all(
        zsetEquals('pq:tickets', [
          ['login-slow', 2],
          ['printer-jam', 3],
          ['typo', 5],
        ]),
        writtenOnlyBy(
          'pq:tickets',
          'the ticket taken off KEY by one pop (ZPOPMIN) that hands it to the worker',
          (c) => POPS.has(c.name),
          (c) =>
            c.name === 'ZREM'
              ? `you removed it with ${c.command} after choosing it: another worker could take the same ticket in between`
              : /^ZREMRANGEBY/.test(c.name)
                ? `${c.command} deletes the ticket without handing it to you: the worker never gets it`
                : `you changed the queue with ${c.command}`,
          retyped(TICKETS_SETUP),
        ),
      ),
      hints: [
        'Reading the first member and then removing it is two steps another worker can slip between. One command pops the lowest score.',
        'ZPOPMIN key [count]',
      ],
      solution: ['ZPOPMIN {ns}pq:tickets'],
      wrong: [
        ['ZRANGE {ns}pq:tickets 0 0', 'ZREM {ns}pq:tickets site-down'],
        ['ZREMRANGEBYRANK {ns}pq:tickets 0 0'],
        // The highest score is the least urgent here.
        ['ZPOPMAX {ns}pq:tickets'],
      ],
    },

    // ── Round trips, pipelines, transactions ───────────────────────────────────────────────────
    {
      id: 'round-trips',
      kind: 'code',
      title: 'Round trips vs pipeline vs MULTI/EXEC, timed',
      text:
        `The same work, ${BATCH_SIZE} INCRs, sent four ways (best of ${BATCH_REPEATS} runs each). (1) await each ` +
        `command: ${BATCH_SIZE} round trips. (2) MULTI, then each INCR awaited on its own, then EXEC: atomic, but every ` +
        'queued command still waits for its "QUEUED" reply. (3) a pipeline: all commands in one write, replies read ' +
        "together; not atomic, other clients' commands may run in between. (4) MULTI/EXEC inside a pipeline (what " +
        'ioredis multi() does by default): one round trip and atomic.',
      async run(ctx) {
        const ways: BatchWay[] = ['round-trips', 'multi-unpipelined', 'pipeline', 'multi-pipelined'];
        const keys = ways.map((w) => ctx.key(`rt:${w}`));
        await ctx.claim(keys);

        // Warm up the code paths on the quiet connection so the first way measured is not penalised.
        for (let i = 0; i < ways.length; i++) await incrementBatch(ctx.unrecorded, keys[i]!, 50, ways[i]!);

        const best: BatchRun[] = [];
        for (let rep = 0; rep < BATCH_REPEATS; rep++) {
          for (let i = 0; i < ways.length; i++) {
            await ctx.unrecorded.del(keys[i]!);
            const run = await incrementBatch(ctx.redis, keys[i]!, BATCH_SIZE, ways[i]!);
            if (!best[i] || run.ms < best[i]!.ms) best[i] = run;
          }
        }
        const base = best[0]!.ms;
        ctx.table(
          ['way', 'round trips', 'atomic', 'total ms', 'µs / command', 'speed-up'],
          best.map((r) => [
            r.way,
            r.roundTrips,
            r.atomic ? 'yes' : 'no',
            r.ms.toFixed(1),
            ((r.ms * 1000) / r.commands).toFixed(1),
            `${(base / r.ms).toFixed(1)}×`,
          ]),
        );
        const counts = await ctx.redis.mget(...keys);
        ctx.say(`Same result every way: the four counters read ${counts.join(', ')}.`);
        ctx.say(
          `Here a round trip costs about ${Math.round((base * 1000) / BATCH_SIZE)} µs: client and server share a machine. ` +
            `Across a real network (0.5–1 ms inside a data centre) ${BATCH_SIZE} round trips alone would take ` +
            `${BATCH_SIZE / 2}–${BATCH_SIZE} ms, and the pipelined ways would win by far more than they do here.`,
        );
        ctx.say(
          'MULTI buys atomicity, not speed. Pipelining buys speed, not atomicity. And neither rolls back: if one ' +
            'command in EXEC fails (say, INCR on a hash), the others still apply.',
        );
      },
    },
    {
      id: 'watch-conflict',
      kind: 'code',
      title: 'WATCH: a transaction that notices a conflict',
      text:
        'MULTI cannot make a decision based on a value it reads: commands are only queued until EXEC. To "read, ' +
        'decide, write" safely, WATCH the keys first. If any watched key changes before EXEC (another client writes it, ' +
        'or it expires), EXEC replies nil and applies nothing. Here connection A (the lesson) wants to move 30 coins ' +
        'from alice to bob, computing the new balances itself, while connection B pays alice in the middle.',
      async run(ctx) {
        const alice = ctx.key('account:alice');
        const bob = ctx.key('account:bob');
        await ctx.claim([alice, bob]);
        await ctx.redis.mset(alice, 100, bob, 50);
        const [b] = await ctx.clients(1);

        await ctx.redis.watch(alice, bob);
        const [a0, b0] = (await ctx.redis.mget(alice, bob)).map(Number) as [number, number];
        ctx.say(`A watched both accounts and read alice=${a0}, bob=${b0}; it plans alice=${a0 - 30}, bob=${b0 + 30}.`);
        const paid = await b!.incrby(alice, 25);
        ctx.say(`B ▸ INCRBY ${alice} 25 → (integer) ${paid}   (a payment lands between A's read and A's EXEC)`);
        const res = await ctx.redis
          .multi()
          .set(alice, a0 - 30)
          .set(bob, b0 + 30)
          .exec();
        ctx.say(
          `A ▸ EXEC → ${res === null ? '(nil)' : JSON.stringify(res)}. Redis discarded A's whole transaction: alice is ` +
            `still ${await ctx.unrecorded.get(alice)}. Without WATCH, A would have written alice=${a0 - 30} and B's 25 coins ` +
            'would have vanished: a lost update.',
        );
      },
    },
    {
      id: 'watch-retry',
      kind: 'code',
      title: 'WATCH with a retry loop',
      text:
        'A nil from EXEC is not an error, it is "try again": read the fresh values, decide again, EXEC again. The ' +
        'transfer() pattern wraps that loop. B pays alice once more during the first attempt, so the first EXEC fails ' +
        'and the second one commits. The same loop can also decline: the check "never below zero" happens between ' +
        'the read and the write, which INCRBY alone cannot do.',
      async run(ctx) {
        const alice = ctx.key('account:alice');
        const bob = ctx.key('account:bob');
        await ctx.claim([alice, bob]);
        const [b] = await ctx.clients(1);
        const start = (await ctx.unrecorded.mget(alice, bob)).map(Number) as [number, number];

        const result = await transfer(ctx.redis, alice, bob, 30, {
          async beforeCommit(attempt) {
            if (attempt !== 1) return;
            const v = await b!.incrby(alice, 5);
            ctx.say(`B ▸ INCRBY ${alice} 5 → (integer) ${v}   (B strikes again during attempt 1)`);
          },
        });
        const [a1, b1] = (await ctx.unrecorded.mget(alice, bob)).map(Number) as [number, number];
        ctx.say(
          `transfer(alice → bob, 30): ${result.status} after ${result.attempts} attempts. alice=${a1}, bob=${b1}: ` +
            `total ${a1 + b1} = ${start[0] + start[1]} + 5 from B. Nothing lost, nothing created.`,
        );
        const tooMuch = await transfer(ctx.redis, bob, alice, 1000);
        ctx.say(`transfer(bob → alice, 1000): ${tooMuch.status}. The plan read bob's ${b1}, refused, and sent UNWATCH.`);
        ctx.say(
          "WATCH belongs to the connection: with a pool shared by concurrent requests, one request's WATCH is " +
            "another's surprise. Under heavy contention retries pile up (the next step counts them); then a Lua " +
            'script or a single atomic command is the better tool.',
        );
      },
    },
    {
      id: 'race-karma',
      kind: 'race',
      title: `${RACE_CLIENTS} clients, read-modify-write`,
      text:
        `${RACE_CLIENTS} clients each add 1 karma point ${RACE_ROUNDS} times to the same hash field, three ways: HGET then ` +
        'HSET (the value is computed in the client), the same under WATCH with retries, and HINCRBY. Count what survives.',
      clients: RACE_CLIENTS,
      variants: [
        {
          label: 'HGET + HSET (no WATCH)',
          atomic: false,
          async setup(ctx) {
            await ctx.claim([ctx.key('race:naive')]);
            await ctx.redis.hset(ctx.key('race:naive'), 'karma', 0);
          },
          async worker(client, _i, ctx) {
            const key = ctx.key('race:naive');
            for (let r = 0; r < RACE_ROUNDS; r++) {
              const v = Number(await client.hget(key, 'karma'));
              await client.hset(key, 'karma', v + 1);
            }
          },
          async measure(ctx) {
            const actual = Number(await ctx.unrecorded.hget(ctx.key('race:naive'), 'karma'));
            return { expected: RACE_CLIENTS * RACE_ROUNDS, actual, unit: 'points' };
          },
        },
        {
          label: 'WATCH + MULTI/EXEC, retry on nil',
          atomic: true,
          async setup(ctx) {
            watchAttempts = 0;
            await ctx.claim([ctx.key('race:watch')]);
            await ctx.redis.hset(ctx.key('race:watch'), 'karma', 0);
          },
          async worker(client, _i, ctx) {
            const key = ctx.key('race:watch');
            for (let r = 0; r < RACE_ROUNDS; r++) {
              const res = await watchedHashIncrement(client, key, 'karma', 1, { jitterMs: 3 });
              watchAttempts += res.attempts;
            }
          },
          async measure(ctx) {
            const actual = Number(await ctx.unrecorded.hget(ctx.key('race:watch'), 'karma'));
            const commits = RACE_CLIENTS * RACE_ROUNDS;
            ctx.say(
              `WATCH lost nothing, but needed ${watchAttempts} attempts for ${commits} commits ` +
                `(${(watchAttempts / commits).toFixed(1)} per commit): that is the price of optimism under contention.`,
            );
            return { expected: commits, actual, unit: 'points' };
          },
        },
        {
          label: 'HINCRBY (one atomic command)',
          atomic: true,
          async setup(ctx) {
            await ctx.claim([ctx.key('race:hincrby')]);
            await ctx.redis.hset(ctx.key('race:hincrby'), 'karma', 0);
          },
          async worker(client, _i, ctx) {
            for (let r = 0; r < RACE_ROUNDS; r++) await client.hincrby(ctx.key('race:hincrby'), 'karma', 1);
          },
          async measure(ctx) {
            const actual = Number(await ctx.unrecorded.hget(ctx.key('race:hincrby'), 'karma'));
            return { expected: RACE_CLIENTS * RACE_ROUNDS, actual, unit: 'points' };
          },
        },
      ],
    },
    {
      id: 'ex-multi-transfer',
      kind: 'exercise',
      title: 'Move money atomically with MULTI/EXEC',
      text:
        'Move 30 coins from {ns}account:carol (100) to {ns}account:dave (20) so that no other client can ever see the ' +
        'coins in neither account or in both: queue the two changes in a transaction and execute it. (No WATCH is ' +
        'needed here: nothing is decided from a value read first.)',
      points: 3,
      setup: TRANSFER_SETUP,
      check: all(
        stringEquals('account:carol', '70'),
        stringEquals('account:dave', '50'),
        oneTransaction(['account:carol', 'account:dave'], retyped(TRANSFER_SETUP)),
      ),
      hints: [
        'Open a transaction, queue one decrement and one increment (each replies QUEUED), then run them together.',
        'MULTI, DECRBY key decrement, INCRBY key increment, EXEC',
      ],
      solution: ['MULTI', 'DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30', 'EXEC'],
      wrong: [
        ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30'],
        // The transaction typed after the fact wraps nothing.
        ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30', 'MULTI', 'EXEC'],
        ['MULTI', 'DECRBY {ns}account:carol 30', 'EXEC', 'MULTI', 'INCRBY {ns}account:dave 30', 'EXEC'],
        // Balances worked out in the client: atomic, but a payment landing before EXEC is overwritten.
        ['MULTI', 'SET {ns}account:carol 70', 'SET {ns}account:dave 50', 'EXEC'],
      ],
    },
    {
      id: 'wrap-up',
      kind: 'explain',
      title: 'What to say in an interview',
      text:
        'Which structure? An object with fields: a hash (HINCRBY per field, far less memory than a key per field while ' +
        'it stays a listpack). Newest-N or a queue: a list (LPUSH + LTRIM; BLMOVE into a processing list when a job ' +
        'must survive a crashed worker). Uniqueness and set algebra: a set. Ranking or "next by score": a sorted set ' +
        '(ZINCRBY, ZREVRANK, ZRANGE … REV, ZPOPMIN).\n\n' +
        'Pitfalls worth naming: O(N) commands on big keys (HGETALL, SMEMBERS, LRANGE 0 -1, LREM) block everyone; a ' +
        'plain RPOP queue loses jobs when a worker dies, and the reliable one delivers at least once, so jobs must be ' +
        'idempotent; read-modify-write in the client loses updates unless it is one atomic command, WATCH with retry, ' +
        'or a Lua script.\n\n' +
        'Batching: pipelines cut round trips but are not atomic; MULTI/EXEC is atomic (no other command runs in between) ' +
        'but has no rollback and is not faster unless pipelined; WATCH adds check-and-set and is per connection. In ' +
        'Redis Cluster, multi-key commands and transactions need all keys in one hash slot: name them with a hash tag, ' +
        'e.g. account:{42}:balance.',
    },
  ],
};
