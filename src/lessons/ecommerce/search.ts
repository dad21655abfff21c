// Search: autocomplete from lexicographic ranges of a sorted set, facets as sets combined on the server, and an
// exercise that mixes OR and AND and cleans up its temporary key.
import { all, builtOnServer, custom, keysWrittenBy, ranCommands } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';

export const searchSteps: StepSpec[] = [
  {
    id: 'autocomplete',
    kind: 'run',
    commands: [
      'ZADD {ns}autocomplete:products 0 lamp 0 lamp-shade 0 lantern 0 laptop 0 laptop-bag 0 laptop-stand 0 lawn-chair 0 desk 0 desk-lamp',
      'ZRANGEBYLEX {ns}autocomplete:products [lap (laq',
      'ZRANGE {ns}autocomplete:products [lam (lan BYLEX LIMIT 0 5',
      'ZLEXCOUNT {ns}autocomplete:products [la (lb',
    ],
  },
  {
    id: 'facets',
    kind: 'run',
    commands: [
      'SADD {ns}facet:color:red PROD-1 PROD-2 PROD-5 PROD-8 PROD-9',
      'SADD {ns}facet:color:blue PROD-3 PROD-4 PROD-6',
      'SADD {ns}facet:size:m PROD-1 PROD-3 PROD-5 PROD-7 PROD-8',
      'SADD {ns}facet:brand:acme PROD-1 PROD-4 PROD-5 PROD-9',
      'SINTER {ns}facet:color:red {ns}facet:size:m',
      'SINTERCARD 3 {ns}facet:color:red {ns}facet:size:m {ns}facet:brand:acme',
      'SINTERCARD 2 {ns}facet:color:red {ns}facet:size:m LIMIT 1',
    ],
  },
  {
    id: 'facet-filter',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => fresh(ctx, ['search:result:redblue-m'], () => Promise.resolve(undefined)),
    check: expanded(
      all(
        custom('{ns}search:result:redblue-m = (facet:color:red ∪ facet:color:blue) ∩ facet:size:m', async (ctx) => {
          const dest = ctx.key('search:result:redblue-m');
          const type = await ctx.unrecorded.type(dest);
          if (type === 'none') {
            // An empty result deletes the destination: the usual cause is AND-ing the two colours.
            const empty = ranCommands(ctx.history).find((c) => c.name === 'SINTERSTORE' && c.args[1] === dest && Number(c.reply) === 0);
            return {
              pass: false,
              actual: empty
                ? `${dest} does not exist: ${empty.name} found nothing, because no product is red AND blue — the colours are a union (OR)`
                : `${dest} does not exist`,
            };
          }
          if (type !== 'set') return { pass: false, actual: `${dest} is a ${type}` };
          const colours = new Set(await ctx.unrecorded.sunion(ctx.key('facet:color:red'), ctx.key('facet:color:blue')));
          const want = (await ctx.unrecorded.smembers(ctx.key('facet:size:m'))).filter((p) => colours.has(p)).sort();
          const got = (await ctx.unrecorded.smembers(dest)).sort();
          const sizes = new Set(await ctx.unrecorded.smembers(ctx.key('facet:size:m')));
          const why = got.some((p) => !sizes.has(p))
            ? ' — some are not size M: the size must be intersected (AND), only the colours are a union (OR)'
            : got.some((p) => !colours.has(p))
              ? ' — some are neither red nor blue'
              : '';
          return { pass: got.join(',') === want.join(','), actual: `${dest} = {${got.join(', ')}} (want {${want.join(', ')}})${why}` };
        }),
        builtOnServer('search:result:redblue-m', 'SUNIONSTORE and SINTERSTORE'),
        custom('no temporary key left behind without a TTL', async (ctx) => {
          const dest = ctx.key('search:result:redblue-m');
          const prefix = ctx.key('search:');
          const temps = [...new Set(ranCommands(ctx.history).flatMap((c) => keysWrittenBy(c)))].filter(
            (k) => k.startsWith(prefix) && k !== dest,
          );
          for (const k of temps) {
            if ((await ctx.unrecorded.pttl(k)) === -1) {
              return {
                pass: false,
                actual: `${k} is still there with no TTL: UNLINK it once the result is stored (or give it a short TTL)`,
              };
            }
          }
          return { pass: true, actual: temps.length ? `${temps.join(', ')} cleaned up` : 'no temporary key' };
        }),
      ),
    ),
    hints: [
      'Two steps: first the OR of the colours into a temporary set, then the AND of that with the size.',
      'SUNIONSTORE tmp red blue · SINTERSTORE destination tmp size   (then UNLINK tmp)',
    ],
    solution: [
      'SUNIONSTORE {ns}search:tmp:colours {ns}facet:color:red {ns}facet:color:blue',
      'SINTERSTORE {ns}search:result:redblue-m {ns}search:tmp:colours {ns}facet:size:m',
      'UNLINK {ns}search:tmp:colours',
    ],
    wrong: [
      // Everything AND-ed: no product is red and blue at once.
      ['SINTERSTORE {ns}search:result:redblue-m {ns}facet:color:red {ns}facet:color:blue {ns}facet:size:m'],
      // Everything OR-ed: any red, any blue, any size M.
      ['SUNIONSTORE {ns}search:result:redblue-m {ns}facet:color:red {ns}facet:color:blue {ns}facet:size:m'],
      // Right result, but the temporary set stays forever.
      [
        'SUNIONSTORE {ns}search:tmp:colours {ns}facet:color:red {ns}facet:color:blue',
        'SINTERSTORE {ns}search:result:redblue-m {ns}search:tmp:colours {ns}facet:size:m',
      ],
      // Computed in the app: read the sets, type the answer back.
      [
        'SUNION {ns}facet:color:red {ns}facet:color:blue',
        'SMEMBERS {ns}facet:size:m',
        'SADD {ns}search:result:redblue-m PROD-1 PROD-3 PROD-5 PROD-8',
      ],
    ],
  },
];
