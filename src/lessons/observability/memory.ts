// The memory half of the diagnosis: INFO memory / MEMORY STATS / MEMORY DOCTOR and the keys with no TTL, a
// --bigkeys-style walk (elements per type), the learner finding the key that uses the most memory (measured, not
// guessed), the --memkeys-style walk that shows why, and the hot key found with OBJECT FREQ under an LFU policy.
import { all, custom } from '../../engine/checks.js';
import { count, expanded, formatBytes } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { sleep } from '../../patterns/index.js';
import { ensureApp } from './lib/app.js';
import { incidentState } from './lib/incident.js';
import { freqByKey, keyFacts, memoryByKey } from './lib/keyspace.js';
import { configGet, info, num } from './lib/server-info.js';
import { typed } from './lib/typed.js';
import { FEATURED, HOT_PRODUCT, K, SESSION_NO_TTL_EVERY } from './shared.js';

/** The recorded answer as a full key name: typed with or without the namespace. */
function answerKey(ctx: LessonContext, raw: string): string {
  const t = raw.trim();
  return t.startsWith(ctx.sb.ns) ? t : ctx.key(t);
}

const short = (ctx: LessonContext, key: string) => (key.startsWith(ctx.sb.ns) ? `{ns}${key.slice(ctx.sb.ns.length)}` : key);

async function bigKeyRecorded(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const slot = ctx.key(K.answer('big-key'));
  const raw = await ctx.unrecorded.get(slot);
  const sizes = (await memoryByKey(ctx.unrecorded)).filter((s) => !s.key.startsWith(ctx.key('observability:answer:')));
  const top = sizes[0];
  if (!top) return { pass: false, actual: 'the keyspace is empty (:reset loads the dataset)' };
  if (raw === null) return { pass: false, actual: `${slot} does not exist` };
  const named = answerKey(ctx, raw);
  const mine = sizes.find((s) => s.key === named);
  if (!mine) return { pass: false, actual: `you recorded ${raw}: no such key` };
  if (named !== top.key) {
    const events = ctx.key(K.events);
    const hot = ctx.key(K.product(HOT_PRODUCT));
    const why =
      named === events
        ? `it has the most elements (${(await ctx.unrecorded.llen(events)).toLocaleString('en-US')}), but small ones: ${formatBytes(mine.bytes)}`
        : named === hot
          ? `that key is read the most, not the biggest: ${formatBytes(mine.bytes)}`
          : `it uses ${formatBytes(mine.bytes)}`;
    return { pass: false, actual: `you recorded ${raw}: ${why}. Another key uses more; measure with MEMORY USAGE` };
  }
  const measured = typed(ctx, 'MEMORY', 'USAGE').some((c) => c.args[2] === named);
  if (!measured) {
    return {
      pass: false,
      actual: `${raw} is right, but you never measured it here: a name is a guess until MEMORY USAGE ${short(ctx, named)} says how big it is`,
    };
  }
  return {
    pass: true,
    actual: `${short(ctx, named)} uses ${formatBytes(top.bytes)}, the most of ${count(sizes.length, 'key')}; you measured it`,
  };
}

async function hotKeyRecorded(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const policy = await configGet(ctx.unrecorded, 'maxmemory-policy');
  if (!policy.includes('lfu')) {
    return { pass: false, actual: `maxmemory-policy is ${policy}: OBJECT FREQ answers only under allkeys-lfu or volatile-lfu` };
  }
  const slot = ctx.key(K.answer('hot-key'));
  const raw = await ctx.unrecorded.get(slot);
  if (raw === null) return { pass: false, actual: `the policy is ${policy}; now record the hot key's name in ${slot}` };
  const named = answerKey(ctx, raw);
  const hot = ctx.key(K.product(HOT_PRODUCT));
  if (named !== hot) {
    const freq = await ctx.unrecorded.call('OBJECT', 'FREQ', named).catch(() => null);
    const why =
      named === ctx.key(K.render) || named === ctx.key(K.events)
        ? 'the biggest keys are not the busiest'
        : freq === null
          ? 'no such key'
          : `its OBJECT FREQ is ${String(freq)}: measure the other featured products too`;
    return { pass: false, actual: `you recorded ${raw}: ${why}` };
  }
  const measured = typed(ctx, 'OBJECT', 'FREQ').some((c) => c.args[2] === named);
  if (!measured) return { pass: false, actual: `${raw} is right, but you did not measure it: OBJECT FREQ ${short(ctx, named)}` };
  return { pass: true, actual: `policy ${policy}; ${short(ctx, named)} is the hot key, and you measured it` };
}

