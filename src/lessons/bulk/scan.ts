// The bulk lesson's KEYS vs SCAN step: both walks measured on the server, then cursor pages inside big keys.
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { cityIndexKey, commandStats, salaryIndexKey, timeKeys, walkCursor } from './lib/indexes.js';
import { CITIES } from './lib/users.js';
import { fmt, ms } from './shared.js';

export const scanSteps: StepSpec[] = [
  {
    id: 'scan',
    kind: 'code',
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
];
