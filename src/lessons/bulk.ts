// Lesson 3 (Advanced): thousands of users — generated, loaded one by one vs pipelined, indexed, queried, measured, removed.
import { versionAtLeast } from '../redis/capabilities.js';
import type { Sandbox } from '../redis/sandbox.js';
import { countMatching, unlinkInBatches, type UnlinkStats } from '../patterns/bulk-cleanup.js';
import {
  ageIndexKey,
  allIndexKeys,
  cityIndexKey,
  commandStats,
  deptIndexKey,
  indexCardinality,
  queueIndexWrites,
  salaryIndexKey,
  timeKeys,
  userKey,
  verifyIndexes,
  walkCursor,
} from '../patterns/bulk-indexes.js';
import { COMMANDS_PER_USER, loadOneByOne, loadPipelined, rates, type LoadStats } from '../patterns/bulk-loaders.js';
import {
  BUCKET_SIZE,
  LAYOUTS,
  encodingCrossing,
  hashListpackLimit,
  keysFootprint,
  layoutKeys,
  memoryInfo,
  settledMemoryInfo,
  writeLayout,
  type Layout,
} from '../patterns/bulk-memory.js';
import { CITIES, DEFAULT_SEED, generateUsers, userToHash, type User } from '../patterns/bulk-users.js';
import { all, builtOnServer, custom, notExists } from '../engine/checks.js';
import type { Check, Lesson, LessonContext, Step } from '../engine/types.js';

export const DEFAULT_RECORDS = 10_000;
/** Below this, some exercise (Berlin ∩ Engineering, page 2 of the 40–49s) could come out empty. */
export const MIN_RECORDS = 200;
/** Above this the lesson becomes a benchmark: that is what `redis-learn bench` is for. */
export const MAX_RECORDS = 100_000;
/** The one-by-one loader gets at most this many users: enough to measure, not enough to bore. */
const ONE_BY_ONE_CAP = 1_000;
const BATCH = 500;
/** Users copied into each memory layout. */
const LAYOUT_SAMPLE = 1_000;
/** A value size that keeps a bucket of JSON documents in listpack encoding on a private server. */
const RAISED_LISTPACK_VALUE = 1024;

/** The leaver of the last exercise: id 0 is never generated (ids start at 1). */
const LEAVER: User = {
  id: 0,
  name: 'Noor Haddad',
  email: 'noor.haddad@example.com',
  city: 'Oslo',
  department: 'Legal',
  title: 'Senior Counsel',
  salary: 98_000,
  age: 41,
  joined: '2019-04-01',
};

/** Result keys the exercises and query steps write (without the namespace). */
const RESULT_KEYS = ['q:top3', 'q:berlin-eng', 'q:berlin-pay', 'q:age40s-p2', 'q:sales-pay', 'q:age-25-29'];
const DEMO_KEY = 'demo:listpack';

/** The engineers in Berlin among the first 1,500 users: what a learner would copy from SINTER into SADD. */
const BERLIN_ENGINEERS_1500 = [
  2, 4, 23, 26, 27, 46, 51, 140, 154, 165, 189, 196, 241, 290, 338, 341, 362, 363, 385, 432, 437, 439, 461, 487, 503, 567, 569, 588, 621,
  625, 645, 660, 723, 757, 770, 804, 806, 841, 848, 882, 914, 934, 949, 960, 983, 985, 1084, 1100, 1116, 1123, 1230, 1235, 1361, 1380, 1388,
  1438, 1450, 1470, 1478, 1484, 1499,
];

export function recordsFor(ctx: Pick<LessonContext, 'options'>): number {
  const n = Math.floor(Number(ctx.options.records ?? DEFAULT_RECORDS));
  if (!Number.isFinite(n)) return DEFAULT_RECORDS;
  return Math.min(MAX_RECORDS, Math.max(MIN_RECORDS, n));
}

export function oneByOneCount(records: number): number {
  return Math.min(ONE_BY_ONE_CAP, Math.max(1, Math.floor(records / 10)));
}

/** What one run measured, carried from step to step (a --step replay measures it again). */
interface RunState {
  records: number;
  before?: number;
  oneByOne?: LoadStats;
  generationMs?: number;
  layoutBytes?: Partial<Record<Layout | 'bucket-listpack', number>>;
}
const runs = new WeakMap<Sandbox, RunState>();

function state(ctx: LessonContext): RunState {
  let s = runs.get(ctx.sb);
  if (!s || s.records !== recordsFor(ctx)) {
    s = { records: recordsFor(ctx) };
    runs.set(ctx.sb, s);
  }
  return s;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** "1 member", "2 members": a count with its noun in the right number. */
const count = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${Math.round(n) === 1 ? one : many}`;
const ms = (n: number) => (n >= 100 ? `${fmt(n)} ms` : `${n.toFixed(1)} ms`);

function bytes(n: number): string {
  if (Math.abs(n) < 1024) return `${fmt(n)} B`;
  if (Math.abs(n) < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * used_memory without redis-learn's own bookkeeping hash, which grows by one field per key the
 * lesson claims and would otherwise be counted as the users' memory.
 */
async function dataMemory(ctx: LessonContext): Promise<number> {
  const used = (await settledMemoryInfo(ctx.unrecorded)).used;
  // MEMORY USAGE may be disabled on managed services: then the bookkeeping is simply not subtracted.
  const meta = Number((await ctx.unrecorded.call('MEMORY', 'USAGE', ctx.sb.metaKey, 'SAMPLES', '0').catch(() => 0)) ?? 0);
  return used - meta;
}

/** Loads users [first, first+total) with `load` (pipelined by default), a claimed batch at a time, with a progress bar. */
async function loadRange(
  ctx: LessonContext,
  first: number,
  total: number,
  label: string,
  load: typeof loadPipelined = loadPipelined,
  batchSize = BATCH,
): Promise<LoadStats> {
  const sum: LoadStats = { users: 0, commands: 0, ms: 0 };
  if (total <= 0) return sum;
  const bar = await ctx.progress(total, label);
  try {
    for await (const batch of generateUsers({ total, firstId: first, batchSize })) {
      await ctx.claim(batch.map((u) => userKey(ctx.sb.ns, u.id)));
      const s = await load(ctx.redis, ctx.sb.ns, batch);
      sum.users += s.users;
      sum.commands += s.commands;
      sum.ms += s.ms;
      bar.tick(batch.length);
    }
  } finally {
    bar.stop();
  }
  return sum;
}

/** Zset as "member:score" strings, sorted, for order-insensitive comparison. */
function pairs(flat: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}:${Number(flat[i + 1])}`);
  return out.sort();
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Check texts name keys with {ns}; the learner should see the real names. */
function expanded(check: Check): Check {
  return async (ctx) => {
    const r = await check(ctx);
    return { ...r, expected: ctx.sb.expand(r.expected), actual: ctx.sb.expand(r.actual) };
  };
}

