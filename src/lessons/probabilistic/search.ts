// Full-text search with an inverted index of sets (the Query Engine next to it when the server has it), the index
// against a SCAN + GET substring search over 500 products (keys read, commands, wrong hits), and an exercise that
// indexes a document by hand and answers a two-word query with SINTERSTORE.
import { all, builtOnServer, custom, keysWrittenBy, ranCommands } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { searchByScan } from '../../antipatterns/probabilistic.js';
import {
  createSearchIndex,
  searchIndexKeys,
  splitSearchTags,
  tokenizeText,
  type SearchDocument,
  type SearchIndexOptions,
} from '../../patterns/index.js';
import { mulberry32 } from '../../util/random.js';
import { coreOnly, modulesOf, NEW_DOC, SHOP_DOCS } from './shared.js';

const ARTICLES: readonly [string, SearchDocument][] = [
  ['a1', { title: 'Red wool socks', body: 'Warm socks knitted from merino wool', category: 'socks' }],
  ['a2', { title: 'Blue wool scarf', body: 'A long scarf in soft wool', category: 'scarves' }],
  ['a3', { title: 'Red cotton scarf', body: 'A light scarf for the spring', category: 'scarves' }],
  ['a4', { title: 'Wool hat with a red pompom', body: 'Chunky wool, knitted by hand', category: 'hats' }],
];
const ARTICLE_FIELDS: SearchIndexOptions['fields'] = { title: 'text', body: 'text', category: 'tag' };

/** The keys an index will write for these documents (core backend), to claim them before writing. */
function indexKeys(ctx: LessonContext, prefix: string, docs: readonly [string, SearchDocument][], textFields: string[]): string[] {
  const keys = searchIndexKeys(ctx.redis, prefix);
  const out = new Set<string>();
  for (const [id, doc] of docs) {
    out.add(keys.terms(id));
    out.add(keys.doc(id));
    const text = textFields.map((f) => doc[f] ?? '').join(' ');
    for (const t of tokenizeText(text)) out.add(keys.term(t));
    if (doc.category !== undefined) for (const tag of splitSearchTags(doc.category)) out.add(keys.tag('category', tag));
  }
  return [...out];
}

// ── The catalogue the scan is compared on ──────────────────────────────────────────────────────────────────────
const CATALOGUE_SIZE = 500;
const COLOURS = ['red', 'blue', 'green', 'black', 'white', 'grey', 'navy'];
const MATERIALS = ['wool', 'cotton', 'linen', 'silk', 'leather', 'cashmere'];
const ITEMS = ['socks', 'scarf', 'sweater', 'hat', 'gloves', 'jacket', 'blanket'];
/** Phrases whose words contain "red" or "wool" inside them: a substring search finds them, a word index does not. */
const EXTRAS = ['tailored fit', 'hundred pack', 'coloured trim', 'woolly look', 'shredded paper packing', 'slim fit', 'gift box'];

function catalogue(): [string, string][] {
  const random = mulberry32(14);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: CATALOGUE_SIZE }, (_, i) => {
    const title = `${pick(COLOURS)} ${pick(MATERIALS)} ${pick(ITEMS)}`;
    return [`p-${String(i + 1).padStart(3, '0')}`, random() < 0.4 ? `${title}, ${pick(EXTRAS)}` : title];
  });
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

const SHOP = 'probabilistic:shop';
const term = (t: string) => `${SHOP}:idx:${t}`;
const RESULT = `${SHOP}:result:red-wool`;

