// Graph relationships in sets: follows in both directions, mutual friends, friends of friends ranked by how many
// friends lead to them; then two exercises, mutual friends with SINTERSTORE and suggestions with SUNIONSTORE + SDIFFSTORE.
import { all, builtOnServer, custom, keysWrittenBy, ranCommands } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { followUser, friendsOfFriends, graphKeys, mutualFriends, rankedFriendSuggestions } from '../../patterns/index.js';
import { SOCIAL } from './shared.js';

const GRAPH = 'probabilistic:graph';
const SOCIAL_PREFIX = 'probabilistic:social';
const following = (user: string) => `${SOCIAL_PREFIX}:following:${user}`;
const MUTUAL = `${SOCIAL_PREFIX}:mutual:bob:carol`;
const SUGGEST = `${SOCIAL_PREFIX}:suggest:bob`;
const TMP = `${SOCIAL_PREFIX}:tmp:bob`;

const USERS = [...new Set(Object.entries(SOCIAL).flatMap(([u, fs]) => [u, ...fs]))].sort();
const FOLLOWS = Object.entries(SOCIAL).flatMap(([u, fs]) => fs.map((f) => [u, f] as const));

/** What the exercises must produce, from the graph as set up. */
const followsOf = (u: string) => SOCIAL[u] ?? [];
const MUTUAL_WANT = followsOf('bob')
  .filter((u) => followsOf('carol').includes(u))
  .sort();
const SUGGEST_WANT = [...new Set(followsOf('bob').flatMap(followsOf))].filter((u) => u !== 'bob' && !followsOf('bob').includes(u)).sort();

const setupSocial = (extra: string[]) => (ctx: Parameters<typeof fresh>[0]) =>
  fresh(ctx, [...USERS.map(following), ...extra], async (k) => {
    for (const [user, fs] of Object.entries(SOCIAL)) await ctx.unrecorded.sadd(k(following(user)), ...fs);
  });

const listed = (xs: readonly string[]) => `{${xs.join(', ')}}`;