/**
 * The prose below is written in short source lines; the renderer wraps paragraphs to the terminal, so
 * soft line breaks are joined here. Blank lines, indented lines (tables) and "- " bullets stay as they are.
 */
function prose(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.at(-1);
    if (prev && !prev.startsWith('  ') && line && !line.startsWith('  ') && !line.startsWith('- ')) out[out.length - 1] = `${prev} ${line}`;
    else out.push(line);
  }
  return out.join('\n');
}

function preview(items: string[], n = 6): string {
  return items.length > n ? `${items.slice(0, n).join(' ')} … (${items.length})` : items.join(' ') || '(empty)';
}

/**
 * The zset `name` must equal what `expected` computes on the server right now (member and score).
 * Expectations come from the server, never from constants, so any --records count and seed work.
 */
function zsetMatches(name: string, what: string, order: 'asc' | 'desc', expected: (ctx: LessonContext) => Promise<string[]>): Check {
  return custom(what, async (ctx) => {
    const key = ctx.key(name);
    const wantFlat = await expected(ctx);
    const type = await ctx.unrecorded.type(key);
    if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
    if (wantFlat.length === 0) return { pass: false, actual: 'the data set has no such users: run the lesson again' };
    const gotFlat =
      order === 'desc' ? await ctx.unrecorded.zrange(key, '0', '-1', 'REV', 'WITHSCORES') : await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES');
    const show = (flat: string[]) => {
      const items: string[] = [];
      for (let i = 0; i < flat.length; i += 2) items.push(`${flat[i]} (${flat[i + 1]})`);
      return preview(items, 4);
    };
    const pass = same(pairs(gotFlat), pairs(wantFlat));
    return { pass, actual: pass ? `${key} = ${show(gotFlat)}` : `${key} = ${show(gotFlat)}, want ${show(wantFlat)}` };
  });
}

function setMatches(name: string, what: string, expected: (ctx: LessonContext) => Promise<string[]>): Check {
  return custom(what, async (ctx) => {
    const key = ctx.key(name);
    const want = (await expected(ctx)).sort();
    const type = await ctx.unrecorded.type(key);
    if (type !== 'set') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
    const got = (await ctx.unrecorded.smembers(key)).sort();
    if (want.length === 0) return { pass: false, actual: 'the data set has no such users: run the lesson again' };
    const wanted = new Set(want);
    const extra = got.filter((m) => !wanted.has(m)).length;
    const union = extra > 0 && want.every((m) => got.includes(m));
    return {
      pass: same(got, want),
      actual:
        `${key} has ${count(got.length, 'member')} (want ${fmt(want.length)}): ${preview(got)}` +
        (union ? ` — ${count(extra, 'id')} in only one of the sets: that is the union (OR), not the intersection (AND)` : ''),
    };
  });
}

/** Every key the lesson may have written, by name: cleanup removes these and nothing else. */
function* loadedKeyNames(ns: string, records: number): Generator<string> {
  for (let id = 0; id <= records; id++) yield userKey(ns, id);
  yield* allIndexKeys(ns);
  const sample = Math.min(LAYOUT_SAMPLE, records);
  for (let id = 1; id <= sample; id++) {
    yield `${ns}mem:hash:${id}`;
    yield `${ns}mem:json:${id}`;
  }
  for (let b = 0; b <= Math.floor(sample / BUCKET_SIZE); b++) yield `${ns}mem:bucket:${b}`;
  for (const k of RESULT_KEYS) yield ns + k;
  yield ns + DEMO_KEY;
}