/** Pairs of a flat MEMORY STATS reply. */
function statsPairs(reply: unknown): Record<string, unknown> {
  const a = Array.isArray(reply) ? (reply as unknown[]) : [];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < a.length; i += 2) out[String(a[i])] = a[i + 1];
  return out;
}

export const memorySteps: StepSpec[] = [
  {
    id: 'memory',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      const stats = statsPairs(await ctx.redis.call('MEMORY', 'STATS'));
      const n = (f: string) => Number(stats[f] ?? 0);
      ctx.table(
        ['MEMORY STATS field', 'value', 'what it is'],
        [
          ['total.allocated', formatBytes(n('total.allocated')), 'all the allocator handed out'],
          ['peak.allocated', formatBytes(n('peak.allocated')), 'the most it ever was'],
          ['dataset.bytes', formatBytes(n('dataset.bytes')), 'keys and values'],
          ['overhead.total', formatBytes(n('overhead.total')), 'server structures, buffers'],
          ['clients.normal', formatBytes(n('clients.normal')), 'client buffers (pub/sub too)'],
          ['keys.count', n('keys.count').toLocaleString('en-US'), ''],
          ['keys.bytes-per-key', formatBytes(n('keys.bytes-per-key')), 'an average: hides outliers'],
          ['fragmentation', n('fragmentation').toFixed(2), 'RSS ÷ allocated'],
        ],
      );
      await ctx.redis.call('MEMORY', 'DOCTOR');
      // Which keys have no TTL, by prefix: the sessions should all expire.
      const facts = await keyFacts(ctx.unrecorded, `${ctx.sb.ns}observability:*`);
      const p = ctx.unrecorded.pipeline();
      for (const f of facts) p.pttl(f.key);
      const ttls = ((await p.exec()) ?? []).map(([, v]) => Number(v));
      const groups = new Map<string, { keys: number; noTtl: number }>();
      facts.forEach((f, i) => {
        const prefix = f.key.slice(ctx.sb.ns.length).split(':').slice(0, 2).join(':');
        const g = groups.get(prefix) ?? { keys: 0, noTtl: 0 };
        g.keys++;
        if (ttls[i] === -1) g.noTtl++;
        groups.set(prefix, g);
      });
      ctx.table(
        ['prefix', 'keys', 'with a TTL', 'without (TTL -1)'],
        [...groups].sort((a, b) => b[1].keys - a[1].keys).map(([prefix, g]) => [`{ns}${prefix}:*`, g.keys, g.keys - g.noTtl, g.noTtl]),
      );
      const sessions = groups.get('observability:session');
      const mem = await info(ctx.unrecorded, 'memory');
      if (sessions) {
        ctx.say(
          `${sessions.noTtl.toLocaleString('en-US')} of ${count(sessions.keys, 'session')} have no TTL (one in ${SESSION_NO_TTL_EVERY}): ` +
            `a login path that forgot its EX. Products may live forever; sessions must not. With no maxmemory ` +
            `(maxmemory ${num(mem.maxmemory)}, used_memory_human ${mem.used_memory_human ?? '?'}) they pile up until the machine runs out.`,
        );
      }
    },
  },
  {
    id: 'bigkeys-scan',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      await ctx.redis.scan('0', 'COUNT', '100');
      const t0 = performance.now();
      const facts = await keyFacts(ctx.unrecorded);
      const took = performance.now() - t0;
      const byType = new Map<string, { keys: number; biggest: (typeof facts)[number] }>();
      for (const f of facts) {
        const g = byType.get(f.type);
        if (!g) byType.set(f.type, { keys: 1, biggest: f });
        else {
          g.keys++;
          if (f.length > g.biggest.length) g.biggest = f;
        }
      }
      ctx.table(
        ['type', 'keys', 'biggest by elements', 'its size'],
        [...byType].map(([type, g]) => [
          type,
          g.keys,
          short(ctx, g.biggest.key),
          `${g.biggest.length.toLocaleString('en-US')} ${g.biggest.unit}`,
        ]),
      );
      ctx.say(
        `A walk of ${count(facts.length, 'key')} with SCAN and one pipelined TYPE and length per key took ${took.toFixed(0)} ms: ` +
          `what redis-cli --bigkeys prints. It counts elements, not bytes.`,
      );
    },
  },
  {
    id: 'bigkey',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => incidentState(ctx, { slowlog: 'fixed', answer: 'big-key' }),
    check: expanded(
      all(custom('the key using the most memory (by MEMORY USAGE), measured, in {ns}observability:answer:big-key', bigKeyRecorded)),
    ),
    hints: [
      'Elements are not bytes: 100,000 small numbers can weigh less than 4,000 rendered pages. Measure the candidates from the --bigkeys table.',
      'MEMORY USAGE key [SAMPLES 0]   then   SET {ns}observability:answer:big-key <key name>',
    ],
    solution: [
      'MEMORY USAGE {ns}observability:events SAMPLES 0',
      'MEMORY USAGE {ns}observability:render-cache SAMPLES 0',
      'SET {ns}observability:answer:big-key {ns}observability:render-cache',
    ],
    wrong: [
      // The most elements is not the most memory.
      ['SET {ns}observability:answer:big-key {ns}observability:events'],
      ['MEMORY USAGE {ns}observability:events', 'SET {ns}observability:answer:big-key {ns}observability:events'],
      // The right key, guessed.
      ['SET {ns}observability:answer:big-key {ns}observability:render-cache'],
      // The hot key is not the big key.
      [`SET {ns}observability:answer:big-key {ns}observability:product:${HOT_PRODUCT}`],
    ],
  },
  {
    id: 'memkeys',
    kind: 'code',
    async run(ctx) {
      await ensureApp(ctx);
      const t0 = performance.now();
      const sizes = await memoryByKey(ctx.unrecorded);
      const took = performance.now() - t0;
      const facts = new Map((await keyFacts(ctx.unrecorded, `${ctx.sb.ns}observability:*`)).map((f) => [f.key, f]));
      ctx.table(
        ['key (under {ns})', 'elements', 'MEMORY USAGE', 'per element'],
        sizes.slice(0, 5).map((s) => {
          const f = facts.get(s.key);
          return [
            s.key.slice(ctx.sb.ns.length),
            f ? f.length.toLocaleString('en-US') : '-',
            formatBytes(s.bytes),
            f && f.length ? `${(s.bytes / f.length).toFixed(0)} B` : '-',
          ];
        }),
      );
      const ev = sizes.find((s) => s.key === ctx.key(K.events));
      const rc = sizes.find((s) => s.key === ctx.key(K.render));
      const evLen = facts.get(ctx.key(K.events))?.length ?? 0;
      const rcLen = facts.get(ctx.key(K.render))?.length ?? 0;
      if (ev && rc) {
        ctx.say(
          `${short(ctx, rc.key)} has ${(evLen / Math.max(1, rcLen)).toFixed(0)}× fewer elements than ${short(ctx, ev.key)} and uses ` +
            `${(rc.bytes / Math.max(1, ev.bytes)).toFixed(1)}× its memory. Walking ${count(sizes.length, 'key')} with MEMORY USAGE took ` +
            `${took.toFixed(0)} ms: redis-cli --memkeys does this, and \`redis-learn analyze\` too, paced for a shared server.`,
        );
      }
      // MEMORY USAGE samples 5 elements of a collection by default; SAMPLES 0 counts them all.
      await ctx.redis.call('MEMORY', 'USAGE', ctx.key(K.render));
      await ctx.redis.call('MEMORY', 'USAGE', ctx.key(K.render), 'SAMPLES', '0');
    },
  },
  {
    id: 'hotkey',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => incidentState(ctx, { slowlog: 'fixed', answer: 'hot-key' }),
    check: expanded(all(custom('an LFU policy, and the hot key measured with OBJECT FREQ and recorded', hotKeyRecorded))),
    hints: [
      'OBJECT FREQ reads the access counter Redis keeps only under an LFU maxmemory-policy. Switch, give the traffic a second, then measure the featured products.',
      'CONFIG SET maxmemory-policy allkeys-lfu   OBJECT FREQ {ns}observability:product:<id>   SET {ns}observability:answer:hot-key <key name>',
    ],
    solution: [
      'CONFIG SET maxmemory-policy allkeys-lfu',
      `OBJECT FREQ {ns}observability:product:${FEATURED[0]}`,
      `OBJECT FREQ {ns}observability:product:${HOT_PRODUCT}`,
      `SET {ns}observability:answer:hot-key {ns}observability:product:${HOT_PRODUCT}`,
    ],
    wrong: [
      // An LRU policy: OBJECT FREQ refuses, and the answer is a guess.
      [
        'CONFIG SET maxmemory-policy allkeys-lru',
        `OBJECT FREQ {ns}observability:product:${HOT_PRODUCT}`,
        `SET {ns}observability:answer:hot-key {ns}observability:product:${HOT_PRODUCT}`,
      ],
      // The biggest key is not the busiest.
      ['CONFIG SET maxmemory-policy allkeys-lfu', 'SET {ns}observability:answer:hot-key {ns}observability:render-cache'],
      // One product measured, the first one taken.
      [
        'CONFIG SET maxmemory-policy allkeys-lfu',
        `OBJECT FREQ {ns}observability:product:${FEATURED[0]}`,
        `SET {ns}observability:answer:hot-key {ns}observability:product:${FEATURED[0]}`,
      ],
    ],
  },
  {
    id: 'hotkeys-scan',
    kind: 'code',
    async run(ctx) {
      const app = await ensureApp(ctx);
      const policy = await configGet(ctx.unrecorded, 'maxmemory-policy');
      if (!policy.includes('lfu')) await ctx.redis.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      const before = app.stats.hotGets;
      const t0 = performance.now();
      // Counters grow logarithmically: give the traffic a second under LFU.
      await sleep(1000);
      const freqs = await freqByKey(ctx.unrecorded);
      const rate = ((app.stats.hotGets - before) / ((performance.now() - t0) / 1000)).toFixed(0);
      ctx.table(
        ['key (redis-cli --hotkeys order)', 'OBJECT FREQ'],
        freqs.slice(0, 6).map((f) => [short(ctx, f.key), f.freq]),
      );
      await ctx.redis.call('OBJECT', 'FREQ', ctx.key(K.product(HOT_PRODUCT)));
      await ctx.redis.call('OBJECT', 'FREQ', ctx.key(K.product(FEATURED[0])));
      ctx.say(
        `The hot key was read ${rate} times a second meanwhile; OBJECT FREQ is a logarithmic counter (0–255, lfu-log-factor 10), ` +
          `so a key read thousands of times a second scores in the tens, not in the thousands, and it decays by one per idle ` +
          `minute (lfu-decay-time 1). Back to the lab's policy:`,
      );
      await ctx.redis.config('SET', 'maxmemory-policy', 'noeviction');
    },
  },
];
