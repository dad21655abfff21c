// Autocomplete for a "find a player" box: names at score 0 read by lexicographic range, a popular-first index per
// prefix, and an exercise that adds names and stores a prefix's completions on the server.
import { all, builtOnServer, custom } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { addCompletions, completePrefix, recordPopularCompletion, suggestPopular } from '../../patterns/index.js';
import { showEntries, zsetEntries } from './board.js';

const PLAYERS = ['Mabel', 'Maddox', 'Mae', 'Magnus', 'Malik', 'Mara', 'Marco', 'Mario', 'Mark', 'Marta', 'Mason', 'Max', 'Mia', 'Nadia'];
/** Searches typed in the box: term → times picked. */
const PICKS: [string, number][] = [
  ['mario', 3],
  ['marta', 5],
  ['mark', 2],
  ['mara', 1],
];
const POPULAR = { maxPrefixLength: 4, keepPerPrefix: 3 };

/** The exercise's dictionary, before marta and marlon join. */
const NAMES = ['mabel', 'maddox', 'mae', 'magnus', 'malik', 'mara', 'marco', 'mario', 'mason', 'max', 'mia', 'milo', 'nadia', 'zoe'];
const NEW_NAMES = ['marta', 'marlon'];
const MAR: [string, number][] = ['mara', 'marco', 'mario', 'marlon', 'marta'].map((n) => [n, 0]);

export const autocompleteSteps: StepSpec[] = [
  {
    id: 'autocomplete',
    kind: 'code',
    async run(ctx) {
      const dict = ctx.key('leaderboards:ac:players');
      const base = ctx.key('leaderboards:ac:popular');
      // The popular index writes its score set and one set per prefix of each picked term, up to 4 characters.
      const prefixKeys = [...new Set(PICKS.flatMap(([t]) => [1, 2, 3, 4].map((n) => `${base}:prefix:${t.slice(0, n)}`)))];
      await ctx.claim([dict, `${base}:scores`, ...prefixKeys]);
      await ctx.unrecorded.unlink(dict, `${base}:scores`, ...prefixKeys);
      await addCompletions(ctx.redis, dict, PLAYERS);
      const mar = await completePrefix(ctx.redis, dict, 'mar', 10);
      const ma = await completePrefix(ctx.redis, dict, 'Ma', 4);
      ctx.say(`"mar" → ${mar.join(', ')}`);
      ctx.say(`"Ma" (folded to "ma"), LIMIT 4 → ${ma.join(', ')}: alphabetical, not by how often anyone picks them`);
      for (const [term, by] of PICKS) await recordPopularCompletion(ctx.redis, base, term, { ...POPULAR, by });
      const best = await suggestPopular(ctx.redis, base, 'mar', 3, POPULAR);
      ctx.table(
        ['"mar", most picked first', 'picks'],
        best.map((s) => [s.term, s.score]),
      );
      const kept = await ctx.unrecorded.zrange(`${base}:prefix:mar`, '0', '-1');
      ctx.say(`${base}:prefix:mar keeps only the best ${POPULAR.keepPerPrefix} (${kept.join(', ')}): mara was trimmed off.`);
    },
  },
  {
    id: 'autocomplete-prefix',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['leaderboards:ac:names', 'leaderboards:ac:mar'], (k) =>
        ctx.unrecorded.zadd(k('leaderboards:ac:names'), ...NAMES.flatMap((n) => ['0', n])),
      ),
    check: expanded(
      all(
        custom('marta and marlon in {ns}leaderboards:ac:names with score 0', async (ctx) => {
          const key = ctx.key('leaderboards:ac:names');
          for (const name of NEW_NAMES) {
            const s = await ctx.unrecorded.zscore(key, name);
            if (s === null) return { pass: false, actual: `${name} is not in ${key}` };
            if (Number(s) !== 0) {
              return {
                pass: false,
                actual: `${name} has score ${s}: lexicographic ranges are only defined when every member has the same score (0 here)`,
              };
            }
          }
          return { pass: true, actual: 'marta and marlon added with score 0' };
        }),
        custom(`{ns}leaderboards:ac:mar = ${showEntries(MAR)}`, async (ctx) => {
          const dest = ctx.key('leaderboards:ac:mar');
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const got = await zsetEntries(ctx, dest);
          const names = got.map(([m]) => m);
          const why =
            showEntries(got) === showEntries(MAR)
              ? ''
              : names.some((n) => !n.startsWith('mar'))
                ? ': some of these do not start with "mar"'
                : names.length < MAR.length
                  ? ': a name starting with "mar" is missing (were marta and marlon added, at score 0, before the range was stored?)'
                  : '';
          return { pass: why === '' && showEntries(got) === showEntries(MAR), actual: `${dest} = ${showEntries(got)}${why}` };
        }),
        builtOnServer('leaderboards:ac:mar', 'ZRANGESTORE … BYLEX', { oneCommand: true }),
      ),
    ),
    hints: [
      'Add the two names with score 0 first. Then one command stores the range from "[mar" (inclusive) up to "mar" followed by the byte 0xFF.',
      'ZADD key 0 member 0 member · ZRANGESTORE dst src "[mar" "[mar\\xff" BYLEX',
    ],
    solution: [
      'ZADD {ns}leaderboards:ac:names 0 marta 0 marlon',
      'ZRANGESTORE {ns}leaderboards:ac:mar {ns}leaderboards:ac:names "[mar" "[mar\\xff" BYLEX',
    ],
    wrong: [
      // A score range: every name has score 0, so it reads them all.
      ['ZADD {ns}leaderboards:ac:names 0 marta 0 marlon', 'ZRANGEBYSCORE {ns}leaderboards:ac:names 0 0'],
      ['ZADD {ns}leaderboards:ac:names 0 marta 0 marlon', 'ZRANGESTORE {ns}leaderboards:ac:mar {ns}leaderboards:ac:names 0 0 BYSCORE'],
      // New names with another score: they sort after every score-0 name and the lex range misses them.
      [
        'ZADD {ns}leaderboards:ac:names 1 marta 1 marlon',
        'ZRANGESTORE {ns}leaderboards:ac:mar {ns}leaderboards:ac:names "[mar" "[mar\\xff" BYLEX',
      ],
      // Stored before the new names were added.
      [
        'ZRANGESTORE {ns}leaderboards:ac:mar {ns}leaderboards:ac:names "[mar" "[mar\\xff" BYLEX',
        'ZADD {ns}leaderboards:ac:names 0 marta 0 marlon',
      ],
      // Read, filtered in the client, typed back.
      [
        'ZADD {ns}leaderboards:ac:names 0 marta 0 marlon',
        'ZRANGE {ns}leaderboards:ac:names "[mar" "[mar\\xff" BYLEX',
        'ZADD {ns}leaderboards:ac:mar 0 mara 0 marco 0 mario 0 marlon 0 marta',
      ],
    ],
  },
];