const steps: Step[] = [
  {
    id: 'intro',
    kind: 'explain',
    title: 'A fake company, thousands strong',
    text: `So far every key was typed by hand. Real systems load thousands or millions of records, and then
three questions decide whether Redis stays fast and affordable: how do you get the data in without
waiting on the network, how do you find records by something other than their key, and how many bytes
does each record really cost?

This lesson builds a fake company — 10,000 employees by default, --records N for another count
(200 to 100,000) — and keeps it under your namespace:

  {ns}user:<id>          hash: name, email, city, department, title, salary, age, joined
  {ns}idx:city:<city>    set of user ids per city (berlin, london, paris, …)
  {ns}idx:dept:<dept>    set of user ids per department (engineering, sales, …)
  {ns}idx:salary         sorted set: user id scored by salary
  {ns}idx:age            sorted set: user id scored by age

Everything it writes is removed again in the last steps.`,
  },
  {
    id: 'generate',
    kind: 'code',
    title: 'Generating users, one batch at a time',
    text: `The users come from faker with a fixed seed: user 7 is the same person on every run and every
machine, so the checks below can compute the right answers from the data instead of trusting a constant.
The generator yields 500 users at a time and forgets them once they are written: memory stays at one
batch whether you ask for a thousand users or a million. (Loading a 10-million-row export into one array
first is the classic way a bulk import runs out of memory before Redis sees a byte.)`,
    async run(ctx) {
      const st = state(ctx);
      const t0 = process.hrtime.bigint();
      let first: User[] = [];
      let n = 0;
      for await (const batch of generateUsers({ total: Math.min(1000, st.records), batchSize: BATCH })) {
        if (!first.length) first = batch.slice(0, 4);
        n += batch.length;
      }
      st.generationMs = Number(process.hrtime.bigint() - t0) / 1e6;
      ctx.table(
        ['id', 'name', 'email', 'city', 'department', 'salary', 'age', 'joined'],
        first.map((u) => [u.id, u.name, u.email, u.city, u.department, u.salary, u.age, u.joined]),
      );
      ctx.say(
        `seed ${DEFAULT_SEED}: generated ${fmt(n)} users in ${ms(st.generationMs)} ` +
          `(${fmt((n * 1000) / st.generationMs)} users/s) — no Redis yet, this is the client's own cost.`,
      );
    },
  },
  {
    id: 'one-by-one',
    kind: 'code',
    title: 'Loading one command at a time',
    text: `The obvious loop: for each user, await HSET, then await the four index writes. Every command is a
full round trip — the client sends, waits for the reply, then sends the next. Redis itself needs a few
microseconds per command; the rest is waiting on the network and on the two event loops. We only give
this loader a tenth of the run, at most the first ${fmt(ONE_BY_ONE_CAP)} users: measuring the rate is enough.`,
    async run(ctx) {
      const st = state(ctx);
      const ns = ctx.sb.ns;
      // Claim the index keys once, up front: every batch writes to them.
      await ctx.claim(allIndexKeys(ns));
      st.before = await dataMemory(ctx);
      const info = await memoryInfo(ctx.unrecorded);
      ctx.say(`INFO memory before loading: used_memory ${fmt(info.used)} (${info.human})`);
      const count = oneByOneCount(st.records);
      const sum = await loadRange(ctx, 1, count, 'one by one', loadOneByOne, 100);
      st.oneByOne = sum;
      const r = rates(sum);
      ctx.say(
        `${fmt(sum.users)} users, ${fmt(sum.commands)} commands, ${fmt(sum.commands)} round trips: ${ms(sum.ms)} ` +
          `→ ${fmt(r.usPerUser)} µs per user, ${fmt(r.usersPerSecond)} users/s ` +
          `(${((sum.ms * 1000) / sum.commands).toFixed(0)} µs per round trip)`,
      );
    },
  },
  {
    id: 'pipelined',
    kind: 'code',
    title: 'Loading with pipelines',
    text: `A pipeline writes a whole batch of commands without waiting, then reads all the replies: 500 users ×
${COMMANDS_PER_USER} commands cost roughly one round trip instead of 2,500. Redis still runs the commands one
after another, and other clients' commands may run in between — a pipeline is a network optimisation,
not a transaction (MULTI/EXEC is the atomic one). Batches of a few hundred to a few thousand commands
are the sweet spot: bigger batches buy little and make the client and the server buffer all the replies.
The further away the server (another machine, another zone), the bigger the gap you are about to see.
(The time printed beside each pipelined command is the whole batch's: every reply arrives with the batch.)`,
    async run(ctx) {
      const st = state(ctx);
      const ns = ctx.sb.ns;
      const first = oneByOneCount(st.records) + 1;
      const rest = st.records - first + 1;
      const piped = await loadRange(ctx, first, rest, 'pipelined');
      const one = st.oneByOne;
      const rows: (string | number)[][] = [];
      if (one) {
        const r = rates(one);
        rows.push([
          'one by one',
          fmt(one.users),
          fmt(one.commands),
          fmt(one.commands),
          ms(one.ms),
          fmt(r.usPerUser),
          fmt(r.usersPerSecond),
        ]);
      }
      const rp = rates(piped);
      const trips = Math.ceil(piped.users / BATCH);
      rows.push([
        `pipelined (${BATCH}/batch)`,
        fmt(piped.users),
        fmt(piped.commands),
        fmt(trips),
        ms(piped.ms),
        fmt(rp.usPerUser),
        fmt(rp.usersPerSecond),
      ]);
      ctx.table(['loader', 'users', 'commands', 'round trips', 'time', 'µs/user', 'users/s'], rows);
      if (one && rp.usPerUser > 0) ctx.say(`speed-up per user: ×${(rates(one).usPerUser / rp.usPerUser).toFixed(1)}`);

      const after = await dataMemory(ctx);
      const info = await memoryInfo(ctx.unrecorded);
      if (st.before !== undefined) {
        ctx.say(
          `INFO memory after: used_memory ${fmt(info.used)} (${info.human}); the ${fmt(st.records)} users and their ` +
            `index entries added ${bytes(after - st.before)} ≈ ${fmt((after - st.before) / st.records)} bytes per user.`,
        );
      }
      // A spot check that the loaders kept hashes and indexes in step.
      const sample = Array.from(
        { length: Math.min(200, st.records) },
        (_, i) => 1 + Math.floor((i * st.records) / Math.min(200, st.records)),
      );
      const bad = await verifyIndexes(ctx.unrecorded, ns, sample);
      ctx.say(
        `spot check of ${count(sample.length, 'user')} against the indexes: ${bad.length ? count(bad.length, 'mismatch', 'mismatches') : 'all agree'}.`,
      );
    },
  },
  {
    id: 'indexes',
    kind: 'explain',
    title: 'Secondary indexes: Redis has no WHERE',
    text: `Redis finds a record by its key and nothing else. "Everyone in Berlin" or "salaries above 100k" needs
an index you maintain yourself, written together with the record (same pipeline, or MULTI when readers
must never see one without the other):

  equality (city = Berlin)     a set per value          SMEMBERS O(N), SISMEMBER O(1), SINTER
  range / order (salary, age)  one sorted set per field ZRANGE … BYSCORE O(log N + M), ZCOUNT O(log N)

The index stores only ids, so each entry costs a few bytes and sets can be intersected server-side.
The price: every update and delete must touch the indexes too, or they silently lie. (Redis Stack /
Redis 8 adds FT.CREATE, which maintains indexes for you; the manual pattern is what runs everywhere.)`,
  },
  {
    id: 'queries',
    kind: 'run',
    title: 'Queries, timed',
    text: `Each command below is timed. A lookup by key (O(1)), a count of a score range (O(log N)) and a top-10
(O(log N + 10)) stay a fraction of a millisecond as the data grows; SMEMBERS and SINTER grow with the
number of members they return, and most of their time is spent sending them. SINTER starts from the
smallest set and probes the others; SINTERCARD (Redis 7.0) counts the intersection without sending it.`,
    commands: [
      'HGETALL {ns}user:42',
      'SCARD {ns}idx:city:london',
      'SMEMBERS {ns}idx:dept:legal',
      'ZRANGE {ns}idx:salary 0 9 REV WITHSCORES',
      'ZRANGE {ns}idx:age 25 29 BYSCORE LIMIT 0 5 WITHSCORES',
      'ZCOUNT {ns}idx:age 25 29',
      'SINTER {ns}idx:city:london {ns}idx:dept:sales',
      'SINTERCARD 2 {ns}idx:city:london {ns}idx:dept:sales',
    ],
  },
  {
    id: 'store-queries',
    kind: 'run',
    title: 'Keeping results on the server',
    text: `The *STORE variants write the result to a key instead of sending it: nothing crosses the network, and
the result can be paged, intersected again or cached with a TTL. ZINTERSTORE treats a plain set as a
sorted set whose scores are all 1, so WEIGHTS 1 0 keeps the salary and drops the set's 1. ZRANGESTORE
(Redis 6.2+) stores a slice of a sorted set — by rank, or by score with BYSCORE.`,
    commands: [
      'ZINTERSTORE {ns}q:sales-pay 2 {ns}idx:salary {ns}idx:dept:sales WEIGHTS 1 0',
      'ZRANGE {ns}q:sales-pay 0 4 REV WITHSCORES',
      'EXPIRE {ns}q:sales-pay 300',
      'ZRANGESTORE {ns}q:age-25-29 {ns}idx:age 25 29 BYSCORE',
      'ZCARD {ns}q:age-25-29',
    ],
  },
  {
    id: 'scan',
    kind: 'code',
    title: 'KEYS vs SCAN, and paging through big sets',
    text: `KEYS pattern walks the entire database in one call — every key, not only the matching ones — and
Redis serves nobody else until it is done. The walk itself is quick (the KEYS documentation quotes
about 40 ms per million keys on an entry-level machine, more when many keys match and the reply is
big), but every other client waits for all of it: on tens of millions of keys that is a stall of
hundreds of milliseconds, long enough for timeouts and failovers. The step below measures it here.
SCAN does the same walk in small steps: each call returns a cursor to continue from,
and the walk is over when the cursor comes back as 0. It guarantees that a key present for the whole walk
is returned at least once (maybe twice), COUNT is a hint of work per call (not a page size) and MATCH
filters after the fact, so a page can be empty. SSCAN, ZSCAN and HSCAN do the same inside one big key —
and a small key (intset or listpack encoded) comes back whole in a single call, whatever COUNT says.`,
    async run(ctx) {
      const ns = ctx.sb.ns;
      const pattern = `${ns}user:*`;
      const dbsize = await ctx.unrecorded.dbsize();
      const statsBefore = await commandStats(ctx.unrecorded, ['keys', 'scan']);
      let keysCall: { found: number; ms: number } | null = null;
      if (ctx.sb.target.private || dbsize <= 100_000) keysCall = await timeKeys(ctx.redis, pattern);
      else ctx.say(`KEYS skipped: this shared database holds ${fmt(dbsize)} keys and KEYS would block everyone while it walks them.`);
      const s = await walkCursor(ctx.redis, 'SCAN', null, { match: pattern, count: 1000 });
      const statsAfter = await commandStats(ctx.unrecorded, ['keys', 'scan']);
      // Server-side time: the client's stopwatch also counts the network and the client's own pauses.
      const server = (name: string) => {
        const a = statsBefore?.get(name);
        const b = statsAfter?.get(name);
        if (!a || !b || b.calls === a.calls) return null;
        return { calls: b.calls - a.calls, ms: (b.usec - a.usec) / 1000 };
      };
      const rows: (string | number)[][] = [];
      const sk = server('keys');
      const ss = server('scan');
      if (keysCall) rows.push(['KEYS', 1, fmt(keysCall.found), ms(keysCall.ms), sk ? ms(sk.ms) : '?', sk ? ms(sk.ms) : '?']);
      rows.push([
        'SCAN … COUNT 1000',
        fmt(s.pages.length),
        fmt(s.distinct),
        ms(s.totalMs),
        ss ? ms(ss.ms) : '?',
        ss ? `${ms(ss.ms / ss.calls)} avg` : '?',
      ]);
      ctx.table(['walk', 'calls', `keys matching ${pattern}`, 'round trips', 'server time', 'server time per call'], rows);
      // What KEYS cost here, from this run's own measurement: server time when INFO commandstats has it, else the round trip.
      const keysMs = sk?.ms ?? keysCall?.ms ?? null;
      let cost = 'KEYS was not run here, so there is no measurement to scale.';
      if (keysCall && keysMs !== null && dbsize > 0) {
        const mostMatched = keysCall.found > dbsize / 2;
        cost =
          `Here KEYS held the server for ${ms(keysMs)}${sk ? '' : ' (round trip; the server time is not available)'} to walk ` +
          `${count(dbsize, 'key')} (${((keysMs * 1000) / dbsize).toFixed(2)} µs per key${mostMatched ? ', most of them matching, so building the reply is much of it' : ''}): ` +
          `at that pace a million keys would block every other client for about ${ms((keysMs * 1e6) / dbsize)}.`;
      }
      ctx.say(
        `the database holds ${count(dbsize, 'key')} and both walks visit every one of them, for roughly the same work. ` +
          `The difference is that SCAN hands the server back between calls, so other clients wait for one short call at most. ${cost}`,
      );

      // The biggest and the smallest city: one is a hashtable, the other may be small enough for intset.
      const sizes = await Promise.all(
        CITIES.map(async (c) => ({ key: cityIndexKey(ns, c.value), n: await ctx.unrecorded.scard(cityIndexKey(ns, c.value)) })),
      );
      sizes.sort((a, b) => b.n - a.n);
      const walks: { cmd: 'SSCAN' | 'ZSCAN'; key: string; count: number }[] = [
        { cmd: 'SSCAN', key: sizes[0]!.key, count: 100 },
        { cmd: 'SSCAN', key: sizes.at(-1)!.key, count: 100 },
        { cmd: 'ZSCAN', key: salaryIndexKey(ns), count: 500 },
      ];
      const pageRows: (string | number)[][] = [];
      for (const w of walks) {
        const enc = String(await ctx.unrecorded.call('OBJECT', 'ENCODING', w.key));
        const r = await walkCursor(ctx.redis, w.cmd, w.key, { count: w.count });
        const sizesPerPage = r.pages.map((p) => p.items.length);
        pageRows.push([
          `${w.cmd} COUNT ${w.count}`,
          w.key,
          enc,
          fmt(r.distinct),
          fmt(r.pages.length),
          `${Math.min(...sizesPerPage)}–${Math.max(...sizesPerPage)}`,
          ms(r.totalMs),
        ]);
      }
      ctx.table(['command', 'key', 'encoding', 'members', 'pages', 'per page', 'total'], pageRows);
      ctx.say(
        'cursor pages are for walking everything (exports, migrations, clean-ups). For "page 3 of the ' +
          'results" in a UI, keep the results in a sorted set and use ZRANGE by rank or by score with LIMIT.',
      );
    },
  },
  {
    id: 'top-three',
    kind: 'exercise',
    title: 'The three best-paid',
    text: `Payroll wants the three best-paid employees. Store them, with their salaries as scores, in
{ns}q:top3 — one command, nothing sent back to the client but a count.`,
    points: 2,
    check: expanded(
      all(
        zsetMatches('q:top3', 'the 3 highest salaries from {ns}idx:salary, with their scores, in {ns}q:top3', 'desc', async (ctx) =>
          ctx.unrecorded.zrange(salaryIndexKey(ctx.sb.ns), '0', '2', 'REV', 'WITHSCORES'),
        ),
        builtOnServer('q:top3', 'ZRANGESTORE', { oneCommand: true }),
      ),
    ),
    hints: [
      'A sorted set can copy a slice of itself into another key. You want the slice at the top: highest score first.',
      'ZRANGESTORE dst src start stop [REV] — ranks 0 to 2 with REV are the top three.',
    ],
    solution: ['ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2 REV'],
    wrong: [
      // Ranks count from the lowest score: without REV these are the three worst-paid.
      ['ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2'],
      // Read the top three, then type them back: the right members (for --records 1500, the authoring run), sent through the client.
      ['ZRANGE {ns}idx:salary 0 2 REV WITHSCORES', 'ZADD {ns}q:top3 181487 1153 180240 1072 175114 792'],
      // Server-side, but copying all the salaries to keep three, in two commands.
      ['COPY {ns}idx:salary {ns}q:top3', 'ZREMRANGEBYRANK {ns}q:top3 0 -4'],
    ],
  },
  {
    id: 'berlin-engineers',
    kind: 'exercise',
    title: 'Engineers in Berlin',
    text: `Which engineers work in Berlin? Build the set {ns}q:berlin-eng of their ids, on the server.`,
    points: 2,
    check: expanded(
      all(
        setMatches('q:berlin-eng', 'the ids in both {ns}idx:city:berlin and {ns}idx:dept:engineering, in {ns}q:berlin-eng', async (ctx) =>
          ctx.unrecorded.sinter(cityIndexKey(ctx.sb.ns, 'Berlin'), deptIndexKey(ctx.sb.ns, 'Engineering')),
        ),
        builtOnServer('q:berlin-eng', 'SINTERSTORE'),
      ),
    ),
    hints: [
      'The answer is the intersection of two index sets, and you want it stored rather than returned.',
      'SINTERSTORE destination key [key …]',
    ],
    solution: ['SINTERSTORE {ns}q:berlin-eng {ns}idx:city:berlin {ns}idx:dept:engineering'],
    wrong: [
      // OR instead of AND: everyone in Berlin plus every engineer.
      ['SUNIONSTORE {ns}q:berlin-eng {ns}idx:city:berlin {ns}idx:dept:engineering'],
      // Intersect on the client's screen, then type the ids back (the right ids for --records 1500, the authoring run).
      ['SINTER {ns}idx:city:berlin {ns}idx:dept:engineering', `SADD {ns}q:berlin-eng ${BERLIN_ENGINEERS_1500.join(' ')}`],
    ],
  },
  {
    id: 'thirties',
    kind: 'exercise',
    title: 'How many in their thirties?',
    text: `How many employees are aged 30 to 39, both included? Ask for the number, without fetching the members.`,
    points: 2,
    check: expanded(
      custom('a ZCOUNT on {ns}idx:age that answers the number of users aged 30–39', async (ctx) => {
        const key = ageIndexKey(ctx.sb.ns);
        const want = await ctx.unrecorded.zcount(key, 30, 39);
        const ran = ctx.history.filter((c) => !c.error && c.args[1] === key);
        const named = (c: (typeof ran)[number]) => String(c.args[0]).toUpperCase();
        const counts = ran.filter((c) => named(c) === 'ZCOUNT');
        const hit = counts.find((c) => Number(c.reply) === want);
        if (hit && want > 0) return { pass: true, actual: `${hit.command} → ${want}` };
        // Name the mistake: members fetched to be counted by the client, everyone counted, or the wrong bounds.
        const fetched = ran
          .filter((c) => /^(ZRANGE|ZRANGEBYSCORE|ZREVRANGEBYSCORE|ZSCAN)$/.test(named(c)) && Array.isArray(c.reply))
          .at(-1);
        const last = counts.at(-1);
        let actual = 'no ZCOUNT on the age index yet';
        if (last) {
          actual = `${last.command} → ${String(last.reply)}, not the 30–39 count (both bounds are inclusive unless written with "(")`;
        } else if (fetched) {
          const n = (fetched.reply as unknown[]).length;
          actual = `${fetched.command} sent ${count(n, 'member')} to your client to be counted there: ZCOUNT answers with the number alone, in O(log N)`;
        } else if (ran.some((c) => named(c) === 'ZCARD')) {
          actual = 'ZCARD counts every user in the index, not the 30–39s';
        }
        return { pass: false, actual };
      }),
    ),
    hints: [
      'The ages are the scores of {ns}idx:age; a count of a score range is O(log N) — no members need to move.',
      'ZCOUNT key min max — both bounds are inclusive unless written as (min.',
    ],
    solution: ['ZCOUNT {ns}idx:age 30 39'],
    wrong: [
      // The members come back and the client counts them: the reply grows with the answer.
      ['ZRANGE {ns}idx:age 30 39 BYSCORE'],
      ['ZRANGEBYSCORE {ns}idx:age 30 39'],
      // "(39" leaves out the 39-year-olds.
      ['ZCOUNT {ns}idx:age 30 (39'],
      ['ZCARD {ns}idx:age'],
    ],
  },
  {
    id: 'berlin-pay',
    kind: 'exercise',
    title: 'Berlin ranked by salary',
    text: `Build {ns}q:berlin-pay: every Berlin employee, scored by their salary — the salary itself, not
salary + 1 — so that ZRANGE … REV gives Berlin's pay ranking.`,
    points: 3,
    check: expanded(
      custom('{ns}q:berlin-pay = the members of {ns}idx:city:berlin scored by their {ns}idx:salary score', async (ctx) => {
        const ns = ctx.sb.ns;
        const key = ctx.key('q:berlin-pay');
        const ids = await ctx.unrecorded.smembers(cityIndexKey(ns, 'Berlin'));
        const p = ctx.unrecorded.pipeline();
        for (const id of ids) p.zscore(salaryIndexKey(ns), id);
        const scores = ((await p.exec()) ?? []).map((r) => r[1] as string | null);
        const want = ids.map((id, i) => `${id}:${Number(scores[i])}`).sort();
        const type = await ctx.unrecorded.type(key);
        if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
        const got = pairs(await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES'));
        let actual = `${key} has ${count(got.length, 'member')} (want ${fmt(want.length)})`;
        if (got.length > want.length)
          actual += ': more than Berlin — ZUNIONSTORE takes everyone in either key, ZINTERSTORE only those in both';
        const wrong = got.find((g, i) => g !== want[i]);
        if (got.length === want.length && wrong) {
          const [id, score] = wrong.split(':');
          const salary = Number(want.find((w) => w.startsWith(`${id}:`))?.split(':')[1]);
          const why =
            Number(score) === salary + 1
              ? ": salary + 1 — the Berlin set's score of 1 was added; WEIGHTS 1 0 multiplies it by 0"
              : Number(score) === 1 || Number(score) === 0
                ? ': the salary was multiplied away — the weights go in the order of the keys (salary index first)'
                : '';
          actual = `user ${id} scored ${score}, but the salary is ${Number.isFinite(salary) ? salary : '?'}${why}`;
        }
        return { pass: want.length > 0 && same(got, want), actual };
      }),
    ),
    hints: [
      'Intersect the salary index with the Berlin set. A plain set counts as a sorted set whose scores are all 1 — and by default the scores are added.',
      "ZINTERSTORE destination numkeys key [key …] WEIGHTS w1 w2 — a weight of 0 cancels the set's score.",
    ],
    solution: ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 1 0'],
    wrong: [
      // The default SUM adds the set's score of 1 to every salary.
      ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin'],
      // The weights in the wrong order: the salaries are multiplied by 0.
      ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 0 1'],
      // A union keeps every employee, not only Berlin's.
      ['ZUNIONSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 1 0'],
    ],
  },
  {
    id: 'page-two',
    kind: 'exercise',
    title: 'Page 2 of a range',
    text: `A report lists the employees aged 40 to 49, youngest first, 10 per page. Store page 2 — the 11th to
20th entries of that list, with their ages as scores — in {ns}q:age40s-p2.`,
    points: 2,
    check: expanded(
      custom('entries 11–20 of the users aged 40–49 (by age, equal ages in member order), in {ns}q:age40s-p2', async (ctx) => {
        // Name the usual LIMIT slips first: page 1 again, or "LIMIT 10 20" read as a range.
        const key = ctx.key('q:age40s-p2');
        const idx = ageIndexKey(ctx.sb.ns);
        const got = (await ctx.unrecorded.type(key)) === 'zset' ? await ctx.unrecorded.zrange(key, '0', '-1') : [];
        if (got.length && same(got, await ctx.unrecorded.zrange(idx, '40', '49', 'BYSCORE', 'LIMIT', '0', '10'))) {
          return { pass: false, actual: `${key} holds page 1 (entries 1–10): page 2 skips the first 10, LIMIT 10 10` };
        }
        if (got.length > 10) {
          return {
            pass: false,
            actual: `${key} holds ${count(got.length, 'entry', 'entries')}: LIMIT takes an offset and a count (LIMIT 10 10), not a range`,
          };
        }
        const ages = got.length ? (await ctx.unrecorded.zmscore(key, ...got)).map(Number) : [];
        if (ages.some((a) => a < 40 || a > 49)) {
          return {
            pass: false,
            actual: `${key} holds ages ${Math.min(...ages)}–${Math.max(...ages)}: without BYSCORE the numbers are ranks, not ages`,
          };
        }
        const r = await zsetMatches('q:age40s-p2', '', 'asc', async () =>
          ctx.unrecorded.zrange(idx, '40', '49', 'BYSCORE', 'LIMIT', '10', '10', 'WITHSCORES'),
        )(ctx);
        return { pass: r.pass, actual: r.actual };
      }),
    ),
    hints: [
      'Select by score (the age), then skip one page and take one page — and store instead of returning.',
      'ZRANGESTORE dst src min max BYSCORE LIMIT offset count',
    ],
    solution: ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 10 10'],
    wrong: [
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 0 10'],
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 10 20'],
      // Ranks 10–19 of the whole index: page 2 of everyone, youngest first, not of the 40–49s.
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 10 19'],
    ],
  },
  {
    id: 'memory-layouts',
    kind: 'code',
    title: 'Bytes per user: three layouts',
    text: `The same users (the first ${fmt(LAYOUT_SAMPLE)}), stored three ways (without indexes), measured with INFO memory before
and after each, and with MEMORY USAGE per key:

  hash    {ns}mem:hash:<id>          one hash per user, a field per attribute
  json    {ns}mem:json:<id>          one string per user: the user as a JSON document
  bucket  {ns}mem:bucket:<id/${BUCKET_SIZE}>    one hash per ${BUCKET_SIZE} users: field = user id, value = JSON

Every key costs a fixed overhead in the keyspace (the key string, a dict entry, an object header —
roughly 50–70 bytes) before its value. Bucketing amortises that overhead over ${BUCKET_SIZE} users, but only
pays off when the bucket stays in the compact listpack encoding. Watch the encoding column.`,
    async run(ctx) {
      const st = state(ctx);
      const ns = ctx.sb.ns;
      const sample = Math.min(LAYOUT_SAMPLE, st.records);
      st.layoutBytes = {};
      const rows: (string | number)[][] = [];
      let jsonBytes = 0;
      for (const layout of LAYOUTS) {
        const before = await dataMemory(ctx);
        const keys = new Set<string>();
        for await (const batch of generateUsers({ total: sample, batchSize: 250 })) {
          const names = layoutKeys(ns, layout, batch);
          await ctx.claim(names);
          names.forEach((k) => keys.add(k));
          await writeLayout(ctx.redis, ns, layout, batch);
          if (layout === 'json') for (const u of batch) jsonBytes += JSON.stringify(u).length;
        }
        const after = await dataMemory(ctx);
        const fp = await keysFootprint(ctx.unrecorded, [...keys]);
        st.layoutBytes[layout] = fp.bytes / sample;
        rows.push([
          layout,
          fmt(keys.size),
          Object.entries(fp.encodings)
            .map(([e, n]) => `${e} ×${n}`)
            .join(', '),
          fmt((after - before) / sample),
          fmt(fp.bytes / sample),
        ]);
      }
      ctx.table(['layout', 'keys', 'encoding', 'INFO Δ bytes/user', 'MEMORY USAGE bytes/user'], rows);
      const limit = await hashListpackLimit(ctx.unrecorded);
      ctx.say(
        `the buckets are ${rows[2]?.[2]}: each field holds a JSON document of ~${fmt(jsonBytes / sample)} bytes, ` +
          `over the ${limit ? `${limit.name} of ${limit.value}` : 'listpack value limit (64 bytes by default)'}, so every bucket became a real hashtable ` +
          'with a dict entry and two strings per field — and the saving is gone.',
      );
      if (!ctx.sb.target.private) {
        ctx.say(
          '(this server is shared: other clients allocate memory too, so the INFO column can be noisy; MEMORY USAGE is per key and exact.)',
        );
      }
    },
  },
  {
    id: 'encoding',
    kind: 'code',
    title: 'listpack → hashtable, live',
    text: `A small hash is stored as a listpack: one flat block of memory holding field, value, field, value —
no pointers, no per-field allocations, and a lookup is a linear scan, fast only because the block is
small. Redis converts it to a hashtable as soon as it has more than hash-max-listpack-entries fields
or any field or value longer than hash-max-listpack-value bytes (512 and 64 by default). The switch
is one-way: shrinking the value again does not bring the listpack back. Before Redis 7.0 the same
encoding was the ziplist and the settings were hash-max-ziplist-*; 7.0 keeps those names as aliases.
Sorted sets follow the same rule (zset-max-listpack-*: 128 entries, 64 bytes), sets of integers use intset up to
512 members, and from Redis 7.2 small sets of strings are listpacks too.`,
    async run(ctx) {
      const limit = await hashListpackLimit(ctx.unrecorded);
      const value = limit?.value ?? 64;
      if (!limit) ctx.say('CONFIG GET is not allowed here; assuming the default hash-max-listpack-value of 64.');
      const key = ctx.key(DEMO_KEY);
      await ctx.claim([key]);
      const steps = await encodingCrossing(ctx.redis, key, value);
      ctx.table(
        ['write', 'OBJECT ENCODING'],
        steps.map((s) => [s.write, s.encoding]),
      );
      if (!versionAtLeast(ctx.sb.target.version, '7.0')) {
        ctx.say(`this server runs Redis ${ctx.sb.target.version}: before 7.0 the compact encoding is reported as ziplist.`);
      }
    },
  },
  {
    id: 'raise-limit',
    kind: 'code',
    title: 'Raising the limit (private server only)',
    text: `The bucket layout only works if the buckets stay listpacks, which for JSON values of a couple of
hundred bytes means raising hash-max-listpack-value. That is a server-wide setting: it changes the encoding of every hash
written afterwards, for every application on the server, and trades CPU for memory (lookups in a
listpack are O(N) in the bucket). So the lesson only changes it on a private server it started itself,
and puts the original value back before the step ends.`,
    async run(ctx) {
      const st = state(ctx);
      const ns = ctx.sb.ns;
      const limit = await hashListpackLimit(ctx.unrecorded);
      if (!ctx.sb.target.private || !limit) {
        const why = !limit ? 'CONFIG GET/SET is not available on this server' : `this is a shared server (${ctx.sb.target.displayUrl})`;
        ctx.say(
          `Not changed here: ${why}. On a private server the lesson sets ${limit?.name ?? 'hash-max-listpack-value'} to ` +
            `${RAISED_LISTPACK_VALUE}, rebuilds the buckets and they come back as listpacks, noticeably smaller per user than ` +
            'one hash per user, then restores the setting. Try it with: redis-learn lesson bulk --private',
        );
        return;
      }
      const sample = Math.min(LAYOUT_SAMPLE, st.records);
      const bucketKeys = Array.from({ length: Math.floor(sample / BUCKET_SIZE) + 1 }, (_, b) => `${ns}mem:bucket:${b}`);
      const before = await dataMemory(ctx);
      await ctx.redis.call('CONFIG', 'SET', limit.name, String(RAISED_LISTPACK_VALUE));
      let lp: { bytes: number; encodings: Record<string, number> };
      let delta: number;
      try {
        // Existing hashtables never convert back: the buckets must be written again. The rewrite is the
        // same HSETs the previous step printed, so it runs unrecorded and the CONFIG SET pair stays in view.
        await ctx.redis.unlink(...bucketKeys);
        const cleared = await dataMemory(ctx);
        for await (const batch of generateUsers({ total: sample, batchSize: 250 })) {
          await writeLayout(ctx.unrecorded, ns, 'bucket', batch);
        }
        delta = (await dataMemory(ctx)) - cleared;
        lp = await keysFootprint(ctx.unrecorded, bucketKeys);
      } finally {
        await ctx.redis.call('CONFIG', 'SET', limit.name, String(limit.value));
      }
      const restored = await hashListpackLimit(ctx.unrecorded);
      st.layoutBytes = { ...st.layoutBytes, 'bucket-listpack': lp.bytes / sample };
      const b = st.layoutBytes;
      const rows: (string | number)[][] = [
        ['hash per user', 'listpack', fmt(b.hash ?? 0)],
        ['json per user', 'string', fmt(b.json ?? 0)],
        [`bucket, ${limit.name} ${limit.value}`, 'hashtable', fmt(b.bucket ?? 0)],
        [`bucket, ${limit.name} ${RAISED_LISTPACK_VALUE}`, Object.keys(lp.encodings).join(', '), fmt(lp.bytes / sample)],
      ];
      ctx.table(['layout', 'encoding', 'MEMORY USAGE bytes/user'], rows);
      // Two measurements, each named for what it is: the table is MEMORY USAGE per key; used_memory is INFO memory.
      ctx.say(
        `MEMORY USAGE (the table): ${fmt(lp.bytes / sample)} bytes/user for the listpack buckets against ${fmt(b.bucket ?? 0)} ` +
          `for the hashtable ones. By INFO memory, used_memory grew by ${fmt(delta / sample)} bytes/user as they were ` +
          `rebuilt, ${bytes(before - (await dataMemory(ctx)))} less for the whole sample than with the hashtable buckets. ` +
          `${limit.name} is back to ${restored?.value ?? '?'}.`,
      );
      // The rule is checked on write: the buckets stay listpacks until a write breaks the restored limit.
      const probe = bucketKeys[0]!;
      const encBefore = String(await ctx.redis.call('OBJECT', 'ENCODING', probe));
      const user1 = (await ctx.unrecorded.hget(probe, '1')) ?? JSON.stringify(LEAVER);
      await ctx.redis.hset(probe, '1', user1);
      const encAfter = String(await ctx.redis.call('OBJECT', 'ENCODING', probe));
      ctx.say(`with the limit restored, ${probe} is still ${encBefore}; rewriting one field turns it into ${encAfter}.`);
    },
  },
  {
    id: 'leaver',
    kind: 'exercise',
    title: 'Deleting a user and its index entries atomically',
    text: `{ns}user:0 (Oslo, Legal) has just been added together with its four index entries. The employee
leaves. Inside one MULTI … EXEC, remove the hash and take id 0 out of {ns}idx:city:oslo,
{ns}idx:dept:legal, {ns}idx:salary and {ns}idx:age, so that no reader ever sees half a user.`,
    points: 3,
    async setup(ctx) {
      const ns = ctx.sb.ns;
      // Oslo is not one of the generated cities: its index is claimed by name, before it is created.
      await ctx.claim([userKey(ns, LEAVER.id), ...allIndexKeys(ns), cityIndexKey(ns, LEAVER.city), deptIndexKey(ns, LEAVER.department)]);
      const m = ctx.unrecorded.multi();
      m.hset(userKey(ns, LEAVER.id), userToHash(LEAVER));
      queueIndexWrites(m, ns, LEAVER);
      await m.exec();
    },
    check: expanded(
      all(
        custom('the removals sent inside MULTI … EXEC', async (ctx) => {
          const names = ctx.history.map((c) => String(c.args[0]).toUpperCase());
          const opened = names.lastIndexOf('MULTI');
          const closed = Math.max(names.lastIndexOf('EXEC'), names.lastIndexOf('DISCARD'));
          if (opened > closed) {
            return { pass: false, actual: `transaction open, ${names.length - opened - 1} queued: EXEC runs them` };
          }
          // A transaction that actually carried the delete of the user, not an empty MULTI/EXEC afterwards.
          const userKeyName = userKey(ctx.sb.ns, LEAVER.id);
          for (let i = 0; i < names.length; i++) {
            if (names[i] !== 'EXEC' || !Array.isArray(ctx.history[i]!.reply)) continue;
            const start = names.lastIndexOf('MULTI', i);
            const body = ctx.history.slice(start + 1, i);
            if (start >= 0 && body.some((c) => c.keys.includes(userKeyName))) {
              return { pass: true, actual: `EXEC ran ${count(body.length, 'command')} as one` };
            }
          }
          const restart = ` (to start over: redis-learn lesson bulk --step ${steps.findIndex((st) => st.id === 'leaver') + 1})`;
          const why = !names.length
            ? ''
            : !names.includes('MULTI')
              ? 'the commands ran one by one, so a reader could see half a user in between: '
              : names.lastIndexOf('DISCARD') > names.lastIndexOf('EXEC')
                ? 'DISCARD threw the queued commands away: '
                : '';
          return {
            pass: false,
            actual: `${why}you sent ${names.join(', ') || 'nothing yet'} — no MULTI … EXEC that deletes ${userKeyName}${names.length ? restart : ''}`,
          };
        }),
        notExists('user:0'),
        custom('id 0 in no index, every other entry still there', async (ctx) => {
          const ns = ctx.sb.ns;
          const p = ctx.unrecorded.pipeline();
          p.sismember(cityIndexKey(ns, LEAVER.city), '0');
          p.sismember(deptIndexKey(ns, LEAVER.department), '0');
          p.zscore(salaryIndexKey(ns), '0');
          p.zscore(ageIndexKey(ns), '0');
          const [inCity, inDept, sal, age] = ((await p.exec()) ?? []).map((r) => r[1]);
          const left = [
            Number(inCity) ? 'idx:city:oslo' : '',
            Number(inDept) ? 'idx:dept:legal' : '',
            sal !== null ? 'idx:salary' : '',
            age !== null ? 'idx:age' : '',
          ].filter(Boolean);
          if (left.length) return { pass: false, actual: `id 0 is still in ${left.join(', ')}` };
          const c = await indexCardinality(ctx.unrecorded, ns);
          const ok = c.cities === c.departments && c.departments === c.salary && c.salary === c.age && c.age > 0;
          if (ok) return { pass: true, actual: `id 0 is in no index; ${count(c.age, 'user')} indexed everywhere` };
          const most = Math.max(c.cities, c.departments, c.salary, c.age);
          const lost = (
            [
              ['the city sets', c.cities],
              ['the department sets', c.departments],
              ['the salary index', c.salary],
              ['the age index', c.age],
            ] as const
          )
            .filter(([, n]) => n < most)
            .map(([name, n]) => `${name} lost ${count(most - n, 'other user')}`);
          return {
            pass: false,
            actual:
              `indexes disagree: ${fmt(c.cities)} in city sets, ${fmt(c.departments)} in department sets, ${fmt(c.salary)} salaries, ${fmt(c.age)} ages` +
              ` — ${lost.join(', ')}: SREM and ZREM take one member out, UNLINK of an index drops everyone in it`,
          };
        }),
      ),
    ),
    hints: [
      'Start with MULTI: the commands after it are queued and run back to back, with nobody else in between, at EXEC.',
      'MULTI · UNLINK the hash · SREM from both sets · ZREM from both sorted sets · EXEC',
    ],
    solution: [
      'MULTI',
      'UNLINK {ns}user:0',
      'SREM {ns}idx:city:oslo 0',
      'SREM {ns}idx:dept:legal 0',
      'ZREM {ns}idx:salary 0',
      'ZREM {ns}idx:age 0',
      'EXEC',
    ],
    wrong: [
      // The right removals one by one: between them a reader sees a user missing from some indexes and not others.
      ['UNLINK {ns}user:0', 'SREM {ns}idx:city:oslo 0', 'SREM {ns}idx:dept:legal 0', 'ZREM {ns}idx:salary 0', 'ZREM {ns}idx:age 0'],
      // Atomic, but the city index goes with its other members.
      [
        'MULTI',
        'UNLINK {ns}user:0',
        'UNLINK {ns}idx:city:oslo',
        'SREM {ns}idx:dept:legal 0',
        'ZREM {ns}idx:salary 0',
        'ZREM {ns}idx:age 0',
        'EXEC',
      ],
      // Opened, then thrown away: DISCARD runs nothing.
      [
        'MULTI',
        'UNLINK {ns}user:0',
        'SREM {ns}idx:city:oslo 0',
        'SREM {ns}idx:dept:legal 0',
        'ZREM {ns}idx:salary 0',
        'ZREM {ns}idx:age 0',
        'DISCARD',
      ],
    ],
  },
  {
    id: 'cleanup',
    kind: 'code',
    title: 'Cleaning up, fast',
    text: `Removing everything follows the loading rules: batch the commands, pipeline the batches. The lesson
knows every key it wrote, so it names them — deleting by pattern (SCAN MATCH + UNLINK) is the tool for
keys you cannot list, and it would also take keys that merely look alike. UNLINK removes the key from the
keyspace at once and leaves freeing large values to a background thread; DEL frees everything before it
replies, which for a million-member set is a visible pause. Short UNLINK commands (100 keys each) keep
every single command brief, so other clients' commands slip in between.`,
    async run(ctx) {
      const st = state(ctx);
      const ns = ctx.sb.ns;
      const keys = [...loadedKeyNames(ns, st.records)];
      const existing = await (async () => {
        let n = 0;
        for (let i = 0; i < keys.length; i += 1000) n += await ctx.unrecorded.exists(...keys.slice(i, i + 1000));
        return n;
      })();
      const bar = await ctx.progress(keys.length, 'UNLINK');
      let sent = 0;
      let s: UnlinkStats;
      try {
        s = await unlinkInBatches(ctx.redis, keys, {
          perCommand: 100,
          perPipeline: 10,
          onProgress: (n) => {
            bar.tick(n - sent);
            sent = n;
          },
        });
      } finally {
        bar.stop();
      }
      ctx.table(
        ['names sent', 'keys removed', 'UNLINK commands', 'round trips', 'time', 'keys/s'],
        [[fmt(s.requested), fmt(s.removed), fmt(s.commands), fmt(s.roundTrips), ms(s.ms), fmt((s.removed * 1000) / Math.max(s.ms, 0.001))]],
      );
      const leftIdx = await countMatching(ctx.unrecorded, `${ns}idx:*`);
      ctx.say(
        `${fmt(existing)} of the names existed and ${fmt(s.removed)} were removed; ${count(leftIdx, 'index key')} left under {ns}idx:*.`,
      );
    },
  },
  {
    id: 'recap',
    kind: 'explain',
    title: 'What to say in an interview',
    text: `- "How do you load a million records?" Stream them in batches (never all in memory), pipeline each batch
(hundreds to a few thousand commands), and measure: the round trip, not Redis, is the bottleneck.
redis-cli --pipe does the same for a file of commands.
- "Pipeline or transaction?" A pipeline saves round trips; MULTI/EXEC makes commands run together with
nothing in between. They combine: a MULTI inside a pipeline is both.
- "How do you query by a field?" Maintain secondary indexes — sets for equality, sorted sets for ranges —
in the same transaction as the record; intersect server-side with SINTER/ZINTERSTORE, store with *STORE.
- "Why is my Redis using so much memory?" Per-key overhead and encodings: many tiny keys cost more than
a few small hashes; small hashes and sorted sets are listpacks until a size limit, then hashtables and
skiplists. Measure with MEMORY USAGE and INFO memory, not guesses.
- "KEYS in production?" Never: SCAN with a cursor, and UNLINK rather than DEL for big deletes.`,
  },
];

export const bulkLesson: Lesson = {
  id: 'bulk',
  title: 'Thousands of records: pipelines, indexes, memory',
  level: 'Advanced',
  minutes: 40,
  summary:
    'Generate 10,000 users batch by batch, load them one by one and pipelined (timed), build set and sorted-set ' +
    'indexes and query them (intersections, ranges, pagination, SCAN vs KEYS), measure bytes per user for three ' +
    'layouts and the listpack → hashtable switch, then delete everything fast with batched UNLINK.',
  keys: ['user:*', 'idx:*', 'q:*', 'mem:*', 'demo:*'],
  steps: steps.map((st) => (st.text ? { ...st, text: prose(st.text) } : st)),
};
