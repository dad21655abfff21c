// Section 6 of the simple lesson: key names as the schema, and walking the keyspace with SCAN instead of KEYS.
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { scanAll } from '../../patterns/simple-scan.js';

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
      const keys = await ctx.unrecorded.dbsize();
      // A few pages on any keyspace: small enough to show cursor steps here, bounded on a big server.
      const batch = Math.min(1000, Math.max(5, Math.ceil(keys / 4)));
      ctx.say(`this database holds ${count(keys, 'key')}; walking it with SCAN … MATCH {ns}user:* COUNT ${batch}`);
      const say = sayPageLimited(ctx, 8);
      const res = await scanAll(ctx.redis, ctx.key('user:*'), batch, (p) =>
        say(`cursor ${p.cursor.padEnd(6)} → next ${p.next.padEnd(6)} ${count(p.keys.length, 'matching key')}`),
      );
      ctx.say(
        `${count(res.pages.length, 'call')}, ${count(res.keys.length, 'distinct key')}` +
          (res.duplicates ? `, ${res.duplicates} returned twice (deduplicated)` : ', no duplicates this time'),
      );
      ctx.table(
        ['key'],
        res.keys.map((k) => [k]),
      );
    },
  },
];