export const searchSteps: StepSpec[] = [
  {
    id: 'search-index',
    kind: 'code',
    async run(ctx) {
      const prefix = ctx.key('probabilistic:search');
      const modulePrefix = ctx.key('probabilistic:search-ft');
      const keys = [
        ...indexKeys(ctx, prefix, ARTICLES, ['title', 'body']),
        ...indexKeys(ctx, modulePrefix, ARTICLES, []).filter((k) => k.includes(':doc:')),
      ];
      await ctx.claim(keys);
      await ctx.unrecorded.unlink(...keys);
      const index = await createSearchIndex(ctx.redis, prefix, { fields: ARTICLE_FIELDS, backend: 'core' });
      for (const [id, doc] of ARTICLES) await index.index(id, doc);
      const queries: [string, string, Record<string, string> | undefined][] = [
        ['red wool', 'red wool', undefined],
        ['scarf, category scarves', 'scarf', { category: 'scarves' }],
        ['the', 'the', undefined],
      ];
      const rows: string[][] = [];
      for (const [label, q, tags] of queries) rows.push([label, (await index.search(q, { tags })).join(', ') || '(none)']);
      await index.remove('a4');
      rows.push(['red wool, after removing a4', (await index.search('red wool')).join(', ') || '(none)']);
      const modules = await modulesOf(ctx);
      if (modules.search) {
        const ft = await createSearchIndex(ctx.redis, modulePrefix, { fields: ARTICLE_FIELDS, backend: 'module' });
        for (const [id, doc] of ARTICLES) await ft.index(id, doc);
        for (const [i, [, q, tags]] of queries.entries()) rows[i]!.push((await ft.search(q, { tags })).join(', ') || '(none)');
        await ft.remove('a4');
        rows[3]!.push((await ft.search('red wool')).join(', ') || '(none)');
        // The Query Engine's index is not a key: drop it here (its document hashes stay until reset).
        await ctx.redis.call('FT.DROPINDEX', searchIndexKeys(ctx.redis, modulePrefix).ftIndex);
      }
      ctx.table(['query', 'sets of words (SINTER)', ...(modules.search ? ['Query Engine (FT.SEARCH)'] : [])], rows);
      if (!modules.search) coreOnly(ctx, 'search', 'FT.CREATE … ON HASH PREFIX … SCHEMA title TEXT, FT.SEARCH idx "red wool"');
      ctx.say('"the" finds nothing: stop words are never indexed, because every document has them');
    },
  },
  {
    id: 'search-vs-scan',
    kind: 'code',
    async run(ctx) {
      const prefix = ctx.key('probabilistic:catalogue');
      const docKey = (id: string) => ctx.key(`probabilistic:catalogue:doc:${id}`);
      const docs = catalogue();
      const keys = [
        ...docs.map(([id]) => docKey(id)),
        ...indexKeys(
          ctx,
          prefix,
          docs.map(([id, title]) => [id, { title }]),
          ['title'],
        ),
      ];
      await ctx.claim(keys);
      await ctx.unrecorded.unlink(...keys);
      const opts: SearchIndexOptions = { fields: { title: 'text' }, backend: 'core' };
      const quiet = await createSearchIndex(ctx.unrecorded, prefix, opts);
      await ctx.unrecorded.mset(...docs.flatMap(([id, title]) => [docKey(id), title]));
      for (let i = 0; i < docs.length; i += 50) {
        await Promise.all(docs.slice(i, i + 50).map(([id, title]) => quiet.index(id, { title })));
      }
      ctx.say(
        `${docs.length} products stored as strings under {ns}probabilistic:catalogue:doc:<id> and indexed word by word (unprinted); the query is "red wool":`,
      );
      const index = await createSearchIndex(ctx.redis, prefix, opts);
      let t0 = process.hrtime.bigint();
      const exact = await index.search('red wool');
      const indexMs = ms(t0);
      t0 = process.hrtime.bigint();
      const naive = await searchByScan(ctx.redis, `${ctx.key('probabilistic:catalogue:doc:')}*`, 'red wool');
      const scanMs = ms(t0);
      ctx.table(
        ['search', 'results', 'keys read', 'commands', 'time'],
        [
          ['inverted index (SINTER)', exact.length, 2, 1, `${indexMs.toFixed(1)} ms`],
          ['SCAN + GET + substring', naive.ids.length, naive.keysRead, naive.commands, `${scanMs.toFixed(1)} ms`],
        ],
      );
      const titles = new Map(docs);
      const wrongHits = naive.ids.filter((id) => !exact.includes(id));
      const missed = exact.filter((id) => !naive.ids.includes(id));
      ctx.say(
        `the scan read every product to answer one query, and ${wrongHits.length} of its ${naive.ids.length} hits have no word "red" or no word "wool", e.g. ` +
          wrongHits
            .slice(0, 3)
            .map((id) => `${id} "${titles.get(id)}"`)
            .join(', ') +
          `; it missed ${missed.length}. The index read the two sets it needed; SINTER walks the smaller one and looks each id up in the other.`,
      );
    },
  },
  {
    id: 'search-and',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(
        ctx,
        [
          ...new Set([
            ...SHOP_DOCS.flatMap(([, title]) => tokenizeText(title).map(term)),
            ...NEW_DOC.terms.map(term),
            term('for'),
            term('the'),
            term('Red'),
            RESULT,
          ]),
        ],
        async () => {
          for (const [id, title] of SHOP_DOCS) for (const t of tokenizeText(title)) await ctx.unrecorded.sadd(ctx.key(term(t)), id);
        },
      ),
    check: expanded(
      all(
        custom(`${NEW_DOC.id} indexed under ${NEW_DOC.terms.join(', ')} (lower case, no stop words)`, async (ctx) => {
          const missing: string[] = [];
          for (const t of NEW_DOC.terms) if (!(await ctx.unrecorded.sismember(ctx.key(term(t)), NEW_DOC.id))) missing.push(t);
          const written = ranCommands(ctx.history)
            .flatMap((c) => keysWrittenBy(c))
            .filter((k) => k.startsWith(ctx.key(`${SHOP}:idx:`)));
          const stray = [...new Set(written)]
            .map((k) => k.slice(ctx.key(`${SHOP}:idx:`).length))
            .filter((t) => !NEW_DOC.terms.includes(t) && !SHOP_DOCS.some(([, title]) => tokenizeText(title).includes(t)));
          if (stray.some((t) => t !== t.toLowerCase())) {
            return {
              pass: false,
              actual: `you wrote ${stray.map((t) => `{ns}${term(t)}`).join(', ')}: the index holds lower-cased words, and a query for "red" reads {ns}${term('red')}`,
            };
          }
          if (stray.some((t) => t === 'for' || t === 'the')) {
            return {
              pass: false,
              actual: `${stray.map((t) => `{ns}${term(t)}`).join(', ')}: "for" and "the" are stop words, left out of the index because nearly every document has them`,
            };
          }
          if (missing.length)
            return { pass: false, actual: `${NEW_DOC.id} is not yet in ${missing.map((t) => `{ns}${term(t)}`).join(', ')}` };
          return { pass: true, actual: `${NEW_DOC.id} is in ${NEW_DOC.terms.map((t) => `{ns}${term(t)}`).join(', ')}` };
        }),
        custom(`{ns}${RESULT} = the ids under both "red" and "wool"`, async (ctx) => {
          const dest = ctx.key(RESULT);
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'set') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const [red, wool] = [ctx.key(term('red')), ctx.key(term('wool'))];
          const want = (await ctx.unrecorded.sinter(red, wool)).sort();
          const got = (await ctx.unrecorded.smembers(dest)).sort();
          if (got.join() === want.join()) return { pass: true, actual: `${dest} = {${got.join(', ')}}` };
          const either = (await ctx.unrecorded.sunion(red, wool)).sort();
          const why =
            got.join() === either.join()
              ? ': that is red OR wool (a union); a two-word query wants documents with both words, an intersection'
              : want.some((id) => !got.includes(id))
                ? `: ${want.filter((id) => !got.includes(id)).join(', ')} missing (was the result stored before ${NEW_DOC.id} was indexed?)`
                : '';
          return { pass: false, actual: `${dest} = {${got.join(', ')}}, want {${want.join(', ')}}${why}` };
        }),
        builtOnServer(RESULT, 'SINTERSTORE'),
      ),
    ),
    hints: [
      `One SADD per word puts ${NEW_DOC.id} in that word's set; then one command intersects the "red" and "wool" sets into the result key.`,
      'SADD key member · SINTERSTORE destination key [key …]',
    ],
    solution: [
      ...NEW_DOC.terms.map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
      `SINTERSTORE {ns}${RESULT} {ns}${term('red')} {ns}${term('wool')}`,
    ],
    wrong: [
      // OR instead of AND.
      [
        ...NEW_DOC.terms.map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
        `SUNIONSTORE {ns}${RESULT} {ns}${term('red')} {ns}${term('wool')}`,
      ],
      // The query answered before the document was indexed.
      [
        `SINTERSTORE {ns}${RESULT} {ns}${term('red')} {ns}${term('wool')}`,
        ...NEW_DOC.terms.map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
      ],
      // Indexed as typed in the title: "Red" is a different set from "red".
      [
        `SADD {ns}${term('Red')} ${NEW_DOC.id}`,
        ...NEW_DOC.terms.slice(1).map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
        `SINTERSTORE {ns}${RESULT} {ns}${term('red')} {ns}${term('wool')}`,
      ],
      // Every word indexed, stop words too.
      [
        ...[...NEW_DOC.terms, 'for', 'the'].map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
        `SINTERSTORE {ns}${RESULT} {ns}${term('red')} {ns}${term('wool')}`,
      ],
      // The answer read and typed back.
      [
        ...NEW_DOC.terms.map((t) => `SADD {ns}${term(t)} ${NEW_DOC.id}`),
        `SINTER {ns}${term('red')} {ns}${term('wool')}`,
        `SADD {ns}${RESULT} sku-1 sku-4 sku-5`,
      ],
    ],
  },
];
