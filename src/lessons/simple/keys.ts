// Section 6 of the simple lesson: key names as the schema, and walking the keyspace with SCAN instead of KEYS.
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { scanPages } from '../../patterns/index.js';

/** Says the first `limit` lines, then one "more pages" line, then nothing: a long SCAN stays a few lines on screen. */
function sayPageLimited(ctx: LessonContext, limit: number) {
  let shown = 0;
  return (line: string) => {
    if (shown < limit) ctx.say(line);
    else if (shown === limit) ctx.say('… (more pages, not shown)');
    shown++;
  };
}

export const keySteps: StepSpec[] = [
  {
    id: 'naming-and-scan',
    kind: 'code',
    async run(ctx) {
      const total = await ctx.unrecorded.dbsize();
      // A few pages on any keyspace: small enough to show cursor steps here, bounded on a big server.
      const batch = Math.min(1000, Math.max(5, Math.ceil(total / 4)));
      ctx.say(`this database holds ${count(total, 'key')}; walking it with SCAN … MATCH {ns}user:* COUNT ${batch}`);
      const say = sayPageLimited(ctx, 8);
      let calls = 0;
      let duplicates = 0;
      const seen = new Set<string>();
      for await (const p of scanPages(ctx.redis, { match: ctx.key('user:*'), count: batch })) {
        calls++;
        say(`cursor ${p.cursor.padEnd(6)} → next ${p.next.padEnd(6)} ${count(p.items.length, 'matching key')}`);
        for (const k of p.items) {
          if (seen.has(k)) duplicates++;
          seen.add(k);
        }
      }
      const keys = [...seen].sort();
      ctx.say(
        `${count(calls, 'call')}, ${count(keys.length, 'distinct key')}` +
          (duplicates ? `, ${duplicates} returned twice (deduplicated)` : ', no duplicates this time'),
      );
      ctx.table(
        ['key'],
        keys.map((k) => [k]),
      );
    },
  },
];