export const graphSteps: StepSpec[] = [
  {
    id: 'graph',
    kind: 'code',
    async run(ctx) {
      const prefix = ctx.key(GRAPH);
      const keys = [
        ...USERS.flatMap((u) => Object.values(graphKeys(ctx.redis, prefix, u))),
        `${prefix}:fof:alice`,
        `${prefix}:fof-ranked:alice`,
      ];
      await ctx.claim(keys);
      await ctx.unrecorded.unlink(...keys);
      const [first, ...rest] = FOLLOWS;
      await followUser(ctx.redis, prefix, first![0], first![1]);
      for (const [a, b] of rest) await followUser(ctx.unrecorded, prefix, a, b);
      ctx.say(`and ${rest.length} more follows like it, unprinted. Then the questions:`);
      const mutual = await mutualFriends(ctx.redis, prefix, 'alice', 'bob');
      const fof = await friendsOfFriends(ctx.redis, prefix, 'alice');
      const ranked = await rankedFriendSuggestions(ctx.redis, prefix, 'alice', 3);
      ctx.table(
        ['question', 'answer'],
        [
          ['alice follows', listed(await ctx.unrecorded.smembers(graphKeys(ctx.redis, prefix, 'alice').following).then((x) => x.sort()))],
          ['who both alice and bob follow', listed(mutual)],
          ['followed by alice’s friends, not yet by alice', listed(fof)],
          ['the same, ranked by friends in common', ranked.map((s) => `${s.user} (${s.mutual})`).join(', ')],
          ['who follows erin', listed(await ctx.unrecorded.smembers(graphKeys(ctx.redis, prefix, 'erin').followers).then((x) => x.sort()))],
        ],
      );
    },
  },
  {
    id: 'graph-mutual',
    kind: 'exercise',
    points: 2,
    setup: setupSocial([MUTUAL]),
    check: expanded(
      all(
        custom(`{ns}${MUTUAL} = the accounts both bob and carol follow`, async (ctx) => {
          const dest = ctx.key(MUTUAL);
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'set') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const got = (await ctx.unrecorded.smembers(dest)).sort();
          if (got.join() === MUTUAL_WANT.join()) return { pass: true, actual: `${dest} = ${listed(got)}` };
          const either = [...new Set([...followsOf('bob'), ...followsOf('carol')])].sort();
          return {
            pass: false,
            actual: `${dest} = ${listed(got)}, want ${listed(MUTUAL_WANT)}${
              got.join() === either.join() ? ': that is everyone either of them follows (a union); mutual means both (an intersection)' : ''
            }`,
          };
        }),
        builtOnServer(MUTUAL, 'SINTERSTORE'),
      ),
    ),
    hints: ['The answer is the intersection of two following sets, and one command stores it.', 'SINTERSTORE destination key [key …]'],
    solution: [`SINTERSTORE {ns}${MUTUAL} {ns}${following('bob')} {ns}${following('carol')}`],
    wrong: [
      // The union: anyone either of them follows.
      [`SUNIONSTORE {ns}${MUTUAL} {ns}${following('bob')} {ns}${following('carol')}`],
      // Read, intersected by eye, typed back.
      [`SMEMBERS {ns}${following('bob')}`, `SMEMBERS {ns}${following('carol')}`, `SADD {ns}${MUTUAL} ${MUTUAL_WANT.join(' ')}`],
    ],
  },
  {
    id: 'graph-fof',
    kind: 'exercise',
    points: 3,
    setup: setupSocial([SUGGEST, TMP]),
    check: expanded(
      all(
        custom(`{ns}${SUGGEST} = followed by someone bob follows, not by bob yet, without bob`, async (ctx) => {
          const dest = ctx.key(SUGGEST);
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'set') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const got = (await ctx.unrecorded.smembers(dest)).sort();
          if (got.join() === SUGGEST_WANT.join()) return { pass: true, actual: `${dest} = ${listed(got)}` };
          const problems: string[] = [];
          const already = got.filter((u) => followsOf('bob').includes(u));
          if (already.length) problems.push(`bob already follows ${already.join(', ')} (SDIFFSTORE against his following set)`);
          if (got.includes('bob')) problems.push('bob himself is in it (SREM him)');
          const missing = SUGGEST_WANT.filter((u) => !got.includes(u));
          if (missing.length) problems.push(`${missing.join(', ')} missing`);
          return { pass: false, actual: `${dest} = ${listed(got)}${problems.length ? `: ${problems.join('; ')}` : ''}` };
        }),
        builtOnServer(SUGGEST, 'SUNIONSTORE and SDIFFSTORE'),
        custom('no temporary key left without a TTL', async (ctx) => {
          const keep = new Set([ctx.key(SUGGEST), ...USERS.map((u) => ctx.key(following(u)))]);
          const temps = [...new Set(ranCommands(ctx.history).flatMap(keysWrittenBy))].filter(
            (k) => k.startsWith(ctx.key(`${SOCIAL_PREFIX}:`)) && !keep.has(k),
          );
          for (const k of temps) {
            if ((await ctx.unrecorded.pttl(k)) === -1)
              return { pass: false, actual: `${k} is still there with no TTL: UNLINK it once the suggestions are stored` };
          }
          return { pass: true, actual: temps.length ? `${temps.join(', ')} cleaned up` : 'no temporary key' };
        }),
      ),
    ),
    hints: [
      'Three set operations: the union of the following sets of everyone bob follows, minus bob’s own following set, minus bob.',
      `SUNIONSTORE tmp key [key …] · SDIFFSTORE destination tmp {ns}${following('bob')} · SREM destination bob · UNLINK tmp`,
    ],
    solution: [
      `SUNIONSTORE {ns}${TMP} ${followsOf('bob')
        .map((u) => `{ns}${following(u)}`)
        .join(' ')}`,
      `SDIFFSTORE {ns}${SUGGEST} {ns}${TMP} {ns}${following('bob')}`,
      `SREM {ns}${SUGGEST} bob`,
      `UNLINK {ns}${TMP}`,
    ],
    wrong: [
      // The union alone: people bob already follows, and bob himself.
      [
        `SUNIONSTORE {ns}${SUGGEST} ${followsOf('bob')
          .map((u) => `{ns}${following(u)}`)
          .join(' ')}`,
      ],
      // Bob's own follows removed, bob himself forgotten.
      [
        `SUNIONSTORE {ns}${TMP} ${followsOf('bob')
          .map((u) => `{ns}${following(u)}`)
          .join(' ')}`,
        `SDIFFSTORE {ns}${SUGGEST} {ns}${TMP} {ns}${following('bob')}`,
        `UNLINK {ns}${TMP}`,
      ],
      // Right answer, temporary set left behind forever.
      [
        `SUNIONSTORE {ns}${TMP} ${followsOf('bob')
          .map((u) => `{ns}${following(u)}`)
          .join(' ')}`,
        `SDIFFSTORE {ns}${SUGGEST} {ns}${TMP} {ns}${following('bob')}`,
        `SREM {ns}${SUGGEST} bob`,
      ],
      // Typed by hand.
      [`SADD {ns}${SUGGEST} ${SUGGEST_WANT.join(' ')}`],
    ],
  },
];
